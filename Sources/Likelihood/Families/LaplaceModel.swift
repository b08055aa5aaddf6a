import Dispatch
import Foundation

/// The fitted Laplace model `y = w·x + b + ε`, `ε ~ Laplace(0, s)`: least absolute deviations.
public struct LaplaceFit: LineFit, Equatable {
    public var n: Int
    public var w: Coefficient
    public var b: Coefficient
    /// The MLE of the scale, ŝ = Σ|rᵢ| / n (the mean absolute error at the optimum).
    public var scale: Double
    /// Σ|yᵢ − ŵxᵢ − b̂|, the least sum of absolute deviations.
    public var sumAbsoluteDeviations: Double
    /// log L = −n·log(2ŝ) − n.
    public var logLikelihood: Double
    public var parameterCount: Int { LaplaceModel.parameterCount }
    /// Pivot steps of the exact method (each a line through two data points).
    public var iterations: Int
    public var converged: Bool { true }
    /// The 0-based rows the optimal line passes through.
    public var support: [Int]
    /// The exact method's iterates: the start line, then lines through two data points,
    /// ending at the optimum.
    public var path: [Parameters]
    /// Where the exact method started, in words.
    public var start: String
    /// The corners of the set of optimal lines, in order around it; one point when the
    /// optimum is unique.
    public var optimalSet: [Parameters]
    public var isUnique: Bool { optimalSet.count <= 1 }
    /// Covariance of (ŵ, b̂): ŝ²(XᵀX)⁻¹.
    public var covariance: (ww: Double, wb: Double, bb: Double)

    public func logDensity(x: Double, y: Double) -> Double {
        -log(2 * scale) - abs(y - w.estimate * x - b.estimate) / scale
    }

    public static func == (a: LaplaceFit, b: LaplaceFit) -> Bool {
        a.w == b.w && a.b == b.b && a.scale == b.scale && a.path == b.path && a.optimalSet == b.optimalSet
    }
}

/// Maximum likelihood under Laplace noise.
///
/// For any scale s the negative log-likelihood `n·log(2s) + Σ|rᵢ|/s` is minimised over the
/// line by the least-absolute-deviations line, so the MLE is that line and ŝ = mean |r|.
/// The objective is convex and piecewise linear; an optimum always lies at a vertex, a line
/// through two data points. Wesolowsky's direct descent (1981) finds it exactly: through a
/// pivot point the best slope is a weighted median of the slopes to the other points (weights
/// |xᵢ − x_pivot|); the line found passes through a second point, which becomes the next pivot,
/// until no rotation about any point on the line improves the sum.
public enum LaplaceModel {
    public static let parameterCount = 3

