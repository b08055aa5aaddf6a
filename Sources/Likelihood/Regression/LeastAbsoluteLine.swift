import Dispatch
import Foundation

/// The least-absolute-deviations method on a design of an intercept and one column, [1, x]:
/// the case p = 2 of `LeastAbsoluteDeviations`, which `init(design:y:)` takes when no weights
/// are given. It is the same programme and ends on the same kind of vertex (a line through
/// two data points, proved optimal by the subgradient certificate), reached by Wesolowsky's
/// direct descent (1981), which the plane allows: through a pivot row the best line is a
/// weighted median of the slopes to the other rows (weights |xᵢ − x_pivot|), found by
/// selection in O(n); the line found passes through a second row, which becomes the next
/// pivot, until no rotation about any row on the line lowers the sum. At 10⁷ rows it needs a
/// few passes and no copy of the design (the simplex of p dimensions needs the dense design
/// and a pass per pivot).
///
/// Besides the optimum it keeps what the one-predictor page draws: the pivot lines from the
/// start, and the corners of the set of optimal lines when the optimum is not unique.
extension LeastAbsoluteDeviations {
    /// The descent's record over (w, b): the start line, then the pivot lines, ending at the
    /// optimum; and the corners of the optimal set, in order around it (one point when the
    /// optimum is unique).
    public struct LineDescent: Sendable, Equatable {
        public var path: [Parameters]
        /// Where the method started, in words.
        public var start: String
        public var optimalSet: [Parameters]
    }

    /// The optimum of Σ|yᵢ − w xᵢ − b| (x varies, `statistics` its moments), as the simplex
    /// reports its own: β = (b, w), the two rows of the basis, the certificate, the flat
    /// edges, the pivots; and the descent's record. Throws `LADError.perfectFit` when every
    /// row lies on the line (to rounding: the sum below 10⁻¹³·√(n·Syy)).
    static func solveLine(x: [Double], y: [Double], statistics stats: SufficientStatistics) throws -> (Solution, LineDescent) {
        let n = x.count
        // Start at the row nearest the least-squares line. (Starting nearer, from the exact
        // fit of a sample, was tried: at 10⁷ rows it saved no pivots.)
        let start = Parameters(w: stats.sxy / stats.sxx, b: stats.meanY - stats.sxy / stats.sxx * stats.meanX)
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
        // The path starts at the start line, whose nearest row is the first pivot.
        var path: [Parameters] = [start]
        var support = [pivot]
        var pivots = 0
        var pending = [pivot]
        var tried = Set<Int>()
        while let p = pending.popLast(), pivots < 10_000 {
            FitProgress.note("Laplace: weighted-median pivot \(pivots + 1) over \(n) rows")
            let (slope, other) = bestSlope(about: p, x: x, y: y, work: &work)
            let candidate = Parameters(w: slope, b: y[p] - slope * x[p])
            let sad = sumAbsolute(candidate, x: x, y: y)
            // Only a strict improvement moves the line (ties would cycle).
            if sad < best * (1 - 4e-16) || best == .infinity {
                pivots += 1
                best = sad; line = candidate; support = [p, other]
                path.append(candidate)
                pending = [other]
                continue
            }
            if pending.isEmpty {
                // Converged on the two support rows: also try rotating about any other row
                // the line passes through (needed only when three or more are collinear on it).
                let extra = zeroResidualRows(line, x: x, y: y, limit: 16).filter { !support.contains($0) && !tried.contains($0) }
                tried.formUnion(extra)
                pending = extra
            }
        }
        guard best > 0, best > 1e-13 * (stats.syy * Double(n)).squareRoot() else { throw LADError.perfectFit }
        let (corners, flat) = optimalSet(from: line, best: best, x: x, y: y, work: &work)
        let certificate = lineCertificate(line, x: x, y: y)
        let solution = Solution(beta: [line.b, line.w], sum: best, basis: support.sorted(), rowsOnFit: max(certificate.rowsOnFit, 2),
                                largestMultiplier: certificate.multiplier, flatEdges: flat, pivots: pivots, degeneratePivots: 0)
        return (solution, LineDescent(path: path, start: "the least-squares line", optimalSet: corners))
    }

