import Foundation

/// Labelled data for the logistic likelihood, grouped by distinct x when there are few.
///
/// Rows with equal x contribute `k·log σ(η) + (m − k)·log(1 − σ(η))` together, where m is
/// their count and k their number of ones, so a data set whose x takes few distinct values
/// (doses, ratings, coded levels) is evaluated exactly at the cost of its distinct values
/// instead of its rows. Continuous x is kept row by row.
public struct LogisticData: Sendable {
    /// Distinct x values (sorted) or every row's x.
    public var x: [Double]
    /// Number of ones at each x (0 or 1 when ungrouped).
    public var ones: [Double]
    /// Number of rows at each x; nil when ungrouped (every row counts once).
    public var counts: [Double]?
    /// The number of rows.
    public var n: Int
    /// Σ (x − bin mean)² over the rows, when the data are binned (`binned`); 0 when exact.
    public var withinSumOfSquares = 0.0
    /// Each bin's Σ (x − bin mean)², for the second-order term of the binned likelihood.
    public var spread: [Double]? = nil
    /// Σ |x − bin mean|³ over the rows, for the error bound of the binned likelihood.
    public var absoluteCubes = 0.0
    /// Whether evaluations on these data approximate the full data's (binned) or equal them.
    public var isApproximate: Bool { withinSumOfSquares > 0 }

    /// Grouping pays when x has at most this many distinct values.
    public static let maxGroups = 4096

    /// - Complexity: O(n); grouping gives up as soon as x has more than `maxGroups` values.
    public init(x: [Double], y: [Double]) {
        n = x.count
        var groups: [Double: (ones: Double, count: Double)] = [:]
        // Grouping pays when the groups are at most a quarter of the rows.
        let limit = min(LogisticData.maxGroups, x.count / 4)
        var grouped = x.count >= 64
        if grouped {
            for (xi, yi) in zip(x, y) {
                groups[xi + 0, default: (0, 0)].ones += yi
                groups[xi + 0, default: (0, 0)].count += 1
                if groups.count > limit { grouped = false; break }
            }
        }
        if grouped {
            let keys = groups.keys.sorted()
            self.x = keys
            ones = keys.map { groups[$0]!.ones }
            counts = keys.map { groups[$0]!.count }
        } else {
            self.x = x
            ones = y
            counts = nil
        }
    }
}

extension LogisticData {
    /// Rows above which the surfaces, paths and likelihood-ratio intervals of a logistic
    /// model with continuous x are evaluated on bins (the fit itself always uses every row).
    public static let binningThreshold = 5_000

    /// The data compressed into equal-width bins of x for each class, each holding its
    /// count, the mean x of its rows and their sum of squares about it. Two passes.
    /// - Complexity: O(n).
    ///
    /// The label term of the negative log-likelihood, `Σ yᵢ ηᵢ = w Σ_{y=1} xᵢ + b·k`, is exact
    /// on these bins (their means carry the class sums). The other term, `Σ softplus(w xᵢ + b)`,
    /// is taken to second order about each bin's mean: `m·softplus(η̄) + ½ p̄(1 − p̄)·w²·S_bin`
    /// (the first-order term vanishes about the mean). What is left is at most
    /// `max|softplus‴| / 6 · |w|³ · Σ|xᵢ − x̄|³`, with `max|softplus‴| = 1/(6√3)` (`errorBound`).
    /// Gradients and Hessians, used by the optimisers and the interval searches, are those of
    /// this same objective, second-order term included (`LogisticBernoulliModel.spreadTerm`).
    public static func binned(x: [Double], y: [Double], bins: Int? = nil) -> LogisticData {
        // At least 16 rows per bin on average, between 256 and 4096 bins per class.
        let bins = bins ?? min(4096, max(256, x.count / 16))
        let lo = x.min() ?? 0, hi = x.max() ?? 1
        let width = hi > lo ? (hi - lo) / Double(bins) : 1
        var count = [Double](repeating: 0, count: 2 * bins)
        var sum = [Double](repeating: 0, count: 2 * bins)
        for (xi, yi) in zip(x, y) {
            let k = min(bins - 1, max(0, Int((xi - lo) / width)))
            let slot = (yi == 1 ? bins : 0) + k
            count[slot] += 1
            sum[slot] += xi
        }
        var means: [Double] = [], ones: [Double] = [], counts: [Double] = []
        var slotOf = [Int](repeating: -1, count: 2 * bins)
        for slot in 0..<(2 * bins) where count[slot] > 0 {
            slotOf[slot] = means.count
            means.append(sum[slot] / count[slot])
            counts.append(count[slot])
            ones.append(slot >= bins ? count[slot] : 0)
        }
        // Second pass over the rows: each bin's sum of squares about its mean (centred, so
        // exact), and the sum of absolute cubes for the error bound.
        var spread = [Double](repeating: 0, count: means.count)
        var within = 0.0, cubes = 0.0
        for (xi, yi) in zip(x, y) {
            let k = min(bins - 1, max(0, Int((xi - lo) / width)))
            let g = slotOf[(yi == 1 ? bins : 0) + k]
            let d = xi - means[g]
            spread[g] += d * d
            within += d * d
            cubes += abs(d * d * d)
        }
        var data = LogisticData(x: [], y: [])
        data.x = means
        data.ones = ones
        data.counts = counts
        data.spread = spread
        data.n = x.count
        data.withinSumOfSquares = within
        data.absoluteCubes = cubes
        return data
    }

    /// The largest error of the binned negative log-likelihood at slope `w`:
    /// `|w|³ · Σ|x − x̄|³ / (36√3)` (0 for exact data).
    public func errorBound(slope w: Double) -> Double {
        abs(w * w * w) * absoluteCubes / (36 * 3.0.squareRoot())
    }

    /// The largest error of a sampled surface (`surfaceNegativeLogLikelihoods`) at slope `w`
    /// against the exact negative log-likelihood of every row: the binning's `errorBound`
    /// plus the softplus table's error on each evaluated term and on the curvature term.
    public func surfaceErrorBound(slope w: Double) -> Double {
        errorBound(slope: w) + Double(x.count) * SoftplusTable.valueError
            + 0.5 * w * w * withinSumOfSquares * SoftplusTable.curvatureError
    }
}
