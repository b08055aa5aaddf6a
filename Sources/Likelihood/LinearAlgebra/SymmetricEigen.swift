import Foundation

/// Eigenvalues and eigenvectors of a small symmetric matrix by cyclic Jacobi rotations: each
/// rotation zeroes one off-diagonal pair, and sweeps repeat until the off-diagonal part is
/// negligible. Slow for large p and exact to rounding for the p ≤ 50 of a Hessian here, with
/// orthonormal eigenvectors even when eigenvalues nearly coincide.
public struct SymmetricEigen: Sendable {
    /// Eigenvalues, smallest first.
    public let values: [Double]
    /// Eigenvectors as columns, in the order of `values`.
    public let vectors: Matrix

    public init(_ symmetric: Matrix) {
        precondition(symmetric.rows == symmetric.columns, "a square matrix")
        let p = symmetric.rows
        var a = symmetric
        var v = Matrix.identity(p)
        for _ in 0..<100 {
            var off = 0.0, total = 0.0
            for i in 0..<p { for j in 0..<p { total += a[i, j] * a[i, j]; if i != j { off += a[i, j] * a[i, j] } } }
            if off <= 1e-30 * total || off == 0 { break }
            for i in 0..<p {
                for j in (i + 1)..<max(i + 1, p) where a[i, j] != 0 {
                    // The rotation angle that zeroes a[i, j] (the smaller root, for stability).
                    let theta = (a[j, j] - a[i, i]) / (2 * a[i, j])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<p {
                        let aki = a[k, i], akj = a[k, j]
                        a[k, i] = c * aki - s * akj
                        a[k, j] = s * aki + c * akj
                    }
                    for k in 0..<p {
                        let aik = a[i, k], ajk = a[j, k]
                        a[i, k] = c * aik - s * ajk
                        a[j, k] = s * aik + c * ajk
                    }
                    for k in 0..<p {
                        let vki = v[k, i], vkj = v[k, j]
                        v[k, i] = c * vki - s * vkj
                        v[k, j] = s * vki + c * vkj
                    }
                }
            }
        }
        let order = (0..<p).sorted { a[$0, $0] < a[$1, $1] }
        values = order.map { a[$0, $0] }
        vectors = Matrix(columns: order.map(v.column))
    }

    /// λ_max / λ_min (∞ unless positive definite).
    public var conditionNumber: Double {
        guard let low = values.first, let high = values.last, low > 0 else { return .infinity }
        return high / low
    }
}
