import Foundation

/// The iterates of an optimiser in the (w, b) plane, thinned for drawing.
public struct OptimizerPath: Equatable, Sendable {
    /// Recorded iterates: every one of the first 100, then roughly 1 % of the rest, and always
    /// the last.
    public var points: [Parameters]
    /// Number of steps taken.
    public var iterations: Int
    /// Whether the stopping rule was met before the iteration limit.
    public var converged: Bool
    /// The constant step size used.
    public var learningRate: Double

    public var end: Parameters { points[points.count - 1] }
}

/// Plain gradient descent with a constant step `1/L`, where `L` bounds the curvature of the
/// mean loss, so every step decreases the loss. It stops when a step moves each parameter by
/// less than `tolerance·(1 + |θ|)`.
public enum GradientDescent {
    public static let tolerance = 1e-14

    static func run(start: Parameters, learningRate: Double, maxIterations: Int,
                    gradient: (Parameters) -> (Double, Double)) -> OptimizerPath {
        var theta = start
        var points = [theta]
        var converged = false
        var k = 0
        // A curvature bound that overflowed gives no usable step: report the start, unconverged.
        guard learningRate.isFinite, learningRate > 0 else {
            return OptimizerPath(points: points, iterations: 0, converged: false, learningRate: learningRate)
        }
        while k < maxIterations {
            let (gw, gb) = gradient(theta)
            let next = Parameters(w: theta.w - learningRate * gw, b: theta.b - learningRate * gb)
            k += 1
            let small = abs(next.w - theta.w) <= tolerance * (1 + abs(next.w))
                && abs(next.b - theta.b) <= tolerance * (1 + abs(next.b))
            theta = next
            if k < 100 || k % max(1, k / 100) == 0 { points.append(theta) }
            if small { converged = true; break }
        }
        if points.last != theta { points.append(theta) }
        return OptimizerPath(points: points, iterations: k, converged: converged, learningRate: learningRate)
    }

    /// Largest eigenvalue of the symmetric matrix `[[a, c], [c, d]]`.
    static func largestEigenvalue(a: Double, c: Double, d: Double) -> Double {
        let mean = (a + d) / 2
        let radius = (((a - d) / 2) * ((a - d) / 2) + c * c).squareRoot()
        return mean + radius
    }

    /// Gradient descent on the mean squared error of the linear model, from `start`.
    /// The Hessian of the MSE is the constant `2·[[E x², x̄], [x̄, 1]]`; its largest eigenvalue
    /// is `L`. Each step costs O(1) (the gradient comes from the sufficient statistics).
    public static func linear(_ s: SufficientStatistics, start: Parameters = Parameters(w: 0, b: 0),
                              maxIterations: Int = 2_000_000) -> OptimizerPath {
        let ex2 = s.sxx / Double(s.n) + s.meanX * s.meanX
        let L = 2 * largestEigenvalue(a: ex2, c: s.meanX, d: 1)
        return run(start: start, learningRate: 1 / L, maxIterations: maxIterations) {
            LinearGaussianModel.meanSquaredErrorGradient(w: $0.w, b: $0.b, statistics: s)
        }
    }

    /// Gradient descent on the mean cross-entropy of the logistic model, from `start`.
    /// Its Hessian is `E[p(1−p)·(x, 1)(x, 1)ᵀ] ≼ ¼·E[(x, 1)(x, 1)ᵀ]`, whose largest eigenvalue
    /// gives `L`. Each step costs O(n).
    /// The default step limit keeps the total work near 2·10⁸ point evaluations, so large
    /// or badly conditioned data end with an unconverged path rather than a long wait.
    public static func logistic(x: [Double], y: [Double], start: Parameters = Parameters(w: 0, b: 0),
                                maxIterations: Int? = nil) -> OptimizerPath {
        let maxIterations = maxIterations ?? min(200_000, max(1_000, 200_000_000 / max(1, x.count)))
        let n = Double(x.count)
        var sx = 0.0, sxx = 0.0
        for v in x { sx += v; sxx += v * v }
        let L = 0.25 * largestEigenvalue(a: sxx / n, c: sx / n, d: 1)
        return run(start: start, learningRate: 1 / L, maxIterations: maxIterations) {
            LogisticBernoulliModel.meanCrossEntropyGradient($0, x: x, y: y)
        }
    }
}
