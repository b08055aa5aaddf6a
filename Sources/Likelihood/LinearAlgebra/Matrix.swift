import Foundation

/// A dense matrix of `Double`s stored column by column.
///
/// Column-major because every algorithm of the model layer works on whole columns: a design
/// matrix is its predictors side by side (each already a `[Double]` from the reader), and
/// Householder QR and Cholesky sweep one column at a time. A column is `rows` contiguous
/// values, so those sweeps run over contiguous memory.
///
/// This is the small p×p core of the several-predictor model layer (issue 19): sizes are a
/// design's n × p or a Hessian's p × p with p in the tens, not a general BLAS.
public struct Matrix: Equatable, Sendable {
    public let rows: Int
    public let columns: Int
    /// The entries, column after column: entry (i, j) is `storage[j * rows + i]`.
    public var storage: [Double]

    /// A `rows` × `columns` matrix of `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "a matrix has no negative size")
        self.rows = rows
        self.columns = columns
        storage = [Double](repeating: value, count: rows * columns)
    }

    /// The matrix whose columns are `columns` (all of one length).
    public init(columns: [[Double]]) {
        let n = columns.first?.count ?? 0
        precondition(columns.allSatisfy { $0.count == n }, "every column has the same length")
        self.rows = n
        self.columns = columns.count
        storage = columns.flatMap { $0 }
    }

    /// The matrix with these rows (all of one length): convenient for small literals in tests.
    public init(rowMajor rowsOfValues: [[Double]]) {
        let p = rowsOfValues.first?.count ?? 0
        precondition(rowsOfValues.allSatisfy { $0.count == p }, "every row has the same length")
        self.init(rows: rowsOfValues.count, columns: p)
        for (i, row) in rowsOfValues.enumerated() { for (j, v) in row.enumerated() { self[i, j] = v } }
    }

    /// The p × p identity.
    public static func identity(_ p: Int) -> Matrix {
        var m = Matrix(rows: p, columns: p)
        for i in 0..<p { m[i, i] = 1 }
        return m
    }

    /// The p × p matrix whose column j is `f(eⱼ)`: a linear map's matrix, such as an inverse
    /// from a solver.
    public static func columnsOf(_ p: Int, _ f: ([Double]) -> [Double]) -> Matrix {
        Matrix(columns: (0..<p).map { j in
            var e = [Double](repeating: 0, count: p)
            e[j] = 1
            return f(e)
        })
    }

    public subscript(i: Int, j: Int) -> Double {
        get { storage[j * rows + i] }
        set { storage[j * rows + i] = newValue }
    }

    /// Column j as an array.
    public func column(_ j: Int) -> [Double] { Array(storage[(j * rows)..<((j + 1) * rows)]) }

    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for j in 0..<columns { for i in 0..<rows { t[j, i] = self[i, j] } }
        return t
    }

    /// The diagonal (of the leading square part).
    public var diagonal: [Double] { (0..<min(rows, columns)).map { self[$0, $0] } }

    /// `self · v`.
    public func times(_ v: [Double]) -> [Double] {
        precondition(v.count == columns, "a vector of \(columns) entries")
        var out = [Double](repeating: 0, count: rows)
        for j in 0..<columns where v[j] != 0 {
            let vj = v[j], base = j * rows
            for i in 0..<rows { out[i] += storage[base + i] * vj }
        }
        return out
    }

    /// `selfᵀ · v`, without forming the transpose: one dot product per column.
    public func transposeTimes(_ v: [Double]) -> [Double] {
        precondition(v.count == rows, "a vector of \(rows) entries")
        return (0..<columns).map { j in
            let base = j * rows
            var s = 0.0
            for i in 0..<rows { s += storage[base + i] * v[i] }
            return s
        }
    }

    /// `self · other`.
    public func times(_ other: Matrix) -> Matrix {
        precondition(columns == other.rows, "inner sizes agree")
        var out = Matrix(rows: rows, columns: other.columns)
        for j in 0..<other.columns {
            let column = times(other.column(j))
            for i in 0..<rows { out[i, j] = column[i] }
        }
        return out
    }

    /// `selfᵀ · self`, symmetric p × p (for references and small checks: fits use QR, never
    /// these normal equations).
    public var gram: Matrix {
        var g = Matrix(rows: columns, columns: columns)
        for a in 0..<columns {
            for b in a..<columns {
                var s = 0.0
                for i in 0..<rows { s += self[i, a] * self[i, b] }
                g[a, b] = s; g[b, a] = s
            }
        }
        return g
    }

    /// The inverse of an upper-triangular matrix (the upper part is read), by back
    /// substitution column by column.
    public var upperTriangularInverse: Matrix {
        let p = rows
        var out = Matrix(rows: p, columns: p)
        for b in 0..<p {
            for a in stride(from: b, through: 0, by: -1) {
                var s = a == b ? 1.0 : 0.0
                for k in (a + 1)..<max(a + 1, b + 1) { s -= self[a, k] * out[k, b] }
                out[a, b] = s / self[a, a]
            }
        }
        return out
    }

}

/// Euclidean norm of `v`, scaled so that no square overflows or underflows.
public func euclideanNorm<C: Collection>(_ v: C) -> Double where C.Element == Double {
    let scale = v.reduce(0) { max($0, abs($1)) }
    guard scale > 0, scale.isFinite else { return scale }
    var s = 0.0
    for x in v { let t = x / scale; s += t * t }
    return scale * s.squareRoot()
}