    public static func fit(x: [Double], y: [Double]) throws -> LaplaceFit {
        guard x.count == y.count else { throw FitError.lengthMismatch(x: x.count, y: y.count) }
        let n = x.count
        guard n >= 3 else { throw FitError.tooFewPoints(n: n, needed: 3) }
        let stats = SufficientStatistics(x: x, y: y)
        guard stats.xVaries else { throw FitError.constantPredictor }

        // Start at the point nearest the least-squares line. (Starting nearer, from the exact
        // fit of a sample, was tried: at 10⁷ rows it saved no pivots.)
        let start = Parameters(w: stats.sxy / stats.sxx, b: stats.meanY - stats.sxy / stats.sxx * stats.meanX)
        let startName = "the least-squares line"
        // The first row nearest it (segments on both cores; the earliest row wins a tie).
        let pivot = x.withUnsafeBufferPointer { xs in y.withUnsafeBufferPointer { ys in
            ParallelSum.reduce(count: n, zero: (Double.infinity, 0), { range -> (Double, Int) in
                var nearest = Double.infinity, row = range.lowerBound
                for i in range {
                    let r = abs(ys[i] - start.w * xs[i] - start.b)
                    if r < nearest { nearest = r; row = i }
                }
                return (nearest, row)
            }, combine: { a, b in b.0 < a.0 ? b : a }).1
        } }
        var work = Workspace(capacity: n)
        var line = start
        var best = Double.infinity
        // The path starts at the start line, whose nearest point is the first pivot.
        var path: [Parameters] = [start]
        var support = [pivot]
        var iterations = 0
        var pending = [pivot]
        var tried = Set<Int>()
        while let p = pending.popLast(), iterations < 10_000 {
            FitProgress.note("Laplace: weighted-median pivot \(iterations + 1) over \(x.count) rows")
            let (slope, other) = bestSlope(about: p, x: x, y: y, work: &work)
            let candidate = Parameters(w: slope, b: y[p] - slope * x[p])
            let sad = sumAbsolute(candidate, x: x, y: y)
            // Only a strict improvement moves the line (ties would cycle).
            if sad < best * (1 - 4e-16) || best == .infinity {
                iterations += 1
                best = sad; line = candidate; support = [p, other]
                path.append(candidate)
                pending = [other]
                continue
            }
            if pending.isEmpty {
                // Converged on the two support points: also try rotating about any other point
                // the line passes through (needed only when three or more are collinear on it).
                let extra = zeroResidualRows(line, x: x, y: y, limit: 16).filter { !support.contains($0) && !tried.contains($0) }
                tried.formUnion(extra)
                pending = extra
            }
        }
        let s = best / Double(n)
        guard s > 0, best > 1e-13 * (stats.syy * Double(n)).squareRoot() else { throw FitError.perfectFit }
        let optimal = optimalSet(from: line, best: best, x: x, y: y, work: &work)
        let vww = s * s / stats.sxx
        let vbb = s * s * (1 / Double(n) + stats.meanX * stats.meanX / stats.sxx)
        let vwb = -s * s * stats.meanX / stats.sxx
        let z = Distributions.normalQuantile975
        return LaplaceFit(n: n,
                          w: Coefficient(estimate: line.w, standardError: vww.squareRoot(), quantile: z, pValue: Distributions.normalTwoSidedP),
                          b: Coefficient(estimate: line.b, standardError: vbb.squareRoot(), quantile: z, pValue: Distributions.normalTwoSidedP),
                          scale: s, sumAbsoluteDeviations: best,
                          logLikelihood: -Double(n) * (log(2 * s) + 1),
                          iterations: iterations, support: support.sorted(), path: path, start: startName, optimalSet: optimal,
                          covariance: (vww, vwb, vbb))
    }

    /// Σ|yᵢ − w xᵢ − b|, compensated. - Complexity: O(n).
    /// Segments of rows are summed concurrently (compensated within each) and combined in
    /// order, so the result does not depend on the number of cores.
    public static func sumAbsolute(_ line: Parameters, x: [Double], y: [Double]) -> Double {
        let (total, c) = x.withUnsafeBufferPointer { xs in y.withUnsafeBufferPointer { ys in
          ParallelSum.reduce(count: xs.count, zero: (0.0, 0.0), { range -> (Double, Double) in
            // Four compensated sums side by side (one would wait on its own additions), then
            // folded into one in lane order.
            typealias V = SIMD4<Double>
            var total4 = V(repeating: 0), c4 = V(repeating: 0)
            let w4 = V(repeating: line.w), b4 = V(repeating: line.b)
            var i = range.lowerBound
            while i + 4 <= range.upperBound {
                let r = V(ys[i], ys[i + 1], ys[i + 2], ys[i + 3]) - w4 * V(xs[i], xs[i + 1], xs[i + 2], xs[i + 3]) - b4
                let term = r.replacing(with: -r, where: r .< V(repeating: 0)) - c4
                let next = total4 + term
                c4 = (next - total4) - term
                total4 = next
                i += 4
            }
            var total = 0.0, c = 0.0
            func add(_ v: Double) {
                let term = v - c
                let next = total + term
                c = (next - total) - term
                total = next
            }
            for lane in 0..<4 { add(total4[lane]); add(-c4[lane]) }
            while i < range.upperBound { add(abs(ys[i] - line.w * xs[i] - line.b)); i += 1 }
            return (total, c)
          }, combine: { a, b in
            // Two compensated sums: add b's total to a's, carrying both corrections.
            let term = b.0 - (a.1 + b.1)
            let next = a.0 + term
            return (next, (next - a.0) - term)
          })
        } }
        return total - c
    }

    /// The mean absolute error of a line. - Complexity: O(n).
    public static func meanAbsoluteError(_ line: Parameters, x: [Double], y: [Double]) -> Double {
        sumAbsolute(line, x: x, y: y) / Double(x.count)
    }

