import Foundation

/// The iterates of gradient descent in the (w, b) plane, thinned for drawing.
public struct OptimizerPath: Equatable, Sendable {
    /// Recorded iterates, in the coordinates the descent ran in: every one of the first 100,
    /// then roughly 1 % of the rest, and always the last.
    public var points: [Parameters]
    /// Number of steps taken.
    public var iterations: Int
    /// Whether the stopping rule (a step smaller than the tolerance) was met within the budget.
    public var converged: Bool
    /// The constant step size used, in the coordinates the descent ran in.
    public var learningRate: Double
    /// The standardisation the descent ran in, or nil for the original (w, b).
    public var standardisation: Standardisation?

    public init(points: [Parameters], iterations: Int, converged: Bool, learningRate: Double, standardisation: Standardisation?) {
        self.points = points; self.iterations = iterations; self.converged = converged
        self.learningRate = learningRate; self.standardisation = standardisation
    }

    /// The recorded iterates mapped to the original (w, b).
    public var originalPoints: [Parameters] {
        guard let s = standardisation else { return points }
        return points.map(s.original)
    }

    /// The last iterate in the original (w, b).
    public var end: Parameters {
        let last = points[points.count - 1]
        return standardisation?.original(last) ?? last
    }
}

/// Plain gradient descent with a constant step `1/L`, where `L` bounds the curvature of the
/// mean loss, so every step decreases the loss. It stops when a step moves each parameter by
/// less than `tolerance·(1 + |θ|)`, or after `stepBudget` steps.
///
/// It runs either on the original (w, b) or on the standardised coordinates (v, c) of
/// `Standardisation`; both start from the line η = 0, which is (0, 0) in both.
public enum GradientDescent {
    public static let tolerance = 1e-14
    /// The step budget. It does not depend on n: a descent that needs more steps than this is
    /// reported as not having arrived, whatever the size of the data.
    public static let stepBudget = 10_000

    static func run(start: Parameters, learningRate: Double, maxIterations: Int, standardisation: Standardisation?,
                    gradient: (Parameters) -> (Double, Double)) -> OptimizerPath {
        var theta = start
        var points = [theta]
        var converged = false
        var k = 0
        // A curvature bound that overflowed gives no usable step: report the start, unconverged.
        guard learningRate.isFinite, learningRate > 0 else {
            return OptimizerPath(points: points, iterations: 0, converged: false, learningRate: learningRate,
                                 standardisation: standardisation)
        }
        while k < maxIterations {
            let (gw, gb) = gradient(theta)
            let next = Parameters(w: theta.w - learningRate * gw, b: theta.b - learningRate * gb)
            guard next.w.isFinite, next.b.isFinite else { break }
            k += 1
            let small = abs(next.w - theta.w) <= tolerance * (1 + abs(next.w))
                && abs(next.b - theta.b) <= tolerance * (1 + abs(next.b))
            theta = next
            if k < 100 || k % max(1, k / 100) == 0 { points.append(theta) }
            if small { converged = true; break }
        }
        if points.last != theta { points.append(theta) }
        return OptimizerPath(points: points, iterations: k, converged: converged, learningRate: learningRate,
                             standardisation: standardisation)
    }

    /// The Hessian of the mean squared error of the linear model in the original (w, b):
    /// the constant `2·[[E x², x̄], [x̄, 1]]`.
    public static func linearHessian(_ s: SufficientStatistics) -> SymmetricMatrix2 {
        let ex2 = s.sxx / Double(s.n) + s.meanX * s.meanX
        return SymmetricMatrix2(a: 2 * ex2, c: 2 * s.meanX, d: 2)
    }

