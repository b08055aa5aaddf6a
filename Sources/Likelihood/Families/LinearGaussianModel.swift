import Foundation

/// The fitted linear-Gaussian model `y = w·x + b + ε`, `ε ~ N(0, σ²)`.
public struct LinearFit: Equatable, Sendable {
    public var statistics: SufficientStatistics
    public var n: Int { statistics.n }
    public var w: Coefficient
    public var b: Coefficient
    /// Residual sum of squares at the MLE.
    public var rss: Double
    /// The MLE of σ², RSS/n.
    public var sigma2MLE: Double
    /// The unbiased estimate RSS/(n − 2), used for the standard errors as R's `lm` does.
    public var sigma2Unbiased: Double
    /// log L(ŵ, b̂, σ̂²) with every constant: −n/2 · (log(2π σ̂²) + 1).
    public var logLikelihood: Double
    /// AIC with k = 3 parameters (w, b, σ²), as R's `AIC(lm(...))`.
    public var aic: Double
    public var bic: Double
    public var rSquared: Double
    /// Residual degrees of freedom, n − 2.
    public var degreesOfFreedom: Int
    /// The 0.975 quantile of Student's t with n − 2 degrees of freedom.
    public var tQuantile: Double
}

/// Maximum likelihood for the linear-Gaussian model.
///
/// The MLE of (w, b) minimises the residual sum of squares for any σ², so it is the
/// least-squares line; it is computed in closed form from centred moments.
public enum LinearGaussianModel {
    /// Number of free parameters: w, b and σ².
    public static let parameterCount = 3

    /// Fits the model. - Complexity: O(n), one pass over the data.
    public static func fit(x: [Double], y: [Double]) throws -> LinearFit {
        guard x.count == y.count else { throw FitError.lengthMismatch(x: x.count, y: y.count) }
        return try fit(SufficientStatistics(x: x, y: y))
    }

    /// Fits the model from its sufficient statistics. - Complexity: O(1).
    public static func fit(_ s: SufficientStatistics) throws -> LinearFit {
        guard s.n >= 3 else { throw FitError.tooFewPoints(n: s.n, needed: 3) }
        guard s.xVaries else { throw FitError.constantPredictor }
        let slope = s.sxy / s.sxx
        let intercept = s.meanY - slope * s.meanX
        let rss = max(0, s.syy - slope * s.sxy)
        // Rounding leaves about 1e-16·Syy of "residual" on data that lie exactly on a line;
        // anything below 1e-12·Syy is treated as an exact fit.
        guard rss > 1e-12 * s.syy, rss > 0 else {
            throw FitError.perfectFit
        }
        let n = Double(s.n)
        let sigma2 = rss / n
        let s2 = rss / (n - 2)
        let df = s.n - 2
        let q = Distributions.studentTQuantile(0.975, degreesOfFreedom: Double(df))
        let pValue = { (t: Double) in Distributions.studentTTwoSidedP(t, degreesOfFreedom: Double(df)) }
        let seW = (s2 / s.sxx).squareRoot()
        let seB = (s2 * (1 / n + s.meanX * s.meanX / s.sxx)).squareRoot()
        let logL = logLikelihoodAtMLE(n: s.n, sigma2: sigma2)
        let k = Double(parameterCount)
        return LinearFit(statistics: s,
                         w: Coefficient(estimate: slope, standardError: seW, quantile: q, pValue: pValue),
                         b: Coefficient(estimate: intercept, standardError: seB, quantile: q, pValue: pValue),
                         rss: rss, sigma2MLE: sigma2, sigma2Unbiased: s2,
                         logLikelihood: logL,
                         aic: 2 * k - 2 * logL,
                         bic: k * log(n) - 2 * logL,
                         rSquared: s.syy > 0 ? 1 - rss / s.syy : 0,
                         degreesOfFreedom: df, tQuantile: q)
    }

    /// `log L = −n/2 · (log(2π σ̂²) + 1)`: the Gaussian log-likelihood at σ² = σ̂² = RSS/n,
    /// where the quadratic term RSS/(2σ̂²) equals n/2.
    public static func logLikelihoodAtMLE(n: Int, sigma2: Double) -> Double {
        return -0.5 * Double(n) * (log(2 * Double.pi * sigma2) + 1)
    }

    /// `log L(w, b; σ²) = −n/2 · log(2πσ²) − RSS(w, b)/(2σ²)`. - Complexity: O(1).
    @inlinable
    public static func logLikelihood(w: Double, b: Double, sigma2: Double,
                                     statistics s: SufficientStatistics) -> Double {
        return -0.5 * Double(s.n) * log(2 * Double.pi * sigma2) - s.rss(w: w, b: b) / (2 * sigma2)
    }

    /// Mean squared error `RSS(w, b)/n`. - Complexity: O(1).
    @inlinable
    public static func meanSquaredError(w: Double, b: Double, statistics s: SufficientStatistics) -> Double {
        return s.rss(w: w, b: b) / Double(s.n)
    }

    /// Gradient of the mean squared error with respect to (w, b), from the moments:
    /// ∂/∂b = −2·(ȳ − w x̄ − b), ∂/∂w = −2·(Sxy − w Sxx)/n + x̄ · ∂/∂b.
    @inlinable
    public static func meanSquaredErrorGradient(w: Double, b: Double,
                                                statistics s: SufficientStatistics) -> (Double, Double) {
        let offset = s.meanY - w * s.meanX - b
        let gb = -2 * offset
        let gw = -2 * (s.sxy - w * s.sxx) / Double(s.n) + s.meanX * gb
        return (gw, gb)
    }
}
