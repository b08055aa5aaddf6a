import Foundation

/// The Householder QR decomposition of an n × p matrix (n ≥ p), with the columns that are
/// (numerically) linear combinations of earlier ones set aside as *aliased*.
///
/// Least squares through QR never forms XᵀX, whose condition number is the square of X's:
/// on Longley's data (κ(X) ≈ 5·10⁹ in the raw columns) the normal equations would leave
/// about 16 − 19 digits, i.e. none; QR keeps about 16 − 10.
///
/// Aliasing follows R's `lm` (LINPACK `dqrdc2`): the columns are taken in order, and one whose
/// part orthogonal to the columns kept so far has a norm below `tolerance` times its own norm
/// is aliased: it gets no reflector and no coefficient. So the dummy-variable trap, a
/// duplicated column or a column that is a sum of others is found and named, in the order a
/// user wrote the terms (the later column is the one reported).
///
/// - Complexity: O(n p²) time, the matrix's own storage plus O(p) more.
public struct HouseholderQR: Sendable {
    /// The factored columns, in their original order: on and above the diagonal of the kept
    /// columns' positions, R; below it, the Householder vectors (without their unit lead).
    private var packed: Matrix
    /// The scalar τ of each kept column's reflector H = I − τ v vᵀ.
    private var tau: [Double]
    /// The kept (independent) columns, in order; `kept.count` is the rank.
    public let kept: [Int]
    /// The aliased columns, in order.
    public let aliased: [Int]
    public let rows: Int

    /// The rank R's `lm` uses: 1e-7 relative.
    public static let defaultTolerance = 1e-7

    /// Factors `x`. Entries must be finite.
    public init(_ x: Matrix, tolerance: Double = HouseholderQR.defaultTolerance) {
        precondition(x.rows >= 1, "at least one row")
        var a = x
        let n = x.rows
        var tau: [Double] = []
        var kept: [Int] = [], aliased: [Int] = []
        a.storage.withUnsafeMutableBufferPointer { s in
            let base = s.baseAddress!
            for j in 0..<x.columns {
                let column = base + j * n
                // Apply the reflectors found so far to column j.
                for (k, col) in kept.enumerated() {
                    HouseholderQR.reflect(base + col * n, pivotRow: k, tau: tau[k], onto: column, rows: n)
                }
                let r = kept.count
                let original = euclideanNorm(x.storage[(j * n)..<((j + 1) * n)])
                guard r < n else { aliased.append(j); continue }
                let remaining = euclideanNorm(UnsafeBufferPointer(start: column + r, count: n - r))
                if original == 0 || remaining <= tolerance * original {
                    aliased.append(j)
                    continue
                }
                // The reflector that sends a[r..., j] to (β, 0, …, 0), with β of the sign
                // opposite to a[r, j] so that v's lead does not cancel.
                let alpha = column[r]
                let beta = alpha >= 0 ? -remaining : remaining
                let scale = 1 / (alpha - beta)
                for i in (r + 1)..<n { column[i] *= scale }
                column[r] = beta
                tau.append((beta - alpha) / beta)
                kept.append(j)
            }
        }
        packed = a
        self.tau = tau
        self.kept = kept
        self.aliased = aliased
        self.rows = n
    }

    /// Applies the reflector stored below row `r` of `v` (its lead 1 implied) to `c`.
    private static func reflect(_ v: UnsafePointer<Double>, pivotRow r: Int, tau: Double, onto c: UnsafeMutablePointer<Double>, rows n: Int) {
        var s = c[r]
        for i in (r + 1)..<n { s += v[i] * c[i] }
        s *= tau
        c[r] -= s
        for i in (r + 1)..<n { c[i] -= s * v[i] }
    }

    /// The rank: how many columns were kept.
    public var rank: Int { kept.count }

    /// R, rank × rank, upper triangular, over the kept columns in order.
    public var r: Matrix {
        var out = Matrix(rows: rank, columns: rank)
        for (b, col) in kept.enumerated() { for a in 0...b { out[a, b] = packed[a, col] } }
        return out
    }

    /// `Qᵀ y` (length n): its first `rank` entries are the coordinates of y's fit, the rest
    /// the residual's.
    public func qTransposeTimes(_ y: [Double]) -> [Double] {
        precondition(y.count == rows, "a vector of \(rows) entries")
        var v = y
        let n = rows
        packed.storage.withUnsafeBufferPointer { s in
            v.withUnsafeMutableBufferPointer { out in
                for (k, col) in kept.enumerated() {
                    HouseholderQR.reflect(s.baseAddress! + col * n, pivotRow: k, tau: tau[k], onto: out.baseAddress!, rows: n)
                }
            }
        }
        return v
    }

    /// Solves R z = c by back substitution (c of length `rank`).
    public func solveR(_ c: [Double]) -> [Double] {
        let p = rank
        var z = Array(c.prefix(p))
        for a in stride(from: p - 1, through: 0, by: -1) {
            var s = z[a]
            for b in (a + 1)..<max(a + 1, p) { s -= packed[a, kept[b]] * z[b] }
            z[a] = s / packed[a, kept[a]]
        }
        return z
    }

    /// (RᵀR)⁻¹ = R⁻¹R⁻ᵀ, rank × rank: (XᵀX)⁻¹ over the kept columns, never formed from XᵀX.
    public var inverseGram: Matrix {
        let p = rank
        let rInv = r.upperTriangularInverse
        var out = Matrix(rows: p, columns: p)
        for a in 0..<p {
            for b in a..<p {
                var s = 0.0
                for k in max(a, b)..<p { s += rInv[a, k] * rInv[b, k] }
                out[a, b] = s; out[b, a] = s
            }
        }
        return out
    }

    /// The least-squares solution over the kept columns (aliased ones get no entry) and the
    /// residual sum of squares, taken from Qᵀy's tail (no cancellation of ‖y‖² − ‖ŷ‖²).
    public func leastSquares(_ y: [Double]) -> (coefficients: [Double], rss: Double) {
        let qty = qTransposeTimes(y)
        let tail = qty[rank...]
        let norm = euclideanNorm(tail)
        return (solveR(Array(qty.prefix(rank))), norm * norm)
    }
}
