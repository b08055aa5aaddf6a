import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// Inputs built to crash, hang, forge or fool the tool: each gets a correct result or one
/// clear `error:` line with exit 1 (2 for usage), fast.
final class HostileInputTests: CLITestCase {
    /// One `error:` line, nothing else on stderr, and the exit code.
    func assertOneErrorLine(_ r: ProcessRunner.Result, status: Int32, contains: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, status, r.stderr, file: file, line: line)
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty && !$0.hasPrefix("Try 'mle-report") }
        XCTAssertEqual(lines.count, 1, r.stderr, file: file, line: line)
        XCTAssertTrue(r.stderr.hasPrefix("error: "), r.stderr, file: file, line: line)
        XCTAssertTrue(r.stderr.contains(contains), "expected \(contains) in \(r.stderr)", file: file, line: line)
        XCTAssertLessThan(r.stderr.utf8.count, 2100, file: file, line: line)
    }

    func testStrayBytesInNumbersAreErrorsAtTheirPlace() throws {
        let data = write("nul.csv", Array("x,y\n1,2\n2,3".utf8) + [0] + Array("garbage\n3,5\n".utf8))
        assertOneErrorLine(try run(["--data", data, "--out", "o"]), status: 1, contains: "nul.csv:3:3: column \"y\": \"3\\u{0}garbage\" is not a number")
    }

    func testTinyMagnitudesAreARangeErrorNotAFalseDiagnosis() throws {
        let x = write("x.csv", "x,y\n1e-200,1\n2e-200,2.5\n3e-200,2\n4e-200,5\n")
        assertOneErrorLine(try run(["--data", x, "--out", "o"]), status: 1, contains: "column \"x\": its values differ by at most")
        let y = write("y.csv", "x,y\n1,1e-300\n2,2.5e-300\n3,2e-300\n4,5e-300\n")
        let r = try run(["--data", y, "--out", "o"])
        assertOneErrorLine(r, status: 1, contains: "column \"y\": its values differ by at most")
        XCTAssertFalse(r.stderr.contains("exactly on a line"))
        // Values near 1e-100 are fine: their squares (1e-200) are normal numbers.
        let ok = write("ok.csv", "x,y\n1e-100,1\n2e-100,2.5\n3e-100,2\n4e-100,5\n")
        XCTAssertEqual(try run(["--data", ok, "--out", "o", "--quiet"]).status, 0)
    }

    func testCommandLineNumbersAreDecimalAndFiguresHaveAPixelBudget() throws {
        for args in [["--scale", "0x8"], ["--scale", "1e0"], ["--scale", "inf"], ["--figure-size", "0x400x480"],
                     ["--figure-size", "1e3x480"], ["--seed", "+5"], ["--seed", "-1"], ["--seed", "0x10"]] {
            let r = try run(args + ["--out", "o"])
            assertOneErrorLine(r, status: 2, contains: args[0])
        }
        assertOneErrorLine(try run(["--figure-size", "4000x4000", "--scale", "8", "--out", "o"]), status: 2, contains: "the most is 16 megapixels")
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("o").path))
    }

    func testConfigIntegersAreExactAndBooleansAreNotNumbers() throws {
        _ = write("big.json", #"{"seed": 9007199254740993, "models": [{"model": "linear"}]}"#)
        var r = try run(["--config", "big.json", "--out", "o", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let page = String(decoding: FileManager.default.contents(atPath: work.appendingPathComponent("o/index.html").path)!, as: UTF8.self)
        XCTAssertTrue(page.contains("seed 9007199254740993"))
        _ = write("max.json", #"{"seed": 18446744073709551615, "models": [{"model": "linear"}]}"#)
        XCTAssertEqual(try run(["--config", "max.json", "--out", "o", "--quiet"]).status, 0)
        for (name, text) in [("t.json", #"{"seed": true, "models": [{"model": "linear"}]}"#),
                             ("f.json", #"{"seed": 7.0, "models": [{"model": "linear"}]}"#),
                             ("n.json", #"{"seed": -3, "models": [{"model": "linear"}]}"#)] {
            _ = write(name, text)
            r = try run(["--config", name, "--out", "o"])
            assertOneErrorLine(r, status: 1, contains: "\(name): seed: expected a whole number")
        }
    }

    func testUserStringsCannotDriveTheTerminalOrForgeLines() throws {
        let evil = "a\u{1B}]0;pwned\u{07}\u{1B}[2J"
        _ = write("esc.csv", "\(evil),y\n1,2\n2,3\n3,5\n4,4\n")
        var r = try run(["--data", "esc.csv", "--x", evil, "--out", "o"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stdout.contains("\u{1B}"), "no escape byte reaches the terminal")
        XCTAssertTrue(r.stdout.contains("a\\u{1b}]0;pwned\\u{7}"))
        let forged = "evil\nerror: fake.csv"
        _ = write(forged, "x,y\n1,2\n")
        r = try run(["--data", forged, "--x", "nope", "--out", "o"])
        assertOneErrorLine(r, status: 1, contains: "evil\\u{a}error: fake.csv")
        // A 100,000-character column name is capped in messages.
        let long = String(repeating: "w", count: 100_000)
        r = try run(["--data", "esc.csv", "--x", long, "--out", "o"])
        assertOneErrorLine(r, status: 1, contains: "no column named")
    }

    func testCharactersXMLForbidsNeverReachTheSVGOrThePage() throws {
        let name = "a\u{01}b\u{FFFE}c"
        _ = write("ctl.csv", "\(name),y\n1,2\n2,3\n3,5\n4,4\n")
        let r = try run(["--data", "ctl.csv", "--x", name, "--out", "o"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for figure in ["linear-fit", "linear-likelihood", "linear-contours", "linear-standardised"] {
            let data = try Data(contentsOf: work.appendingPathComponent("o/figures/\(figure).svg"))
            let parser = XMLParser(data: data)
            XCTAssertTrue(parser.parse(), "\(figure).svg is well-formed XML: \(String(describing: parser.parserError))")
            XCTAssertFalse(String(decoding: data, as: UTF8.self).unicodeScalars.contains { $0.value == 1 || $0.value == 0xFFFE })
        }
        let page = try String(contentsOf: work.appendingPathComponent("o/index.html"), encoding: .utf8)
        XCTAssertFalse(page.unicodeScalars.contains { $0.value == 1 || $0.value == 0xFFFE })
    }

    func testTemplateBombsEndWithAnError() throws {
        let dir = work.appendingPathComponent("t")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func template(_ text: String) throws -> ProcessRunner.Result {
            try text.write(to: dir.appendingPathComponent("footer.mustache"), atomically: true, encoding: .utf8)
            return try run(["--templates", "t", "--out", "o"])
        }
        // 20,000 nested sections.
        var r = try template(String(repeating: "{{#models}}", count: 20_000) + String(repeating: "{{/models}}", count: 20_000))
        assertOneErrorLine(r, status: 1, contains: "sections nest more than 100 deep")
        // 40 nested loops over the two models: 2⁴⁰ iterations.
        r = try template(String(repeating: "{{#models}}", count: 40) + "x" + String(repeating: "{{/models}}", count: 40))
        assertOneErrorLine(r, status: 1, contains: "needs more than")
        // Partials that expand each other ten times over, ten deep: 10¹⁰ copies.
        for k in 0..<10 {
            try String(repeating: "{{>p\(k + 1)}}", count: 10).write(to: dir.appendingPathComponent("p\(k).mustache"), atomically: true, encoding: .utf8)
        }
        try "x".write(to: dir.appendingPathComponent("p10.mustache"), atomically: true, encoding: .utf8)
        r = try template("{{>p0}}")
        assertOneErrorLine(r, status: 1, contains: "needs more than")
        // 20,000 nested braces in a formula of a template.
        r = try template("$" + String(repeating: "{ ", count: 20_000) + "x" + String(repeating: " }", count: 20_000) + "$")
        assertOneErrorLine(r, status: 1, contains: "the formula nests more than 100 levels deep")
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("o").path))
        // The same text as a title or a column name is only text.
        let braces = String(repeating: "{", count: 20_000) + String(repeating: "\\frac", count: 100)
        r = try run(["--title", braces, "--out", "o2", "--quiet"])
        XCTAssertEqual(r.status, 0, String(r.stderr.prefix(300)))
    }
}

/// Templates and data that try to make the page include files from outside the templates.
final class PartialNameTests: CLITestCase {
    func assertRefused(_ r: ProcessRunner.Result, contains: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, 1, r.stderr, file: file, line: line)
        XCTAssertTrue(r.stderr.hasPrefix("error: "), r.stderr, file: file, line: line)
        XCTAssertTrue(r.stderr.contains(contains), r.stderr, file: file, line: line)
        XCTAssertFalse(r.stderr.contains("TOP-SECRET"), file: file, line: line)
        XCTAssertFalse(fm.fileExists(atPath: path("o")), file: file, line: line)
    }

    /// `{{> ../secret}}` and `{{> /abs/path}}` name no partial: refused at their line and column,
    /// whether or not the file exists.
    func testPartialNamesCannotLeaveTheTemplateFolders() throws {
        write("secret.mustache", "TOP-SECRET")
        try fm.createDirectory(atPath: path("tpl"), withIntermediateDirectories: true)
        for (name, contains) in [("../secret", "\"../secret\" is not a partial name"),
                                 (path("secret"), "is not a partial name"),
                                 ("sub/../../secret", "is not a partial name")] {
            write("tpl/report.mustache", "<p>\n  {{> \(name)}}\n")
            assertRefused(try run(["--templates", "tpl", "--out", "o"]), contains: "report.mustache:2:3")
            assertRefused(try run(["--templates", "tpl", "--out", "o"]), contains: contains)
        }
    }

    /// A dynamic partial whose name comes from the data (a column name) is refused: dynamic
    /// names resolve only to the report's own partials.
    func testDynamicPartialNamesComeOnlyFromTheReportsOwnValues() throws {
        write("secret.mustache", "TOP-SECRET")
        write("d.csv", "../secret,y\n1,2\n2,3.5\n3,3\n4,6\n")
        try fm.createDirectory(atPath: path("tpl"), withIntermediateDirectories: true)
        write("tpl/report.mustache", "{{#models}}{{>*x}}{{/models}}\n")
        assertRefused(try run(["--templates", "tpl", "--data", "d.csv", "--x", "../secret", "--y", "y", "--out", "o"]),
                      contains: "which is not one of the report's own partials")
        // Even a plain-looking column name cannot pick a file: "footer" is a partial, but not one the report named.
        write("e.csv", "footer,y\n1,2\n2,3.5\n3,3\n4,6\n")
        assertRefused(try run(["--templates", "tpl", "--data", "e.csv", "--x", "footer", "--y", "y", "--out", "o"]),
                      contains: "names \"footer\"")
        // The report's own dynamic partials still work.
        XCTAssertEqual(try run(["--data", "e.csv", "--x", "footer", "--y", "y", "--out", "ok", "--quiet"]).status, 0)
    }
}
