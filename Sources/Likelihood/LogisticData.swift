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
