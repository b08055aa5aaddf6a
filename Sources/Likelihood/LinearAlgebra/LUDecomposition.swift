import Foundation

/// PA = LU with partial pivoting of a square p × p matrix: the solver for the small square
/// systems of the exact least-absolute-deviations method (a basis of p rows of the design,
/// and its transpose), which are neither symmetric nor definite.
public struct LUDecomposition: Sendable {
    public let size: Int
    /// L (unit lower, below the diagonal) and U (on and above it), column-major.
    private var lu: [Double]
    /// Row `k` of PA is row `permutation[k]` of A.
    private var permutation: [Int]

    /// Factors `a`; nil when a pivot is below `tolerance` times the largest entry of its
    /// column: the matrix is then (numerically) singular.
    public init?(_ a: Matrix, tolerance: Double = 1e-11) {
        precondition(a.rows == a.columns, "LU factors a square matrix")
        let p = a.rows
        size = p
        lu = a.storage
        permutation = Array(0..<p)
        var scale = [Double](repeating: 0, count: p)
        for j in 0..<p { for i in 0..<p { scale[j] = max(scale[j], abs(lu[j * p + i])) } }
        for k in 0..<p {
            var best = k, value = abs(lu[k * p + k])
            for i in (k + 1)..<max(k + 1, p) where abs(lu[k * p + i]) > value { best = i; value = abs(lu[k * p + i]) }
            guard value > tolerance * scale[k], value.isFinite else { return nil }
            if best != k {
                for j in 0..<p { lu.swapAt(j * p + k, j * p + best) }
                permutation.swapAt(k, best)
            }
            let pivot = lu[k * p + k]
            for i in (k + 1)..<max(k + 1, p) { lu[k * p + i] /= pivot }
            for j in (k + 1)..<max(k + 1, p) {
                let f = lu[j * p + k]
                if f == 0 { continue }
                for i in (k + 1)..<p { lu[j * p + i] -= lu[k * p + i] * f }
            }
        }
    }

    /// x with A x = b.
    public func solve(_ b: [Double]) -> [Double] {
        let p = size
        var x = permutation.map { b[$0] }
        for j in 0..<p { let v = x[j]; if v != 0 { for i in (j + 1)..<max(j + 1, p) { x[i] -= lu[j * p + i] * v } } }
        for j in stride(from: p - 1, through: 0, by: -1) {
            x[j] /= lu[j * p + j]
            let v = x[j]
            if v != 0 { for i in 0..<j { x[i] -= lu[j * p + i] * v } }
        }
        return x
    }

    /// x with Aᵀ x = b (Uᵀ Lᵀ P x = b).
    public func solveTransposed(_ b: [Double]) -> [Double] {
        let p = size
        var z = b
        for j in 0..<p {
            var s = z[j]
            for i in 0..<j { s -= lu[j * p + i] * z[i] }
            z[j] = s / lu[j * p + j]
        }
        for j in stride(from: p - 1, through: 0, by: -1) {
            var s = z[j]
            for i in (j + 1)..<max(j + 1, p) { s -= lu[j * p + i] * z[i] }
            z[j] = s
        }
        var x = [Double](repeating: 0, count: p)
        for k in 0..<p { x[permutation[k]] = z[k] }
        return x
    }
}
