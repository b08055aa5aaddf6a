import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import Plot

final class RenderingTests: XCTestCase {
    func sampleFigure() -> Figure {
        var f = Figure()
        f.title = "Test <i>figure</i>"
        f.xLabel = "<i>w</i>"
        f.yLabel = "<i>b</i>"
        f.xLimits = (0, 10)
        f.yLimits = (0, 10)
        f.showsGrid = false
        f.marks = [.point(Point(5, 5), shape: .square, color: Color(hex: 0xFF0000), size: 20, label: "centre")]
        f.accessibleTitle = "A <test> & title"
        f.accessibleDescription = "One red square"
        f.idPrefix = "test-fig"
        return f
    }

    func testPNGHasKnownPixelsDPIAndNoTimeChunk() throws {
        let bytes = try sampleFigure().render(.png, scale: 2)
        let chunks = PNGCodec.chunkTypes(bytes)
        XCTAssertEqual(chunks.first, "IHDR")
        XCTAssertEqual(chunks[1], "pHYs")
        XCTAssertFalse(chunks.contains("tIME"))
        // 144 DPI = 5669 pixels per metre, written big-endian after the chunk type.
        let k = 8 + 25 + 8
        let ppm = Int(bytes[k]) << 24 | Int(bytes[k + 1]) << 16 | Int(bytes[k + 2]) << 8 | Int(bytes[k + 3])
        XCTAssertEqual(ppm, 5669)
        let image = try PNGCodec.decode(bytes)
        XCTAssertEqual(image.width, 1280)
        XCTAssertEqual(image.height, 960)
        // Background corner is white; the corner is outside the axes.
        let corner = image.pixel(x: 2, y: 2)
        XCTAssertEqual([corner.r, corner.g, corner.b], [255, 255, 255])
        // The square marker sits at the centre of the axes: find the plot rect through layout.
        let canvas = Canvas(width: 640, height: 480, format: .png)
        let layout = sampleFigure().layout(on: canvas)
        let centre = Point(layout.x(5) * 2, layout.y(5) * 2)
        let p = image.pixel(x: Int(centre.x), y: Int(centre.y))
        XCTAssertEqual([p.r, p.g, p.b], [255, 0, 0])
    }

    func testColorbarIsMonotoneInLightness() throws {
        var f = Figure()
        let xs = (0..<20).map(Double.init), ys = (0..<20).map(Double.init)
        f.marks = [.heatmap(Heatmap(x: xs, y: ys, values: ys.flatMap { y in xs.map { _ in y } }, range: (0, 19)))]
        f.colorbar = Colorbar(range: (0, 19), label: "value")
        f.showsGrid = false
        let image = try PNGCodec.decode(try f.render(.png, scale: 1))
        let canvas = Canvas(width: 640, height: 480, format: .png, scale: 1)
        let rect = f.layout(on: canvas).colorbarRect!
        var previous = -1.0
        var sampled = 0
        XCTAssertGreaterThan(rect.height, 100, "the colorbar is drawn tall enough to sample")
        // From the bottom (low values) up, viridis gets lighter.
        for y in stride(from: Int(rect.maxY) - 3, through: Int(rect.minY) + 3, by: -10) {
            sampled += 1
            let p = image.pixel(x: Int(rect.center.x), y: y)
            let lum = Color(red: Double(p.r) / 255, green: Double(p.g) / 255, blue: Double(p.b) / 255).luminance
            XCTAssertGreaterThan(lum, previous)
            previous = lum
        }
        XCTAssertGreaterThanOrEqual(sampled, 10, "the loop sampled the bar")
    }

    func testSVGIsXMLWithStableIDsAndAccessibleText() throws {
        let a = try sampleFigure().render(.svg)
        let b = try sampleFigure().render(.svg)
        XCTAssertEqual(a, b, "two renders are byte-identical")
        let text = String(decoding: a, as: UTF8.self)
        XCTAssertTrue(text.contains("<title id=\"test-fig-title\">A &lt;test&gt; &amp; title</title>"))
        XCTAssertTrue(text.contains("role=\"img\""))
        XCTAssertFalse(text.contains("id=\"glyph"), "Cairo's counters are renamed")
        let parser = XMLParser(data: Data(a))
        XCTAssertTrue(parser.parse(), "SVG parses as XML: \(String(describing: parser.parserError))")
    }

