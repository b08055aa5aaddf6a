import Dispatch
import Foundation

/// The fitted Poisson regression `y ~ Poisson(μ)`, `log μ = w·x + b`.
public struct PoissonFit: LineFit, Equatable {
    public var n: Int
    public var w: Coefficient
    public var b: Coefficient
    /// Inverse Fisher information at the MLE.
    public var covariance: (ww: Double, wb: Double, bb: Double)
    public var logLikelihood: Double
    /// log L of the intercept-only model, μ = ȳ.
    public var nullLogLikelihood: Double
    /// `2 Σ [yᵢ log(yᵢ/μᵢ) − (yᵢ − μᵢ)]` and the same for μ = ȳ.
    public var deviance: Double
    public var nullDeviance: Double
    /// `Σ (yᵢ − μᵢ)² / μᵢ`.
    public var pearsonChiSquared: Double
    public var parameterCount: Int { PoissonModel.parameterCount }
    public var iterations: Int
    public var converged: Bool
    /// Newton's iterates from the start.
    public var path: [Parameters]
    /// Σ log(yᵢ!), the constant of the log-likelihood.
    public var logFactorials: Double

    /// Pearson χ² / (n − 2): about 1 when the counts vary as much as Poisson says.
    public var dispersion: Double { pearsonChiSquared / Double(n - 2) }
    /// Likelihood-ratio test of w = 0: the drop in deviance, χ²₁.
    public var likelihoodRatioStatistic: Double { max(0, nullDeviance - deviance) }
    public var likelihoodRatioPValue: Double { Distributions.chiSquared1Survival(likelihoodRatioStatistic) }

    public func logDensity(x: Double, y: Double) -> Double {
        let eta = w.estimate * x + b.estimate
        return y * eta - exp(eta) - lgamma(y + 1)
    }

    public func mean(at x: Double) -> Double { exp(w.estimate * x + b.estimate) }

    public static func == (a: PoissonFit, b: PoissonFit) -> Bool {
        a.w == b.w && a.b == b.b && a.logLikelihood == b.logLikelihood && a.path == b.path
    }
}

/// Maximum likelihood for Poisson counts with a log link, by Newton–Raphson (for the
/// canonical link it is the same as IRLS and Fisher scoring) with step-halving.
public enum PoissonModel {
    public static let parameterCount = 2

    /// Rejects what has no Poisson MLE. Rows are 0-based.
    public static func validate(x: [Double], y: [Double]) throws {
        guard x.count == y.count else { throw FitError.lengthMismatch(x: x.count, y: y.count) }
        for (i, v) in y.enumerated() where !(v >= 0 && v == v.rounded() && v < 1e15) {
            throw FitError.notACount(row: i, value: v)
        }
        guard x.count >= 3 else { throw FitError.tooFewPoints(n: x.count, needed: 3) }
        let lo = x.min()!, hi = x.max()!
        guard hi > lo else { throw FitError.constantPredictor }
        guard (hi - lo) > 1e-12 * max(abs(lo), abs(hi)) else { throw FitError.predictorSpreadTooSmall(span: hi - lo, size: max(abs(lo), abs(hi))) }
        guard y.contains(where: { $0 > 0 }) else { throw FitError.allZeroCounts }
        // With every positive count at one x that is the smallest or largest, log μ can fall
        // without bound on the other side: the likelihood rises forever as |w| grows.
        var positiveX: Double? = nil, single = true
        for (xi, yi) in zip(x, y) where yi > 0 {
            if let p = positiveX, p != xi { single = false; break }
            positiveX = xi
        }
        if single, let p = positiveX, p == lo || p == hi {
            throw FitError.countsAtOneEnd(x: p, atMaximum: p == hi)
        }
    }

