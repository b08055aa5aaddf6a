import Dispatch
import Foundation

/// The fitted Student-t model `y = w·x + b + s·ε`, `ε ~ t_ν`: a heavy-tailed noise whose
/// negative log-likelihood is a robust loss, `(ν+1)/2 · log(1 + r²/(ν s²))` per point.
public struct StudentTFit: LineFit {
    public var n: Int
    public var w: Coefficient
    public var b: Coefficient
    public var scale: Double
    public var nu: Double
    /// ν was given (`--nu`) rather than estimated.
    public var nuFixed: Bool
    public var logLikelihood: Double
    public var parameterCount: Int { nuFixed ? 3 : 4 }
    public var iterations: Int
    public var converged: Bool
    /// The search's iterates of the line from the best start.
    public var path: [Parameters]
    /// Covariance of (ŵ, b̂) from the observed information of all the free parameters.
    public var covariance: (ww: Double, wb: Double, bb: Double)
    /// Every distinct local maximum the starts reached on every row, best first.
    public var localMaxima: [StudentTModel.Optimum]
    /// ν reached its upper bound with the likelihood still rising: the data look Gaussian.
    public var nuAtUpperBound: Bool
    /// ν ended at the bottom of its range with the likelihood still rising as it falls (a
    /// maximum on the boundary; its standard errors take ν as given).
    public var nuAtLowerBound = false
    /// The searches from the least-squares and the least-absolute-deviations lines (drawn on
    /// the page), in that order.
    public var searches: [StudentTModel.Optimum]
    /// The least-absolute-deviations fit of the same data, one of the starts (a comparison of
    /// noise models on these data need not fit it again).
    public var leastAbsoluteDeviations: LaplaceFit?
    /// What the global search over starts did.
    public var globalSearch: StudentTModel.GlobalSearch
    /// The start whose search reached the reported maximum.
    public var bestStart: String

    public func logDensity(x: Double, y: Double) -> Double {
        let r = (y - w.estimate * x - b.estimate) / scale
        return StudentTModel.logNormaliser(nu) - log(scale) - (nu + 1) / 2 * log1p(r * r / nu)
    }

    /// The EM weight of a point: (ν+1)/(ν + r²/s²), 1 on average for Gaussian-like points and
    /// near 0 for outliers.
    public func weight(x: Double, y: Double) -> Double {
        let r = (y - w.estimate * x - b.estimate) / scale
        return (nu + 1) / (nu + r * r)
    }
}

/// Maximum likelihood for Student-t noise: all of (w, b, log s, log ν) by Newton's method
/// with the exact gradient and Hessian, damped Levenberg–Marquardt fashion where the Hessian is
/// not negative definite (`StudentTClimb`, the several-predictor fit's search, run here on the
/// plane's SIMD pass). The log-likelihood need not be concave in the line and real data have
/// many local maxima, so the search is global: the least-squares line, the
/// least-absolute-deviations line and `StudentTRegression.elementalStarts(n:)` seeded lines
/// through two points (40, and up to 400 on small data), every distinct
/// maximum kept, the highest reported (`StudentTGlobalSearch`, the several-predictor fit's
/// global search too). ν is searched from above the value at which the line through the most
/// points would make the likelihood unbounded.
public enum StudentTModel {
    public struct Optimum: Equatable, Sendable {
        public var start: String
        public var line: Parameters
        public var scale: Double
        public var nu: Double
        public var logLikelihood: Double
        public var iterations: Int
        /// The search's iterates of the line from this start.
        public var path: [Parameters]
        /// How many of the steps ran on fewer rows than all (the screening rows, then one row
        /// per block of `sampleStride`; 0: all on every row).
        public var sampleSteps = 0
        /// How many of the starts ended at this maximum.
        public var reachedBy = 1
    }

    /// What the global search did.
    public struct GlobalSearch: Equatable, Sendable {
        /// Starts tried: the least-squares and least-absolute-deviations lines and the lines
        /// through two points.
        public var starts: Int
        public var elementalStarts: Int
        /// The rows every start ran on first (all rows up to `screenRows`).
        public var screenRows: Int
        /// Distinct maxima on the screening rows.
        public var screeningMaxima: Int
        /// Of them, the ones not clearly below the best, refined on every row (0: the screening
        /// rows were all rows). The two named searches are finished on every row besides.
        public var refined: Int
        /// Searches that stopped without converging (left out of the maxima).
        public var unconverged: Int
        /// The smallest ν searched.
        public var nuLowerBound: Double
        /// The most points on one line (at least 2): ν is searched from above k/(n − k).
        public var collinearPoints = 2
    }

