import Foundation

/// The Cholesky factor L (lower triangular, A = L Lᵀ) of a symmetric positive-definite p × p
/// matrix: a Newton step's solve against −H, the inverse information for standard errors,
/// and a definiteness test (a fit converged to a maximum only where −H factors).
///
/// - Complexity: p³/3 multiply-adds to factor, p² per solve.
public struct Cholesky: Sendable {
    /// L, lower triangular (the upper part is zero).
    public let lower: Matrix

    /// Factors `a` (only its lower triangle is read). Returns nil unless every pivot is
    /// positive and finite: the matrix is then not (numerically) positive definite.
    public init?(_ a: Matrix) {
        precondition(a.rows == a.columns, "a square matrix")
        let p = a.rows
        var l = Matrix(rows: p, columns: p)
        for j in 0..<p {
            var d = a[j, j]
            for k in 0..<j { d -= l[j, k] * l[j, k] }
            guard d > 0, d.isFinite else { return nil }
            let ljj = d.squareRoot()
            l[j, j] = ljj
            for i in (j + 1)..<max(j + 1, p) {
                var s = a[i, j]
                for k in 0..<j { s -= l[i, k] * l[j, k] }
                l[i, j] = s / ljj
            }
        }
        lower = l
    }

    /// Solves A x = b.
    public func solve(_ b: [Double]) -> [Double] {
        let p = lower.rows
        precondition(b.count == p, "a vector of \(p) entries")
        var z = b
        for i in 0..<p {
            var s = z[i]
            for k in 0..<i { s -= lower[i, k] * z[k] }
            z[i] = s / lower[i, i]
        }
        for i in stride(from: p - 1, through: 0, by: -1) {
            var s = z[i]
            for k in (i + 1)..<max(i + 1, p) { s -= lower[k, i] * z[k] }
            z[i] = s / lower[i, i]
        }
        return z
    }

    /// A⁻¹, symmetric.
    public var inverse: Matrix {
        let p = lower.rows
        var out = Matrix.columnsOf(p, solve)
        // Symmetrise the rounding.
        for i in 0..<p { for j in (i + 1)..<max(i + 1, p) { let m = (out[i, j] + out[j, i]) / 2; out[i, j] = m; out[j, i] = m } }
        return out
    }

    /// log det A = 2 Σ log Lᵢᵢ.
    public var logDeterminant: Double { 2 * lower.diagonal.reduce(0) { $0 + log($1) } }
}