    /// The fit is the several-predictor one, `GeneralizedLinearFit` on the design (1, x):
    /// Newton's method from the intercept-only fit (w = 0, b = log ȳ) with step-halving, one
    /// pass over the rows a step on every core. Newton's steps do not depend on how (w, b) is
    /// parametrised, so its path is the one a centred parametrisation would take.
    public static func fit(x: [Double], y: [Double]) throws -> PoissonFit {
        try validate(x: x, y: y)
        let n = x.count
        let total = y.reduce(0, +)
        let meanY = total / Double(n)
        let design = DesignMatrix.line(x)
        let glm = try GeneralizedLinearFit(design: design, y: y, family: PoissonLog())
        let b0 = glm.coefficients[0], w0 = glm.coefficients[1]
        var logFactorials = 0.0, deviance = 0.0, nullDeviance = 0.0, pearson = 0.0
        for i in 0..<n {
            let yi = y[i]
            logFactorials += lgamma(yi + 1)
            let mu = exp(w0 * x[i] + b0)
            let ylogy = { (m: Double) in yi > 0 ? yi * log(yi / m) : 0 }
            deviance += 2 * (ylogy(mu) - (yi - mu))
            nullDeviance += 2 * (ylogy(meanY) - (yi - meanY))
            pearson += (yi - mu) * (yi - mu) / mu
        }
        let v = glm.covariance
        let z = Distributions.normalQuantile975
        return PoissonFit(n: n,
                          w: Coefficient(estimate: w0, standardError: v[1, 1].squareRoot(), quantile: z, pValue: Distributions.normalTwoSidedP),
                          b: Coefficient(estimate: b0, standardError: v[0, 0].squareRoot(), quantile: z, pValue: Distributions.normalTwoSidedP),
                          covariance: (v[1, 1], v[0, 1], v[0, 0]),
                          logLikelihood: glm.logLikelihood,
                          nullLogLikelihood: total * log(meanY) - total - logFactorials,
                          deviance: deviance, nullDeviance: nullDeviance, pearsonChiSquared: pearson,
                          iterations: glm.iterations, converged: true, path: glm.path.map { Parameters(w: $0[1], b: $0[0]) },
                          logFactorials: logFactorials)
    }

    /// Expected frequency of each count 0…`maxCount` under the fit, Σᵢ P(Y = k | μᵢ), and the
    /// observed frequencies (a rootogram's two sides). - Complexity: O(n · maxCount).
    /// The bars of a rootogram: counts `lo`…`hi` in bars of `width` counts, with everything
    /// below `lo` (when `lo` > 0) pooled into a first bar and everything above `hi` into a last.
    public struct RootogramBars: Sendable {
        public var lo: Int, hi: Int, width: Int
        public var pooledBelow: Bool
        /// Observed and expected frequencies per bar, in order.
        public var observed: [Double], expected: [Double]
        /// The bar's first and last count (`Int.max` for the last's open end).
        public var ranges: [(Int, Int)]
    }

    /// Bars spanning the central 99 % of the observed counts (their 0.5 % and 99.5 % points, of
    /// a seeded 100,000-row sample above that many), one count per bar up to 41 of them, else
    /// in bars of 2, 5, 10, 20, 50, … counts; below and above pooled. The expected frequency of
    /// each bar sums every row's Poisson probabilities over the bar's counts, computed from the
    /// row's mode outwards (no underflow at large means) until they fall below 10⁻¹⁷ of the mode;
    /// above a mean of 10⁵, from the normal approximation (a bounded cost per row).
    public static func rootogramBars(_ fit: PoissonFit, x: [Double], y: [Double]) -> RootogramBars {
        rootogramBars(y: y) { fit.mean(at: x[$0]) }
    }

