import XCTest
@testable import Plot

/// Light and dark figures: readable text and data colours on both papers.
final class ThemeTests: XCTestCase {
    func testContrastOnBothPapers() {
        for theme in [Theme.light, .dark] {
            // Text and axes: WCAG AAA for text (7:1).
            XCTAssertGreaterThanOrEqual(Theme.contrast(theme.ink, theme.background), 7, theme.name)
            // Data colours and neutral marks: at least 3:1 (WCAG's figure for graphics).
            // (Okabe–Ito orange is too light for white paper: the report marks the MLE in ink.)
            for color in [Palette.blue, Palette.vermillion, Palette.green, theme.muted, theme.reference, theme.contour] {
                XCTAssertGreaterThanOrEqual(Theme.contrast(color, theme.background), 3, "\(theme.name) \(color.hexString)")
            }
            // The grid stays quiet: well below the data.
            XCTAssertLessThan(Theme.contrast(theme.grid, theme.background), 1.6, theme.name)
        }
    }

    func testRolesResolvePerThemeAndKeepRelativeAlpha() {
        XCTAssertEqual(Theme.dark.resolve(.ink), Theme.dark.ink)
        XCTAssertEqual(Theme.light.resolve(.ink), Theme.light.ink)
        XCTAssertEqual(Theme.dark.resolve(Color.edge.withAlpha(0.8)).alpha, 0.8, accuracy: 1e-12)
        XCTAssertEqual(Theme.light.resolve(.legendFill).alpha, 0.88, accuracy: 1e-12)
        XCTAssertEqual(Theme.dark.resolve(Palette.blue), Palette.blue, "data colours are the same in both")
    }

    func testDarkFiguresPaintDarkPaperAndTransparentOnesNone() throws {
        var figure = Figure()
        figure.marks = [.scatter(points: [Point(0, 0), Point(1, 1)], color: Palette.blue, size: 6, shape: .circle, edge: .edge, label: nil)]
        figure.theme = .dark
        let dark = try PNGCodec.decode(try figure.render(.png, scale: 1))
        let corner = dark.pixel(x: 1, y: 1)
        XCTAssertEqual([corner.r, corner.g, corner.b], [0x1B, 0x1B, 0x1D])
        figure.theme.transparent = true
        let clear = try PNGCodec.decode(try figure.render(.png, scale: 1))
        XCTAssertEqual(clear.pixel(x: 1, y: 1).a, 0, "no paper")
    }
}
