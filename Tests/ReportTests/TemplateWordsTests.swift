import Foundation
import XCTest
import Plot

/// Every word of the page is the templates' (issue 18, §2): a teacher rewords one caption by
/// overriding one piece, a misspelt name lists the names that exist, a broken formula is
/// reported where it was written, and extra.css and the kicker are theirs to change.
final class TemplateWordsTests: CLITestCase {
    func testOnePieceOverridesOneSentenceAndTheRestStaysDefault() throws {
        XCTAssertEqual(try run(["--out", "d", "--quiet"]).status, 0)
        _ = write("t/text-linear.mustache", "{{#fitCaption}}\nMeine Daten: {{rows}}\nPunkte.\n{{/fitCaption}}\n")
        _ = write("t/kicker.mustache", "<p class=\"kicker\">Kurs Statistik II</p>\n")
        _ = write("t/extra.css", "h1 { letter-spacing: 0.1em; }\n")
        let r = try run(["--templates", "t", "--out", "o", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let page = text("o/index.html"), before = text("d/index.html")
        // The piece is one line: its line breaks became spaces.
        XCTAssertTrue(page.contains("Meine Daten: 50 Punkte."), "the overridden caption")
        XCTAssertFalse(page.contains("The data with the fitted line."), "the default caption is gone")
        XCTAssertTrue(before.contains("The data with the fitted line."))
        // Every other piece of the file still comes from the default.
        XCTAssertTrue(page.contains("Least squares is the maximum-likelihood loss only if the noise is Gaussian"))
        XCTAssertTrue(page.contains("The Hessian of the mean squared error at its minimum"))
        XCTAssertTrue(page.contains("Kurs Statistik II"))
        XCTAssertFalse(page.contains("A worked note on maximum likelihood"))
        let css = text("o/assets/style.css")
        XCTAssertTrue(css.hasSuffix("h1 { letter-spacing: 0.1em; }\n"), "extra.css comes last, so its rules win")
        XCTAssertTrue(css.hasPrefix(text("d/assets/style.css").prefix(200)), "after the whole default stylesheet")
    }

    func testAMisspeltNameListsTheNamesItCouldHaveMeant() throws {
        XCTAssertEqual(try run(["--out", "o", "--quiet"]).status, 0)
        let before = snapshot("o")
        _ = write("t/text-linear.mustache", "{{! a comment }}\n{{#fitCaption}}{{rows}} rows, {{sigma}}{{/fitCaption}}\n")
        let r = try run(["--templates", "t", "--out", "o", "--quiet"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasPrefix("error: t/text-linear.mustache:2:31: \"sigma\" is not in the data given to the template; names here: dense, distinct, inside, line, n, rows, seed, shown, sigma2, ties, twoSigma, x, y"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one line")
        XCTAssertEqual(snapshot("o"), before, "the previous report is untouched")
        // The same in a page template.
        _ = write("u/footer.mustache", "<p>{{versoin}}</p>\n")
        let page = try run(["--templates", "u", "--out", "o", "--quiet"])
        XCTAssertTrue(page.stderr.contains("u/footer.mustache:1:4: \"versoin\" is not in the data given to the template; names here: "), page.stderr)
        XCTAssertTrue(page.stderr.contains("version"), page.stderr)
    }

    /// A TeX error names the user's template file and line, not the rendered page's.
    func testABrokenFormulaIsReportedWhereItWasWritten() throws {
        let defaults = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Templates/derivation-gaussian.mustache")
        var lines = try String(contentsOf: defaults, encoding: .utf8).components(separatedBy: "\n")
        let k = try XCTUnwrap(lines.firstIndex { $0.contains("\\frac{1}{\\sqrt{2\\pi\\sigma^2}}") })
        lines[k] = lines[k].replacingOccurrences(of: "\\frac{1}", with: "\\fracc{1}")
        _ = write("t/derivation-gaussian.mustache", lines.joined(separator: "\n"))
        let r = try run(["--templates", "t", "--out", "o", "--quiet"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasPrefix("error: t/derivation-gaussian.mustache:\(k + 1): in formula \"p(y_i"), r.stderr)
        XCTAssertTrue(r.stderr.contains("unknown command \\fracc"), r.stderr)
        XCTAssertFalse(fm.fileExists(atPath: path("o")))
    }
}

/// The README documents every name the default page templates use.
final class TemplateContextDocumentationTests: XCTestCase {
    func testEveryNameThePageTemplatesUseIsInTheReadme() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let folder = root.appendingPathComponent("Templates")
        let regex = try NSRegularExpression(pattern: #"\{\{\{?[#^&]?\s*([A-Za-z][A-Za-z0-9]*)(\.[A-Za-z0-9.]+)?\s*\}?\}\}"#)
        var missing: Set<String> = [], checked = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        where file.hasSuffix(".mustache") && !file.hasPrefix("text-") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for m in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let head = Range(m.range(at: 1), in: text).map({ String(text[$0]) }) else { continue }
                checked += 1
                let full = Range(m.range(at: 0), in: text).map { String(text[$0]) } ?? head
                // Dotted names are documented whole (`tex.w`) or by their head (`diagnostics`).
                let dotted = Range(m.range(at: 2), in: text).map { head + String(text[$0]) }
                if !readme.contains("`\(head)`") && !(dotted.map { readme.contains("`\($0)`") } ?? false) {
                    missing.insert("\(file): \(full)")
                }
            }
        }
        XCTAssertGreaterThan(checked, 200, "the templates were read")
        XCTAssertFalse(readme.contains("`nosuchname`"))
        XCTAssertTrue(missing.isEmpty, "names used by the page templates but not documented: \(missing.sorted())")
    }
}

/// report.json lists every figure of the page with its files, caption and alt text, and each
/// PNG carries its own title and alt text (issue 18, §4).
final class FigureManifestTests: CLITestCase {
    func testTheManifestMatchesThePageAndTheFiles() throws {
        XCTAssertEqual(try run(["--out", "o", "--quiet", "--format", "png,svg"]).status, 0)
        let figures = try XCTUnwrap(try json("o/report.json")["figures"] as? [[String: Any]])
        XCTAssertEqual(figures.count, 13, "the default page's figures")
        let page = text("o/index.html")
        var onDisk = Set(try fm.contentsOfDirectory(atPath: path("o/figures")))
        for (k, f) in figures.enumerated() {
            XCTAssertEqual(f["number"] as? Int, k + 1, "in page order")
            let caption = try XCTUnwrap(f["caption"] as? String), alt = try XCTUnwrap(f["alt"] as? String)
            XCTAssertTrue(page.contains("Figure \(k + 1).</span> \(caption.replacingOccurrences(of: "&", with: "&amp;"))")
                          || page.contains("id=\"figure-\(k + 1)\""), "figure \(k + 1) is on the page")
            let files = try XCTUnwrap(f["files"] as? [[String: String]])
            XCTAssertEqual(files.count, 4, "light and dark, PNG and SVG")
            for file in files {
                let name = try XCTUnwrap(file["path"]).replacingOccurrences(of: "figures/", with: "")
                XCTAssertNotNil(onDisk.remove(name), "\(name) exists and is listed once")
                if file["format"] == "png" {
                    let bytes = Array(try XCTUnwrap(fm.contents(atPath: path("o/figures/\(name)"))))
                    let texts = PNGCodec.texts(bytes)
                    XCTAssertEqual(texts["Description"], alt, name)
                    XCTAssertEqual(texts["Title"], f["title"] as? String, name)
                    XCTAssertNotNil(try? PNGCodec.decode(bytes), "still a valid PNG")
                }
            }
            XCTAssertEqual(f["width_pt"] as? Double, 640)
            // The phone renderings: SVG, light and dark, each once on disk.
            let narrow = try XCTUnwrap(f["narrow"] as? [String: Any])
            XCTAssertEqual(narrow["width_pt"] as? Double, 360)
            // A two-panel figure (the derivations' losses) stacks its panels on a phone.
            let panels = ["noise-losses", "label-losses"].contains(f["name"] as? String ?? "") ? 2.0 : 1.0
            XCTAssertEqual(narrow["height_pt"] as? Double, panels == 2 ? 688 : 384, f["name"] as? String ?? "")
            let narrowFiles = try XCTUnwrap(narrow["files"] as? [[String: String]])
            XCTAssertEqual(narrowFiles.map { $0["format"] }, ["svg", "svg"])
            XCTAssertEqual(narrowFiles.map { $0["theme"] }, ["light", "dark"])
            for file in narrowFiles {
                let name = try XCTUnwrap(file["path"]).replacingOccurrences(of: "figures/", with: "")
                XCTAssertTrue(name.contains(".narrow."), name)
                XCTAssertNotNil(onDisk.remove(name), "\(name) exists and is listed once")
            }
        }
        XCTAssertTrue(onDisk.isEmpty, "every file is in the manifest: \(onDisk)")
        // A single-file page inlines its figures: listed, with no files.
        XCTAssertEqual(try run(["--out", "s", "--quiet", "--single-file"]).status, 0)
        let inline = try XCTUnwrap(try json("s/report.json")["figures"] as? [[String: Any]])
        XCTAssertEqual(inline.count, 13)
        XCTAssertTrue(inline.allSatisfy { ($0["inline"] as? Bool) == true && ($0["files"] as? [Any])?.isEmpty == true })
    }
}

/// `make install PREFIX=…` puts the binary in PREFIX/bin and the templates (and the math font)
/// in PREFIX/share/mle-report, where a copied binary finds them: the report is made from the
/// installed templates, not the checkout's (issue 18, §4).
final class InstalledLayoutTests: CLITestCase {
    func testAnInstalledBinaryUsesItsOwnTemplates() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let prefix = work.appendingPathComponent("prefix")
        let share = prefix.appendingPathComponent("share/mle-report")
        try fm.createDirectory(at: prefix.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try fm.createDirectory(at: share, withIntermediateDirectories: true)
        try fm.copyItem(at: Self.binary, to: prefix.appendingPathComponent("bin/mle-report"))
        try fm.copyItem(at: root.appendingPathComponent("Templates"), to: share.appendingPathComponent("Templates"))
        // Marks the installed copy, to tell it from the checkout's.
        try "<p class=\"kicker\">From the installed templates</p>\n".write(to: share.appendingPathComponent("Templates/kicker.mustache"),
                                                                           atomically: true, encoding: .utf8)
        let elsewhere = work.appendingPathComponent("elsewhere")
        try fm.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let r = try ProcessRunner.run(prefix.appendingPathComponent("bin/mle-report"), ["--out", "r", "--quiet"], in: elsewhere)
        XCTAssertEqual(r.status, 0, r.stderr)
        let page = String(decoding: fm.contents(atPath: elsewhere.appendingPathComponent("r/index.html").path) ?? Data(), as: UTF8.self)
        XCTAssertTrue(page.contains("From the installed templates"), "the installed templates are the defaults")
    }
}

/// A descent that ends within 10⁻⁶ standard errors only at its step budget arrived, but its
/// steps were not negligible: the page had said "it runs until a step moves neither parameter
/// by more than 10⁻¹⁴" after 10 000 steps on Fair's affairs (logistic).
final class DescentBudgetSentenceTests: CLITestCase {
    func testADescentStoppedByItsBudgetIsNotSaidToHaveConverged() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Corpus")
        let r = try run(["--config", corpus.appendingPathComponent("fair.json").path, "--out", "o", "--quiet", "--format", "svg", "--theme", "light"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let page = text("o/index.html")
        XCTAssertTrue(page.contains("arrived at the MLE after 10\u{202F}000 steps, its whole budget: it ended within 10⁻⁶ standard errors"), "the budget case is said")
        XCTAssertFalse(page.contains("after 10\u{202F}000 steps: it runs until a step moves neither parameter"), "and not called converged")
        XCTAssertTrue(page.contains("steps: it runs until a step moves neither parameter by more than 10⁻¹⁴"), "a converged descent keeps its sentence")
    }
}

/// The README's example commands run as written, on the data shipped in examples/ (issue 18, §4).
final class ReadmeExampleTests: CLITestCase {
    func testTheReadmeExamplesRunAsWritten() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let commands = readme.split(separator: "\n").map(String.init).filter { $0.hasPrefix("mle-report --data examples/") }
        XCTAssertGreaterThanOrEqual(commands.count, 4)
        for (k, line) in commands.enumerated() {
            let command = line.components(separatedBy: "#")[0]
            var words = command.split(separator: " ").map(String.init).dropFirst().map { $0 }
            // Each into its own folder here, never the checkout's Output.
            if let i = words.firstIndex(of: "--out") { words.removeSubrange(i...(i + 1)) }
            let r = try ProcessRunner.run(Self.binary, words + ["--out", path("ex\(k)"), "--quiet", "--format", "svg", "--theme", "light"], in: root)
            XCTAssertEqual(r.status, 0, "\(line): \(r.stderr)")
            XCTAssertTrue(fm.fileExists(atPath: path("ex\(k)/index.html")), line)
        }
    }
}
