import Foundation

/// Stable scalar helpers shared by the models.
public enum Numerics {
    /// `log(1 + exp(x))`, computed as `max(x, 0) + log1p(exp(-|x|))` so that it neither
    /// overflows for large positive `x` nor loses all digits for large negative `x`.
    @inlinable
    public static func softplus(_ x: Double) -> Double {
        return max(x, 0) + log1p(exp(-abs(x)))
    }

    /// The logistic function `1 / (1 + exp(-x))`, evaluated on the side where `exp` cannot
    /// overflow.
    @inlinable
    public static func sigmoid(_ x: Double) -> Double {
        if x >= 0 {
            return 1 / (1 + exp(-x))
        }
        let e = exp(x)
        return e / (1 + e)
    }

    /// Solves the symmetric 2×2 system `[[a, c], [c, d]] · v = r` by Cramer's rule.
    /// Returns `nil` when the matrix is singular to working precision.
    public static func solveSymmetric2x2(a: Double, c: Double, d: Double,
                                         r0: Double, r1: Double) -> (Double, Double)? {
        let det = a * d - c * c
        let scale = abs(a * d) + c * c
        guard det.isFinite, scale > 0, abs(det) > 1e-14 * scale else { return nil }
        return ((d * r0 - c * r1) / det, (a * r1 - c * r0) / det)
    }
}