    /// Above this many rows each search takes its first steps on one row of every k (each at a
    /// seeded random place in its block), k = ⌊n / sampleRows⌋ (between sampleRows and twice as
    /// many rows), then continues on
    /// every row from where they ended: the last steps, and so the estimates, standard
    /// errors and log-likelihood, use every row.
    public static let sampleRows = 200_000

    /// The searches start on one row of every k at `n` rows: k = ⌊n / sampleRows⌋ (1: every row).
    public static func sampleStride(n: Int, sampleRows: Int = StudentTModel.sampleRows) -> Int {
        n > sampleRows ? n / max(1, sampleRows) : 1
    }

    /// The rows the first steps use: one from each block of `stride`, at a seeded random
    /// place (every 50th row of data with an outlier in every 10th is all outliers, and its
    /// search ran off to ν = 1000, "Gaussian", while every row gave ν = 1.08).
    static func sampleRowIndices(n: Int, stride: Int) -> [Int] {
        RandomGenerator.onePerBlock(n: n, stride: stride, seed: 0x5EED_0F_0513)
    }

    /// The rows the first steps use at `n` rows (one per block of `sampleStride`).
    public static func sampleSize(n: Int) -> Int {
        let k = sampleStride(n: n)
        return (n + k - 1) / k
    }


    /// The range ν is searched over; reaching the top means "Gaussian".
    public static let nuRange = (0.05, 1000.0)

    public static func logNormaliser(_ nu: Double) -> Double {
        lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * log(nu * Double.pi)
    }

    /// Every start's search runs first on at most this many rows (one from each block, at a
    /// seeded place); above it, the maxima found there are refined on every row.
    public static let screenRows = 5_000

    /// At most this many maxima of the screening rows are refined on every row.
    public static let refinedMaxima = 4

    /// The smallest ν searched at `n` rows when at most `collinear` (at least 2) of the points
    /// lie on one line: `nuRange.0`, or (k + 1)/(n − k) when that is larger. At ν ≤ k/(n − k) a
    /// line through k points with s → 0 makes the likelihood unbounded (log L grows like
    /// (k − (n − k)ν)·log(1/s)); at (k + 1)/(n − k) it falls like log s there instead.
    public static func nuLowerBound(n: Int, collinear k: Int = 2) -> Double {
        max(nuRange.0, Double(k + 1) / Double(max(n - k, 1)))
    }

