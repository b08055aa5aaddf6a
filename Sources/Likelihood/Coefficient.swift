/// One estimated parameter with its uncertainty.
public struct Coefficient: Equatable, Sendable {
    public var estimate: Double
    public var standardError: Double
    /// `estimate / standardError`: a t statistic (linear) or a z statistic (logistic).
    public var statistic: Double
    /// Two-sided p-value of the statistic.
    public var pValue: Double
    /// 95 % confidence interval.
    public var lower: Double
    public var upper: Double

    public init(estimate: Double, standardError: Double, quantile: Double,
                pValue: (Double) -> Double) {
        self.estimate = estimate
        self.standardError = standardError
        self.statistic = estimate / standardError
        self.pValue = pValue(statistic)
        self.lower = estimate - quantile * standardError
        self.upper = estimate + quantile * standardError
    }
}