    /// The first `limit` rows (in row order) that lie on the line to 10⁻¹² of their terms;
    /// segments of rows on both cores, each keeping its first `limit`.
    static func zeroResidualRows(_ line: Parameters, x: [Double], y: [Double], limit: Int) -> [Int] {
        let found = x.withUnsafeBufferPointer { xs in y.withUnsafeBufferPointer { ys in
            ParallelSum.reduce(count: xs.count, zero: [Int](), { range -> [Int] in
                var rows: [Int] = []
                for i in range {
                    let scale = max(abs(ys[i]), abs(line.w * xs[i]), abs(line.b), 1e-300)
                    if abs(ys[i] - line.w * xs[i] - line.b) <= 1e-12 * scale {
                        rows.append(i)
                        if rows.count >= limit { break }
                    }
                }
                return rows
            }, combine: { a, b in a.count >= limit ? a : a + b.prefix(limit - a.count) })
        } }
        return Array(found.prefix(limit))
    }

    /// A slope to another point and its weight, the distance in x.
    struct Pair {
        var slope: Double
        var weight: Double
    }

    /// Scratch space for the weighted-median selection, reused across pivots.
    struct Workspace {
        var pairs: [Pair]
        init(capacity: Int) {
            pairs = []
            pairs.reserveCapacity(capacity)
        }
    }

    /// The slope of the best line through point `p` (a weighted median of the slopes to the
    /// other points, weighted by their distance in x) and a row the line passes through.
    /// - Complexity: O(n) expected (selection, not sorting).
    static func bestSlope(about p: Int, x: [Double], y: [Double], work: inout Workspace) -> (Double, Int) {
        if x.count >= bracketThreshold, let found = bracketedSlope(about: p, x: x, y: y, work: &work) { return found }
        return selectedSlope(about: p, x: x, y: y, work: &work)
    }

    /// `bestSlope` by selection over every row.
    static func selectedSlope(about p: Int, x: [Double], y: [Double], work: inout Workspace) -> (Double, Int) {
        work.pairs.removeAll(keepingCapacity: true)
        var total = 0.0
        let xp = x[p], yp = y[p]
        for i in x.indices where x[i] != xp {
            let dx = x[i] - xp
            work.pairs.append(Pair(slope: (y[i] - yp) / dx, weight: abs(dx)))
            total += abs(dx)
        }
        let median = weightedMedian(&work.pairs, target: total / 2)
        // The row it came from: the same arithmetic gives the same slope.
        for i in x.indices where x[i] != xp && (y[i] - yp) / (x[i] - xp) == median { return (median, i) }
        return (median, p)
    }

    /// From this many rows a pivot's weighted median is first bracketed from a sample.
    static let bracketThreshold = 1 << 16