    /// - Parameters:
    ///   - lad: the least-absolute-deviations fit of the same data, when the caller has it (one
    ///     of the starts).
    ///   - sampleRows: above this many rows the refinement's first steps run on one row per
    ///     block (`StudentTModel.sampleRows`; tests vary it).
    ///   - screenRows, elementalStarts: the global search's screening rows and random lines.
    public static func fit(x: [Double], y: [Double], nu fixedNu: Double? = nil, lad known: LaplaceFit? = nil,
                           sampleRows: Int = StudentTModel.sampleRows, screenRows: Int = StudentTModel.screenRows,
                           elementalStarts: Int? = nil) throws -> StudentTFit {
        guard x.count == y.count else { throw FitError.lengthMismatch(x: x.count, y: y.count) }
        let n = x.count
        guard n >= 4 || (fixedNu != nil && n >= 3) else { throw FitError.tooFewPoints(n: n, needed: fixedNu == nil ? 4 : 3) }
        // Two points on the line contribute −log s each and every other point ν·log s, so
        // log L ~ ((n − 2)ν − 2)·log s, unbounded as s → 0 unless (n − 2)ν > 2.
        if let nu = fixedNu, Double(n - 2) * nu <= 2 { throw FitError.studentTUnbounded(nu: nu, n: n) }
        // The likelihood is unbounded at ν ≤ k/(n − k) when k points lie on one line: a ν held
        // there is refused before any search (which might never go near that line), and an
        // estimated ν is searched from above it.
        var collinear = mostCollinear(x: x, y: y)?.points ?? 2
        if let nu = fixedNu, Double(n - collinear) * nu <= Double(collinear) {
            throw FitError.studentTSpike(points: collinear, n: n, nu: nu, fixed: true)
        }
        var nuLow = fixedNu ?? nuLowerBound(n: n, collinear: collinear)
        if nuLow >= nuRange.1 { throw FitError.studentTSpike(points: collinear, n: n, nu: nuRange.1, fixed: false) }
        let ls = try LinearGaussianModel.fit(x: x, y: y)
        let lad = try known ?? LaplaceModel.fit(x: x, y: y)
        let mx = ls.statistics.meanX, my = ls.statistics.meanY
        // The searches centre the rows on the fly: no centred copy of every row.
        func xc(_ i: Int) -> Double { x[i] - mx }
        func yc(_ i: Int) -> Double { y[i] - my }
        var bounds = fixedNu.map { (log($0), log($0)) } ?? (log(nuLow), log(nuRange.1))
        func centred(_ p: Parameters) -> Parameters { Parameters(w: p.w, b: p.b + p.w * mx - my) }

        // The screening rows: every row up to screenRows, else one from each block.
        let screenStride = sampleStride(n: n, sampleRows: screenRows)
        let screened = screenStride > 1 ? RandomGenerator.onePerBlock(n: n, stride: screenStride, seed: 0x5C4E_E17) : Array(0..<n)
        let sx = screened.map(xc), sy = screened.map(yc)

        // The starts: least squares, least absolute deviations, and lines through two points.
        typealias Global = StudentTGlobalSearch<Plane>
        func theta(_ line: Parameters, scale: Double, nu: Double) -> [Double] { [line.w, line.b, log(scale), log(nu)] }
        var starts: [Global.Start] = [
            Global.Start(name: "least-squares", theta: theta(centred(Parameters(w: ls.w.estimate, b: ls.b.estimate)), scale: ls.sigma2MLE.squareRoot(), nu: fixedNu ?? 5),
                         label: " from the least-squares line"),
            Global.Start(name: "least-absolute-deviations", theta: theta(centred(Parameters(w: lad.w.estimate, b: lad.b.estimate)), scale: lad.scale, nu: fixedNu ?? 1),
                         label: " from the least-absolute-deviations line"),
        ]
        // As many as the several-predictor fit draws at n rows: 40, and more on small data.
        for (i, j) in elementalPairs(x: x, count: elementalStarts ?? StudentTRegression.elementalStarts(n: n)) {
            let w = (yc(j) - yc(i)) / (xc(j) - xc(i))
            let c = yc(i) - w * xc(i)
            guard w.isFinite, c.isFinite else { continue }
            // The scale of the residuals of the screening rows: 1.4826 × their median absolute value.
            var r = zip(sx, sy).map { abs($1 - w * $0 - c) }.filter { $0 > 0 }
            r.sort()
            let s0 = r.isEmpty ? ls.sigma2MLE.squareRoot() : 1.4826 * r[r.count / 2]
            guard s0 > 0, s0.isFinite else { continue }
            let name = "rows \(i + 1) and \(j + 1)"
            starts.append(Global.Start(name: name, theta: theta(Parameters(w: w, b: c), scale: s0, nu: fixedNu ?? 1), elemental: true,
                                       label: " from the line through \(name)"))
        }

        // The searches (`StudentTGlobalSearch`): on the screening rows, then above screenRows
        // the maxima worth it on every row, through one row of every block of `sampleRows` first.
        let stride = sampleStride(n: n, sampleRows: sampleRows)
        let picked = screenStride > 1 && stride > 1 ? sampleRowIndices(n: n, stride: stride) : []
        let screen = screenStride > 1 ? Plane(xc: sx, yc: sy) : nil
        let middle = picked.isEmpty ? nil : Plane(xc: picked.map(xc), yc: picked.map(yc))
        let full = screen == nil ? Plane(xc: sx, yc: sy) : Plane(xc: x, yc: y, offset: (mx, my))
        var found: Global.Result
        while true {
            var global = Global(p: 2, freeNu: fixedNu == nil, logNuBounds: bounds, nuFloor: nuLow)
            global.recordsPath = true
            do {
                found = try global.run(starts: starts, screen: screen, middle: middle, full: full)
                break
            } catch let spike as Global.Spike {
                // A line through more points than the count found (on a sample, above
                // `collinearRows` rows): ν is searched again from above it, or a held ν refused.
                let k = Int(spike.observations.rounded())
                guard fixedNu == nil, k > collinear, nuLowerBound(n: n, collinear: k) < nuRange.1 else {
                    throw FitError.studentTSpike(points: k, n: n, nu: nuLow, fixed: fixedNu != nil)
                }
                collinear = k
                nuLow = nuLowerBound(n: n, collinear: k)
                bounds = (log(nuLow), log(nuRange.1))
            }
        }
        let results = found.searches
        // With no maximum (every search stopped short), the highest end is reported as not converged.
        let best = found.maxima.first ?? results.max { $0.ll < $1.ll }!
        let maxima = found.maxima.isEmpty ? [best] : found.maxima
        func original(_ t: [Double]) -> Parameters { Parameters(w: t[0], b: t[1] + my - t[0] * mx) }
        func optimum(_ r: Global.End) -> Optimum {
            Optimum(start: r.name, line: original(r.theta), scale: exp(r.theta[2]), nu: fixedNu ?? exp(r.theta[3]),
                    logLikelihood: r.ll, iterations: r.iterations, path: r.path.map(original), sampleSteps: r.sampleSteps,
                    reachedBy: max(1, r.reachedBy))
        }
        let cov = covariance(best, on: full, freeNu: fixedNu == nil, logNuBounds: bounds)
        let vww = cov.ww, vwb = cov.wb - mx * cov.ww, vbb = cov.bb - 2 * mx * cov.wb + mx * mx * cov.ww
        let line = original(best.theta)
        let z = Distributions.normalQuantile975
        let nu = fixedNu ?? exp(best.theta[3])
        let search = GlobalSearch(starts: starts.count, elementalStarts: starts.count - 2, screenRows: screenStride > 1 ? sx.count : n,
                                  screeningMaxima: found.screeningMaxima, refined: found.refined,
                                  unconverged: found.unconverged, nuLowerBound: nuLow,
                                  collinearPoints: collinear)
        return StudentTFit(n: n,
                           w: Coefficient(estimate: line.w, standardError: vww.squareRoot(), quantile: z, pValue: Distributions.normalTwoSidedP),
                           b: Coefficient(estimate: line.b, standardError: vbb.squareRoot(), quantile: z, pValue: Distributions.normalTwoSidedP),
                           scale: exp(best.theta[2]), nu: nu, nuFixed: fixedNu != nil,
                           logLikelihood: best.ll, iterations: best.iterations, converged: best.converged,
                           path: best.path.map { original($0) }, covariance: (vww, vwb, vbb),
                           localMaxima: maxima.map { optimum($0) },
                           nuAtUpperBound: fixedNu == nil && nu >= nuRange.1 * (1 - 1e-9),
                           nuAtLowerBound: fixedNu == nil && best.theta[3] <= bounds.0 + 1e-9,
                           searches: results.prefix(2).map { optimum($0) }, leastAbsoluteDeviations: lad,
                           globalSearch: search, bestStart: best.name)
    }

