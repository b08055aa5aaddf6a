import Foundation
import XCTest

/// Runs the built `mle-report` executable as a user would.
final class EndToEndTests: CLITestCase {
    func testDefaultRunIsCompleteDeterministicAndCheckable() throws {
        let first = try run(["--out", "A"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("== linear: y ~ x"))
        try run(["--out", "B", "--quiet"])
        let a = snapshot("A"), b = snapshot("B")
        for name in ["linear-fit", "linear-likelihood", "linear-contours", "logistic-fit", "logistic-likelihood", "logistic-contours"] {
            for ext in ["png", "svg"] { XCTAssertNotNil(a["figures/\(name).\(ext)"], "\(name).\(ext)") }
        }
        XCTAssertNotNil(a["index.html"]); XCTAssertNotNil(a["report.json"]); XCTAssertNotNil(a["assets/style.css"])
        XCTAssertEqual(a, b, "two runs give byte-identical output")
        XCTAssertEqual(try run(["--out", "A", "--check"]).status, 0)
        FileManager.default.createFile(atPath: work.appendingPathComponent("A/report.json").path, contents: Data("{}".utf8))
        let stale = try run(["--out", "A", "--check"])
        XCTAssertEqual(stale.status, 3)
        XCTAssertTrue(stale.stderr.contains("report.json (changed)"), stale.stderr)
        // Every formula became MathML: no TeX delimiter is left in the page.
        let page = text("A/index.html")
        XCTAssertTrue(page.contains("<math"))
        XCTAssertFalse(page.contains("$$"))
        XCTAssertFalse(page.contains("\\frac"))
        // Fitted lines are written "w x − |b|", never "w x + −|b|" (the default logistic b is negative).
        XCTAssertFalse(page.contains("+ −"))
        XCTAssertTrue(page.contains("σ(1.394 x − 4.004)"), "the built-in logistic fit, uncentred x on [0, 6]")
    }

    func testReportJSONCarriesTheContractFields() throws {
        XCTAssertEqual(try run(["--out", "O", "-q"]).status, 0)
        let json = try JSONSerialization.jsonObject(with: Data(text("O/report.json").utf8)) as! [String: Any]
        let models = json["models"] as! [[String: Any]]
        XCTAssertEqual(models.map { $0["name"] as! String }, ["linear", "logistic"])
        for key in ["name", "family", "n", "x", "y", "w", "b", "w_se", "b_se", "log_likelihood", "aic", "bic", "converged", "iterations", "method"] {
            for m in models { XCTAssertNotNil(m[key], key) }
        }
        for key in ["sigma2_mle", "sigma2_unbiased", "r_squared"] { XCTAssertNotNil(models[0][key], key) }
        for key in ["null_log_likelihood", "pseudo_r_squared"] { XCTAssertNotNil(models[1][key], key) }
        let linear = models[0]
        let n = Double(linear["n"] as! Int), s2 = linear["sigma2_mle"] as! Double
        // The identity the page checks, on the JSON's own numbers (1e-12 relative).
        XCTAssertEqual(-(linear["log_likelihood"] as! Double), n / 2 * log(2 * .pi * s2) + n / 2, accuracy: 1e-12 * n)
        XCTAssertEqual(linear["sigma2_unbiased"] as! Double, s2 * n / (n - 2), accuracy: 1e-12 * s2)
    }

    func testUserDataWithAHostileColumnNameIsEscapedEverywhere() throws {
        let name = "<script>alert(1)</script>"
        var csv = "\"\(name)\",y\n"
        for k in 0..<30 { csv += "\(Double(k) / 3),\(Double(k % 2))\n" }
        _ = write("evil.csv", csv)
        // Labels alternate, so the classes overlap: both models fit.
        let r = try run(["--data", "evil.csv", "--x", name, "--y", "y", "--model", "linear,logistic", "--out", "E", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for (path, data) in snapshot("E") where !path.hasSuffix(".png") {
            let t = String(decoding: data, as: UTF8.self)
            XCTAssertFalse(t.contains(name), "raw markup in \(path)")
        }
        XCTAssertTrue(text("E/index.html").contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertTrue(text("E/report.json").contains("\\u003cscript\\u003e"))
        XCTAssertTrue(text("E/figures/linear-fit.svg").contains("&lt;script&gt;"))
    }

    func testBadInputFailsWithOneLocatedLineAndLeavesTheOldReport() throws {
        XCTAssertEqual(try run(["--out", "O", "-q"]).status, 0)
        let before = snapshot("O")
        let cases: [(String, String)] = [
            ("x,y\n1,2\n3,abc\n", "error: bad.csv:3:3: column \"y\": \"abc\" is not a number"),
            ("x,y\n1,2\n3\n", "error: bad.csv:3:2: row has 1 field, but the header has 2"),
            ("", "error: bad.csv: the file is empty; a header row naming the columns is required"),
            ("x,y\n1,1\n2,3\n3,5\n", "error: bad.csv: linear model of \"y\" on \"x\": the points lie exactly on a line"),
        ]
        for (content, expected) in cases {
            _ = write("bad.csv", content)
            let r = try run(["--data", "bad.csv", "--out", "O"])
            XCTAssertEqual(r.status, 1)
            XCTAssertTrue(r.stderr.hasPrefix(expected), r.stderr)
            XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1, "one line: \(r.stderr)")
            XCTAssertEqual(snapshot("O"), before, "the previous report is untouched")
        }
        _ = write("sep.csv", "x,y\n1,0\n2,0\n3,1\n4,1\n")
        let sep = try run(["--data", "sep.csv", "--model", "logistic", "--out", "O"])
        XCTAssertEqual(sep.status, 1)
        XCTAssertTrue(sep.stderr.contains("complete separation"), sep.stderr)
        _ = write("lab.csv", "x,y\n1,0\n2,1\n3,2\n4,1\n")
        let labels = try run(["--data", "lab.csv", "--model", "logistic", "--out", "O"])
        XCTAssertTrue(labels.stderr.hasPrefix("error: lab.csv:4:3: column \"y\": label 2 is not 0 or 1"), labels.stderr)
        XCTAssertEqual(snapshot("O"), before)
    }

    func testUsageErrorsExitTwo() throws {
        for args in [["--bogus"], ["--model", "quadratic"], ["--format", "gif"], ["--figure-size", "10x10"], ["--x", "a"], ["--out"]] {
            let r = try run(args)
            XCTAssertEqual(r.status, 2, "\(args)")
            XCTAssertTrue(r.stderr.hasPrefix("error: "), r.stderr)
        }
        XCTAssertEqual(try run(["--help"]).status, 0)
    }

    func testSingleFileAndTemplateOverrides() throws {
        let single = try run(["--single-file", "--out", "S", "-q"])
        XCTAssertEqual(single.status, 0, single.stderr)
        XCTAssertEqual(Set(snapshot("S").keys), ["index.html", "report.json", ".mle-report"])
        let page = text("S/index.html")
        XCTAssertTrue(page.contains("<svg"))
        XCTAssertFalse(page.contains("src=\"figures/"))

        try FileManager.default.createDirectory(at: work.appendingPathComponent("T"), withIntermediateDirectories: true)
        _ = write("T/footer.mustache", "<p id=\"custom-footer\">made by {{version}}</p>\n")
        XCTAssertEqual(try run(["--templates", "T", "--out", "U", "-q"]).status, 0)
        XCTAssertTrue(text("U/index.html").contains("<p id=\"custom-footer\">made by"))
        XCTAssertTrue(text("U/index.html").contains("Gaussian noise gives least squares"), "other templates are the defaults")

        _ = write("T/footer.mustache", "line one\n{{nosuchname}}\n")
        let broken = try run(["--templates", "T", "--out", "U"])
        XCTAssertEqual(broken.status, 1)
        XCTAssertTrue(broken.stderr.hasPrefix("error: T/footer.mustache:2:1: \"nosuchname\" is not in the data"), broken.stderr)
    }

    func testConfigFileErrorsNameTheField() throws {
        _ = write("c.json", "{\"models\": [{\"model\": \"cubic\"}]}")
        let r = try run(["--config", "c.json"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "error: c.json: models[0].model: expected one of \"linear\", \"laplace\", \"student-t\", \"logistic\", \"poisson\", \"softmax\"\n")
    }
}
