import Foundation
import Plot
import XCTest

/// `--theme` and `--transparent`: dark renderings beside the light ones, served by the page
/// to readers whose system is dark.
final class ThemeOutputTests: CLITestCase {
    func testBothThemesByDefaultWithPictureSources() throws {
        XCTAssertEqual(try run(["--out", "B", "--quiet"]).status, 0)
        let figures = Set(snapshot("B").keys.filter { $0.hasPrefix("figures/") })
        XCTAssertEqual(figures.count, 78, "13 figures × PNG, SVG and the narrow SVG × light and dark")
        XCTAssertTrue(figures.contains("figures/linear-fit.dark.png"))
        let page = text("B/index.html")
        // A light and a dark picture per figure; the stylesheet picks (dark on dark screens only).
        XCTAssertTrue(page.contains(#"<picture class="figure-dark"><source media="(max-width: 42rem)" srcset="figures/linear-fit.narrow.dark.svg" type="image/svg+xml" width="360" height="384"><img src="figures/linear-fit.dark.svg" width="640" height="480""#))
        XCTAssertTrue(page.contains(#"<picture class="figure-light">"#))
        XCTAssertFalse(page.contains("media=\"(prefers-color-scheme"), "no media source, which a browser picks only once")
        // The dark PNG's paper is the dark theme's.
        let dark = try PNGCodec.decode(Array(try Data(contentsOf: work.appendingPathComponent("B/figures/linear-fit.dark.png"))))
        let corner = dark.pixel(x: 2, y: 2)
        XCTAssertEqual([corner.r, corner.g, corner.b], [0x1B, 0x1B, 0x1D])
    }

    func testOneThemeAndTransparentPaper() throws {
        XCTAssertEqual(try run(["--theme", "dark", "--transparent", "--figures", "linear-fit", "--out", "D", "--quiet"]).status, 0)
        XCTAssertEqual(Set(snapshot("D").keys.filter { $0.hasPrefix("figures/") }),
                       ["figures/linear-fit.dark.png", "figures/linear-fit.dark.svg", "figures/linear-fit.narrow.dark.svg"])
        XCTAssertTrue(text("D/index.html").contains(#"src="figures/linear-fit.dark.png""#))
        let clear = try PNGCodec.decode(Array(try Data(contentsOf: work.appendingPathComponent("D/figures/linear-fit.dark.png"))))
        XCTAssertEqual(clear.pixel(x: 1, y: 1).a, 0, "no paper behind a transparent figure")
        XCTAssertEqual(try run(["--theme", "dim"]).status, 2)
    }
}
