import XCTest
@testable import Plot

final class ContoursTests: XCTestCase {
    func grid(_ n: Int, _ lo: Double, _ hi: Double) -> [Double] {
        (0..<n).map { lo + (hi - lo) * Double($0) / Double(n - 1) }
    }

    func testCircleIsOneClosedLineOnTheLevelSet() {
        let xs = grid(81, -2, 2), ys = grid(81, -2, 2)
        let values = ys.flatMap { y in xs.map { x in x * x + y * y } }
        let lines = Contours.lines(x: xs, y: ys, values: values, level: 1)
        XCTAssertEqual(lines.count, 1)
        XCTAssertTrue(lines[0].isClosed)
        XCTAssertEqual(lines[0].points.first!.x, lines[0].points.last!.x)
        // Linear interpolation of a quadratic across a cell of width h errs by at most h²/8
        // in value terms; on the unit circle that is under 0.002 in radius for h = 0.05.
        for p in lines[0].points { XCTAssertEqual((p.x * p.x + p.y * p.y).squareRoot(), 1, accuracy: 0.002) }
    }

    func testEllipseCutByTheBorderIsOpen() {
        let xs = grid(60, 0, 3), ys = grid(50, -1, 1)
        let values = ys.flatMap { y in xs.map { x in x * x / 4 + y * y } }
        let lines = Contours.lines(x: xs, y: ys, values: values, level: 0.25)
        XCTAssertEqual(lines.count, 1)
        XCTAssertFalse(lines[0].isClosed)
        for p in lines[0].points { XCTAssertEqual(p.x * p.x / 4 + p.y * p.y, 0.25, accuracy: 0.003) }
    }

    func testSaddleCellsAreDisambiguatedByTheCentre() {
        // f = xy on a 2×2 grid: one cell, corners (−1, 1, −1, 1)·… a pure saddle.
        let xs = [-1.0, 1.0], ys = [-1.0, 1.0]
        let values = ys.flatMap { y in xs.map { x in x * y + 0.2 } }
        // Centre value 0.2 > 0: the high corners (bottom-left, top-right) join through the centre,
        // so the lines cut off the two low corners: two separate segments.
        let lines = Contours.lines(x: xs, y: ys, values: values, level: 0)
        XCTAssertEqual(lines.count, 2)
        for line in lines {
            XCTAssertEqual(line.points.count, 2)
            // Each segment stays in one low quadrant (x·y < 0).
            XCTAssertTrue(line.points.allSatisfy { $0.x * $0.y <= 1e-12 })
        }
    }

    func testSaddleLevelSetOfHyperbolas() {
        let xs = grid(41, -2, 2), ys = grid(41, -2, 2)
        let values = ys.flatMap { y in xs.map { x in x * x - y * y } }
        let lines = Contours.lines(x: xs, y: ys, values: values, level: 1)
        XCTAssertEqual(lines.count, 2, "two branches of x² − y² = 1")
        for line in lines {
            XCTAssertFalse(line.isClosed)
            for p in line.points { XCTAssertEqual(p.x * p.x - p.y * p.y, 1, accuracy: 0.01) }
        }
    }

    func testLabelsStayInsideApartAndCutTheirGap() {
        let circle = (0...200).map { k -> Point in
            let a = Double(k) / 200 * 2 * .pi
            return Point(200 + 100 * cos(a), 200 + 100 * sin(a))
        }
        let inner = circle.map { Point(200 + ($0.x - 200) * 0.5, 200 + ($0.y - 200) * 0.5) }
        let bounds = Rect(x: 0, y: 0, width: 400, height: 400)
        let marker = Rect(x: 190, y: 90, width: 20, height: 20)   // on top of the outer circle
        let placed = ContourLabeler.place(lines: [circle, inner], labelSizes: [(30, 10), (30, 10)], bounds: bounds,
                                          obstacles: [marker], obstacleLines: [])
        XCTAssertEqual(placed.count, 2)
        for p in placed {
            XCTAssertTrue(bounds.contains(p.box))
            XCTAssertFalse(p.box.intersects(marker))
        }
        XCTAssertFalse(placed[0].box.intersects(placed[1].box))
        let pieces = ContourLabeler.cut(circle, removing: placed[0].gap)
        let kept = pieces.map { ContourLabeler.cumulativeLengths($0).last! }.reduce(0, +)
        let total = ContourLabeler.cumulativeLengths(circle).last!
        XCTAssertEqual(total - kept, placed[0].gap.upperBound - placed[0].gap.lowerBound, accuracy: 0.5)
    }

    /// A smooth heatmap on a coarse grid is drawn from a finer image whose values interpolate
    /// the samples bilinearly: exact for a plane inside the outer cell centres, constant in
    /// the half cell beyond them; counts per cell (not smooth) and fine grids stay as given.
    func testSmoothHeatmapsAreDrawnInterpolated() {
        let x = (0..<50).map { Double($0) }, y = (0..<30).map { 2 * Double($0) }
        let plane = { (a: Double, b: Double) in 3 + 0.5 * a - 0.25 * b }
        let values = y.flatMap { b in x.map { a in plane(a, b) } }
        let smooth = Heatmap(x: x, y: y, values: values, range: (0, 1), smooth: true)
        let (drawn, mx, my) = smooth.drawnValues()
        XCTAssertEqual(mx, 50 * 5)   // ⌈240/50⌉ = 5 pixels a cell
        XCTAssertEqual(my, 30 * 8)   // ⌈240/30⌉ = 8
        for r in stride(from: 0, to: my, by: 7) {
            for c in stride(from: 0, to: mx, by: 11) {
                // The pixel centre in data units, held inside the outer sample positions.
                let a = min(max((Double(c) + 0.5) / 5 - 0.5, 0), 49)
                let b = 2 * min(max((Double(r) + 0.5) / 8 - 0.5, 0), 29)
                XCTAssertEqual(drawn[r * mx + c], plane(a, b), accuracy: 1e-12, "pixel (\(c), \(r))")
            }
        }
        let counts = Heatmap(x: x, y: y, values: values, range: (0, 1))
        XCTAssertEqual(counts.drawnValues().nx, 50)
        let fine = Heatmap(x: (0..<300).map(Double.init), y: (0..<250).map(Double.init), values: [Double](repeating: 1, count: 75_000),
                           range: (0, 1), smooth: true)
        XCTAssertEqual(fine.drawnValues().nx, 300)
        XCTAssertEqual(fine.drawnValues().ny, 250)
    }
}
