import Foundation

/// Likelihood-based inference for the logistic model beyond the Wald statistics of the fit:
/// the likelihood-ratio test of w = 0, profile-likelihood intervals (what R's `confint` gives
/// for a `glm`) and the boundary of the joint likelihood-ratio region.
///
/// Where the log-likelihood is nearly quadratic these agree with the Wald numbers; near
/// separation it is not, and the Wald standard error of w grows faster than w itself, so the
/// Wald test loses power (the Hauck–Donner effect) while the likelihood-ratio test does not.
public struct LogisticInference: Equatable, Sendable {
    public var confidence: Double
    /// The deviance difference `2(ℓ̂ − ℓ₀)` against the intercept-only model, and its χ²₁ p-value.
    public var likelihoodRatioStatistic: Double
    public var likelihoodRatioPValue: Double
    /// Profile-likelihood intervals (the ends are ±∞ when the profile never drops far enough).
    public var profileW: ClosedInterval
    public var profileB: ClosedInterval
    /// log L on the boundary of the joint region: `ℓ̂ − χ²₂(confidence)/2`.
    public var regionLevel: Double
    /// The boundary of the joint region, closed, traced by rays from the MLE.
    public var region: [Parameters]

    public struct ClosedInterval: Equatable, Sendable {
        public var lower: Double
        public var upper: Double
    }

    /// - Complexity: O(n) per likelihood evaluation; a few thousand evaluations in all.
    public init(_ fit: LogisticFit, data: LogisticData, confidence: Double = 0.95) {
        self.confidence = confidence
        let mle = Parameters(w: fit.w.estimate, b: fit.b.estimate)
        let top = fit.logLikelihood
        likelihoodRatioStatistic = max(0, 2 * (top - fit.nullLogLikelihood))
        likelihoodRatioPValue = Distributions.chiSquared1Survival(likelihoodRatioStatistic)
        let cut1 = confidence == 0.95 ? Distributions.chiSquared1Quantile95 / 2
            : pow(Distributions.normalQuantileUpper((1 - confidence) / 2), 2) / 2
        profileW = LogisticInference.profileInterval(parameter: 0, mle: mle, se: fit.w.standardError,
                                                     level: top - cut1, data: data, otherScale: fit.b.standardError)
        profileB = LogisticInference.profileInterval(parameter: 1, mle: mle, se: fit.b.standardError,
                                                     level: top - cut1, data: data, otherScale: fit.w.standardError)
        regionLevel = SurfaceGrid.likelihoodRatioLevel(maximum: top, confidence: confidence)
        region = LogisticInference.traceRegion(mle: mle, covariance: fit.covarianceMatrix, level: regionLevel,
                                               depth: top - regionLevel, data: data)
    }

    static func logLikelihood(_ p: Parameters, _ data: LogisticData) -> LogisticBernoulliModel.Evaluation {
        LogisticBernoulliModel.evaluate(p, data)
    }

    /// max over the other parameter of log L, with `parameter` (0: w, 1: b) fixed at `value`.
    /// log L is concave in the other parameter, so its maximiser is the root of a decreasing
    /// derivative, found from `start` by `DecreasingRoot` (bracketing, then safeguarded Newton):
    /// it converges from any start, also where every fitted probability is nearly 0 or 1 and
    /// the curvature underflows (near separation). When the maximum is approached only as the
    /// other parameter runs to ±∞ the value returned is that supremum.
    /// - Returns: the profile log-likelihood, the maximiser, and whether the maximisation
    ///   converged (a value that did not is never used as an answer), and the profile's slope.
    static func profile(parameter: Int, value: Double, start: Double, scale: Double,
                        data: LogisticData) -> (value: Double, other: Double, converged: Bool, slope: Double) {
        func point(_ other: Double) -> Parameters {
            parameter == 0 ? Parameters(w: value, b: other) : Parameters(w: other, b: value)
        }
        let root = DecreasingRoot.find(start: start, scale: scale) { other in
            let e = logLikelihood(point(other), data)
            return parameter == 0 ? (-e.gb, -e.hbb) : (-e.gw, -e.hww)
        }
        let e = logLikelihood(point(root.point), data)
        // By the envelope theorem the profile's slope is the partial derivative of log L in
        // the fixed parameter at the inner maximiser.
        return (-e.nll, root.point, root.converged || root.unbounded, parameter == 0 ? -e.gw : -e.gb)
    }

