import Foundation

/// Quantiles and tail probabilities needed for confidence intervals and p-values.
public enum Distributions {
    /// The 0.975 quantile of the standard normal distribution (published value, 16 digits).
    public static let normalQuantile975 = 1.959963984540054

    /// Wilson's 95 % score interval for a share `p` of `n` observations (n may be a sum of
    /// frequency weights), clipped to [0, 1].
    public static func wilson95(share p: Double, count n: Double) -> (low: Double, high: Double) {
        let z = normalQuantile975
        let centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        let half = z / (1 + z * z / n) * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot()
        return (max(0, centre - half), min(1, centre + half))
    }

    /// Two-sided p-value `P(|Z| > |z|)` for a standard normal `Z`.
    public static func normalTwoSidedP(_ z: Double) -> Double {
        return erfc(abs(z) / 2.0.squareRoot())
    }

    /// The quantile of the χ² distribution with two degrees of freedom, which has the closed
    /// form `-2 log(1 - p)` because its CDF is `1 - exp(-x/2)`.
    public static func chiSquared2Quantile(_ p: Double) -> Double {
        return -2 * log1p(-p)
    }

    /// The quantile of the χ² distribution with one degree of freedom at 0.95: the square of
    /// the normal 0.975 quantile.
    public static let chiSquared1Quantile95 = normalQuantile975 * normalQuantile975

    /// `P(χ²₁ > x) = P(|Z| > √x) = erfc(√(x/2))`.
    public static func chiSquared1Survival(_ x: Double) -> Double {
        return x <= 0 ? 1 : erfc((x / 2).squareRoot())
    }

    /// The `p` quantile of the F distribution with 2 and `nu` degrees of freedom, in closed
    /// form: its CDF is `1 − (1 + 2x/ν)^(−ν/2)`, so `x = ν/2 · ((1 − p)^(−2/ν) − 1)`, written
    /// with `expm1` so that large ν loses no digits.
    public static func fQuantile2(_ p: Double, denominatorDegreesOfFreedom nu: Double) -> Double {
        return nu / 2 * expm1(-2 / nu * log1p(-p))
    }

    /// The regularised incomplete beta function `I_x(a, b)`.
    ///
    /// Evaluated by the continued fraction of the incomplete beta function (modified Lentz
    /// iteration), on the side `x < (a + 1)/(a + b + 2)` where it converges quickly, using the
    /// symmetry `I_x(a, b) = 1 - I_{1-x}(b, a)` otherwise.
    public static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * betaContinuedFraction(x, a: a, b: b) / a
        }
        return 1 - exp(logFront) * betaContinuedFraction(1 - x, a: b, b: a) / b
    }

    private static func betaContinuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var result = d
        for m in 1...10_000 {
            let mm = Double(m)
            // Even step of the fraction.
            var numerator = mm * (b - mm) * x / ((a + 2 * mm - 1) * (a + 2 * mm))
            d = 1 + numerator * d
            if abs(d) < tiny { d = tiny }
            c = 1 + numerator / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            result *= d * c
            // Odd step of the fraction.
            numerator = -(a + mm) * (a + b + mm) * x / ((a + 2 * mm) * (a + 2 * mm + 1))
            d = 1 + numerator * d
            if abs(d) < tiny { d = tiny }
            c = 1 + numerator / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            result *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return result
    }

    /// The CDF of Student's t distribution with `nu` degrees of freedom.
    public static func studentTCDF(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        let tail = 0.5 * regularizedIncompleteBeta(nu / (nu + t * t), a: nu / 2, b: 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    /// Two-sided p-value `P(|T| > |t|)` for Student's t with `nu` degrees of freedom.
    public static func studentTTwoSidedP(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        return regularizedIncompleteBeta(nu / (nu + t * t), a: nu / 2, b: 0.5)
    }

    /// The `p` quantile of Student's t distribution (for `p` in (0.5, 1)), found by bisection
    /// on the CDF until the bracket stops shrinking, which gives the root to the accuracy of
    /// the CDF itself (about 1e-14 relative).
    public static func studentTQuantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(p > 0.5 && p < 1, "studentTQuantile is defined here for p in (0.5, 1)")
        // Work with the upper tail so that no digits are lost to 1 - p.
        let target = 1 - p
        func upperTail(_ t: Double) -> Double {
            0.5 * regularizedIncompleteBeta(nu / (nu + t * t), a: nu / 2, b: 0.5)
        }
        var low = 0.0
        var high = 1.0
        while upperTail(high) > target { high *= 2 }
        for _ in 0..<200 {
            let mid = 0.5 * (low + high)
            if mid == low || mid == high { break }
            if upperTail(mid) > target { low = mid } else { high = mid }
        }
        return 0.5 * (low + high)
    }
}