    /// Covariance of (w, c) at a search's end from the inverse of −H over the free parameters
    /// (ν left out when held or at a bound of its range).
    static func covariance(_ end: StudentTGlobalSearch<Plane>.End, on rows: Plane, freeNu: Bool,
                           logNuBounds bounds: (Double, Double)) -> (ww: Double, wb: Double, bb: Double) {
        let theta = end.theta
        let free = freeNu && theta[3] > bounds.0 && theta[3] < bounds.1 ? [0, 1, 2, 3] : [0, 1, 2]
        var h = end.derivatives?.1 ?? rows.derivatives(at: theta, freeNu: true).1
        if h.rows < free.count { h = rows.derivatives(at: theta, freeNu: true).1 }
        let negH = free.map { i in free.map { j in -h[i, j] } }
        guard let c0 = StudentTModel.choleskySolve(negH, [1] + [Double](repeating: 0, count: free.count - 1)),
              let c1 = StudentTModel.choleskySolve(negH, [0, 1] + [Double](repeating: 0, count: free.count - 2)) else {
            return (.nan, .nan, .nan)
        }
        return (c0[0], c0[1], c1[1])
    }

    /// A row lies exactly on a fit when its residual is within rounding of the terms it is
    /// computed from: 64 units in the last place of the sum of their sizes.
    static func onFit(residual: Double, terms: Double) -> Bool { abs(residual) <= 64 * Double.ulpOfOne * terms }

    /// At most this many rows (one from each block, seeded) are searched for the line through
    /// the most points; the count on that line is then taken over every row.
    static let collinearRows = 1_500