    /// The interval `{v : profile(v) ≥ level}`. The profile is concave, so on each side of the
    /// MLE `profile − level` is decreasing in the distance (counted in standard errors) and
    /// has one root, bracketed and refined by `DecreasingRoot` with the profile's exact slope.
    /// An end is ±∞ when the profile stays above the level (a direction of separation), and
    /// NaN if an inner maximisation failed to converge (never seen; never reported as a number).
    static func profileInterval(parameter: Int, mle: Parameters, se: Double, level: Double,
                                data: LogisticData, otherScale: Double) -> ClosedInterval {
        let estimate = parameter == 0 ? mle.w : mle.b
        let otherAtMLE = parameter == 0 ? mle.b : mle.w
        let scale = se.isFinite && se > 0 ? se : max(1, abs(estimate))
        var ends: [Double] = []
        for sign in [-1.0, 1.0] {
            // The profile is concave (a partial maximum of a concave function), so
            // profile − level is decreasing along each side of the MLE: one root per side.
            var failed = false
            var lastOther = otherAtMLE
            let root = DecreasingRoot.find(start: 0, scale: 1, relativeTolerance: 1e-13) { multiple in
                let v = estimate + sign * multiple * scale
                let p = profile(parameter: parameter, value: v, start: lastOther, scale: otherScale, data: data)
                if !p.converged { failed = true }
                lastOther = p.other
                return (p.value - level, sign * scale * p.slope)
            }
            if failed || !(root.converged || root.unbounded) { ends.append(.nan) }
            else if root.unbounded { ends.append(sign * .infinity) }
            else { ends.append(estimate + sign * root.point * scale) }
        }
        return ClosedInterval(lower: ends[0], upper: ends[1])
    }

    /// Points where log L = `level` on rays from the MLE. Directions are spread evenly in the
    /// metric of the Wald covariance (where the Wald region is a circle), then refined where
    /// neighbouring points are far apart, so that thin, bent regions are drawn smoothly.
    /// Along a ray log L is concave, so each point is the one root of a decreasing function,
    /// bracketed and refined by safeguarded Newton (`DecreasingRoot`) from the Wald guess.
    static func traceRegion(mle: Parameters, covariance: SymmetricMatrix2, level: Double, depth: Double,
                            data: LogisticData) -> [Parameters] {
        // Cholesky factor of the covariance: the ray in direction φ is mle + t·L·(cos φ, sin φ).
        let l11 = covariance.a.squareRoot()
        let l21 = covariance.c / l11
        let l22 = max(covariance.d - l21 * l21, 0).squareRoot()
        guard l11 > 0, l22 > 0, l11.isFinite, l22.isFinite else { return [] }
        let wald = (2 * depth).squareRoot()
        func radius(_ phi: Double, guess: Double) -> Double {
            let d = Parameters(w: l11 * cos(phi), b: l21 * cos(phi) + l22 * sin(phi))
            // log L − level along the ray is concave with its maximum at t = 0, so it is
            // decreasing for t > 0 and crosses 0 once there; bracketed from any guess.
            let root = DecreasingRoot.find(start: guess, scale: guess, relativeTolerance: 1e-9) { t in
                let e = LogisticBernoulliModel.surfaceEvaluate(Parameters(w: mle.w + t * d.w, b: mle.b + t * d.b), data)
                return (-e.nll - level, -(e.gw * d.w + e.gb * d.b))
            }
            // A ray that never leaves the region (a direction of separation) is drawn to 10⁶ Wald radii.
            return root.unbounded ? 1e6 * wald : root.point
        }
        var angles = (0..<96).map { 2 * Double.pi * Double($0) / 96 }
        var radii = angles.map { radius($0, guess: wald) }
        func point(_ phi: Double, _ t: Double) -> (Double, Double) { (t * cos(phi), t * sin(phi)) }
        for _ in 0..<4 {
            var newAngles: [Double] = [], newRadii: [Double] = []
            let mean = radii.reduce(0, +) / Double(radii.count)
            for k in angles.indices {
                newAngles.append(angles[k]); newRadii.append(radii[k])
                let next = (k + 1) % angles.count
                let a = point(angles[k], radii[k])
                let b = point(angles[next], radii[next])
                if hypot(a.0 - b.0, a.1 - b.1) > 0.08 * mean {
                    let following = next == 0 ? 2 * Double.pi : angles[next]
                    let mid = (angles[k] + following) / 2
                    newAngles.append(mid)
                    newRadii.append(radius(mid, guess: (radii[k] + radii[next]) / 2))
                }
            }
            if newAngles.count == angles.count { break }
            angles = newAngles; radii = newRadii
        }
        var boundary = zip(angles, radii).map { phi, t in
            Parameters(w: mle.w + t * l11 * cos(phi), b: mle.b + t * (l21 * cos(phi) + l22 * sin(phi)))
        }
        boundary.append(boundary[0])
        return boundary
    }
}

extension LogisticFit {
    /// The inverse observed information at the MLE as a matrix.
    public var covarianceMatrix: SymmetricMatrix2 {
        SymmetricMatrix2(a: covariance.ww, c: covariance.wb, d: covariance.bb)
    }
}

extension Distributions {
    /// The upper-tail quantile of the standard normal: z with P(Z > z) = p, by bisection on
    /// `erfc` (accurate to about 1e-15 relative).
    public static func normalQuantileUpper(_ p: Double) -> Double {
        var low = -40.0, high = 40.0
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if mid == low || mid == high { break }
            if 0.5 * erfc(mid / 2.0.squareRoot()) > p { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }
}