    /// `bestSlope` by selection with a bracket (as Floyd and Rivest select): the weighted
    /// median of the slopes of a sample of 4,096 rows (one per block) brackets the median's
    /// share ± 3 %; one pass over every row sums the weight below the bracket and keeps only
    /// the slopes inside it, and the selection runs on those. The result is the same median
    /// and the same row as the selection over all rows; nil when the median fell outside the
    /// bracket (the caller then selects over all rows).
    static func bracketedSlope(about p: Int, x: [Double], y: [Double], work: inout Workspace) -> (Double, Int)? {
        let n = x.count, xp = x[p], yp = y[p]
        let stride = max(1, n / 4096)
        var sample: [Pair] = []
        sample.reserveCapacity(n / stride + 1)
        // One row per block, at a seeded random place (every k-th row can see one kind of row
        // only when rows come in a periodic order, and miss the bracket pivot after pivot).
        for i in RandomGenerator.onePerBlock(n: n, stride: stride, seed: 0xB4AC_4E7) where x[i] != xp {
            let dx = x[i] - xp
            sample.append(Pair(slope: (y[i] - yp) / dx, weight: abs(dx)))
        }
        guard sample.count >= 64 else { return nil }
        sample.sort { $0.slope < $1.slope }
        let sampleTotal = sample.reduce(0) { $0 + $1.weight }
        var lo = -Double.infinity, hi = Double.infinity, cumulative = 0.0
        for pair in sample {
            cumulative += pair.weight
            if cumulative < 0.47 * sampleTotal { lo = pair.slope }
            if cumulative >= 0.53 * sampleTotal { hi = pair.slope; break }
        }
        // One pass: the total weight, the weight below the bracket, and the pairs inside it
        // (with their rows, in row order).
        // Segments of rows concurrently, each with its own sums and pairs, joined in order.
        let segment = ParallelSum.segment
        let pieces = (n + segment - 1) / segment
        var parts = [(total: Double, below: Double, pairs: [Pair], rows: [Int])](repeating: (0, 0, [], []), count: pieces)
        x.withUnsafeBufferPointer { xs in
            y.withUnsafeBufferPointer { ys in
                parts.withUnsafeMutableBufferPointer { out in
                    let base = out.baseAddress!
                    DispatchQueue.concurrentPerform(iterations: pieces) { k in
                        var pairs: [Pair] = [], rows: [Int] = []
                        // Four rows at a time, with masks instead of branches (about half the
                        // slopes fall below the bracket, in no order a branch predictor could
                        // learn); only the few inside it branch, to be kept. The slopes are the
                        // same IEEE quotients as one at a time.
                        typealias V = SIMD4<Double>
                        let zero = V(repeating: 0), xp4 = V(repeating: xp), yp4 = V(repeating: yp)
                        let lo4 = V(repeating: lo), hi4 = V(repeating: hi)
                        var total4 = zero, below4 = zero
                        let end = min(n, (k + 1) * segment)
                        var i = k * segment
                        while i + 4 <= end {
                            let dx = V(xs[i], xs[i + 1], xs[i + 2], xs[i + 3]) - xp4
                            let slope = (V(ys[i], ys[i + 1], ys[i + 2], ys[i + 3]) - yp4) / dx
                            let weight = dx.replacing(with: -dx, where: dx .< zero)
                            total4 += weight
                            below4 += weight.replacing(with: zero, where: .!(slope .< lo4))
                            let inside = (slope .>= lo4) .& (slope .<= hi4) .& (dx .!= zero)
                            if any(inside) {
                                for j in 0..<4 where inside[j] {
                                    pairs.append(Pair(slope: slope[j], weight: weight[j]))
                                    rows.append(i + j)
                                }
                            }
                            i += 4
                        }
                        var total = total4.sum(), below = below4.sum()
                        while i < end {
                            let dx = xs[i] - xp
                            let slope = (ys[i] - yp) / dx
                            total += abs(dx)
                            if slope < lo { below += abs(dx) }
                            if slope >= lo && slope <= hi && dx != 0 {
                                pairs.append(Pair(slope: slope, weight: abs(dx)))
                                rows.append(i)
                            }
                            i += 1
                        }
                        base[k] = (total, below, pairs, rows)
                    }
                }
            }
        }
        work.pairs.removeAll(keepingCapacity: true)
        var rows: [Int] = []
        var total = 0.0, below = 0.0
        for part in parts {
            total += part.total
            below += part.below
            work.pairs.append(contentsOf: part.pairs)
            rows.append(contentsOf: part.rows)
        }
        let inside = work.pairs.reduce(0) { $0 + $1.weight }
        let target = total / 2
        guard below < target, target <= below + inside, !work.pairs.isEmpty else { return nil }
        let median = weightedMedian(&work.pairs, target: target - below)
        for i in rows where (y[i] - yp) / (x[i] - xp) == median { return (median, i) }
        return nil
    }

    /// The smallest slope m with Σ_{slope ≤ m} weight ≥ target: three-way quickselect.
    static func weightedMedian(_ pairs: inout [Pair], target: Double) -> Double {
        pairs.withUnsafeMutableBufferPointer { a in
            var lo = 0, hi = a.count
            var below = 0.0
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            while hi - lo > 1 {
                // A pseudo-random pivot (fixed seed: the same choices every run).
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let pivot = a[lo + Int((state >> 33) % UInt64(hi - lo))].slope
                // Dutch-flag partition: [lo, lt) < pivot, [lt, i) == pivot, (gt, hi) > pivot.
                var lt = lo, i = lo, gt = hi - 1
                var wLess = 0.0, wEqual = 0.0
                while i <= gt {
                    let v = a[i].slope
                    if v < pivot {
                        wLess += a[i].weight
                        a.swapAt(lt, i)
                        lt += 1; i += 1
                    } else if v > pivot {
                        a.swapAt(gt, i)
                        gt -= 1
                    } else {
                        wEqual += a[i].weight
                        i += 1
                    }
                }
                if below + wLess >= target && lt > lo {
                    hi = lt
                } else if below + wLess + wEqual >= target || gt + 1 >= hi {
                    return a[lt].slope
                } else {
                    below += wLess + wEqual
                    lo = gt + 1
                }
            }
            return a[lo].slope
        }
    }