    /// The line through the most points (three or more, counted over every row), and how many:
    /// for each row, the slopes to the other rows sorted, a run of equal slopes (to 10⁻¹² of
    /// their size) is a line through it, and rows equal to it lie on every one. Above
    /// `collinearRows` rows the lines are sought among a seeded sample's, which holds any line
    /// through a sizeable share of the rows (where ν's bounds make one matter).
    /// - Complexity: O(m² log m) for m = min(n, `collinearRows`), then O(n).
    static func mostCollinear(x: [Double], y: [Double]) -> (points: Int, w: Double, b: Double)? {
        let n = x.count
        let stride = sampleStride(n: n, sampleRows: collinearRows)
        let rows = stride > 1 ? RandomGenerator.onePerBlock(n: n, stride: stride, seed: 0xC011_1EA5) : Array(0..<n)
        // Every row is an anchor on small data; on a sample, every fifth (a line through 5 % of
        // the rows passes through none of 300 anchors with probability 10⁻⁶).
        let anchors = stride > 1 ? Swift.stride(from: 0, to: rows.count, by: 5).map { rows[$0] } : rows
        // Each anchor's best line in its own slot, both cores taking anchors in turn; the first
        // best in anchor order wins (the same answer on any number of cores).
        var slots = [(points: Int, w: Double, b: Double)](repeating: (0, 0, 0), count: anchors.count)
        slots.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            let chunk = 32
            DispatchQueue.concurrentPerform(iterations: (anchors.count + chunk - 1) / chunk) { c in
                var slopes: [Double] = []
                slopes.reserveCapacity(rows.count)
                for k in (c * chunk)..<min(anchors.count, (c + 1) * chunk) {
                    let a = anchors[k]
                    slopes.removeAll(keepingCapacity: true)
                    var copies = 1
                    for r in rows where r != a {
                        let dx = x[r] - x[a], dy = y[r] - y[a]
                        if dx == 0 {
                            if dy == 0 { copies += 1 }
                        } else {
                            let slope = dy / dx
                            if slope.isFinite { slopes.append(slope) }
                        }
                    }
                    slopes.sort()
                    var best: (points: Int, w: Double, b: Double) = (0, 0, 0)
                    var i = 0
                    while i < slopes.count {
                        var j = i + 1
                        while j < slopes.count && slopes[j] - slopes[j - 1] <= 1e-12 * max(abs(slopes[j]), abs(slopes[j - 1])) { j += 1 }
                        if copies + j - i > max(best.points, 2) {
                            let w = slopes[(i + j) / 2]
                            best = (copies + j - i, w, y[a] - w * x[a])
                        }
                        i = j
                    }
                    base[k] = best
                }
            }
        }
        var best: (points: Int, w: Double, b: Double)?
        for slot in slots where slot.points > (best?.points ?? 2) { best = slot }
        guard var found = best else { return nil }
        // The count over every row, to rounding.
        var count = 0
        let (w, b) = (found.w, found.b)
        for i in 0..<n where onFit(residual: y[i] - w * x[i] - b, terms: abs(y[i]) + abs(w * x[i]) + abs(b)) { count += 1 }
        found.points = count
        return found.points >= 3 ? found : nil
    }

    /// `count` pairs of rows with different x, drawn with a fixed seed (the same data give the
    /// same pairs); no pair twice.
    static func elementalPairs(x: [Double], count: Int) -> [(Int, Int)] {
        let n = x.count
        guard n >= 2, count > 0 else { return [] }
        var generator = RandomGenerator(seed: 0xE1E_4E47A1)
        var pairs: [(Int, Int)] = []
        var seen = Set<Int>()
        var tries = 0
        while pairs.count < count && tries < 20 * count {
            tries += 1
            let i = Int(generator.next() % UInt64(n)), j = Int(generator.next() % UInt64(n))
            guard x[i] != x[j] else { continue }
            let (a, b) = (min(i, j), max(i, j))
            // Pairs are told apart by a key that cannot collide below 2³¹ rows.
            let key = a &* 0x8000_0000 &+ b
            if seen.insert(key).inserted { pairs.append((a, b)) }
        }
        return pairs
    }

    /// log L(w, b) with s and ν held at given values (the surfaces). - Complexity: O(n).
    public static func logLikelihood(_ line: Parameters, scale s: Double, nu: Double, x: [Double], y: [Double]) -> Double {
        var sum = 0.0
        for i in x.indices {
            let r = (y[i] - line.w * x[i] - line.b) / s
            sum += log1p(r * r / nu)
        }
        return Double(x.count) * (logNormaliser(nu) - log(s)) - (nu + 1) / 2 * sum
    }

    /// The mean loss of a line, `(1/n) Σ (ν+1)/2 · log(1 + r²/(ν s²))`: −log L / n up to constants.
    public static func meanLoss(_ line: Parameters, scale s: Double, nu: Double, x: [Double], y: [Double]) -> Double {
        var sum = 0.0
        for i in x.indices {
            let r = (y[i] - line.w * x[i] - line.b) / s
            sum += log1p(r * r / nu)
        }
        return (nu + 1) / 2 * sum / Double(x.count)
    }

    /// The centred rows a one-predictor search climbs on, θ = (w, c, log s, log ν): all of them
    /// or a sample, through the SIMD pass (`sums`).
    struct Plane: StudentTSearchRows {
        let xc: [Double], yc: [Double]
        /// The rows are xc[i] − ox and yc[i] − oy (centred; the offsets are 0 when the arrays
        /// hold centred values already).
        let ox: Double, oy: Double

        init(xc: [Double], yc: [Double], offset: (Double, Double) = (0, 0)) {
            self.xc = xc; self.yc = yc
            (ox, oy) = offset
        }

        var observations: Double { Double(xc.count) }

        /// Each row's log-density at θ.
        func rowLogDensities(_ theta: [Double]) -> (values: [Double], weights: [Double]?) {
            let s = exp(theta[2]), nu = exp(theta[3])
            let constant = StudentTModel.logNormaliser(nu) - theta[2]
            let values = zip(xc, yc).map { x, y in
                let r = ((y - oy) - theta[0] * (x - ox) - theta[1]) / s
                return constant - (nu + 1) / 2 * log1p(r * r / nu)
            }
            return (values, nil)
        }

        /// The rows on θ's line to rounding: |r| at most 64 units in the last place of the
        /// terms it is computed from.
        func observationsOnFit(_ theta: [Double]) -> Double {
            Double(zip(xc, yc).filter { x0, y0 in
                let x = x0 - ox, y = y0 - oy
                return StudentTModel.onFit(residual: y - theta[0] * x - theta[1], terms: abs(y) + abs(theta[0] * x) + abs(theta[1]))
            }.count)
        }

        /// log L, its gradient and Hessian in θ. - Complexity: O(n).
        func evaluate(_ t: [Double], derivatives: Bool = true) -> (Double, [Double], [[Double]]) {
            let (w, c, lambda, tau) = (t[0], t[1], t[2], t[3])
            let s2 = exp(2 * lambda), nu = exp(tau)
            let invS2 = 1 / s2
            let (ox, oy) = (self.ox, self.oy)
            let n = Double(xc.count)
            // The 15 sums, over fixed blocks of rows merged in order: the same result whatever
            // the number of cores, and both cores busy at large n.
            let block = 1 << 16
            let blocks = max(1, (xc.count + block - 1) / block)
            var partial = [Double](repeating: 0, count: blocks * 15)
            partial.withUnsafeMutableBufferPointer { out in
                let base = out.baseAddress!
                let body = { (k: Int) in
                    xc.withUnsafeBufferPointer { xs in
                        yc.withUnsafeBufferPointer { ys in
                            let sums = StudentTModel.sums(xs, ys, (k * block)..<min(xs.count, (k + 1) * block), line: (w, c), offset: (ox, oy),
                                                          invS2: invS2, nu: nu, derivatives: derivatives)
                            for j in 0..<15 { base[k * 15 + j] = sums[j] }
                        }
                    }
                }
                if blocks == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: blocks, execute: body) }
            }
            var sums = [Double](repeating: 0, count: 15)
            for k in 0..<blocks { for j in 0..<15 { sums[j] += partial[k * 15 + j] } }
            let sumLog = sums[0]
            let (gw, gc, gl, gnu) = (sums[1], sums[2], sums[3], sums[4])
            let (hww, hwc, hcc, hwl, hcl, hll) = (sums[5], sums[6], sums[7], sums[8], sums[9], sums[10])
            let (hwn, hcn, hln, hnn) = (sums[11], sums[12], sums[13], sums[14])
            let ll = n * (StudentTModel.logNormaliser(nu) - lambda) - (nu + 1) / 2 * sumLog
            guard derivatives else { return (ll, [], []) }
            let dNu = n / 2 * (digamma((nu + 1) / 2) - digamma(nu / 2) - 1 / nu) - sumLog / 2 + (nu + 1) / 2 * gnu
            let d2Nu = n / 4 * (trigamma((nu + 1) / 2) - trigamma(nu / 2)) + n / (2 * nu * nu) + hnn
            let g = [gw / s2, gc / s2, -n + gl, nu * dNu]
            var h = [[Double]](repeating: [Double](repeating: 0, count: 4), count: 4)
            h[0][0] = hww / s2; h[0][1] = hwc / s2; h[1][1] = hcc / s2
            h[0][2] = hwl / s2; h[1][2] = hcl / s2; h[2][2] = hll
            h[0][3] = nu * hwn / s2; h[1][3] = nu * hcn / s2; h[2][3] = nu * hln
            h[3][3] = nu * dNu + nu * nu * d2Nu
            for i in 0..<4 { for j in 0..<i { h[i][j] = h[j][i] } }
            return (ll, g, h)
        }

        /// None: on centred rows this pass resolves log L to near the last place, and the climb
        /// ends by the Newton decrement.
        func polish(_ theta: [Double], freeNu: Bool, logNuBounds: (Double, Double)) -> (theta: [Double], logLikelihood: Double)? { nil }

        /// The gradient and Hessian at θ over (w, c, log s) and, with `freeNu`, log ν.
        func derivatives(at theta: [Double], freeNu: Bool) -> ([Double], Matrix) {
            let (_, g, h) = evaluate(theta)
            return Self.leading(freeNu ? 4 : 3, g, h)
        }

        /// The first `m` entries of the pass's gradient and Hessian (log ν's go when it is held).
        static func leading(_ m: Int, _ g: [Double], _ h: [[Double]]) -> ([Double], Matrix) {
            var hm = Matrix(rows: m, columns: m)
            for j in 0..<m { for i in 0..<m { hm[i, j] = h[i][j] } }
            return (Array(g[0..<m]), hm)
        }

        /// The climb from θ (`StudentTClimb`, the several-predictor fit's loop), every iterate
        /// kept, on this pass: its derivatives cost little more than log L, so a full step's
        /// trial brings them.
        func climb(from theta: [Double], freeNu: Bool, logNuBounds: (Double, Double), maxSteps: Int, recordsPath: Bool,
                   label: String) -> StudentTClimb.End {
            let rows = xc.count
            var climb = StudentTClimb(p: 2, freeNu: freeNu, logNuBounds: logNuBounds, maxSteps: maxSteps) { t, free, derivatives in
                let (value, g, h) = evaluate(t, derivatives: derivatives)
                guard derivatives else { return (value, [], Matrix(rows: 0, columns: 0)) }
                let (gm, hm) = Plane.leading(free ? 4 : 3, g, h)
                return (value, gm, hm)
            }
            climb.recordsPath = recordsPath
            climb.derivativesWithTrial = true
            climb.onStep = { FitProgress.note("Student-t: Newton step \($0)\(label) on \(rows) rows") }
            return climb.climb(from: theta)
        }
    }

    /// Solves A x = b for a symmetric positive definite A by Cholesky; nil when A is not
    /// positive definite.
    static func choleskySolve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        let k = b.count
        var l = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for i in 0..<k {
            for j in 0...i {
                var sum = a[i][j]
                for m in 0..<j { sum -= l[i][m] * l[j][m] }
                if i == j {
                    guard sum > 1e-14 * max(abs(a[i][i]), 1e-300), sum.isFinite else { return nil }
                    l[i][i] = sum.squareRoot()
                } else {
                    l[i][j] = sum / l[j][j]
                }
            }
        }
        var y = [Double](repeating: 0, count: k)
        for i in 0..<k {
            var sum = b[i]
            for m in 0..<i { sum -= l[i][m] * y[m] }
            y[i] = sum / l[i][i]
        }
        var x = [Double](repeating: 0, count: k)
        for i in stride(from: k - 1, through: 0, by: -1) {
            var sum = y[i]
            for m in (i + 1)..<k { sum -= l[m][i] * x[m] }
            x[i] = sum / l[i][i]
        }
        return x
    }

    /// ψ(x), the digamma function: the recurrence up to x ≥ 12, then the asymptotic series.
    static func digamma(_ x: Double) -> Double {
        var x = x, result = 0.0
        while x < 12 { result -= 1 / x; x += 1 }
        let f = 1 / (x * x)
        return result + log(x) - 0.5 / x - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))))
    }

    /// ψ′(x), the trigamma function, the same way.
    static func trigamma(_ x: Double) -> Double {
        var x = x, result = 0.0
        while x < 12 { result += 1 / (x * x); x += 1 }
        let f = 1 / (x * x)
        return result + 1 / x + f / 2 + f / x * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f * (1.0 / 30))))
    }
}

