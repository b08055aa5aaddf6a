import Foundation
import XCTest
@testable import Report
import Likelihood
import Plot

/// Every page of the real-data corpus, in every family, scanned for the sentences a student
/// tripped over (issue 18): a relation written twice ("p = < 0.0001"), a sign written twice
/// ("x − −0.04"), counts that disagree with their words ("0 of the 50", "1 of the 38 points
/// weigh"), a family named in lower case, descents that "covered 0.0 %" or "100 %" of the way,
/// and NaN or ∞ in any text. Each pattern is one that was seen; none may come back.
final class ProseScanTests: CLITestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Corpus")

    /// (pattern, what it catches), matched against the page's text with tags removed.
    static let textPatterns: [(String, String)] = [
        (#"=\s*<"#, "a relation written twice (p = < 0.0001)"),
        (#"[−+-]\s*[−-]\s*\d"#, "a sign written twice (x − −0.04)"),
        (#"·\s*[−-]\s*\d"#, "a product with a bare minus (w·−0.04)"),
        (#"(^|[^\d.,\x{202F}])0 of the \d"#, "\"0 of the n\" (none of the n)"),
        (#"(^|[^\d.,\x{202F}])1 of the [\d\x{202F}]+ [a-z ]+? (lie|weigh|miss|get|are|were|fall)\b"#, "a plural verb after \"1 of the n\""),
        (#"within 0 standard"#, "\"within 0 standard errors\""),
        (#"The (laplace|poisson|student-t) model"#, "a family name in lower case"),
        (#"covered (0\.0|0|100) %"#, "a descent that covered 0 % or 100 % of the way"),
        (#"[Tt]he two models below"#, "a count of models the page may not have"),
        (#"each [\d\x{202F}]+ of "#, "\"each 10 of age\""),
        (#"\bNaN\b|(?<!→\s)∞|\binf\b|-?nan\b"#, "NaN or infinity in text (a limit, → ∞, is fine)"),
        (#"predictive band"#, "a band of the noise alone called predictive"),
    ]

    /// Patterns in the page's markup itself (formulas are MathML there).
    static let markupPatterns: [(String, String)] = [
        (#"<mo>=</mo>\s*<mo>&lt;</mo>"#, "a formula with = <"),
        (#"<mo>[−-]</mo>\s*<mo>[−-]</mo>"#, "a formula with a sign written twice"),
    ]

    func scan(_ folder: String, label: String) {
        let html = text("\(folder)/index.html")
        XCTAssertFalse(html.isEmpty, label)
        var visible = html
        for (pattern, with) in [(#"<(script|style)[^>]*>.*?</\1>"#, " "), (#"<[^>]+>"#, " ")] {
            visible = visible.replacingOccurrences(of: pattern, with: with, options: .regularExpression)
        }
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"), ("&quot;", "\""), ("&#39;", "'"), ("&nbsp;", " ")] {
            visible = visible.replacingOccurrences(of: entity, with: character)
        }
        visible = visible.replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
        for (pattern, what) in Self.textPatterns {
            if let r = visible.range(of: pattern, options: .regularExpression) {
                let from: String.Index = visible.index(r.lowerBound, offsetBy: -80, limitedBy: visible.startIndex) ?? visible.startIndex
                let to: String.Index = visible.index(r.upperBound, offsetBy: 80, limitedBy: visible.endIndex) ?? visible.endIndex
                XCTFail("\(label): \(what): …\(visible[from..<to])…")
            }
        }
        for (pattern, what) in Self.markupPatterns where html.range(of: pattern, options: .regularExpression) != nil {
            XCTFail("\(label): \(what)")
        }
        // The figures' alt texts and captions are in report.json's page too; the summary on
        // stdout and the warnings are checked by the runs' stderr below.
    }

    /// Each pattern catches the sentence it was written for (so that a clean scan means
    /// something), and the corrected sentences pass.
    func testThePatternsCatchWhatWasSeen() {
        let seen = ["the likelihood-ratio test p = < 0.0001", "z = (x − −0.04228) / 2.287", "b = c − w·−0.04228",
                    "In the Q–Q plot 0 of the 50 points plotted lie outside", "1 of the 38 points weigh less than one half",
                    "agrees with the MLE to within 0 standard errors", "4. The laplace model on the data", "having covered 0.0 % of the way",
                    "The two models below differ", "each 10 of age multiplies", "finds no evidence (JB = NaN)", "ΔAIC = ∞", "±2σ̂ predictive band"]
        for sentence in seen {
            XCTAssertTrue(Self.textPatterns.contains { sentence.range(of: $0.0, options: .regularExpression) != nil }, sentence)
        }
        let fixed = ["the likelihood-ratio test p < 0.0001", "z = (x + 0.04228) / 2.287", "b = c + w·0.04228",
                     "In the Q–Q plot none of the 50 points plotted lie outside", "1 of the 38 points weighs less than one half",
                     "10 of the 38 points weigh less", "its end is the MLE to the last digit", "4. The Laplace model on the data",
                     "as ν → ∞ it becomes the Gaussian", "each increase of 10 in age multiplies", "ΔAIC = 40149 over", "p = 0.0094"]
        for sentence in fixed {
            XCTAssertFalse(Self.textPatterns.contains { sentence.range(of: $0.0, options: .regularExpression) != nil }, sentence)
        }
    }

    /// Galton's heights take 14 values: the Q–Q count of points outside the envelope is said
    /// to reflect the rounding, not left to read as heavy tails.
    func testRoundedResponsesAreNamedBesideTheQQCount() throws {
        let r = try run(["--data", Self.corpus.appendingPathComponent("Ties/galton.csv").path, "--x", "parent", "--y", "child",
                         "--no-compare", "--out", "g", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let page = text("g/index.html")
        XCTAssertTrue(page.contains("The responses take only 14 different values among the 928 rows"), "the ties are named")
        XCTAssertTrue(page.contains("Many rows share a point (928 rows at 102 distinct points)"), "and shown in the fit figure")
        // The default data are continuous: no such sentence there.
        XCTAssertEqual(try run(["--out", "d", "--quiet"]).status, 0)
        XCTAssertFalse(text("d/index.html").contains("different values among"))
        XCTAssertFalse(text("d/index.html").contains("Many rows share a point"))
    }

    func testEveryCorpusPageReadsTrue() throws {
        var runs: [(String, [String])] = [("default", [])]
        let configs = try fm.contentsOfDirectory(atPath: Self.corpus.path).filter { $0.hasSuffix(".json") && $0 != "families.json" && $0 != "reference.json" }.sorted()
        for c in configs { runs.append((c, ["--config", Self.corpus.appendingPathComponent(c).path])) }
        // The other families on the data their references use.
        let families: [(String, String, String, String)] = [
            ("engel.csv", "income", "foodexp", "laplace,student-t"), ("stackloss.csv", "AIRFLOW", "STACKLOSS", "laplace,student-t"),
            ("statecrime.csv", "poverty", "murder", "laplace,student-t"), ("nile.csv", "year", "volume", "laplace"),
            ("cpunish.csv", "INCOME", "EXECUTIONS", "poisson"), ("randhie.csv", "lncoins", "mdvis", "poisson,laplace"),
            ("Multimodal/mammals.csv", "body", "brain", "student-t"), ("Multimodal/animals.csv", "body", "brain", "student-t"),
            ("NearSeparation/infmrt.csv", "lpcinc", "DC", "logistic"), ("NearSeparation/fertil3.csv", "pe", "ww2", "logistic"),
            ("Ties/galton.csv", "parent", "child", "linear"),
        ]
        for (file, x, y, models) in families {
            runs.append(("\(file) \(models)", ["--data", Self.corpus.appendingPathComponent(file).path, "--x", x, "--y", y, "--model", models]))
        }
        for (k, (label, arguments)) in runs.enumerated() {
            let r = try run(arguments + ["--out", "o\(k)", "--quiet", "--format", "svg", "--theme", "light"])
            XCTAssertEqual(r.status, 0, "\(label): \(r.stderr)")
            guard r.status == 0 else { continue }
            scan("o\(k)", label: label)
            for line in r.stderr.split(separator: "\n") where line.contains("NaN") || line.contains("inf ") {
                XCTFail("\(label): a warning with NaN or infinity: \(line)")
            }
        }
    }
}

/// The logistic calibration bins: every point in a drawn bin, even on skewed x with few
/// rows (Challenger-like: 23 flights, most of them warm), where equal-width bins had dropped
/// the bins of fewer than 3 points and with them 4 of the 7 failures.
final class CalibrationBinTests: XCTestCase {
    func testEveryPointIsInADrawnBin() throws {
        let x: [Double] = [53, 57, 58, 63, 66, 67, 67, 67, 68, 69, 70, 70, 70, 70, 72, 73, 75, 75, 76, 76, 78, 79, 81]
        let y: [Double] = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]
        let data = Dataset(source: "challenger", columns: [("temp", x), ("failure", y)])
        let m = try ModelAnalysis.analyse(ModelRequest(kind: .logistic, dataPath: nil, x: "temp", y: "failure"), dataset: data, name: "logistic")
        let bins = FigureFactory.binnedProportions(m)
        XCTAssertEqual(bins.map(\.count).reduce(0, +), 23, "no point left out")
        XCTAssertEqual(bins.count, 7, "⌊23/3⌋ bins")
        XCTAssertGreaterThanOrEqual(bins.map(\.count).min()!, 2)
        // The ones at the cold end are in the first bin, not dropped.
        XCTAssertEqual(bins[0].p, 1, accuracy: 1e-15)
        XCTAssertTrue(bins.allSatisfy { $0.low <= $0.p && $0.p <= $0.high && $0.low >= 0 && $0.high <= 1 })
        // Bins are ordered and their means lie inside the data.
        XCTAssertEqual(bins.map(\.x), bins.map(\.x).sorted())
    }
}

/// Punctuation right after an inline formula is kept on the formula's line (a browser could
/// break between the formula's box and the comma, starting a line with ", the mean squared
/// residual"); a formula without punctuation after it is left as it was.
final class MathPunctuationTests: XCTestCase {
    func testPunctuationAfterInlineMathStaysWithIt() throws {
        let html = try MathInHTML.typeset("<p>the estimate $\\hat\\sigma^2 = n$, the mean; and $x$ alone, $(y)$). End $z$.</p>", source: "t")
        let tails = html.components(separatedBy: "<span class=\"math-tail\">").count - 1
        XCTAssertEqual(tails, 3, html)
        XCTAssertTrue(html.contains("</math></span>,</span> the mean"), html)
        XCTAssertTrue(html.contains("</math></span>).</span> End"), html)
        XCTAssertTrue(html.contains("</math></span>.</span></p>"), html)
        XCTAssertTrue(html.contains("and <span class=\"math-inline\">"), "no tail where no punctuation follows: \(html)")
        XCTAssertFalse(html.contains("$"))
    }
}

final class TiedPointTests: XCTestCase {
    /// Rows sharing a point are counted once per point, in the order the points first appear.
    func testTiesAreCountedPerDistinctPoint() {
        let points = [Point(1, 2), Point(1, 2), Point(3, 4), Point(1, 2), Point(3, 5)]
        let grouped = FigureFactory.ties(points)
        XCTAssertEqual(grouped.map(\.1), [3, 1, 1])
        XCTAssertEqual(grouped.map(\.0), [Point(1, 2), Point(3, 4), Point(3, 5)])
        var f = Figure()
        FigureFactory.addTiedScatter(to: &f, points, label: "data", tiedLabel: { "\($0), at \($1) distinct points" })
        XCTAssertEqual(f.marks.count, 2, "one mark for the single points, one for the class of 2–3 rows")
        var g = Figure()
        FigureFactory.addTiedScatter(to: &g, [Point(1, 2), Point(3, 4)], label: "data", tiedLabel: { "\($0), at \($1) distinct points" })
        XCTAssertEqual(g.marks.count, 1, "no ties: one plain scatter")
    }
}
