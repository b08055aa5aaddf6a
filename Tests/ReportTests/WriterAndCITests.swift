import Foundation
import XCTest

/// What writers and CI gates expect of the command line (issue 18, §3–4).
final class WriterAndCITests: CLITestCase {
    /// `--check`: 0 current, 3 stale (regenerate), 1 broken input, 2 usage: a gate tells them apart.
    func testCheckHasItsOwnExitCodeForStale() throws {
        XCTAssertEqual(try run(["--out", "o", "--quiet"]).status, 0)
        XCTAssertEqual(try run(["--out", "o", "--check", "--quiet"]).status, 0)
        FileManager.default.createFile(atPath: path("o/report.json"), contents: Data("{}".utf8))
        let stale = try run(["--out", "o", "--check"])
        XCTAssertEqual(stale.status, 3, stale.stderr)
        XCTAssertTrue(stale.stderr.contains("is stale"), stale.stderr)
        write("bad.csv", "x,y\n1,2\n3,oops\n")
        let broken = try run(["--data", "bad.csv", "--out", "o", "--check"])
        XCTAssertEqual(broken.status, 1, broken.stderr)
        XCTAssertTrue(broken.stderr.hasPrefix("error: bad.csv:3:"), broken.stderr)
        XCTAssertEqual(try run(["--out", "o", "--check", "--no-such-flag"]).status, 2)
        XCTAssertTrue(try run(["--help"]).stdout.contains("3 --check found the report"))
    }