extension StudentTModel {
    private typealias Four = SIMD4<Double>

    /// The 15 sums of `Plane.evaluate` over `range` (rows xᵢ − offset.0, yᵢ − offset.1): Σ log(1 +
    /// q/ν) first, then the gradient's and Hessian's sums (zero without `derivatives`).
    ///
    /// Four rows at a time in SIMD lanes, sixteen per group: one division per row (the terms
    /// share 1/(ν + q)) and one logarithm per sixteen rows, of the product of their factors
    /// 1 + q/ν (all ≥ 1, so a finite product never overflowed on the way; a group whose product
    /// overflows takes each row's log1p instead). The product's rounding adds a few units in
    /// the last place of 1 per group, an error of order 10⁻¹⁶·√n in a sum that log L multiplies
    /// by (ν + 1)/2. The rows after the last whole group go one at a time.
    static func sums(_ xs: UnsafeBufferPointer<Double>, _ ys: UnsafeBufferPointer<Double>, _ range: Range<Int>,
                     line: (w: Double, c: Double), offset: (x: Double, y: Double),
                     invS2: Double, nu: Double, derivatives: Bool) -> [Double] {
        let (w, c) = line, (ox, oy) = offset
        let invNu = 1 / nu, nu1 = nu + 1, halfNu1 = (nu + 1) / 2
        var sumLog = 0.0
        // Accumulators in registers, not an array.
        var a1 = Four(), a2 = Four(), a3 = Four(), a4 = Four(), a5 = Four(), a6 = Four(), a7 = Four()
        var a8 = Four(), a9 = Four(), a10 = Four(), a11 = Four(), a12 = Four(), a13 = Four(), a14 = Four()
        let vw = Four(repeating: w), vc = Four(repeating: c), vox = Four(repeating: ox), voy = Four(repeating: oy)
        let vInvS2 = Four(repeating: invS2), vInvNu = Four(repeating: invNu), vNu = Four(repeating: nu), vNu1 = Four(repeating: nu1)
        let one = Four(repeating: 1), two = Four(repeating: 2), twoNu = Four(repeating: 2 * nu)
        let curvature = Four(repeating: halfNu1 * invNu)
        var i = range.lowerBound
        if let xBase = xs.baseAddress, let yBase = ys.baseAddress {
            let xp = UnsafeRawPointer(xBase), yp = UnsafeRawPointer(yBase)
            while i + 16 <= range.upperBound {
                var product = one
                for g in 0..<4 {
                    let offset = (i + 4 * g) * MemoryLayout<Double>.stride
                    let x = xp.loadUnaligned(fromByteOffset: offset, as: Four.self) - vox
                    let r = (yp.loadUnaligned(fromByteOffset: offset, as: Four.self) - voy) - vw * x - vc
                    let q = r * r * vInvS2
                    let qn = q * vInvNu
                    product *= one + qn
                    guard derivatives else { continue }
                    let ia = one / (vNu + q)
                    let qa = q * ia
                    let u = vNu1 * ia
                    let ur = u * r
                    a1 += ur * x; a2 += ur; a3 += u * q
                    let qnia = qn * ia
                    a4 += qnia
                    let kk = u * (two * qa - one)
                    let kx = kk * x
                    a5 += kx * x; a6 += kx; a7 += kk
                    let m = two * u * (qa - one)
                    let mr = m * r
                    a8 += mr * x; a9 += mr; a10 += m * q
                    let d = (q - one) * ia * ia
                    let rd = r * d
                    a11 += rd * x; a12 += rd; a13 += q * d
                    a14 += qnia - curvature * qn * (twoNu + q) * ia * ia
                }
                let p = (product[0] * product[1]) * (product[2] * product[3])
                if p.isFinite {
                    sumLog += log(p)
                } else {
                    for j in i..<(i + 16) {
                        let r = (ys[j] - oy) - w * (xs[j] - ox) - c
                        sumLog += log1p(r * r * invS2 * invNu)
                    }
                }
                i += 16
            }
        }
        var t = [Double](repeating: 0, count: 15)
        for j in i..<range.upperBound {
            let x = xs[j] - ox
            let r = (ys[j] - oy) - w * x - c
            let q = r * r * invS2
            let qn = q * invNu
            sumLog += log1p(qn)
            guard derivatives else { continue }
            let ia = 1 / (nu + q)
            let qa = q * ia
            let u = nu1 * ia
            t[1] += u * r * x; t[2] += u * r; t[3] += u * q
            t[4] += qn * ia
            let kk = u * (2 * qa - 1)
            t[5] += kk * x * x; t[6] += kk * x; t[7] += kk
            let m = 2 * u * (qa - 1)
            t[8] += m * r * x; t[9] += m * r; t[10] += m * q
            let d = (q - 1) * ia * ia
            t[11] += r * x * d; t[12] += r * d; t[13] += q * d
            t[14] += qn * ia - halfNu1 * qn * (2 * nu + q) * invNu * ia * ia
        }
        t[0] = sumLog
        for (k, a) in [a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14].enumerated() { t[k + 1] += a.sum() }
        return t
    }
}