    func testPNGAndPDFAreDeterministic() throws {
        XCTAssertEqual(try sampleFigure().render(.png), try sampleFigure().render(.png))
        let pdf = try sampleFigure().render(.pdf)
        XCTAssertEqual(Array(pdf.prefix(5)), Array("%PDF-".utf8))
        XCTAssertEqual(pdf, try sampleFigure().render(.pdf))
    }

    func testHeatmapIsOneImageSoSVGStaysSmall() throws {
        var f = Figure()
        let n = 200
        let xs = (0..<n).map { Double($0) / 10 }, ys = xs
        f.marks = [.heatmap(Heatmap(x: xs, y: ys, values: ys.flatMap { y in xs.map { x in sin(x) * cos(y) } }, range: (-1, 1)))]
        f.showsGrid = false
        let svg = String(decoding: try f.render(.svg), as: UTF8.self)
        // 40 000 cells as rectangles would be megabytes; as one embedded image it is well
        // under 250 KB.
        XCTAssertLessThan(svg.utf8.count, 250_000)
        XCTAssertEqual(svg.components(separatedBy: "<image").count - 1, 1)
    }

    /// Rug ticks within half a point of each other are one stroke as dark as the ticks laid
    /// over each other (1 − (1 − α)ᵏ): 500 ticks on 5 places draw 5 strokes, the SVG as
    /// small as that of 5 ticks, and one tick keeps its own alpha.
    func testRugTicksAtOnePlaceAreOneStroke() throws {
        func svg(_ ticks: [Double]) throws -> String {
            var f = Figure()
            f.showsGrid = false
            f.marks = [.line(points: [Point(0, 0), Point(4, 1)], color: .ink, width: 1, dash: [], label: nil),
                       .rug(x: ticks, atTop: false, color: Color.ink.withAlpha(0.45), label: nil)]
            return String(decoding: try f.render(.svg), as: UTF8.self)
        }
        let many = try svg((0..<500).map { Double($0 % 5) }), few = try svg([0, 1, 2, 3, 4])
        XCTAssertEqual(many.components(separatedBy: "<path").count, few.components(separatedBy: "<path").count)
        XCTAssertLessThan(abs(many.utf8.count - few.utf8.count), 200)
        // One tick keeps α = 0.45; two at one place are 1 − 0.55² = 0.6975; 100 are opaque.
        XCTAssertTrue(try svg([2]).contains("stroke-opacity:0.45;"))
        XCTAssertTrue(try svg([2, 2]).contains("stroke-opacity:0.6975;"))
        XCTAssertFalse(many.contains("stroke-opacity:0.45;"))
    }

    /// A heatmap's raster is made once for all renderings of the mark, but a copy changed
    /// afterwards is drawn from its own values (PNG and the SVG's embedded image alike).
    func testAChangedCopyOfAHeatmapIsDrawnFromItsOwnValues() throws {
        let xs = (0..<40).map(Double.init), ys = xs
        let heatmap = Heatmap(x: xs, y: ys, values: ys.flatMap { y in xs.map { x in x + y } }, range: (0, 78))
        var first = Figure()
        first.showsGrid = false
        first.marks = [.heatmap(heatmap)]
        var changed = heatmap
        changed.values = changed.values.map { 78 - $0 }
        var second = first
        second.marks = [.heatmap(changed)]
        var fresh = first
        fresh.marks = [.heatmap(Heatmap(x: xs, y: ys, values: changed.values, range: (0, 78)))]
        for format in [ImageFormat.png, .svg] {
            let a = try first.render(format), b = try second.render(format), c = try fresh.render(format)
            XCTAssertNotEqual(a, b, "\(format)")
            XCTAssertEqual(b, c, "\(format): the changed copy draws as a new mark with its values does")
            XCTAssertEqual(try first.render(format), a, "\(format): the first mark still draws as before")
        }
    }

    func testMarkupInLabelsIsEscapedByCallers() {
        XCTAssertEqual(markupEscaped("<script>alert(1)</script> & 'x'"), "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;x&#39;")
    }
}
