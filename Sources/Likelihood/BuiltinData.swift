/// The seeded synthetic data sets of the default report.
public enum BuiltinData {
    /// The seed of the default report.
    public static let defaultSeed: UInt64 = 20_261_124

    /// True parameters of the linear-Gaussian generator.
    public static let linearTruth = (w: 2.0, b: 1.0, sigma: 2.0)
    /// True parameters of the logistic generator.
    public static let logisticTruth = (w: 1.5, b: -0.5)

    /// `n` points with `x` uniform on [0, 10] and `y = 2x + 1 + ε`, `ε ~ N(0, 2²)`.
    public static func linear(n: Int = 50, seed: UInt64 = defaultSeed) -> Dataset {
        var random = RandomGenerator(seed: seed)
        var x = [Double](repeating: 0, count: n)
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            x[i] = 10 * random.nextUniform()
            y[i] = linearTruth.w * x[i] + linearTruth.b + linearTruth.sigma * random.nextNormal()
        }
        return Dataset(source: "built-in linear data (seed \(seed))", columns: [("x", x), ("y", y)])
    }

    /// `n` points with `x` uniform on [−4, 4] and `y ~ Bernoulli(σ(1.5x − 0.5))`.
    public static func logistic(n: Int = 200, seed: UInt64 = defaultSeed &+ 1) -> Dataset {
        var random = RandomGenerator(seed: seed)
        var x = [Double](repeating: 0, count: n)
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            x[i] = 8 * random.nextUniform() - 4
            let p = Numerics.sigmoid(logisticTruth.w * x[i] + logisticTruth.b)
            y[i] = random.nextUniform() < p ? 1 : 0
        }
        return Dataset(source: "built-in logistic data (seed \(seed))", columns: [("x", x), ("y", y)])
    }
}
