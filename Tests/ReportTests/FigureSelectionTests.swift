import Foundation
import Report
import XCTest

/// `--figures` and `--no-page`, for writers who need one figure and pipelines that need no page.
final class FigureSelectionTests: CLITestCase {
    func testOnlyTheChosenFiguresAreMadeAndShown() throws {
        let r = try run(["--figures", "linear-fit,*-contours", "--theme", "light", "--out", "S", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let files = Set(snapshot("S").keys.filter { $0.hasPrefix("figures/") })
        XCTAssertEqual(files, ["figures/linear-fit.png", "figures/linear-fit.svg", "figures/linear-contours.png",
                               "figures/linear-contours.svg", "figures/logistic-contours.png", "figures/logistic-contours.svg",
                               "figures/linear-fit.narrow.svg", "figures/linear-contours.narrow.svg", "figures/logistic-contours.narrow.svg"],
                       "and the page's narrow renderings of the chosen figures only")
        let page = text("S/index.html")
        XCTAssertEqual(page.components(separatedBy: "<figure id=").count - 1, 3)
        XCTAssertTrue(page.contains("Figure 3."))
        XCTAssertFalse(page.contains("Figure 4."), "numbers count only the figures shown")
        XCTAssertFalse(page.contains("figures/linear-likelihood"))
        // The same selection spelled differently is the same report.
        XCTAssertEqual(try run(["--theme", "light", "--figures", "linear-fit,*-contours", "--out", "S", "--check"]).status, 0)
    }

    func testUnknownNamesListTheValidOnes() throws {
        let r = try run(["--figures", "linear-fitt", "--out", "S"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.hasPrefix("error: --figures: \"linear-fitt\" names no figure of this report; the figures are noise-losses, label-losses, linear-fit, linear-likelihood"), r.stderr)
        XCTAssertEqual(try run(["--figures", "", "--out", "S"]).status, 2)
        XCTAssertEqual(try run(["--no-page", "--single-file", "--out", "S"]).status, 2)
    }

    func testNoPageWritesFiguresAndReportJSONOnly() throws {
        let r = try run(["--no-page", "--figures", "logistic-*", "--format", "svg", "--theme", "light", "--out", "P", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(Set(snapshot("P").keys), [".mle-report", "report.json", "figures/logistic-fit.svg", "figures/logistic-likelihood.svg",
                                                 "figures/logistic-contours.svg", "figures/logistic-standardised.svg"])
        XCTAssertEqual(try run(["--no-page", "--figures", "logistic-*", "--format", "svg", "--theme", "light", "--out", "P", "--check"]).status, 0)
        // A later run with a page replaces it: the folder is still the tool's.
        XCTAssertEqual(try run(["--out", "P", "--quiet"]).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("P/index.html")))
    }

    func testGlobs() {
        XCTAssertTrue(ReportOptions.glob("*-contours", matches: "linear-contours"))
        XCTAssertTrue(ReportOptions.glob("linear-?it", matches: "linear-fit"))
        XCTAssertFalse(ReportOptions.glob("linear-*", matches: "logistic-fit"))
        XCTAssertTrue(ReportOptions.glob("*", matches: "x"))
        XCTAssertFalse(ReportOptions.glob("fit", matches: "linear-fit"))
    }

    /// Paths in the canonical command are relative to the folder that holds the report, with
    /// `..` when needed, so that a committed page reads the same in every checkout.
    func testCanonicalPathsAreRelativeToTheReportsFolder() {
        XCTAssertEqual(ReportOptions.path("/repo/data/a.csv", relativeTo: "/repo"), "data/a.csv")
        XCTAssertEqual(ReportOptions.path("/repo/models.json", relativeTo: "/repo/docs"), "../models.json")
        XCTAssertEqual(ReportOptions.path("/repo/./data/../x.csv", relativeTo: "/repo/docs/site"), "../../x.csv")
        XCTAssertEqual(ReportOptions.path("/srv/x.csv", relativeTo: "/opt/repo"), "/srv/x.csv", "nothing shared but the root")
    }
}

/// The page ships its OpenType math font, so formulas look the same on every machine.
final class MathFontTests: CLITestCase {
    func testTheFontShipsWithAMATHTableAndSingleFileEmbedsIt() throws {
        XCTAssertEqual(try run(["--out", "R", "--quiet"]).status, 0)
        let font = [UInt8](try Data(contentsOf: work.appendingPathComponent("R/assets/math.otf")))
        XCTAssertGreaterThan(font.count, 100_000)
        // The OpenType table directory lists a MATH table (what browsers use to build
        // fractions, radicals and accents).
        let tables = Int(font[4]) << 8 | Int(font[5])
        let tags = (0..<tables).map { String(decoding: font[(12 + 16 * $0)..<(16 + 16 * $0)], as: UTF8.self) }
        XCTAssertTrue(tags.contains("MATH"), "\(tags)")
        let css = text("R/assets/style.css")
        XCTAssertTrue(css.contains(#"src: url("math.otf") format("opentype")"#))
        XCTAssertTrue(css.contains(#"math { font-family: "Report Math", math;"#))
        XCTAssertEqual(try run(["--single-file", "--out", "S", "--quiet"]).status, 0)
        XCTAssertTrue(text("S/index.html").contains("url(\"data:font/otf;base64,"), "the single file carries the font")
    }
}