    /// About row `p`: the weight of the slopes below the line's, equal to it and in all, and
    /// the nearest slope above and below with its row (the earliest row on a tie). Segments of
    /// rows on both cores, combined in order.
    static func slopesAbout(_ p: Int, line: Parameters, x: [Double], y: [Double])
        -> (less: Double, equal: Double, total: Double, nextUp: Double, upRow: Int, nextDown: Double, downRow: Int) {
        typealias Part = (less: Double, equal: Double, total: Double, nextUp: Double, upRow: Int, nextDown: Double, downRow: Int)
        let xp = x[p], yp = y[p]
        let tolerance = 1e-12 * max(abs(line.w), 1e-300) + 1e-300
        return x.withUnsafeBufferPointer { xs in y.withUnsafeBufferPointer { ys in
            ParallelSum.reduce(count: xs.count, zero: Part(0, 0, 0, .infinity, -1, -.infinity, -1), { range -> Part in
                // Four rows at a time with masks (which side a slope falls on follows no order a
                // branch predictor could learn); each lane keeps its own nearest slopes and rows,
                // folded in lane order below, the earliest row winning a tie.
                typealias V = SIMD4<Double>
                typealias R = SIMD4<Int64>
                let zero = V(repeating: 0), xp4 = V(repeating: xp), yp4 = V(repeating: yp), w4 = V(repeating: line.w)
                let tol4 = V(repeating: tolerance)
                var less4 = zero, equal4 = zero, total4 = zero
                var up4 = V(repeating: .infinity), down4 = V(repeating: -.infinity)
                var upRow4 = R(repeating: -1), downRow4 = R(repeating: -1)
                var i = range.lowerBound
                while i + 4 <= range.upperBound {
                    let dx = V(xs[i], xs[i + 1], xs[i + 2], xs[i + 3]) - xp4
                    let s = (V(ys[i], ys[i + 1], ys[i + 2], ys[i + 3]) - yp4) / dx
                    let valid = dx .!= zero
                    let wgt = dx.replacing(with: -dx, where: dx .< zero)
                    let gap = s - w4
                    let isEqual = valid .& (gap.replacing(with: -gap, where: gap .< zero) .<= tol4)
                    let isLess = valid .& .!isEqual .& (s .< w4)
                    let isMore = valid .& .!isEqual .& .!isLess
                    total4 += wgt.replacing(with: zero, where: .!valid)
                    equal4 += wgt.replacing(with: zero, where: .!isEqual)
                    less4 += wgt.replacing(with: zero, where: .!isLess)
                    let rows = R(Int64(i), Int64(i + 1), Int64(i + 2), Int64(i + 3))
                    let lower = isLess .& (s .> down4)
                    down4.replace(with: s, where: lower)
                    downRow4.replace(with: rows, where: lower)
                    let higher = isMore .& (s .< up4)
                    up4.replace(with: s, where: higher)
                    upRow4.replace(with: rows, where: higher)
                    i += 4
                }
                var part = Part(less4.sum(), equal4.sum(), total4.sum(), .infinity, -1, -.infinity, -1)
                for lane in 0..<4 {
                    let up = Int(upRow4[lane]), down = Int(downRow4[lane])
                    if up >= 0 && (up4[lane] < part.nextUp || (up4[lane] == part.nextUp && up < part.upRow)) {
                        part.nextUp = up4[lane]; part.upRow = up
                    }
                    if down >= 0 && (down4[lane] > part.nextDown || (down4[lane] == part.nextDown && down < part.downRow)) {
                        part.nextDown = down4[lane]; part.downRow = down
                    }
                }
                while i < range.upperBound {
                    defer { i += 1 }
                    guard xs[i] != xp else { continue }
                    let dx = xs[i] - xp
                    let s = (ys[i] - yp) / dx
                    let wgt = abs(dx)
                    part.total += wgt
                    if abs(s - line.w) <= tolerance { part.equal += wgt }
                    else if s < line.w { part.less += wgt; if s > part.nextDown { part.nextDown = s; part.downRow = i } }
                    else if s < part.nextUp { part.nextUp = s; part.upRow = i }
                }
                return part
            }, combine: { (a: Part, b: Part) -> Part in
                var c = a
                c.less += b.less; c.equal += b.equal; c.total += b.total
                if b.nextUp < a.nextUp { c.nextUp = b.nextUp; c.upRow = b.upRow }
                if b.nextDown > a.nextDown { c.nextDown = b.nextDown; c.downRow = b.downRow }
                return c
            })
        } }
    }

