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
    /// Every distinct local maximum the starts reached, best first.
    public var localMaxima: [StudentTModel.Optimum]
    /// ν reached its upper bound with the likelihood still rising: the data look Gaussian.
    public var nuAtUpperBound: Bool
    /// Every start's search, in the order tried (least squares first).
    public var searches: [StudentTModel.Optimum]
    /// The least-absolute-deviations fit of the same data, one of the starts (a comparison of
    /// noise models on these data need not fit it again).
    public var leastAbsoluteDeviations: LaplaceFit?

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
/// with the exact gradient and Hessian, falling back to an EM step (Lange, Little and Taylor
/// 1989) wherever the Hessian is not negative definite; from two starts (the least-squares and
/// the least-absolute-deviations lines), because the log-likelihood need not be concave in the
/// line and more than one local maximum can exist.
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
        /// How many of the steps ran on evenly spaced rows (`sampleSize`; 0: all on every row).
        public var sampleSteps = 0
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

    /// - Parameter lad: the least-absolute-deviations fit of the same data, when the caller
    ///   has it (one of the two starts).
    ///   - sampleRows: above this many rows the first steps run on evenly spaced rows
    ///     (`StudentTModel.sampleRows`; tests vary it).
    public static func fit(x: [Double], y: [Double], nu fixedNu: Double? = nil, lad known: LaplaceFit? = nil,
                           sampleRows: Int = StudentTModel.sampleRows) throws -> StudentTFit {
        guard x.count == y.count else { throw FitError.lengthMismatch(x: x.count, y: y.count) }
        let n = x.count
        guard n >= 4 || (fixedNu != nil && n >= 3) else { throw FitError.tooFewPoints(n: n, needed: fixedNu == nil ? 4 : 3) }
        // Two points on the line contribute −log s each and every other point ν·log s, so
        // log L ~ ((n − 2)ν − 2)·log s, unbounded as s → 0 unless (n − 2)ν > 2.
        if let nu = fixedNu, Double(n - 2) * nu <= 2 { throw FitError.studentTUnbounded(nu: nu, n: n) }
        let ls = try LinearGaussianModel.fit(x: x, y: y)
        let lad = try known ?? LaplaceModel.fit(x: x, y: y)
        let mx = ls.statistics.meanX, my = ls.statistics.meanY
        let xc = x.map { $0 - mx }, yc = y.map { $0 - my }
        func centred(_ p: Parameters) -> Parameters { Parameters(w: p.w, b: p.b + p.w * mx - my) }
        let starts: [(String, Parameters, Double, Double)] = [
            ("least-squares", centred(Parameters(w: ls.w.estimate, b: ls.b.estimate)), ls.sigma2MLE.squareRoot(), fixedNu ?? 5),
            ("least-absolute-deviations", centred(Parameters(w: lad.w.estimate, b: lad.b.estimate)), lad.scale, fixedNu ?? 1),
        ]
        var results: [Search] = []
        let stride = sampleStride(n: n, sampleRows: sampleRows)
        let picked = stride > 1 ? sampleRowIndices(n: n, stride: stride) : []
        let sxc = picked.map { xc[$0] }, syc = picked.map { yc[$0] }
        for (name, line, s, nu) in starts {
            var theta = [line.w, line.b, log(s), log(nu)]
            var early = Search(xc: sxc, yc: syc, theta: theta, freeNu: fixedNu == nil)
            early.start = name
            if stride > 1 {
                early.run()
                if early.theta.allSatisfy(\.isFinite) { theta = early.theta }
            }
            var search = Search(xc: xc, yc: yc, theta: theta, freeNu: fixedNu == nil)
            search.start = name
            search.run()
            if stride > 1 {
                search.path = early.path + search.path.dropFirst()
                search.sampleSteps = early.iterations
                search.iterations += early.iterations
            }
            search.start = name
            results.append(search)
        }
        let best = results.max { $0.ll < $1.ll }!
        // Distinct maxima: lines more than 10⁻⁴ standard errors apart.
        let cov = best.covariance()
        let seW = cov.ww.squareRoot(), seB = cov.bb.squareRoot()
        var maxima: [Search] = []
        for r in results.sorted(by: { $0.ll > $1.ll }) {
            let same = maxima.contains { abs($0.theta[0] - r.theta[0]) <= 1e-4 * seW && abs($0.theta[1] - r.theta[1]) <= 1e-4 * seB }
            if !same { maxima.append(r) }
        }
        func original(_ t: [Double]) -> Parameters { Parameters(w: t[0], b: t[1] + my - t[0] * mx) }
        func optimum(_ r: Search) -> Optimum {
            Optimum(start: r.start, line: original(r.theta), scale: exp(r.theta[2]), nu: fixedNu ?? exp(r.theta[3]),
                    logLikelihood: r.ll, iterations: r.iterations, path: r.path.map(original), sampleSteps: r.sampleSteps)
        }
        let vww = cov.ww, vwb = cov.wb - mx * cov.ww, vbb = cov.bb - 2 * mx * cov.wb + mx * mx * cov.ww
        let line = original(best.theta)
        let z = Distributions.normalQuantile975
        let nu = fixedNu ?? exp(best.theta[3])
        return StudentTFit(n: n,
                           w: Coefficient(estimate: line.w, standardError: vww.squareRoot(), quantile: z, pValue: Distributions.normalTwoSidedP),
                           b: Coefficient(estimate: line.b, standardError: vbb.squareRoot(), quantile: z, pValue: Distributions.normalTwoSidedP),
                           scale: exp(best.theta[2]), nu: nu, nuFixed: fixedNu != nil,
                           logLikelihood: best.ll, iterations: best.iterations, converged: best.converged,
                           path: best.path.map { original($0) }, covariance: (vww, vwb, vbb),
                           localMaxima: maxima.map { optimum($0) },
                           nuAtUpperBound: fixedNu == nil && nu >= nuRange.1 * (1 - 1e-9),
                           searches: results.map { optimum($0) }, leastAbsoluteDeviations: lad)
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

    /// One local search on centred data, θ = (w, c, log s, log ν).
    struct Search {
        let xc: [Double], yc: [Double]
        var theta: [Double]
        let freeNu: Bool
        var start = ""
        var ll = -Double.infinity
        var iterations = 0
        var sampleSteps = 0
        var converged = false
        var path: [[Double]] = []
        var hessian = [[Double]](repeating: [Double](repeating: 0, count: 4), count: 4)

        init(xc: [Double], yc: [Double], theta: [Double], freeNu: Bool) {
            self.xc = xc; self.yc = yc; self.theta = theta; self.freeNu = freeNu
            self.theta[3] = min(max(theta[3], log(StudentTModel.nuRange.0)), log(StudentTModel.nuRange.1))
        }

        /// log L, its gradient and Hessian in θ. - Complexity: O(n).
        func evaluate(_ t: [Double], derivatives: Bool = true) -> (Double, [Double], [[Double]]) {
            let (w, c, lambda, tau) = (t[0], t[1], t[2], t[3])
            let s2 = exp(2 * lambda), nu = exp(tau)
            let n = Double(xc.count)
            // The 15 sums, over fixed blocks of rows merged in order: the same result whatever
            // the number of cores, and both cores busy at large n.
            let block = 1 << 16
            let blocks = max(1, (xc.count + block - 1) / block)
            var partial = [Double](repeating: 0, count: blocks * 15)
            partial.withUnsafeMutableBufferPointer { out in
                let base = out.baseAddress!
                let body = { (k: Int) in
                    // Scalars, not an array, so that the sums stay in registers.
                    var t0 = 0.0, t1 = 0.0, t2 = 0.0, t3 = 0.0, t4 = 0.0, t5 = 0.0, t6 = 0.0, t7 = 0.0
                    var t8 = 0.0, t9 = 0.0, t10 = 0.0, t11 = 0.0, t12 = 0.0, t13 = 0.0, t14 = 0.0
                    xc.withUnsafeBufferPointer { xs in
                        yc.withUnsafeBufferPointer { ys in
                            for i in (k * block)..<min(xs.count, (k + 1) * block) {
                                let r = ys[i] - w * xs[i] - c
                                let q = r * r / s2
                                let a = nu + q
                                t0 += log1p(q / nu)
                                guard derivatives else { continue }
                                let u = (nu + 1) / a
                                let x = xs[i]
                                t1 += u * r * x; t2 += u * r; t3 += u * q
                                t4 += q / (nu * a)
                                let kk = u * (2 * q / a - 1)
                                t5 += kk * x * x; t6 += kk * x; t7 += kk
                                let m = 2 * u * (q / a - 1)
                                t8 += m * r * x; t9 += m * r; t10 += m * q
                                let d = (q - 1) / (a * a)
                                t11 += r * x * d; t12 += r * d; t13 += q * d
                                t14 += q / (nu * a) - (nu + 1) / 2 * q * (2 * nu + q) / (nu * nu * a * a)
                            }
                        }
                    }
                    let t = [t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14]
                    for j in 0..<15 { base[k * 15 + j] = t[j] }
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

        mutating func run() {
            let bounds = (log(StudentTModel.nuRange.0), log(StudentTModel.nuRange.1))
            var (value, g, h) = evaluate(theta)
            path = [theta]
            while iterations < 500 {
                iterations += 1
                FitProgress.note("Student-t: Newton step \(iterations)\(start.isEmpty ? "" : " from the \(start) line") on \(xc.count) rows")
                // Free coordinates: ν when estimated and not pushing against a bound.
                var free = [0, 1, 2]
                if freeNu && !((theta[3] >= bounds.1 && g[3] > 0) || (theta[3] <= bounds.0 && g[3] < 0)) { free.append(3) }
                let negH = free.map { i in free.map { j in -h[i][j] } }
                var step = [Double](repeating: 0, count: 4)
                if let solved = StudentTModel.choleskySolve(negH, free.map { g[$0] }) {
                    for (k, i) in free.enumerated() { step[i] = solved[k] }
                } else {
                    step = emStep()
                }
                var accepted = false
                var t = 1.0
                for _ in 0..<50 {
                    var trial = theta
                    for i in 0..<4 { trial[i] += t * step[i] }
                    trial[3] = min(max(trial[3], bounds.0), bounds.1)
                    // The full step is usually taken: evaluate it with its derivatives at once
                    // (one pass over the data instead of two); shorter steps test the value first.
                    let full = t == 1 ? evaluate(trial) : nil
                    let v = full?.0 ?? evaluate(trial, derivatives: false).0
                    if v.isFinite && v >= value - 1e-13 * abs(value) {
                        let gain = v - value
                        let moved = zip(trial, theta).map { abs($0 - $1) }.max()!
                        theta = trial
                        (value, g, h) = full ?? evaluate(theta)
                        path.append(theta)
                        accepted = true
                        if gain <= 1e-13 * max(1, abs(value)) && moved <= 1e-9 * (1 + abs(theta.max { abs($0) < abs($1) }!)) {
                            converged = true
                        }
                        break
                    }
                    t /= 2
                }
                if !accepted { converged = true }
                if converged { break }
            }
            ll = value
            hessian = h
        }

        /// One EM step for (w, c, log s) with ν kept (always an ascent for fixed ν).
        func emStep() -> [Double] {
            let s2 = exp(2 * theta[2]), nu = exp(theta[3])
            var sw = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0
            for i in xc.indices {
                let r = yc[i] - theta[0] * xc[i] - theta[1]
                let u = (nu + 1) / (nu + r * r / s2)
                sw += u; sx += u * xc[i]; sy += u * yc[i]; sxx += u * xc[i] * xc[i]; sxy += u * xc[i] * yc[i]
            }
            let mxw = sx / sw, myw = sy / sw
            let w = (sxy - sw * mxw * myw) / (sxx - sw * mxw * mxw)
            let c = myw - w * mxw
            var ss = 0.0
            for i in xc.indices {
                let r0 = yc[i] - theta[0] * xc[i] - theta[1]
                let u = (nu + 1) / (nu + r0 * r0 / s2)
                let r = yc[i] - w * xc[i] - c
                ss += u * r * r
            }
            return [w - theta[0], c - theta[1], 0.5 * log(ss / Double(xc.count)) - theta[2], 0]
        }

        /// Covariance of (w, c) from the inverse of −H over the free parameters.
        func covariance() -> (ww: Double, wb: Double, bb: Double) {
            let bounds = (log(StudentTModel.nuRange.0), log(StudentTModel.nuRange.1))
            let free = freeNu && theta[3] > bounds.0 && theta[3] < bounds.1 ? [0, 1, 2, 3] : [0, 1, 2]
            let negH = free.map { i in free.map { j in -hessian[i][j] } }
            guard let c0 = StudentTModel.choleskySolve(negH, [1] + [Double](repeating: 0, count: free.count - 1)),
                  let c1 = StudentTModel.choleskySolve(negH, [0, 1] + [Double](repeating: 0, count: free.count - 2)) else {
                return (.nan, .nan, .nan)
            }
            return (c0[0], c0[1], c1[1])
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