    /// The same for any fit: `mean(i)` is row i's fitted mean (several predictors: e^(xᵢᵀβ̂)),
    /// `weight(i)` how many observations row i stands for (frequency weights).
    public static func rootogramBars(y: [Double], weight: ((Int) -> Double)? = nil, mean: (Int) -> Double) -> RootogramBars {
        let n = y.count
        var sample = n > 100_000 ? RandomGenerator.onePerBlock(n: n, stride: n / 100_000, seed: 0x5007).map { y[$0] } : y
        sample.sort()
        var lo = Int(sample[Int(0.005 * Double(sample.count - 1))]), hi = Int(sample[Int(0.995 * Double(sample.count - 1))])
        var width = 1
        for w in [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000] {
            width = w
            if (hi - lo) / w + 1 <= 40 { break }
        }
        lo = lo / width * width
        if lo <= 2 * width { lo = 0 }
        hi = lo + ((hi - lo) / width + 1) * width - 1
        let pooledBelow = lo > 0
        let inner = (hi - lo + 1) / width
        let bars = inner + 1 + (pooledBelow ? 1 : 0)
        var ranges: [(Int, Int)] = pooledBelow ? [(0, lo - 1)] : []
        for j in 0..<inner { ranges.append((lo + j * width, lo + (j + 1) * width - 1)) }
        ranges.append((hi + 1, Int.max))
        func bar(_ k: Int) -> Int {
            if k < lo { return 0 }
            if k > hi { return bars - 1 }
            return (pooledBelow ? 1 : 0) + (k - lo) / width
        }
        var observed = [Double](repeating: 0, count: bars), expected = [Double](repeating: 0, count: bars)
        for (i, yi) in y.enumerated() {
            let wi = weight?(i) ?? 1
            observed[bar(Int(yi))] += wi
            let mu = mean(i)
            guard mu > 0, mu.isFinite else { continue }
            if mu > 1e5 {
                // A walk over every count would take ~18√μ steps a row: above 10⁵ the bars take
                // the normal approximation with continuity correction instead, off by about
                // 1/√μ (0.3 %) of a bar's mass, invisible on the square-root scale.
                let sd = mu.squareRoot()
                func cdf(_ k: Double) -> Double { 0.5 * erfc(-(k + 0.5 - mu) / (sd * 2.0.squareRoot())) }
                for (j, range) in ranges.enumerated() {
                    let upper = range.1 == Int.max ? 1.0 : cdf(Double(range.1))
                    let lower = range.0 == 0 ? 0.0 : cdf(Double(range.0) - 1)
                    expected[j] += wi * max(0, upper - lower)
                }
                continue
            }
            let mode = Int(min(mu, 1e15))
            let pMode = exp(Double(mode) * log(mu) - mu - lgamma(Double(mode) + 1))
            expected[bar(mode)] += wi * pMode
            var p = pMode, k = mode
            while p > 1e-17 * pMode && k < Int.max / 2 { p *= mu / Double(k + 1); k += 1; expected[bar(k)] += wi * p }
            p = pMode; k = mode
            while k > 0 && p > 1e-17 * pMode { p *= Double(k) / mu; k -= 1; expected[bar(k)] += wi * p }
        }
        return RootogramBars(lo: lo, hi: hi, width: width, pooledBelow: pooledBelow, observed: observed, expected: expected, ranges: ranges)
    }

}

extension PoissonModel {
    /// log L(w, b) − `top` on a grid, exactly, in O(n) per column of w: the log-likelihood is
    /// w·Σyᵢxᵢ + b·Σyᵢ − e^b·Σ e^{w xᵢ} − Σ log yᵢ!, so one pass per w (Σ e^{w xᵢ} in
    /// log-sum-exp form) serves every b.
    public static func relativeLogLikelihoodGrid(x: [Double], y: [Double], w ws: [Double], b bs: [Double], fit: PoissonFit) -> SurfaceGrid {
        var sxy = 0.0, sy = 0.0
        for i in x.indices { sxy += y[i] * x[i]; sy += y[i] }
        let lo = x.min() ?? 0, hi = x.max() ?? 0
        var logS = [Double](repeating: 0, count: ws.count)
        logS.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: ws.count) { i in
                let w = ws[i]
                let top = max(w * lo, w * hi)
                var sum = 0.0
                for xk in x { sum += exp(w * xk - top) }
                base[i] = top + log(sum)
            }
        }
        var values = [Double](repeating: 0, count: ws.count * bs.count)
        for (j, b) in bs.enumerated() {
            for (i, w) in ws.enumerated() {
                values[j * ws.count + i] = w * sxy + b * sy - exp(b + logS[i]) - fit.logFactorials - fit.logLikelihood
            }
        }
        return SurfaceGrid(w: ws, b: bs, values: values)
    }
}