    /// The corners of the set of optimal lines. From the optimal vertex, every rotation about a
    /// point on the line along which the sum stays flat leads to another optimal vertex; a
    /// breadth-first walk over them (at most 64) finds the polygon (or segment) of optima.
    static func optimalSet(from start: Parameters, best: Double, x: [Double], y: [Double], work: inout Workspace) -> [Parameters] {
        var found = [start]
        var queue = [start]
        let tolerance = 1e-11 * best
        while let line = queue.popLast(), found.count < 64 {
            for p in zeroResidualRows(line, x: x, y: y, limit: 8) {
                // Slopes about p and their weights; flat to the right when the weight at or
                // below the current slope is exactly half (and likewise to the left).
                let (less, equal, total, nextUp, upRow, nextDown, downRow) = slopesAbout(p, line: line, x: x, y: y)
                let greater = total - less - equal
                var moves: [Double] = []
                if upRow >= 0, abs((less + equal) - greater) <= 1e-11 * total { moves.append(nextUp) }
                if downRow >= 0, abs(less - (equal + greater)) <= 1e-11 * total { moves.append(nextDown) }
                for slope in moves {
                    let candidate = Parameters(w: slope, b: y[p] - slope * x[p])
                    guard abs(sumAbsolute(candidate, x: x, y: y) - best) <= tolerance else { continue }
                    let known = found.contains { abs($0.w - candidate.w) <= 1e-12 * max(abs($0.w), 1e-300) && abs($0.b - candidate.b) <= 1e-12 * max(abs($0.b), 1) }
                    if !known { found.append(candidate); queue.append(candidate) }
                }
            }
        }
        guard found.count > 2 else { return found.count == 2 ? found : [start] }
        // Order the corners around their centre.
        let cw = found.map(\.w).reduce(0, +) / Double(found.count), cb = found.map(\.b).reduce(0, +) / Double(found.count)
        let sw = max(found.map { abs($0.w - cw) }.max()!, 1e-300), sb = max(found.map { abs($0.b - cb) }.max()!, 1e-300)
        return found.sorted { atan2(($0.b - cb) / sb, ($0.w - cw) / sw) < atan2(($1.b - cb) / sb, ($1.w - cw) / sw) }
    }
}