    /// Gradient descent on the mean squared error of the linear model, from (0, 0).
    ///
    /// In the original coordinates the step is `1/L` with `L` the largest eigenvalue of the
    /// Hessian. Standardised, the Hessian is `2·I` (z has mean 0 and variance 1), so the loss
    /// is a round bowl and one step of `1/2` lands on the minimum. Each step costs O(1): the
    /// gradient comes from the sufficient statistics.
    public static func linear(_ s: SufficientStatistics, standardised: Bool,
                              maxIterations: Int = stepBudget) -> OptimizerPath {
        if standardised {
            let z = Standardisation(s)
            // The statistics of (z, y): mean 0, Szz = Sxx/scale², Szy = Sxy/scale.
            let sz = SufficientStatistics(n: s.n, meanX: 0, meanY: s.meanY, sxx: s.sxx / (z.scale * z.scale),
                                          sxy: s.sxy / z.scale, syy: s.syy)
            let L = linearHessian(sz).eigenvalues.1
            return run(start: Parameters(w: 0, b: 0), learningRate: 1 / L, maxIterations: maxIterations, standardisation: z) {
                LinearGaussianModel.meanSquaredErrorGradient(w: $0.w, b: $0.b, statistics: sz)
            }
        }
        let L = linearHessian(s).eigenvalues.1
        return run(start: Parameters(w: 0, b: 0), learningRate: 1 / L, maxIterations: maxIterations, standardisation: nil) {
            LinearGaussianModel.meanSquaredErrorGradient(w: $0.w, b: $0.b, statistics: s)
        }
    }

    /// The curvature bound of the mean cross-entropy: its Hessian is
    /// `E[p(1−p)·(x, 1)(x, 1)ᵀ] ≼ ¼·E[(x, 1)(x, 1)ᵀ]`, whose largest eigenvalue is `L`.
    public static func logisticCurvatureBound(meanX: Double, meanX2: Double) -> Double {
        0.25 * SymmetricMatrix2(a: meanX2, c: meanX, d: 1).eigenvalues.1
    }

    /// Gradient descent on the mean cross-entropy of the logistic model, from (0, 0), with the
    /// step `1/L` of `logisticCurvatureBound`. Standardised, it runs on z = (x − x̄)/sd(x),
    /// where `E z = 0` and `E z² = 1` give `L = ¼`. Each step costs O(n).
    public static func logistic(_ data: LogisticData, standardised: Bool,
                                maxIterations: Int = stepBudget) -> OptimizerPath {
        let n = Double(data.n)
        let counts = data.counts ?? []
        // Binned data (large n) are only drawn: σ from the table there; exact otherwise.
        func gradient(_ p: Parameters, _ d: LogisticData) -> (Double, Double) {
            d.isApproximate ? LogisticBernoulliModel.surfaceMeanCrossEntropyGradient(p, d)
                            : LogisticBernoulliModel.meanCrossEntropyGradient(p, d)
        }
        func weight(_ i: Int) -> Double { counts.isEmpty ? 1 : counts[i] }
        var sx = 0.0
        for i in data.x.indices { sx += weight(i) * data.x[i] }
        let mean = sx / n
        var sxx = 0.0
        for i in data.x.indices { sxx += weight(i) * (data.x[i] - mean) * (data.x[i] - mean) }
        if standardised {
            let z = Standardisation(mean: mean, scale: (sxx / n).squareRoot())
            var zs = data
            zs.x = data.x.map { ($0 - z.mean) / z.scale }
            // Bins keep their spread about their means in the new units too.
            zs.spread = data.spread?.map { $0 / (z.scale * z.scale) }
            zs.withinSumOfSquares = data.withinSumOfSquares / (z.scale * z.scale)
            zs.absoluteCubes = data.absoluteCubes / (z.scale * z.scale * z.scale)
            let L = logisticCurvatureBound(meanX: 0, meanX2: 1)
            return run(start: Parameters(w: 0, b: 0), learningRate: 1 / L, maxIterations: maxIterations, standardisation: z) {
                gradient($0, zs)
            }
        }
        let L = logisticCurvatureBound(meanX: mean, meanX2: sxx / n + mean * mean)
        return run(start: Parameters(w: 0, b: 0), learningRate: 1 / L, maxIterations: maxIterations, standardisation: nil) {
            gradient($0, data)
        }
    }
}
