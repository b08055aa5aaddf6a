import Foundation

/// Singular values of a small matrix by one-sided Jacobi rotations (Hestenes): pairs of
/// columns are rotated until every pair is orthogonal; the column norms are then the singular
/// values. Unlike the eigenvalues of XᵀX it keeps the small singular values' relative accuracy,
/// which is what a condition number near collinearity needs.
///
/// - Complexity: O(m p² · sweeps), with sweeps ≈ 5–10 for the p ≤ 50 used here.
public enum SingularValues {
    /// The singular values of `a` (m × p, m ≥ p), largest first.
    public static func of(_ a: Matrix) -> [Double] {
        var u = a
        let m = a.rows, p = a.columns
        for _ in 0..<60 {
            var rotated = false
            for j in 0..<p {
                for k in (j + 1)..<max(j + 1, p) {
                    var alpha = 0.0, beta = 0.0, gamma = 0.0
                    for i in 0..<m {
                        alpha += u[i, j] * u[i, j]
                        beta += u[i, k] * u[i, k]
                        gamma += u[i, j] * u[i, k]
                    }
                    guard gamma != 0, abs(gamma) > 1e-15 * (alpha * beta).squareRoot() else { continue }
                    rotated = true
                    let zeta = (beta - alpha) / (2 * gamma)
                    let t = (zeta >= 0 ? 1.0 : -1.0) / (abs(zeta) + (1 + zeta * zeta).squareRoot())
                    let c = 1 / (1 + t * t).squareRoot(), s = c * t
                    for i in 0..<m {
                        let x = u[i, j], y = u[i, k]
                        u[i, j] = c * x - s * y
                        u[i, k] = s * x + c * y
                    }
                }
            }
            if !rotated { break }
        }
        return (0..<p).map { euclideanNorm(u.storage[($0 * m)..<(($0 + 1) * m)]) }.sorted(by: >)
    }

    /// The 2-norm condition number σ_max / σ_min (∞ when singular).
    public static func conditionNumber(_ a: Matrix) -> Double {
        let s = of(a)
        guard let top = s.first, let bottom = s.last else { return 1 }
        return bottom > 0 ? top / bottom : .infinity
    }
}
