import XCTest
@testable import Plot

/// Polylines lose only the vertices whose removal moves the drawing by at most the tolerance.
final class SimplificationTests: XCTestCase {
    /// Distance from `p` to the segment from `a` to `b`.
    func distance(_ p: Point, _ a: Point, _ b: Point) -> Double {
        let dx = b.x - a.x, dy = b.y - a.y
        let length2 = dx * dx + dy * dy
        let t = length2 > 0 ? min(1, max(0, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2)) : 0
        return hypot(p.x - a.x - t * dx, p.y - a.y - t * dy)
    }

    func testCollinearPointsCollapseToTheEndsAndCornersStay() {
        let line = (0...100).map { Point(Double($0), 2 * Double($0) + 1) }
        XCTAssertEqual(simplified(line, tolerance: 0.02), [line[0], line[100]])
        // A square's outline keeps its four corners and its closing point.
        let square = [Point(0, 0), Point(5, 0), Point(10, 0), Point(10, 10), Point(0, 10), Point(0, 0)]
        XCTAssertEqual(simplified(square, tolerance: 0.02), [Point(0, 0), Point(10, 0), Point(10, 10), Point(0, 10), Point(0, 0)])
        // A zigzag taller than the tolerance keeps every vertex; one lower than it is flattened.
        let zigzag = (0...20).map { Point(Double($0), $0 % 2 == 0 ? 0 : 0.05) }
        XCTAssertEqual(simplified(zigzag, tolerance: 0.02), zigzag)
        XCTAssertEqual(simplified(zigzag, tolerance: 0.06), [zigzag[0], zigzag[20]])
        // Short, empty and non-finite input is returned as it is.
        XCTAssertEqual(simplified([Point(0, 0), Point(1, 1)], tolerance: 0.02).count, 2)
        XCTAssertEqual(simplified([], tolerance: 0.02), [])
        let broken = [Point(0, 0), Point(1, .nan), Point(2, 0)]
        XCTAssertEqual(simplified(broken, tolerance: 0.02).count, 3)
    }

    /// On sampled curves (a circle, a sine, a random walk), every dropped vertex lies within
    /// the tolerance of the segment that replaced it, and most vertices go.
    func testEveryDroppedVertexLiesWithinTheToleranceOfItsSegment() {
        var seed: UInt64 = 12345
        func uniform() -> Double {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Double(seed >> 11) / Double(1 << 53)
        }
        var walk = [Point(0, 0)]
        for _ in 0..<2000 { walk.append(Point(walk.last!.x + uniform(), walk.last!.y + uniform() - 0.5)) }
        let curves = [
            (0...720).map { k in Point(100 + 80 * cos(Double(k) * .pi / 360), 100 + 80 * sin(Double(k) * .pi / 360)) },
            (0...1000).map { k in Point(Double(k) * 0.5, 50 * sin(Double(k) / 60)) },
            walk,
        ]
        for (c, curve) in curves.enumerated() {
            let kept = simplified(curve, tolerance: 0.02)
            XCTAssertEqual(kept.first, curve.first)
            XCTAssertEqual(kept.last, curve.last)
            // The kept vertices are a subsequence of the curve: find where each one is, then
            // check every point between two kept ones against the segment joining them.
            var indices: [Int] = []
            var k = 0
            for (i, p) in curve.enumerated() where k < kept.count && p == kept[k] { indices.append(i); k += 1 }
            XCTAssertEqual(indices.count, kept.count, "curve \(c): kept vertices are original ones, in order")
            for (i0, i1) in zip(indices, indices.dropFirst()) {
                for p in curve[i0...i1] {
                    XCTAssertLessThanOrEqual(distance(p, curve[i0], curve[i1]), 0.02 + 1e-12, "curve \(c)")
                }
            }
            if c < 2 { XCTAssertLessThan(kept.count, curve.count / 2, "curve \(c) keeps \(kept.count) of \(curve.count)") }
        }
    }
}
