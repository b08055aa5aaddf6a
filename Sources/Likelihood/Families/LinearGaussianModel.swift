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
/// least-squares line. It is the several-predictor least-squares fit (`LinearRegression`) on
/// the design [1, x]: the rows are reduced to their centred moments and residual sum of squares, which give
/// the triangle of [1, x, y] in closed form (`SufficientStatistics.triangle`), and the same code
/// as for p predictors solves it and makes the inference.
public enum LinearGaussianModel {
    /// Number of free parameters: w, b and σ².
    public static let parameterCount = 3

    /// Fits the model. - Complexity: O(n), two passes over the data (moments, residuals).
    public static func fit(x: [Double], y: [Double]) throws -> LinearFit {
        guard x.count == y.count else { throw FitError.lengthMismatch(x: x.count, y: y.count) }
        let s = SufficientStatistics(x: x, y: y)
        guard s.n >= 3 else { throw FitError.tooFewPoints(n: s.n, needed: 3) }
        guard s.xVaries else { throw FitError.constantPredictor }
        // Rounding leaves about 1e-16·Syy of "residual" on data that lie exactly on a line;
        // anything below 1e-12·Syy is treated as an exact fit.
        let closedForm = s.residualSumOfSquares
        guard closedForm > 1e-12 * s.syy, closedForm > 0 else { throw FitError.perfectFit }
        // RSS from the residuals themselves (the moments' Syy − Sxy²/Sxx cancels as R² → 1).
        let rss = s.residualSumOfSquares(x: x, y: y)
        // x varies (in centred arithmetic, above): nothing is aliased, however far from 0 x lies.
        let regression = try LinearRegression(design: .line(x), triangle: s.triangle(residualSumOfSquares: rss),
                                              totalSumOfSquares: s.syy, tolerance: 0)
        let b = regression.estimates[0].coefficient, w = regression.estimates[1].coefficient
        return LinearFit(statistics: s, w: w, b: b,
                         rss: regression.rss, sigma2MLE: regression.sigma2MLE, sigma2Unbiased: regression.sigma2Unbiased,
                         logLikelihood: regression.logLikelihood, aic: regression.aic, bic: regression.bic,
                         rSquared: regression.rSquared, degreesOfFreedom: regression.degreesOfFreedom,
                         tQuantile: Distributions.studentTQuantile(0.975, degreesOfFreedom: regression.residualDegreesOfFreedom))
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

    /// Mean squared error `Σ(yᵢ − w xᵢ − b)²/n` summed over the rows themselves (no
    /// cancellation, unlike the moments' form near R² = 1), in fixed segments on all cores.
    /// - Complexity: O(n).
    public static func meanSquaredError(w: Double, b: Double, x: [Double], y: [Double]) -> Double {
        SufficientStatistics.squaredResiduals(x: x, y: y, w: w, b: b) / Double(min(x.count, y.count))
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