    /// The subgradient certificate of a line, computed exactly: the least bound t such that
    /// multipliers uᵢ ∈ [−t, t] on the rows on the line balance the signs of all the others,
    /// Σ_on uᵢ(1, xᵢ) = −Σ_off sign(rᵢ)(1, xᵢ). At most 1 proves that no line has a smaller
    /// sum (0 is then a subgradient); for the two rows of a basis alone it is the simplex's
    /// largest |vₖ|. The rows on the line span a zonotope Z (segments cᵢ(1, xᵢ) for the cᵢ
    /// rows at each distinct xᵢ); t is the gauge of the signed sum g in Z, the largest
    /// |cⱼᵀg| / Σᵢ cᵢ|cⱼᵀ(1, xᵢ)| over the normals cⱼ = (xⱼ, −1) of its edges, that is
    /// |Σ_off σᵢ(xᵢ − xⱼ)| / Σ_on cᵢ|xᵢ − xⱼ|: one pass over the rows, then a sort of the
    /// distinct x on the line and running sums. Also the number of rows on the line.
    static func lineCertificate(_ line: Parameters, x: [Double], y: [Double]) -> (multiplier: Double, rowsOnFit: Int) {
        typealias Part = (count: Double, moment: Double, on: [Double])
        // Σσᵢ and Σσᵢ(xᵢ − c) about a row's x (no cancellation when x lies far from 0).
        let centre = x.first ?? 0
        let part = x.withUnsafeBufferPointer { xs in y.withUnsafeBufferPointer { ys in
            ParallelSum.reduce(count: xs.count, zero: Part(0, 0, []), { range -> Part in
                var part = Part(0, 0, [])
                for i in range {
                    let r = ys[i] - line.w * xs[i] - line.b
                    let scale = max(abs(ys[i]), abs(line.w * xs[i]), abs(line.b), 1e-300)
                    if abs(r) <= 1e-12 * scale {
                        part.on.append(xs[i])
                    } else {
                        let sign: Double = r > 0 ? 1 : -1
                        part.count += sign
                        part.moment += sign * (xs[i] - centre)
                    }
                }
                return part
            }, combine: { a, b in Part(a.count + b.count, a.moment + b.moment, a.on + b.on) })
        } }
        let on = part.on.sorted()
        // Distinct x on the line with their counts; Σᵢ cᵢ|xᵢ − xⱼ| for each by running sums.
        var values: [Double] = [], counts: [Double] = []
        for v in on {
            if let last = values.last, last == v { counts[counts.count - 1] += 1 } else { values.append(v); counts.append(1) }
        }
        let total = counts.reduce(0, +)
        let totalMoment = zip(values, counts).reduce(0) { $0 + $1.1 * ($1.0 - centre) }
        var belowCount = 0.0, belowMoment = 0.0
        var gauge = 0.0
        for j in values.indices {
            let xj = values[j] - centre
            // Rows at xⱼ add nothing to the denominator: their own term is 0.
            let aboveCount = total - belowCount - counts[j], aboveMoment = totalMoment - belowMoment - counts[j] * xj
            let spread = (belowCount * xj - belowMoment) + (aboveMoment - aboveCount * xj)
            let balance = abs(part.moment - part.count * xj)
            if spread > 0 { gauge = max(gauge, balance / spread) } else if balance > 0 { gauge = .infinity }
            belowCount += counts[j]; belowMoment += counts[j] * xj
        }
        return (gauge, on.count)
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
    static func optimalSet(from start: Parameters, best: Double, x: [Double], y: [Double], work: inout Workspace) -> (corners: [Parameters], flatAtStart: Int) {
        var found = [start]
        var queue = [start]
        let tolerance = 1e-11 * best
        // Flat edges of the optimal vertex itself: the moves found from the start line.
        var flatAtStart = -1
        while let line = queue.popLast(), found.count < 64 {
            defer { if flatAtStart < 0 { flatAtStart = found.count - 1 } }
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
        let flat = max(flatAtStart, 0)
        guard found.count > 2 else { return (found.count == 2 ? found : [start], flat) }
        // Order the corners around their centre.
        let cw = found.map(\.w).reduce(0, +) / Double(found.count), cb = found.map(\.b).reduce(0, +) / Double(found.count)
        let sw = max(found.map { abs($0.w - cw) }.max()!, 1e-300), sb = max(found.map { abs($0.b - cb) }.max()!, 1e-300)
        return (found.sorted { atan2(($0.b - cb) / sb, ($0.w - cw) / sw) < atan2(($1.b - cb) / sb, ($1.w - cw) / sw) }, flat)
    }
}
