import Foundation
/// The seeded synthetic data sets of the default report.
public enum BuiltinData {
    /// The seed of the default report.
    public static let defaultSeed: UInt64 = 20_261_124

    /// True parameters of the linear-Gaussian generator.
    public static let linearTruth = (w: 2.0, b: 1.0, sigma: 2.0)
    /// True parameters of the logistic generator.
    public static let logisticTruth = (w: 1.5, b: -4.5)

    /// `n` points with `x` uniform on [0, 10] and `y = 2x + 1 + ε`, `ε ~ N(0, 2²)`.
    public static func linear(n: Int = 50, seed: UInt64 = defaultSeed) -> Dataset {
        var random = RandomGenerator(seed: seed)
        var x = [Double](repeating: 0, count: n)
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            x[i] = 10 * random.nextUniform()
            y[i] = linearTruth.w * x[i] + linearTruth.b + linearTruth.sigma * random.nextNormal()
        }
        var data = Dataset(source: "built-in linear data (seed \(seed))", columns: [("x", x), ("y", y)])
        data.builtin = (kind: "linear", seed: seed, outliers: 0)
        return data
    }

    /// `n` points with `x` uniform on [0, 6] and `y ~ Bernoulli(σ(1.5x − 4.5))`: an uncentred
    /// predictor, as real doses or hours are (p = ½ at x = 3), so that the raw cross-entropy's
    /// valley is long and narrow and standardising x rounds it, as it does for the MSE.
    public static func logistic(n: Int = 200, seed: UInt64 = defaultSeed &+ 1) -> Dataset {
        var random = RandomGenerator(seed: seed)
        var x = [Double](repeating: 0, count: n)
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            x[i] = 6 * random.nextUniform()
            let p = Numerics.sigmoid(logisticTruth.w * x[i] + logisticTruth.b)
            y[i] = random.nextUniform() < p ? 1 : 0
        }
        var data = Dataset(source: "built-in logistic data (seed \(seed))", columns: [("x", x), ("y", y)])
        data.builtin = (kind: "logistic", seed: seed, outliers: 0)
        return data
    }

    /// The linear generator's first `n − outliers` points and `outliers` gross errors: points
    /// at large x (uniform on [7, 10]) whose y lies 12 to 20 below the line, as a faulty
    /// sensor or a data-entry slip would put them. What least squares is fragile against.
    public static func outliers(n: Int = 60, outliers: Int = 5, seed: UInt64 = defaultSeed) -> Dataset {
        var random = RandomGenerator(seed: seed &+ 2)
        var x = [Double](repeating: 0, count: n)
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            if i >= n - outliers {
                x[i] = 7 + 3 * random.nextUniform()
                y[i] = linearTruth.w * x[i] + linearTruth.b - 12 - 8 * random.nextUniform()
            } else {
                x[i] = 10 * random.nextUniform()
                y[i] = linearTruth.w * x[i] + linearTruth.b + linearTruth.sigma * random.nextNormal()
            }
        }
        var data = Dataset(source: "built-in data with \(outliers) outliers (seed \(seed))", columns: [("x", x), ("y", y)])
        data.builtin = (kind: "outliers", seed: seed, outliers: outliers)
        return data
    }

    /// True parameters of the Poisson generator.
    public static let poissonTruth = (w: 0.8, b: -0.3)

    /// `n` counts with `x` uniform on [0, 3] and `y ~ Poisson(exp(0.8x − 0.3))`, drawn by
    /// inversion of the cumulative distribution (exact for the small means used).
    public static func counts(n: Int = 200, seed: UInt64 = defaultSeed) -> Dataset {
        var random = RandomGenerator(seed: seed &+ 3)
        var x = [Double](repeating: 0, count: n)
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            x[i] = 3 * random.nextUniform()
            let mu = exp(poissonTruth.w * x[i] + poissonTruth.b)
            let u = random.nextUniform()
            var k = 0.0, p = exp(-mu), cumulative = p
            while u > cumulative && k < 1000 {
                k += 1
                p *= mu / k
                cumulative += p
            }
            y[i] = k
        }
        var data = Dataset(source: "built-in count data (seed \(seed))", columns: [("x", x), ("y", y)])
        data.builtin = (kind: "counts", seed: seed, outliers: 0)
        return data
    }
}
