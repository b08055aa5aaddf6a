/// A point in device space (points, y down) or data space.
public struct Point: Equatable, Hashable, Sendable {
    public var x: Double
    public var y: Double
    public init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
}

/// An axis-aligned rectangle; `y` grows downwards in device space.
public struct Rect: Equatable, Sendable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }

    public var minX: Double { x }
    public var maxX: Double { x + width }
    public var minY: Double { y }
    public var maxY: Double { y + height }
    public var center: Point { Point(x + width / 2, y + height / 2) }

    public func intersects(_ other: Rect) -> Bool {
        minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
    }

    public func contains(_ other: Rect) -> Bool {
        other.minX >= minX && other.maxX <= maxX && other.minY >= minY && other.maxY <= maxY
    }

    public func contains(_ p: Point) -> Bool { p.x >= minX && p.x <= maxX && p.y >= minY && p.y <= maxY }

    public func insetBy(_ d: Double) -> Rect { Rect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d) }

    /// Whether the segment from `a` to `b` meets the rectangle (Liang–Barsky clipping).
    public func intersects(segmentFrom a: Point, to b: Point) -> Bool {
        var t0 = 0.0, t1 = 1.0
        let dx = b.x - a.x, dy = b.y - a.y
        for (p, q) in [(-dx, a.x - minX), (dx, maxX - a.x), (-dy, a.y - minY), (dy, maxY - a.y)] {
            if p == 0 {
                if q < 0 { return false }
            } else {
                let r = q / p
                if p < 0 { if r > t1 { return false }; t0 = max(t0, r) } else { if r < t0 { return false }; t1 = min(t1, r) }
            }
        }
        return t0 <= t1
    }
}

/// A map from a data interval to a device interval.
public struct LinearScale: Equatable, Sendable {
    public var domain: (Double, Double)
    public var range: (Double, Double)

    public init(domain: (Double, Double), range: (Double, Double)) {
        self.domain = domain
        self.range = range
    }

    public func callAsFunction(_ v: Double) -> Double {
        let span = domain.1 - domain.0
        guard span != 0 else { return (range.0 + range.1) / 2 }
        return range.0 + (v - domain.0) / span * (range.1 - range.0)
    }

    public static func == (a: LinearScale, b: LinearScale) -> Bool {
        a.domain == b.domain && a.range == b.range
    }
}

/// The polyline with the vertices that matter: every dropped vertex lies within `tolerance`
/// of the segment that replaces it (Douglas–Peucker), so that the drawing moves by at most
/// that much. Contours sampled cell by cell and curves sampled at hundreds of points keep a
/// fraction of their vertices, which Cairo strokes and writes into SVG one by one. The first
/// and last vertices always stay; non-finite points are kept as they are.
public func simplified(_ points: [Point], tolerance: Double) -> [Point] {
    let n = points.count
    guard n > 2, tolerance > 0, points.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else { return points }
    var keep = [Bool](repeating: false, count: n)
    keep[0] = true
    keep[n - 1] = true
    var pending = [(0, n - 1)]
    let limit = tolerance * tolerance
    while let (first, last) = pending.popLast() {
        guard last - first > 1 else { continue }
        let a = points[first], b = points[last]
        let dx = b.x - a.x, dy = b.y - a.y
        let length2 = dx * dx + dy * dy
        var farthest = first, largest = -1.0
        for k in (first + 1)..<last {
            let p = points[k]
            let px = p.x - a.x, py = p.y - a.y
            // Squared distance to the segment (to its nearer end beyond either end).
            let t = length2 > 0 ? min(1, max(0, (px * dx + py * dy) / length2)) : 0
            let ex = px - t * dx, ey = py - t * dy
            let d = ex * ex + ey * ey
            if d > largest { largest = d; farthest = k }
        }
        if largest > limit {
            keep[farthest] = true
            pending.append((first, farthest))
            pending.append((farthest, last))
        }
    }
    var out: [Point] = []
    out.reserveCapacity(n)
    for k in 0..<n where keep[k] { out.append(points[k]) }
    return out
}
