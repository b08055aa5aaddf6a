import Dispatch
import Foundation

/// A function of (w, b) sampled on a regular grid.
public struct SurfaceGrid: Equatable, Sendable {
    /// Sample positions along w (columns) and b (rows), increasing.
    public var w: [Double]
    public var b: [Double]
    /// Row-major values: `values[j * w.count + i]` is the value at `(w[i], b[j])`.
    public var values: [Double]

    public subscript(i: Int, j: Int) -> Double { values[j * w.count + i] }

    public var minimum: Double { values.min() ?? .nan }
    public var maximum: Double { values.max() ?? .nan }

    /// `count` evenly spaced values from `lower` to `upper` inclusive.
    public static func axis(_ lower: Double, _ upper: Double, count: Int) -> [Double] {
        precondition(count >= 2)
        return (0..<count).map { k in
            k == count - 1 ? upper : lower + (upper - lower) * Double(k) / Double(count - 1)
        }
    }

    public init(w: [Double], b: [Double], values: [Double]) {
        precondition(values.count == w.count * b.count)
        self.w = w; self.b = b; self.values = values
    }

    /// Samples `f` on the grid, rows in parallel (each row is independent and written to its
    /// own slots, so the result does not depend on scheduling).
    public init(w: [Double], b: [Double], _ f: (Double, Double) -> Double) {
        self.init(w: w, b: b, rows: { j in w.map { f($0, b[j]) } })
    }

    /// Samples a whole row at a time: `row(j)` gives the values at (w[0…], b[j]). For
    /// functions that are cheaper evaluated many points per pass over their data.
    public init(w: [Double], b: [Double], rows row: (Int) -> [Double]) {
        self.w = w
        self.b = b
        var values = [Double](repeating: 0, count: w.count * b.count)
        values.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: b.count) { j in
                let r = row(j)
                precondition(r.count == w.count)
                for i in 0..<w.count { base[j * w.count + i] = r[i] }
            }
        }
        self.values = values
    }

    /// The log-likelihood level that bounds the 95 % likelihood-ratio confidence region for
    /// two parameters: `max − χ²₂(0.95)/2` (Wilks), where `χ²₂(0.95) = −2 log 0.05`.
    public static func likelihoodRatioLevel(maximum: Double, confidence: Double = 0.95) -> Double {
        return maximum - Distributions.chiSquared2Quantile(confidence) / 2
    }

    /// Linear-Gaussian log-likelihood with σ² fixed at `sigma2`. O(1) per point.
    public static func linearLogLikelihood(_ s: SufficientStatistics, sigma2: Double,
                                           w: [Double], b: [Double]) -> SurfaceGrid {
        SurfaceGrid(w: w, b: b) { LinearGaussianModel.logLikelihood(w: $0, b: $1, sigma2: sigma2, statistics: s) }
    }

    /// Mean squared error of the line. O(1) per point.
    public static func linearMeanSquaredError(_ s: SufficientStatistics, w: [Double], b: [Double]) -> SurfaceGrid {
        SurfaceGrid(w: w, b: b) { LinearGaussianModel.meanSquaredError(w: $0, b: $1, statistics: s) }
    }

    /// Logistic log-likelihood. O(n) per point.
    public static func logisticLogLikelihood(_ data: LogisticData, w: [Double], b: [Double]) -> SurfaceGrid {
        SurfaceGrid(w: w, b: b) { -LogisticBernoulliModel.negativeLogLikelihood(Parameters(w: $0, b: $1), data) }
    }

    /// Logistic mean cross-entropy. O(n) per point.
    public static func logisticMeanCrossEntropy(_ data: LogisticData, w: [Double], b: [Double]) -> SurfaceGrid {
        SurfaceGrid(w: w, b: b) { LogisticBernoulliModel.meanCrossEntropy(Parameters(w: $0, b: $1), data) }
    }
}
