import Foundation

/// Where an inline contour label goes: its centre, angle and the stretch of line it replaces.
public struct LabelPlacement: Equatable, Sendable {
    /// Index of the polyline the label sits on.
    public var line: Int
    public var center: Point
    /// Text angle in radians (counter-clockwise on the page), kept within ±90° so text is upright.
    public var angle: Double
    /// Arc-length interval of the polyline cut out to make room for the text.
    public var gap: ClosedRange<Double>
    /// Axis-aligned box enclosing the rotated text, used for overlap tests.
    public var box: Rect
}

/// Inline label placement for contour lines, in device space.
///
/// For each line, candidate positions are tried in order of preference (middle of the line
/// first, then further out); a candidate is taken only if the line is nearly straight under
/// the label, the label box lies inside `bounds`, and the box meets neither a label already
/// placed, nor an obstacle box (markers, legend), nor an obstacle polyline (optimiser paths).
/// Lines too short to carry their label get none. Pure function: unit-tested without Cairo.
public enum ContourLabeler {
    public static func place(lines: [[Point]], labelSizes: [(width: Double, height: Double)], bounds: Rect,
                             obstacles: [Rect], obstacleLines: [[Point]], padding: Double = 3) -> [LabelPlacement] {
        var placed: [LabelPlacement] = []
        let fractions = [0.5, 0.35, 0.65, 0.2, 0.8, 0.1, 0.9, 0.45, 0.55, 0.28, 0.72]
        for (index, line) in lines.enumerated() {
            guard line.count >= 2 else { continue }
            let (w, h) = labelSizes[index]
            let lengths = cumulativeLengths(line)
            let total = lengths.last!
            guard total > 2.5 * (w + 2 * padding) else { continue }
            for f in fractions {
                let s = f * total
                let half = w / 2 + padding
                guard s - half > 0, s + half < total else { continue }
                let a = point(on: line, lengths, at: s - half), b = point(on: line, lengths, at: s + half)
                // Nearly straight: the chord is at least 95 % of the arc it spans.
                guard hypot(b.x - a.x, b.y - a.y) >= 0.95 * 2 * half else { continue }
                let center = point(on: line, lengths, at: s)
                var angle = atan2(-(b.y - a.y), b.x - a.x)
                if angle > .pi / 2 { angle -= .pi }
                if angle < -.pi / 2 { angle += .pi }
                let box = rotatedBox(center: center, width: w + 2, height: h, angle: angle)
                guard bounds.contains(box) else { continue }
                if placed.contains(where: { $0.box.insetBy(-padding).intersects(box) }) { continue }
                if obstacles.contains(where: { $0.intersects(box) }) { continue }
                if obstacleLines.contains(where: { polyline($0, meets: box) }) { continue }
                placed.append(LabelPlacement(line: index, center: center, angle: angle, gap: (s - half)...(s + half), box: box))
                break
            }
        }
        return placed
    }

    /// The pieces of `line` left after removing the arc-length interval `gap`.
    public static func cut(_ line: [Point], removing gap: ClosedRange<Double>) -> [[Point]] {
        let lengths = cumulativeLengths(line)
        var before: [Point] = [], after: [Point] = []
        for (k, p) in line.enumerated() {
            if lengths[k] < gap.lowerBound { before.append(p) }
            if lengths[k] > gap.upperBound { after.append(p) }
        }
        before.append(point(on: line, lengths, at: gap.lowerBound))
        after.insert(point(on: line, lengths, at: gap.upperBound), at: 0)
        return [before, after].filter { $0.count >= 2 }
    }

    static func cumulativeLengths(_ line: [Point]) -> [Double] {
        var lengths = [0.0]
        for k in 1..<line.count {
            lengths.append(lengths[k - 1] + hypot(line[k].x - line[k - 1].x, line[k].y - line[k - 1].y))
        }
        return lengths
    }

    static func point(on line: [Point], _ lengths: [Double], at s: Double) -> Point {
        var k = 1
        while k < lengths.count - 1 && lengths[k] < s { k += 1 }
        let span = lengths[k] - lengths[k - 1]
        let t = span > 0 ? min(max((s - lengths[k - 1]) / span, 0), 1) : 0
        return Point(line[k - 1].x + (line[k].x - line[k - 1].x) * t, line[k - 1].y + (line[k].y - line[k - 1].y) * t)
    }

    static func rotatedBox(center: Point, width: Double, height: Double, angle: Double) -> Rect {
        let c = abs(cos(angle)), s = abs(sin(angle))
        let w = width * c + height * s, h = width * s + height * c
        return Rect(x: center.x - w / 2, y: center.y - h / 2, width: w, height: h)
    }

    static func polyline(_ line: [Point], meets box: Rect) -> Bool {
        guard line.count >= 2 else { return line.first.map(box.contains) ?? false }
        for k in 1..<line.count where box.intersects(segmentFrom: line[k - 1], to: line[k]) { return true }
        return false
    }
}
