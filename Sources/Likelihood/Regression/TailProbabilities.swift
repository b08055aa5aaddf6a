import Foundation

extension Distributions {
    /// `P(χ²_k > x)`: the regularised upper incomplete gamma function Q(k/2, x/2), for the
    /// likelihood-ratio test of a term with k coefficients (a whole categorical column).
    /// Exact closed form for k = 1 (`chiSquared1Survival`), which keeps the tail of tiny p.
    public static func chiSquaredSurvival(_ x: Double, degreesOfFreedom k: Int) -> Double {
        guard x > 0 else { return 1 }
        if k == 1 { return chiSquared1Survival(x) }
        return regularizedUpperGamma(Double(k) / 2, x / 2)
    }

    /// `P(F_{d1, d2} > f)`, through the incomplete beta function: I_{d2/(d2 + d1 f)}(d2/2, d1/2).
    public static func fSurvival(_ f: Double, numerator d1: Double, denominator d2: Double) -> Double {
        guard f > 0 else { return 1 }
        return regularizedIncompleteBeta(d2 / (d2 + d1 * f), a: d2 / 2, b: d1 / 2)
    }

    /// Q(a, x) = Γ(a, x)/Γ(a). Below x = a + 1 the series of P(a, x) converges fast (and
    /// Q = 1 − P); above it, Legendre's continued fraction for Q itself (modified Lentz), so
    /// that a small tail is computed directly rather than as 1 minus something near 1.
    public static func regularizedUpperGamma(_ a: Double, _ x: Double) -> Double {
        guard x > 0 else { return 1 }
        let logFront = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            var term = 1 / a, sum = term, ap = a
            for _ in 0..<10_000 {
                ap += 1
                term *= x / ap
                sum += term
                if abs(term) < abs(sum) * 1e-17 { break }
            }
            return max(0, 1 - exp(logFront) * sum)
        }
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return exp(logFront) * h
    }
}
