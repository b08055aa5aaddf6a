import Foundation

/// A response distribution with its canonical link, as the shared Newton fitter of
/// `GeneralizedLinearFit` needs it: the log-density of one response at its linear predictor
/// η = xᵀβ, and its first two derivatives in η. With a canonical link the observed and
/// expected information agree, so Newton's method and Fisher scoring (IRLS) are the same
/// iteration, and the log-likelihood is concave in β.
///
/// Adding a family to the several-predictor layer is one conforming type.
public protocol CanonicalFamily: Sendable {
    /// The name used in messages and report.json (`bernoulli`, `poisson`).
    var name: String { get }
    /// log p(y | η), every constant included.
    func logDensity(_ y: Double, _ eta: Double) -> Double
    /// dℓ/dη = y − μ(η), and the weight −d²ℓ/dη² = Var(y | η).
    func score(_ y: Double, _ eta: Double) -> (gradient: Double, weight: Double)
    /// The mean μ(η).
    func mean(_ eta: Double) -> Double
    /// η of the intercept-only MLE, from the mean response.
    func linkOfMean(_ meanY: Double) -> Double
    /// The log-likelihood of the saturated model at one response (for the deviance).
    func saturatedLogDensity(_ y: Double) -> Double
    /// Σ log p(yᵢ | ηᵢ) over a segment of rows (a family may sum it faster than row by row).
    func logDensitySum(_ y: UnsafeBufferPointer<Double>, _ eta: UnsafeBufferPointer<Double>) -> Double
    /// Whether a fitted η is at the edge where the likelihood could still be rising without
    /// bound (a probability within 10⁻¹⁰ of 0 or 1, a mean below 10⁻¹⁰ for a zero count).
    func isExtreme(_ y: Double, _ eta: Double) -> Bool
    /// Whether some row with η in `etaRange` could be extreme (`isExtreme`): false lets the
    /// fitter skip a pass over the rows.
    func mayBeExtreme(_ etaRange: ClosedRange<Double>) -> Bool
    /// Whether moving η by `step` raises (or keeps) this response's log-density for every
    /// step size: the sign condition of a direction along which the likelihood has no
    /// maximum (`tolerance` absorbs rounding).
    func neverLoses(_ y: Double, step: Double, tolerance: Double) -> Bool
    /// Over a segment of rows: each row's score and weight into `gradient` and `weight`, and
    /// Σ log p(yᵢ | ηᵢ) returned (a family may share the work between them).
    func evaluateSegment(_ y: UnsafeBufferPointer<Double>, _ eta: UnsafeBufferPointer<Double>,
                         gradient: UnsafeMutablePointer<Double>, weight: UnsafeMutablePointer<Double>) -> Double
}

extension CanonicalFamily {
    public func mayBeExtreme(_ etaRange: ClosedRange<Double>) -> Bool { true }
    public func evaluateSegment(_ y: UnsafeBufferPointer<Double>, _ eta: UnsafeBufferPointer<Double>,
                                gradient: UnsafeMutablePointer<Double>, weight: UnsafeMutablePointer<Double>) -> Double {
        for i in 0..<y.count { (gradient[i], weight[i]) = score(y[i], eta[i]) }
        return logDensitySum(y, eta)
    }

    public func logDensitySum(_ y: UnsafeBufferPointer<Double>, _ eta: UnsafeBufferPointer<Double>) -> Double {
        var s = 0.0
        for i in 0..<y.count { s += logDensity(y[i], eta[i]) }
        return s
    }
}

/// Bernoulli labels with the logit link: P(y = 1) = σ(η), ℓ = yη − log(1 + e^η).
public struct BernoulliLogit: CanonicalFamily {
    public init() {}
    public var name: String { "bernoulli" }
    public func logDensity(_ y: Double, _ eta: Double) -> Double { y * eta - Numerics.softplus(eta) }
    public func score(_ y: Double, _ eta: Double) -> (gradient: Double, weight: Double) {
        let p = Numerics.sigmoid(eta)
        // p(1 − p) from σ(η)σ(−η), which keeps its digits in both tails.
        return (y - p, p * Numerics.sigmoid(-eta))
    }
    public func mean(_ eta: Double) -> Double { Numerics.sigmoid(eta) }
    public func linkOfMean(_ meanY: Double) -> Double { log(meanY / (1 - meanY)) }
    /// 0 for a label; for a group's share of successes y (weighted by its trials), the
    /// saturated model's y log y + (1 − y) log(1 − y) per trial.
    public func saturatedLogDensity(_ y: Double) -> Double {
        y > 0 && y < 1 ? y * log(y) + (1 - y) * log1p(-y) : 0
    }
    public func isExtreme(_ y: Double, _ eta: Double) -> Bool { abs(eta) > 23 }
    public func mayBeExtreme(_ etaRange: ClosedRange<Double>) -> Bool { etaRange.lowerBound < -23 || etaRange.upperBound > 23 }
    /// Σ [yη − max(η, 0)] − Σ log(1 + e^−|η|), the second as the logarithm of products of 16
    /// factors in (1, 2] (at most 2¹⁶, each product exact to a few ulps): one logarithm per 16
    /// rows instead of a log1p per row; tiny terms, which a product would lose, are summed
    /// apart (near separation they are all there is). `term(i)` gives row i's yη − max(η, 0)
    /// and e^−|η|.
    @inline(__always)
    static func sum(_ n: Int, _ term: (Int) -> (linear: Double, t: Double)) -> Double {
        var linear = 0.0, logs = 0.0, small = 0.0
        var i = 0
        while i < n {
            var product = 1.0
            let end = min(n, i + 16)
            while i < end {
                let (l, t) = term(i)
                linear += l
                // Below 2⁻²⁶, 1 + t would drop t's digits: log(1 + t) = t − t²/2 to rounding.
                if t < 0x1p-26 { small += t - t * t / 2 } else { product *= 1 + t }
                i += 1
            }
            logs += log(product)
        }
        return linear - logs - small
    }

