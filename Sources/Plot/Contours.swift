/// A polyline of constant value on a sampled surface.
public struct ContourLine: Equatable, Sendable {
    public var level: Double
    /// Points in data coordinates. For a closed line the first point is repeated at the end.
    public var points: [(x: Double, y: Double)]
    public var isClosed: Bool

    public static func == (a: ContourLine, b: ContourLine) -> Bool {
        a.level == b.level && a.isClosed == b.isClosed && a.points.count == b.points.count
            && zip(a.points, b.points).allSatisfy { $0.x == $1.x && $0.y == $1.y }
    }
}

/// Contour lines by marching squares.
///
/// Each grid cell is classified by which of its four corners lie above the level; the line
/// crosses the cell's edges where the value changes side, at the linearly interpolated point.
/// The two ambiguous (saddle) cases are resolved by the mean of the four corners, which stands
/// for the value at the cell centre. Segments share their crossing points exactly (each edge's
/// crossing is computed once and identified by the edge), so they are joined into polylines by
/// following shared edges: lines that reach the border are open, the others are closed.
public enum Contours {
    /// - Parameters:
    ///   - x: sample positions along the first axis (`nx` values, increasing).
    ///   - y: sample positions along the second axis (`ny` values, increasing).
    ///   - values: row-major samples, `values[j * nx + i]` at `(x[i], y[j])`.
    /// - Complexity: O(nx · ny) per level.
    public static func lines(x: [Double], y: [Double], values: [Double], level: Double) -> [ContourLine] {
        let nx = x.count, ny = y.count
        guard nx >= 2, ny >= 2, values.count == nx * ny else { return [] }
        func v(_ i: Int, _ j: Int) -> Double { values[j * nx + i] }
        func above(_ i: Int, _ j: Int) -> Bool { v(i, j) > level }

        // Edge keys: horizontal edge from (i, j) to (i+1, j) is 2(j·nx + i); vertical edge from
        // (i, j) to (i, j+1) is 2(j·nx + i) + 1.
        func horizontal(_ i: Int, _ j: Int) -> Int { 2 * (j * nx + i) }
        func vertical(_ i: Int, _ j: Int) -> Int { 2 * (j * nx + i) + 1 }
        func point(_ key: Int) -> (x: Double, y: Double) {
            let cell = key / 2, i = cell % nx, j = cell / nx
            let (i2, j2) = key % 2 == 0 ? (i + 1, j) : (i, j + 1)
            let a = v(i, j), b = v(i2, j2)
            let t = a == b ? 0.5 : (level - a) / (b - a)
            return (x[i] + (x[i2] - x[i]) * t, y[j] + (y[j2] - y[j]) * t)
        }

        var neighbours: [Int: [Int]] = [:]
        var order: [Int] = []     // edges in the order first seen, for a deterministic walk
        func connect(_ a: Int, _ b: Int) {
            for (p, q) in [(a, b), (b, a)] {
                if neighbours[p] == nil { order.append(p); neighbours[p] = [] }
                neighbours[p]!.append(q)
            }
        }
        for j in 0..<(ny - 1) {
            for i in 0..<(nx - 1) {
                let corners = [v(i, j), v(i + 1, j), v(i + 1, j + 1), v(i, j + 1)]
                if corners.contains(where: { $0.isNaN }) { continue }
                // Corner bits: 1 bottom-left, 2 bottom-right, 4 top-right, 8 top-left.
                var code = 0
                if above(i, j) { code |= 1 }
                if above(i + 1, j) { code |= 2 }
                if above(i + 1, j + 1) { code |= 4 }
                if above(i, j + 1) { code |= 8 }
                let bottom = horizontal(i, j), top = horizontal(i, j + 1)
                let left = vertical(i, j), right = vertical(i + 1, j)
                switch code {
                case 0, 15: break
                case 1, 14: connect(left, bottom)
                case 2, 13: connect(bottom, right)
                case 3, 12: connect(left, right)
                case 4, 11: connect(right, top)
                case 6, 9: connect(bottom, top)
                case 7, 8: connect(left, top)
                case 5, 10:
                    let centreAbove = corners.reduce(0, +) / 4 > level
                    // Code 5: bottom-left and top-right above. With the centre above, the
                    // high region joins them, so the lines cut off the two low corners.
                    if (code == 5) == centreAbove {
                        connect(bottom, right); connect(left, top)
                    } else {
                        connect(left, bottom); connect(right, top)
                    }
                default: break
                }
            }
        }

        var used = Set<[Int]>()
        func edgeKey(_ a: Int, _ b: Int) -> [Int] { a < b ? [a, b] : [b, a] }
        var result: [ContourLine] = []
        func walk(from start: Int) -> [Int] {
            var chain = [start]
            var current = start
            while let next = neighbours[current]!.first(where: { !used.contains(edgeKey(current, $0)) }) {
                used.insert(edgeKey(current, next))
                chain.append(next)
                current = next
                if next == start { break }
            }
            return chain
        }
        // Open lines start at an edge with one segment (the border), closed ones anywhere.
        for key in order where neighbours[key]!.count == 1 {
            guard !used.contains(edgeKey(key, neighbours[key]![0])) else { continue }
            let chain = walk(from: key)
            result.append(ContourLine(level: level, points: chain.map(point), isClosed: false))
        }
        for key in order {
            guard neighbours[key]!.contains(where: { !used.contains(edgeKey(key, $0)) }) else { continue }
            let chain = walk(from: key)
            result.append(ContourLine(level: level, points: chain.map(point),
                                      isClosed: chain.count > 2 && chain.first == chain.last))
        }
        return result
    }
}
