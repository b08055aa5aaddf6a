import Foundation

/// What every fitted family shares: a line `w·x + b` (the mean of y, or its link), its
/// coefficients with standard errors, and a maximised log-likelihood with every constant kept,
/// so that families fitted to the same data can be compared by AIC and BIC.
///
/// A family is one file in this module: a fit type conforming to `LineFit` and an enum with
/// its `fit`. The report layer adds one file and one template per family (DESIGN §3).
public protocol LineFit: Sendable {
    var n: Int { get }
    var w: Coefficient { get }
    var b: Coefficient { get }
    /// The maximised log-likelihood, every constant included.
    var logLikelihood: Double { get }
    /// Free parameters counted by AIC and BIC (the line's two plus the noise's).
    var parameterCount: Int { get }
    /// Iterations of the fitting method (0 for a closed form) and whether it converged.
    var iterations: Int { get }
    var converged: Bool { get }
    /// log p(y | x) of one observation under the fitted model: summed over the data it must
    /// give `logLikelihood` (each family's check on its page).
    func logDensity(x: Double, y: Double) -> Double
}

extension LineFit {
    public var aic: Double { 2 * Double(parameterCount) - 2 * logLikelihood }
    public var bic: Double { Double(parameterCount) * log(Double(n)) - 2 * logLikelihood }
    public var line: Parameters { Parameters(w: w.estimate, b: b.estimate) }

    /// Σ log p(yᵢ | xᵢ), point by point (an independent route to `logLikelihood`).
    /// Kahan-summed within fixed segments of rows on all cores, and the segments' sums added
    /// the same way in order (`ParallelSum`: the same value whatever the number of cores).
    public func summedLogDensity(x: [Double], y: [Double]) -> Double {
        let n = min(x.count, y.count)
        let parts = ParallelSum.reduce(count: n, zero: [Double](), { range -> [Double] in
            var total = 0.0, compensation = 0.0
            for i in range {
                // Kahan summation: the check compares to 1e-9 relative at any n.
                let term = logDensity(x: x[i], y: y[i]) - compensation
                let next = total + term
                compensation = (next - total) - term
                total = next
            }
            return [total]
        }, combine: +)
        var total = 0.0, compensation = 0.0
        for part in parts {
            let term = part - compensation
            let next = total + term
            compensation = (next - total) - term
            total = next
        }
        return total
    }
}

extension LinearFit: LineFit {
    public var parameterCount: Int { LinearGaussianModel.parameterCount }
    public var iterations: Int { 0 }
    public var converged: Bool { true }
    public func logDensity(x: Double, y: Double) -> Double {
        let r = y - w.estimate * x - b.estimate
        return -0.5 * log(2 * Double.pi * sigma2MLE) - r * r / (2 * sigma2MLE)
    }
}

extension LogisticFit: LineFit {
    public var parameterCount: Int { LogisticBernoulliModel.parameterCount }
    public func logDensity(x: Double, y: Double) -> Double {
        let eta = w.estimate * x + b.estimate
        return y * eta - Numerics.softplus(eta)
    }
}