    /// `--out a/b/c` with a and b missing: made, named in the summary; a failed run removes
    /// them again (they are empty), and a file in the way is a clear error.
    func testMissingParentsOfOutAreMadeAndRemovedOnFailure() throws {
        let r = try run(["--out", "a/b/c"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(fm.fileExists(atPath: path("a/b/c/index.html")))
        XCTAssertTrue(r.stdout.contains("made the folder") && r.stdout.contains("a/b, which --out needed"), r.stdout)
        write("bad.csv", "x,y\n1,2\n3,oops\n")
        let failed = try run(["--data", "bad.csv", "--out", "p/q/r", "--quiet"])
        XCTAssertEqual(failed.status, 1)
        XCTAssertFalse(fm.fileExists(atPath: path("p")), "the folders a failed run made are gone")
        write("f", "not a folder")
        let blocked = try run(["--out", "f/r", "--quiet"])
        XCTAssertEqual(blocked.status, 1)
        XCTAssertTrue(blocked.stderr.contains("is a file, not a folder"), blocked.stderr)
    }

    /// With no page, no figure has to be one a browser shows: PDF alone is fine.
    func testPDFAloneIsFineWithoutAPage() throws {
        let r = try run(["--format", "pdf", "--no-page", "--out", "o", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(fm.fileExists(atPath: path("o/figures/linear-fit.pdf")))
        XCTAssertFalse(fm.fileExists(atPath: path("o/index.html")))
        XCTAssertEqual(try run(["--format", "pdf", "--out", "o2", "--quiet"]).status, 2, "with a page it still needs PNG or SVG")
    }

    /// A flag on the command line wins over the config, and the page records a command that
    /// reproduces the report: the config plus the flags that changed it.
    func testFlagsOverrideTheConfigAndTheRecordedCommandReproducesIt() throws {
        write("d.csv", "x,y\n1,2\n2,3.5\n3,3.9\n4,6\n5,7.2\n6,7.9\n")
        write("c.json", #"{"title": "From the config", "compare": true, "models": [{"data": "d.csv", "x": "x", "y": "y", "model": "linear"}]}"#)
        let r = try run(["--config", "c.json", "--title", "From the flag", "--no-compare", "--out", "o", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let page = text("o/index.html")
        XCTAssertTrue(page.contains("From the flag"))
        XCTAssertFalse(page.contains("From the config"))
        XCTAssertEqual((try json("o/report.json")["comparisons"] as? [Any])?.count, 0, "--no-compare wins over compare: true")
        XCTAssertTrue(page.contains("--no-compare"), "the recorded command repeats the flag")
        // The same flags again: current; without them: stale.
        XCTAssertEqual(try run(["--config", "c.json", "--title", "From the flag", "--no-compare", "--out", "o", "--check", "--quiet"]).status, 0)
        XCTAssertEqual(try run(["--config", "c.json", "--out", "o", "--check", "--quiet"]).status, 3)
    }

    /// Every option of the report has a config field, checked as its flag is and reported at
    /// the field; a typed flag wins.
    func testEveryReportOptionHasAConfigField() throws {
        write("d.csv", "x,y\n1,2\n2,NA\n3,3.9\n4,6\n5,7.2\n6,7.9\n")
        write("c.json", #"{"format": ["svg"], "theme": "light", "drop_missing": true, "figures": ["linear-fit"], "scale": 1, "figure_size": "800x600", "compare": false, "models": [{"data": "d.csv", "x": "x", "y": "y", "model": "linear"}]}"#)
        let r = try run(["--config", "c.json", "--out", "o", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let figures = try fm.contentsOfDirectory(atPath: path("o/figures")).sorted()
        XCTAssertEqual(figures, ["linear-fit.narrow.svg", "linear-fit.svg"], "format, theme and figures from the config")
        XCTAssertTrue(r.stderr.contains("left out 1 of 6 rows"), "drop_missing from the config: \(r.stderr)")
        XCTAssertTrue(text("o/figures/linear-fit.svg").contains("width=\"800"), "figure_size from the config")
        // A typed flag wins over the field.
        XCTAssertEqual(try run(["--config", "c.json", "--theme", "dark", "--out", "o2", "--quiet"]).status, 0)
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: path("o2/figures")).sorted(), ["linear-fit.dark.svg", "linear-fit.narrow.dark.svg"])
        // A bad value: one line naming the file and the field, exit 1, nothing written.
        write("bad.json", #"{"theme": "sepia", "models": [{"data": "d.csv", "x": "x", "y": "y", "model": "linear"}]}"#)
        let bad = try run(["--config", "bad.json", "--out", "o3"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertEqual(bad.stderr, "error: bad.json: theme: expected light, dark or both, got \"sepia\"\n")
        XCTAssertFalse(fm.fileExists(atPath: path("o3")))
        write("bad2.json", #"{"drop_missing": "yes", "models": [{"data": "d.csv", "x": "x", "y": "y", "model": "linear"}]}"#)
        XCTAssertTrue(try run(["--config", "bad2.json", "--out", "o3"]).stderr.contains("bad2.json: drop_missing: expected true or false"))
    }

    /// Warnings name a file as the user typed it (relative to where they are), not as the
    /// page names it (relative to the folder that holds the report).
    func testWarningsNameTheFileAsTyped() throws {
        try fm.createDirectory(atPath: path("data"), withIntermediateDirectories: true)
        try fm.createDirectory(atPath: path("docs"), withIntermediateDirectories: true)
        write("data/d.csv", "x,y\n1,2\n2,NA\n3,3.9\n4,6\n5,7.2\n")
        let r = try run(["--data", "data/d.csv", "--drop-missing", "--no-compare", "--out", "docs/report", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("left out 1 of 5 rows of \"data/d.csv\""), r.stderr)
        XCTAssertTrue(text("docs/report/index.html").contains("../data/d.csv"), "the page names it from the report's folder")
    }

    /// A semicolon- or tab-separated file reads as one column: the error says what the file
    /// looks like and how to convert it, not just that "x" is missing.
    func testASemicolonOrTabFileGetsAHint() throws {
        write("semi.csv", "x;y\n1;2\n2;3\n3;5\n")
        let semi = try run(["--data", "semi.csv", "--out", "o"])
        XCTAssertEqual(semi.status, 1)
        XCTAssertTrue(semi.stderr.contains("the file looks semicolon-separated"), semi.stderr)
        XCTAssertEqual(semi.stderr.split(separator: "\n").count, 1, "one line")
        write("tab.csv", "x\ty\n1\t2\n2\t3\n3\t5\n")
        XCTAssertTrue(try run(["--data", "tab.csv", "--out", "o"]).stderr.contains("the file looks tab-separated"))
        write("plain.csv", "a,b\n1,2\n2,3\n3,5\n")
        XCTAssertTrue(try run(["--data", "plain.csv", "--out", "o"]).stderr.contains("the columns are \"a\", \"b\""))
    }

    /// `--delimiter` and `--na` (and their config fields `delimiter`, `na`): a semicolon file
    /// with a spreadsheet's `#N/A` and a `-999` sentinel gives the numbers of the same data
    /// written with commas and empty cells; the recorded command repeats both options, so
    /// `--check` calls the run current, and without them it is stale.
    func testAnotherSeparatorAndMoreMissingMarkersGiveTheSameReport() throws {
        let rows: [(String?, String?)] = [("1", "2.1"), ("2", "3.9"), ("3", nil), ("4", "8.2"), ("5", "9.8"), (nil, "11.5"), ("7", "14.1"), ("8", "15.7")]
        let plainRows: [String] = rows.map { x, y in (x ?? "") + "," + (y ?? "") + "\n" }
        let semiRows: [String] = rows.map { x, y in (x ?? "-999") + ";" + (y ?? "#N/A") + "\n" }
        write("plain.csv", "x,y\n" + plainRows.joined())
        write("semi.csv", "x;y\n" + semiRows.joined())
        let plain = try run(["--data", "plain.csv", "--drop-missing", "--no-compare", "--out", "p", "--quiet"])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        let semi = try run(["--data", "semi.csv", "--delimiter", ";", "--na", "#N/A,-999", "--drop-missing", "--no-compare", "--out", "s", "--quiet"])
        XCTAssertEqual(semi.status, 0, semi.stderr)
        XCTAssertTrue(semi.stderr.contains("left out 2 of 8 rows"), semi.stderr)
        let a = (try json("p/report.json")["models"] as! [[String: Any]])[0], b = (try json("s/report.json")["models"] as! [[String: Any]])[0]
        for key in ["w", "b", "w_se", "log_likelihood", "n"] {
            XCTAssertEqual(a[key] as? Double, b[key] as? Double, key)
        }
        XCTAssertEqual(b["n"] as? Double, 6)
        XCTAssertTrue(text("s/index.html").contains("--delimiter &#39;;&#39; --na &#39;#n/a,-999&#39;"), "the recorded command names both options (shell-quoted)")
        XCTAssertEqual(try run(["--data", "semi.csv", "--delimiter", "semicolon", "--na", "#n/a, -999", "--drop-missing", "--no-compare", "--out", "s", "--check", "--quiet"]).status, 0)
        XCTAssertEqual(try run(["--data", "semi.csv", "--drop-missing", "--no-compare", "--out", "s", "--check", "--quiet"]).status, 1,
                       "without --delimiter the file does not even read")
        // The config's fields mean the same.
        write("c.json", ##"{"delimiter": ";", "na": ["#N/A", "-999"], "drop_missing": true, "compare": false, "models": [{"data": "semi.csv", "model": "linear"}]}"##)
        let config = try run(["--config", "c.json", "--out", "c", "--quiet"])
        XCTAssertEqual(config.status, 0, config.stderr)
        XCTAssertEqual((try json("c/report.json")["models"] as! [[String: Any]])[0]["w"] as? Double, a["w"] as? Double)
        write("bad.json", #"{"delimiter": "x", "models": [{"data": "semi.csv", "model": "linear"}]}"#)
        let bad = try run(["--config", "bad.json", "--out", "c", "--quiet"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertEqual(bad.stderr, "error: bad.json: delimiter: expected one of , ; | : ^ ~ ! or tab, got \"x\"\n")
        // A bad separator or an empty marker on the command line is a usage error.
        XCTAssertEqual(try run(["--data", "semi.csv", "--delimiter", ".", "--out", "o"]).status, 2)
        XCTAssertEqual(try run(["--data", "semi.csv", "--na", "a,,b", "--out", "o"]).status, 2)
        // Unread, the file's first line says what to give.
        let unread = try run(["--data", "semi.csv", "--out", "o", "--quiet"])
        XCTAssertEqual(unread.status, 1)
        XCTAssertTrue(unread.stderr.contains("looks semicolon-separated: give --delimiter ';'"), unread.stderr)
    }
}
