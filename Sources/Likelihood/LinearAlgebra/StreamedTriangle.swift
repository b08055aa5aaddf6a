import Foundation

/// The R factor of a tall matrix met a block of rows at a time (TSQR): each fixed segment of
/// rows is triangularised by Householder reflections, and two triangles stacked one over the
/// other are triangularised again, in row order. Q is never kept, so memory is one segment;
/// [X | y] so reduced gives R together with Qᵀy and √RSS, as accurate as Householder QR on
/// the whole (both are backward stable; neither forms XᵀX).
///
/// The segments are cut the same way on any number of cores and combined in order
/// (`ParallelSum`), so the same rows give the same bits everywhere.
public enum StreamedTriangle {
    /// The upper-triangular factor (min(rows, c) × c, c = p + 1 with `appending`) of the
    /// design with `appending` beside it.
    /// - Complexity: O(n c²) time, O(segment · c) memory beyond the result.
    public static func of(_ design: DesignMatrix, appending v: [Double]? = nil, segment: Int = 1 << 14) -> Matrix {
        let chosen = Array(0..<design.columns)
        let c = chosen.count + (v == nil ? 0 : 1)
        return ParallelSum.reduce(count: design.rows, zero: Matrix(rows: 0, columns: c), segment: segment, { range in
            let m = range.count
            var block = [Double](repeating: 0, count: max(1, m * c))
            block.withUnsafeMutableBufferPointer { b in
                design.fill(range, columns: chosen, into: b.baseAddress!)
                if let v { for i in 0..<m { b[chosen.count * m + i] = v[range.lowerBound + i] } }
            }
            return triangle(&block, rows: m, columns: c)
        }, combine: { a, b in
            guard a.rows > 0 else { return b }
            guard b.rows > 0 else { return a }
            let k = a.rows + b.rows
            var stacked = [Double](repeating: 0, count: k * c)
            for j in 0..<c {
                for i in 0..<a.rows { stacked[j * k + i] = a[i, j] }
                for i in 0..<b.rows { stacked[j * k + a.rows + i] = b[i, j] }
            }
            return triangle(&stacked, rows: k, columns: c)
        })
    }

    /// Householder triangularisation of the column-major `rows` × `columns` matrix in `a`
    /// (overwritten), without pivoting: a column with nothing left below its diagonal gets no
    /// reflector. Returns the top min(rows, columns) rows.
    static func triangle(_ a: inout [Double], rows k: Int, columns c: Int) -> Matrix {
        let top = min(k, c)
        var out = Matrix(rows: top, columns: c)
        guard k > 0 else { return out }
        a.withUnsafeMutableBufferPointer { s in
            let base = s.baseAddress!
            for j in 0..<top {
                let column = base + j * k
                let norm = euclideanNorm(UnsafeBufferPointer(start: column + j, count: k - j))
                guard norm > 0, k - j > 1 else { continue }
                let alpha = column[j]
                let beta = alpha >= 0 ? -norm : norm
                let scale = 1 / (alpha - beta)
                for i in (j + 1)..<k { column[i] *= scale }
                let tau = (beta - alpha) / beta
                column[j] = beta
                for later in (j + 1)..<c {
                    let target = base + later * k
                    var dot = target[j]
                    for i in (j + 1)..<k { dot += column[i] * target[i] }
                    dot *= tau
                    target[j] -= dot
                    for i in (j + 1)..<k { target[i] -= dot * column[i] }
                }
            }
            for j in 0..<c { for i in 0...min(j, top - 1) { out[i, j] = base[j * k + i] } }
        }
        return out
    }
}
