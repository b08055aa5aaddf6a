import Dispatch

/// Centred first and second moments of (x, y): everything the linear-Gaussian likelihood
/// depends on.
///
/// Computed in one pass over memory: each block of `chunk` points is reduced twice while it is
/// in cache (its means, then its centred sums), and blocks are merged with the pairwise update
/// of Chan, Golub and LeVeque. This keeps the accuracy of the two-pass algorithm (no
/// cancellation of raw sums) at the cost of one read of the data. Large inputs are reduced in
/// parallel over fixed-size segments merged in index order, so the result does not depend on
/// the number of cores.
public struct SufficientStatistics: Equatable, Sendable {
    public var n: Int
    public var meanX: Double
    public var meanY: Double
    /// Σ(x − x̄)²
    public var sxx: Double
    /// Σ(x − x̄)(y − ȳ)
    public var sxy: Double
    /// Σ(y − ȳ)²
    public var syy: Double

    public static let empty = SufficientStatistics(n: 0, meanX: 0, meanY: 0, sxx: 0, sxy: 0, syy: 0)

    /// Whether x varies enough to fit a slope: its standard deviation is at least 4 units in
    /// the last place of its mean. The fits work on centred x, and distinct doubles differ
    /// exactly after centring, so x = 10¹⁴ + 0…59 fits; a spread of a few ulps is rounding.
    public var xVaries: Bool {
        let spread = (sxx / Double(n)).squareRoot()
        return sxx > 0 && spread >= 4 * abs(meanX).ulp
    }

    public init(n: Int, meanX: Double, meanY: Double, sxx: Double, sxy: Double, syy: Double) {
        self.n = n; self.meanX = meanX; self.meanY = meanY
        self.sxx = sxx; self.sxy = sxy; self.syy = syy
    }

    /// Σ(y − ŷ)² of the least-squares line from the moments: Syy − Sxy²/Sxx (Syy when x does
    /// not vary). It cancels when R² is near 1 (Norris: R² = 0.99999, 11 digits left);
    /// `residualSumOfSquares(x:y:)` sums the residuals themselves.
    public var residualSumOfSquares: Double { sxx > 0 ? max(0, syy - sxy / sxx * sxy) : syy }

    /// Σ((y − ȳ) − ŵ(x − x̄))², ŵ = Sxy/Sxx, summed over the rows (a second pass, in fixed
    /// segments on all cores: the same bits on any machine), with no cancellation.
    public func residualSumOfSquares(x: [Double], y: [Double]) -> Double {
        SufficientStatistics.squaredResiduals(x: x, y: y, w: sxx > 0 ? sxy / sxx : 0, b: 0, about: (meanX, meanY))
    }

    /// Σ((yᵢ − about.y) − w(xᵢ − about.x) − b)² over the rows, in fixed segments on all cores
    /// (the same bits on any machine).
    static func squaredResiduals(x: [Double], y: [Double], w: Double, b: Double, about: (x: Double, y: Double) = (0, 0)) -> Double {
        x.withUnsafeBufferPointer { xs in
            y.withUnsafeBufferPointer { ys in
                ParallelSum.reduce(count: min(xs.count, ys.count), zero: 0.0, { range in
                    var total = 0.0
                    for i in range {
                        let r = (ys[i] - about.y) - w * (xs[i] - about.x) - b
                        total += r * r
                    }
                    return total
                }, combine: +)
            }
        }
    }

    /// The upper triangle of [1, x, y] (3 × 3): what a QR of the rows would leave, from the
    /// centred moments in closed form, R = [[√n, √n·x̄, √n·ȳ], [0, √Sxx, Sxy/√Sxx],
    /// [0, 0, √RSS]] (RᵀR is the Gram matrix of [1, x, y]). x's part orthogonal to the
    /// intercept is √Sxx, exact whatever x̄: an uncentred QR would lose it to cancellation.
    public func triangle(residualSumOfSquares rss: Double) -> Matrix {
        let rootN = Double(n).squareRoot(), rootSxx = sxx.squareRoot()
        var t = Matrix(rows: 3, columns: 3)
        t[0, 0] = rootN; t[0, 1] = rootN * meanX; t[0, 2] = rootN * meanY
        t[1, 1] = rootSxx; t[1, 2] = sxy / rootSxx
        t[2, 2] = rss.squareRoot()
        return t
    }

    static let chunk = 1024
    static let segment = 1 << 18

    /// - Complexity: O(n), one read of each array.
    public init(x: [Double], y: [Double]) {
        precondition(x.count == y.count)
        let n = x.count
        var result = SufficientStatistics.empty
        x.withUnsafeBufferPointer { xs in
            y.withUnsafeBufferPointer { ys in
                if n <= SufficientStatistics.segment {
                    result = SufficientStatistics.reduce(xs, ys, 0..<n)
                } else {
                    let count = (n + SufficientStatistics.segment - 1) / SufficientStatistics.segment
                    var parts = [SufficientStatistics](repeating: .empty, count: count)
                    parts.withUnsafeMutableBufferPointer { out in
                        let base = out.baseAddress!
                        DispatchQueue.concurrentPerform(iterations: count) { k in
                            let lo = k * SufficientStatistics.segment
                            let hi = min(n, lo + SufficientStatistics.segment)
                            base[k] = SufficientStatistics.reduce(xs, ys, lo..<hi)
                        }
                    }
                    result = parts.reduce(.empty) { $0.merged(with: $1) }
                }
            }
        }
        self = result
    }

    private static func reduce(_ xs: UnsafeBufferPointer<Double>, _ ys: UnsafeBufferPointer<Double>,
                               _ range: Range<Int>) -> SufficientStatistics {
        var total = SufficientStatistics.empty
        var lo = range.lowerBound
        while lo < range.upperBound {
            let hi = min(range.upperBound, lo + chunk)
            var sumX = 0.0, sumY = 0.0
            for i in lo..<hi { sumX += xs[i]; sumY += ys[i] }
            let m = Double(hi - lo)
            let mx = sumX / m, my = sumY / m
            var sxx = 0.0, sxy = 0.0, syy = 0.0
            for i in lo..<hi {
                let dx = xs[i] - mx, dy = ys[i] - my
                sxx += dx * dx; sxy += dx * dy; syy += dy * dy
            }
            total = total.merged(with: SufficientStatistics(n: hi - lo, meanX: mx, meanY: my,
                                                            sxx: sxx, sxy: sxy, syy: syy))
            lo = hi
        }
        return total
    }

    /// The statistics of the union of two disjoint samples.
    public func merged(with other: SufficientStatistics) -> SufficientStatistics {
        if n == 0 { return other }
        if other.n == 0 { return self }
        let na = Double(n), nb = Double(other.n), total = na + nb
        let dx = other.meanX - meanX, dy = other.meanY - meanY
        let f = na * nb / total
        return SufficientStatistics(n: n + other.n,
                                    meanX: meanX + dx * nb / total,
                                    meanY: meanY + dy * nb / total,
                                    sxx: sxx + other.sxx + dx * dx * f,
                                    sxy: sxy + other.sxy + dx * dy * f,
                                    syy: syy + other.syy + dy * dy * f)
    }

    /// Residual sum of squares of the line `y = w·x + b`, from the moments alone:
    /// `y − wx − b = (y − ȳ) − w(x − x̄) + (ȳ − w x̄ − b)`, and the cross terms vanish.
    /// - Complexity: O(1).
    @inlinable
    public func rss(w: Double, b: Double) -> Double {
        let offset = meanY - w * meanX - b
        return syy - 2 * w * sxy + w * w * sxx + Double(n) * offset * offset
    }
}
