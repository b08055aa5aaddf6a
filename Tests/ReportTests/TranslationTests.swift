import Foundation
import XCTest
@testable import Report
import Likelihood
import Plot

/// The German templates in examples/templates-de translate every word of the page: rendered
/// with them, neither the page's text and alt texts nor any figure's drawn words hold an
/// English word. That is the proof that no prose is left in the code (issue 18, §2).
final class TranslationTests: CLITestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let german = root.appendingPathComponent("examples/templates-de")

    /// Common English words that German prose never uses (whole words, any case).
    static let english = #"\b(the|of|and|is|are|with|which|from|that|this|than|where|when|each|every|against|fitted|steps?|model|points?|noise|lines?|data|loss|figure|rows?|none|slope|intercept|residuals?|descent|contours?|region|intervals?|bins?|counts?|labels?|weights?|one|two|three|not|for|by|to|at|on|as|its|their|outside|inside|below|above|held|estimated|given|arrived)\b"#

    /// English words in `text`, with some context each.
    static func englishIn(_ text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: english, options: [.caseInsensitive]) else { return ["bad pattern"] }
        let ns = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).prefix(10).map { m in
            let from = max(0, m.range.location - 40), to = min(ns.length, m.range.location + m.range.length + 40)
            return ns.substring(with: NSRange(location: from, length: to - from))
        }
    }

    /// The page's visible text and alt texts (code, formulas, styles and scripts left out:
    /// commands and column names are not prose).
    static func visibleText(_ html: String) -> String {
        var t = html
        t = t.replacingOccurrences(of: #"<(script|style|code|math)[^>]*>.*?</\1>"#, with: " ", options: [.regularExpression])
        let alts = (try? NSRegularExpression(pattern: #"alt="([^"]*)""#)).map { r in
            r.matches(in: t, range: NSRange(t.startIndex..., in: t)).compactMap { Range($0.range(at: 1), in: t).map { String(t[$0]) } }
        } ?? []
        t = t.replacingOccurrences(of: #"<[^>]+>"#, with: " ", options: .regularExpression)
        for (e, c) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&nbsp;", " "), ("&amp;", "&")] {
            t = t.replacingOccurrences(of: e, with: c)
        }
        return t + " " + alts.joined(separator: " ")
    }

    func testThePatternCatchesEnglish() {
        XCTAssertFalse(Self.englishIn("The data with the fitted line.").isEmpty)
        XCTAssertTrue(Self.englishIn("Die Daten mit der angepassten Geraden; 3 der 50 Punkte liegen außerhalb.").isEmpty)
    }

    /// Every family (and the comparison of noise models) on the built-in data, and real data
    /// with its own paths (a Student-t search over several maxima, a nearly separated logistic
    /// fit): no English on the page.
    func testTheGermanTemplatesLeaveNoEnglishOnThePage() throws {
        let corpus = Self.root.appendingPathComponent("Tests/Corpus")
        let runs: [[String]] = [
            ["--model", "linear,laplace,student-t,logistic,poisson"],
            ["--data", corpus.appendingPathComponent("Multimodal/mammals.csv").path, "--x", "body", "--y", "brain", "--model", "student-t,laplace"],
            ["--data", corpus.appendingPathComponent("NearSeparation/infmrt.csv").path, "--x", "lpcinc", "--y", "DC", "--model", "logistic"],
            ["--data", corpus.appendingPathComponent("Ties/galton.csv").path, "--x", "parent", "--y", "child", "--model", "linear"],
        ]
        for (k, arguments) in runs.enumerated() {
            let r = try run(arguments + ["--templates", Self.german.path, "--out", "de\(k)", "--quiet", "--format", "svg", "--theme", "light"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let html = text("de\(k)/index.html")
            XCTAssertTrue(html.contains("<html lang=\"de\">"))
            XCTAssertTrue(html.contains("Abbildung 1."), "figure labels translated")
            let found = Self.englishIn(Self.visibleText(html))
            XCTAssertTrue(found.isEmpty, "\(arguments): English on the German page: \(found)")
            for line in r.stderr.split(separator: "\n") {
                XCTAssertTrue(Self.englishIn(String(line)).isEmpty, "a warning in English: \(line)")
            }
        }
    }

    /// The words each figure draws (title, axis labels, colorbar, legend), which the SVG holds
    /// as glyph outlines rather than text: checked on the figures themselves.
    func testTheGermanTemplatesLeaveNoEnglishInTheFigures() throws {
        let loader = TemplateLoader(userDirectory: Self.german.path, defaultDirectory: Self.root.appendingPathComponent("Templates").path)
        let prose = try Prose(loader: loader)
        var options = ReportOptions()
        options.themes = [.light]
        for family in Families.all {
            let data = family.builtinData(seed: options.seed)
            let request = ModelRequest(kind: family.kind, dataPath: nil, x: "x", y: "y")
            var m = try ModelAnalysis.analyse(request, dataset: data, name: family.kind.rawValue)
            m.prose = prose
            for figure in FigureFactory.figures(for: m, options: options).compactMap({ $0 }) {
                for words in figure.figure.texts + [figure.caption, figure.altText, figure.figure.accessibleTitle] {
                    let found = Self.englishIn(words)
                    XCTAssertTrue(found.isEmpty, "\(figure.name): \(found)")
                }
            }
        }
        XCTAssertNoThrow(try prose.check(), "every German piece rendered")
    }

    /// The translated page loads in Chromium with its formulas and figures, in German.
    func testTheGermanPageLoadsInABrowser() throws {
        guard let browser = BrowserTests.chromium() else { throw XCTSkip("no Chromium on PATH") }
        let r = try run(["--templates", Self.german.path, "--out", "de", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let page = work.appendingPathComponent("de/index.html")
        let harness = BrowserTests.frameHarness(page, width: 1200, height: 900, script: """
          const imgs = [...d.querySelectorAll('.figure-light img')];
          out = { lang: d.documentElement.lang, maths: d.querySelectorAll('math').length,
            figures: imgs.length, loaded: imgs.filter(i => i.complete && i.naturalWidth > 0).length,
            toc: d.querySelector('nav.toc h2').textContent, first: d.querySelector('figcaption .label').textContent };
        """)
        let dump = try BrowserTests.dumpHarness(browser, harness, as: work.appendingPathComponent("harness.html"))
        guard let result = BrowserTests.harnessResult(dump) as? [String: Any] else {
            return XCTFail("the harness reported nothing; Chromium said: \(dump.err.suffix(2000))")
        }
        XCTAssertEqual(result["lang"] as? String, "de")
        XCTAssertEqual(result["toc"] as? String, "Inhalt")
        XCTAssertEqual(result["first"] as? String, "Abbildung 1.")
        XCTAssertGreaterThan(result["maths"] as? Int ?? 0, 40)
        XCTAssertGreaterThan(result["figures"] as? Int ?? 0, 5)
        XCTAssertEqual(result["loaded"] as? Int, result["figures"] as? Int, "every figure loads: \(result)")
    }
}