extension LaplaceModel {
    /// Σ|yᵢ − w xᵢ − b| at every point of a grid, exactly, in O(n) per column of w (not per
    /// grid point): for one w the residuals zᵢ = yᵢ − w xᵢ are dropped into the cells between
    /// consecutive b of the (evenly spaced) axis, and each cell's count and sum give the sum of
    /// |zᵢ − b| at every b by a running total. Columns run in parallel, each writing its own
    /// slots. - Complexity: O(n · w.count + w.count · b.count).
    public static func sumAbsoluteGrid(x: [Double], y: [Double], w ws: [Double], b bs: [Double]) -> SurfaceGrid {
        let nb = bs.count
        let b0 = bs[0], step = (bs[nb - 1] - bs[0]) / Double(nb - 1)
        var values = [Double](repeating: 0, count: ws.count * nb)
        values.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: ws.count) { i in
                let w = ws[i]
                // Cell k holds the z in (b_k, b_{k+1}]; cell 0 everything up to b_0, the last
                // everything above the top. Sums are kept relative to b_0 for accuracy.
                // Four interleaved copies of the cells' counts and sums, merged after the pass:
                // consecutive rows often share a cell, and one copy would make each update wait
                // for the previous one.
                let lanes = 4
                var counts = [Double](repeating: 0, count: lanes * (nb + 1))
                var sums = [Double](repeating: 0, count: lanes * (nb + 1))
                var totals = (0.0, 0.0, 0.0, 0.0)
                let inverse = 1 / step, top = Double(nb - 1)
                counts.withUnsafeMutableBufferPointer { c in
                    sums.withUnsafeMutableBufferPointer { t in
                        x.withUnsafeBufferPointer { xs in
                            y.withUnsafeBufferPointer { ys in
                                @inline(__always) func cell(_ z: Double) -> Int {
                                    // Cell ⌊position⌋ + 1 holds b_{cell−1} < z ≤ b_cell, cell 0 everything
                                    // below b_0 and cell nb everything above the top (a z exactly on a grid
                                    // value may land one cell up, where |z − b| = 0 anyway). Clamped without
                                    // branches: on a narrow window most rows fall outside it, on either side
                                    // at random.
                                    Int(Swift.min(Swift.max(z * inverse, -1), top).rounded(.down)) + 1
                                }
                                var k = 0
                                let m = xs.count
                                while k + 4 <= m {
                                    let z0 = ys[k] - w * xs[k] - b0, z1 = ys[k + 1] - w * xs[k + 1] - b0
                                    let z2 = ys[k + 2] - w * xs[k + 2] - b0, z3 = ys[k + 3] - w * xs[k + 3] - b0
                                    let c0 = cell(z0) * lanes, c1 = cell(z1) * lanes + 1, c2 = cell(z2) * lanes + 2, c3 = cell(z3) * lanes + 3
                                    c[c0] += 1; t[c0] += z0; c[c1] += 1; t[c1] += z1
                                    c[c2] += 1; t[c2] += z2; c[c3] += 1; t[c3] += z3
                                    totals.0 += z0; totals.1 += z1; totals.2 += z2; totals.3 += z3
                                    k += 4
                                }
                                while k < m {
                                    let z = ys[k] - w * xs[k] - b0
                                    let ck = cell(z) * lanes
                                    c[ck] += 1; t[ck] += z; totals.0 += z
                                    k += 1
                                }
                            }
                        }
                    }
                }
                var count = [Double](repeating: 0, count: nb + 1)
                var sum = [Double](repeating: 0, count: nb + 1)
                for j in 0...nb {
                    for lane in 0..<lanes { count[j] += counts[j * lanes + lane]; sum[j] += sums[j * lanes + lane] }
                }
                let total = (totals.0 + totals.1) + (totals.2 + totals.3)
                // Sweep b upward: below = the z at or below b_j.
                var belowCount = 0.0, belowSum = 0.0
                let n = Double(x.count)
                for j in 0..<nb {
                    belowCount += count[j]; belowSum += sum[j]
                    let t = bs[j] - b0
                    let above = (total - belowSum) - t * (n - belowCount)
                    let below = t * belowCount - belowSum
                    base[j * ws.count + i] = max(0, above + below)
                }
            }
        }
        return SurfaceGrid(w: ws, b: bs, values: values)
    }

    /// Subgradient descent on the mean absolute error from (0, 0), in standardised
    /// coordinates (v, c) (x centred and scaled), mapped back: the direction −g/‖g‖ for a
    /// subgradient g = −(1/n) Σ sign(rᵢ)(zᵢ, 1), the step α₀/√(t + 1) with α₀ the mean absolute
    /// deviation of y about its mean. With a kinked loss it does not settle on the optimum:
    /// the iterates hover around it at the scale of the current step. The best iterate is kept.
    /// - Complexity: O(n) per step.
    public static func subgradientPath(x: [Double], y: [Double], standardisation z: Standardisation, steps: Int) -> OptimizerPath {
        let n = Double(x.count)
        let meanY = y.reduce(0, +) / n
        let alpha0 = max(y.reduce(0) { $0 + abs($1 - meanY) } / n, 1e-300)
        var v = 0.0, c = 0.0
        var points = [Parameters(w: 0, b: 0)]
        var best = (loss: Double.infinity, point: Parameters(w: 0, b: 0))
        for t in 0..<steps {
            var gv = 0.0, gc = 0.0, loss = 0.0
            for k in x.indices {
                let zk = (x[k] - z.mean) / z.scale
                let r = y[k] - v * zk - c
                loss += abs(r)
                let sign: Double = r > 0 ? 1 : (r < 0 ? -1 : 0)
                gv -= sign * zk; gc -= sign
            }
            if loss < best.loss { best = (loss, Parameters(w: v, b: c)) }
            let norm = (gv * gv + gc * gc).squareRoot()
            guard norm > 0 else { return OptimizerPath(points: points, iterations: t, converged: true, learningRate: alpha0, standardisation: z) }
            let step = alpha0 / Double(t + 1).squareRoot()
            v -= step * gv / norm; c -= step * gc / norm
            points.append(Parameters(w: v, b: c))
        }
        // End on the best iterate (the usual report of a subgradient method).
        let finalLoss = sumAbsolute(z.original(Parameters(w: v, b: c)), x: x, y: y)
        if best.loss < finalLoss { points.append(best.point) }
        return OptimizerPath(points: points, iterations: steps, converged: false, learningRate: alpha0, standardisation: z)
    }
}
