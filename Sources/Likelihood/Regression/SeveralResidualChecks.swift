import Foundation

/// The checks of the Gaussian assumption on the residuals of a least-squares fit with
/// several predictors: their skewness and excess kurtosis with the Jarque–Bera test, and
/// the Breusch–Pagan test of constant variance in Koenker's studentised form, n·R² of the
/// regression of the squared residuals on every column of the design (χ² with p − 1
/// degrees of freedom under constant variance), as statsmodels' `het_breuschpagan` and
/// R's `lmtest::bptest` compute it.
public struct SeveralResidualChecks: Sendable, Equatable {
    /// Skewness, excess kurtosis and the Jarque–Bera test.
    public var shape: ResidualShape
    public var breuschPagan: Double
    public var breuschPaganP: Double
    public var degreesOfFreedom: Int

    /// - Parameter residuals: y − Xβ̂, one per row of `design`.
    public init(residuals: [Double], design: DesignMatrix) {
        self.init(y: residuals, fitted: [Double](repeating: 0, count: residuals.count), design: design)
    }

    /// The same from the response and the fitted values (no array of residuals is made).
    public init(y: [Double], fitted: [Double], design: DesignMatrix) {
        precondition(y.count == fitted.count, "one fitted value per response")
        let n = Double(y.count)
        // Scale-free statistics, computed on r / max|r| so that no fourth power overflows.
        var scale = zip(y, fitted).reduce(0) { max($0, abs($1.0 - $1.1)) }
        if !(scale > 0) || !scale.isFinite { scale = 1 }
        var m2 = 0.0, m3 = 0.0, m4 = 0.0
        var squares = [Double](repeating: 0, count: y.count)
        for i in y.indices {
            let v = (y[i] - fitted[i]) / scale, v2 = v * v
            m2 += v2; m3 += v2 * v; m4 += v2 * v2
            squares[i] = v2
        }
        shape = ResidualShape(m2: m2 / n, m3: m3 / n, m4: m4 / n, n: y.count)
        degreesOfFreedom = design.columns - 1
        let rSquared = (try? LinearRegression(design: design, y: squares))?.rSquared ?? 0
        breuschPagan = n * max(0, rSquared)
        breuschPaganP = Distributions.chiSquaredSurvival(breuschPagan, degreesOfFreedom: max(1, degreesOfFreedom))
    }
}