    public func logDensitySum(_ y: UnsafeBufferPointer<Double>, _ eta: UnsafeBufferPointer<Double>) -> Double {
        BernoulliLogit.sum(y.count) { i in
            let e = eta[i]
            return (y[i] * e - max(e, 0), exp(-abs(e)))
        }
    }
    /// A label gains by moving η towards itself; a group with successes and failures loses
    /// either way, so no direction is free for it.
    public func neverLoses(_ y: Double, step: Double, tolerance: Double) -> Bool {
        y > 0 && y < 1 ? abs(step) <= tolerance : (2 * y - 1) * step >= -tolerance
    }
    /// The same sum with one exponential per row: t = e^−|η| gives σ(η) (1/(1 + t) or
    /// t/(1 + t)), the weight σ(η)σ(−η) = t/(1 + t)², and log(1 + e^−|η|) for the density.
    public func evaluateSegment(_ y: UnsafeBufferPointer<Double>, _ eta: UnsafeBufferPointer<Double>,
                                gradient: UnsafeMutablePointer<Double>, weight: UnsafeMutablePointer<Double>) -> Double {
        BernoulliLogit.sum(y.count) { i in
            let e = eta[i]
            let t = exp(-abs(e)), inverse = 1 / (1 + t)
            gradient[i] = y[i] - (e >= 0 ? inverse : t * inverse)
            weight[i] = t * inverse * inverse
            return (y[i] * e - max(e, 0), t)
        }
    }
}

/// Poisson counts with the log link: μ = e^η, ℓ = yη − e^η − log y!.
public struct PoissonLog: CanonicalFamily {
    public init() {}
    public var name: String { "poisson" }
    public func logDensity(_ y: Double, _ eta: Double) -> Double { y * eta - exp(eta) - PoissonLog.logFactorial(y) }
    public func score(_ y: Double, _ eta: Double) -> (gradient: Double, weight: Double) {
        let mu = exp(eta)
        return (y - mu, mu)
    }
    /// log k! for k = 0…1023, exactly as `lgamma(k + 1)` gives it: most counts are small, and
    /// a table lookup is far cheaper than lgamma in a pass over 10⁷ rows.
    static let logFactorials: [Double] = (0..<1024).map { lgamma(Double($0) + 1) }
    @inline(__always) static func logFactorial(_ y: Double) -> Double {
        y >= 0 && y < 1024 ? logFactorials[Int(y)] : lgamma(y + 1)
    }
    /// One exponential per row for the density, the score and the weight together.
    public func evaluateSegment(_ y: UnsafeBufferPointer<Double>, _ eta: UnsafeBufferPointer<Double>,
                                gradient: UnsafeMutablePointer<Double>, weight: UnsafeMutablePointer<Double>) -> Double {
        var s = 0.0
        PoissonLog.logFactorials.withUnsafeBufferPointer { table in
            for i in 0..<y.count {
                let yi = y[i], e = eta[i], mu = exp(e)
                gradient[i] = yi - mu
                weight[i] = mu
                s += yi * e - mu - (yi >= 0 && yi < 1024 ? table[Int(yi)] : lgamma(yi + 1))
            }
        }
        return s
    }
    public func logDensitySum(_ y: UnsafeBufferPointer<Double>, _ eta: UnsafeBufferPointer<Double>) -> Double {
        var s = 0.0
        PoissonLog.logFactorials.withUnsafeBufferPointer { table in
            for i in 0..<y.count {
                let yi = y[i], e = eta[i]
                s += yi * e - exp(e) - (yi >= 0 && yi < 1024 ? table[Int(yi)] : lgamma(yi + 1))
            }
        }
        return s
    }
    public func mean(_ eta: Double) -> Double { exp(eta) }
    public func linkOfMean(_ meanY: Double) -> Double { log(meanY) }
    public func saturatedLogDensity(_ y: Double) -> Double { y > 0 ? y * log(y) - y - PoissonLog.logFactorial(y) : 0 }
    public func isExtreme(_ y: Double, _ eta: Double) -> Bool { y == 0 && eta < -23 }
    public func mayBeExtreme(_ etaRange: ClosedRange<Double>) -> Bool { etaRange.lowerBound < -23 }
    public func neverLoses(_ y: Double, step: Double, tolerance: Double) -> Bool { y == 0 ? step <= tolerance : abs(step) <= tolerance }
}
