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
                                                     level: top - cut1, data: data)
        profileB = LogisticInference.profileInterval(parameter: 1, mle: mle, se: fit.b.standardError,
                                                     level: top - cut1, data: data)
        regionLevel = SurfaceGrid.likelihoodRatioLevel(maximum: top, confidence: confidence)
        region = LogisticInference.traceRegion(mle: mle, covariance: fit.covarianceMatrix, level: regionLevel,
                                               depth: top - regionLevel, data: data)
    }

    static func logLikelihood(_ p: Parameters, _ data: LogisticData) -> LogisticBernoulliModel.Evaluation {
        LogisticBernoulliModel.evaluate(p, data)
    }

    /// max over the other parameter of log L, with `parameter` (0: w, 1: b) fixed at `value`;
    /// Newton in one variable with step-halving from `start`. Returns the maximum and the
    /// maximiser.
    static func profile(parameter: Int, value: Double, start: Double, data: LogisticData) -> (Double, Double) {
        func point(_ other: Double) -> Parameters {
            parameter == 0 ? Parameters(w: value, b: other) : Parameters(w: other, b: value)
        }
        var other = start
        var e = logLikelihood(point(other), data)
        for _ in 0..<100 {
            let g = parameter == 0 ? e.gb : e.gw
            let h = parameter == 0 ? e.hbb : e.hww
            guard h > 0, g != 0 else { break }
            var step = -g / h
            var accepted = false
            for _ in 0..<60 {
                let trial = logLikelihood(point(other + step), data)
                if trial.nll <= e.nll {
                    other += step; e = trial; accepted = true
                    break
                }
                step /= 2
            }
            if !accepted || abs(step) <= 1e-13 * (1 + abs(other)) { break }
        }
        return (-e.nll, other)
    }

    /// The interval `{v : profile(v) ≥ level}`: search outward in doubling multiples of the
    /// standard error until the profile falls below the level, then the Illinois variant of
    /// false position on `profile − level` (which is monotone on each side).
    static func profileInterval(parameter: Int, mle: Parameters, se: Double, level: Double,
                                data: LogisticData) -> ClosedInterval {
        let estimate = parameter == 0 ? mle.w : mle.b
        let otherAtMLE = parameter == 0 ? mle.b : mle.w
        var ends: [Double] = []
        for sign in [-1.0, 1.0] {
            var inside = estimate, insideOther = otherAtMLE
            var insideValue = profile(parameter: parameter, value: estimate, start: otherAtMLE, data: data).0 - level
            var multiple = 1.0
            var outside: Double? = nil, outsideValue = 0.0
            for _ in 0..<60 {
                let v = estimate + sign * multiple * se
                let (value, other) = profile(parameter: parameter, value: v, start: insideOther, data: data)
                if value - level < 0 { outside = v; outsideValue = value - level; break }
                inside = v; insideValue = value - level; insideOther = other
                multiple *= 2
            }
            guard var b = outside else { ends.append(sign * .infinity); continue }
            var a = inside, fa = insideValue, fb = outsideValue
            var side = 0
            for _ in 0..<200 {
                let c = (a * fb - b * fa) / (fb - fa)
                guard c.isFinite, c != a, c != b else { break }
                let (value, other) = profile(parameter: parameter, value: c, start: insideOther, data: data)
                let fc = value - level
                if fc >= 0 {
                    a = c; fa = fc; insideOther = other
                    if side == -1 { fb /= 2 }
                    side = -1
                } else {
                    b = c; fb = fc
                    if side == 1 { fa /= 2 }
                    side = 1
                }
                if abs(b - a) <= 1e-12 * (abs(a) + se) { break }
            }
            ends.append(fa.magnitude < fb.magnitude ? a : b)
        }
        return ClosedInterval(lower: min(ends[0], ends[1]), upper: max(ends[0], ends[1]))
    }

    /// Points where log L = `level` on rays from the MLE. Directions are spread evenly in the
    /// metric of the Wald covariance (where the Wald region is a circle), then refined where
    /// neighbouring points are far apart, so that thin, bent regions are drawn smoothly.
    /// Along a ray log L is concave, so Newton's method from the Wald guess converges
    /// monotonically after its first step.
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
            var t = guess
            for _ in 0..<100 {
                let e = LogisticBernoulliModel.surfaceEvaluate(Parameters(w: mle.w + t * d.w, b: mle.b + t * d.b), data)
                let g = -e.nll - level
                let slope = -(e.gw * d.w + e.gb * d.b)
                guard slope < 0, slope.isFinite else { t *= 2; continue }
                var next = t - g / slope
                if next <= 0 { next = t / 2 }
                let done = abs(next - t) <= 1e-9 * t   // far below a pixel of any figure
                t = next
                if done { break }
            }
            return t
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
