import Foundation
import XCTest

/// Several predictors and categorical columns end to end (issue 19): the command line and
/// config, the page section, report.json against statsmodels (Tests/Corpus/Multi/reference.json),
/// the figures, the refusals, and user text kept as text.
final class SeveralPredictorReportTests: CLITestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Corpus/Multi")

    func reference(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: Self.corpus.appendingPathComponent("reference.json"))
        return (try JSONSerialization.jsonObject(with: data) as! [String: Any])[name] as! [String: Any]
    }

    func corpus(_ file: String) -> String { Self.corpus.appendingPathComponent(file).path }

    /// statsmodels' `C(col)[T.level]` as ours, `col[level]`.
    func ourName(_ term: String) -> String {
        if term == "Intercept" { return "(Intercept)" }
        guard term.hasPrefix("C(") else { return term }
        let column = term.dropFirst(2).prefix { $0 != ")" }
        let level = term.split(separator: "[", maxSplits: 1)[1].dropFirst(2).dropLast()
        return "\(column)[\(level)]"
    }

    /// The model's coefficients, log-likelihood and term tests in report.json equal the
    /// reference's to 1e-9 relative.
    func assertMatches(_ model: [String: Any], _ ref: [String: Any], file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(model["log_likelihood"] as! Double, ref["log_likelihood"] as! Double, accuracy: 1e-9 * abs(ref["log_likelihood"] as! Double),
                       file: file, line: line)
        let mine = model["coefficients"] as! [[String: Any]]
        for c in ref["coefficients"] as! [[String: Any]] {
            let term = ourName(c["term"] as! String)
            let row = try XCTUnwrap(mine.first { $0["term"] as? String == term }, term, file: file, line: line)
            let se = c["se"] as! Double
            XCTAssertEqual(row["estimate"] as! Double, c["estimate"] as! Double, accuracy: 1e-9 * max(abs(c["estimate"] as! Double), se), term, file: file, line: line)
            XCTAssertEqual(row["se"] as! Double, se, accuracy: 1e-9 * se, term, file: file, line: line)
            let ci = row["ci"] as! [Double]
            XCTAssertLessThan(ci[0], row["estimate"] as! Double, file: file, line: line)
            XCTAssertGreaterThan(ci[1], row["estimate"] as! Double, file: file, line: line)
        }
        let tests = model["term_tests"] as! [[String: Any]]
        for t in ref["term_tests"] as! [[String: Any]] {
            let row = try XCTUnwrap(tests.first { $0["term"] as? String == t["term"] as? String }, file: file, line: line)
            XCTAssertEqual(row["df"] as? Int, t["df"] as? Int, file: file, line: line)
            XCTAssertEqual(row["statistic"] as! Double, t["statistic"] as! Double, accuracy: 1e-6 * max(1, t["statistic"] as! Double), file: file, line: line)
        }
    }

    /// The penguins: one numeric and one three-level column, rows with NA dropped; the page
    /// describes the coding, the section has its tables and figures, and --check is clean.
    func testPenguinsPageAndReportJSON() throws {
        let args = ["--data", corpus("penguins.csv"), "--x", "flipper_length_mm,species", "--y", "body_mass_g", "--drop-missing", "--out", "p"]
        var r = try run(args)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("warning: linear: 2 of 344 rows"), r.stderr)
        XCTAssertTrue(r.stdout.contains("species[Chinstrap]"), r.stdout)
        let model = try XCTUnwrap((try json("p/report.json")["models"] as? [[String: Any]])?.first)
        try assertMatches(model, try reference("penguins"))
        XCTAssertEqual(model["x"] as? [String], ["flipper_length_mm", "species"])
        XCTAssertEqual(model["n"] as? Int, 342)
        let design = try XCTUnwrap(model["design"] as? [String: Any])
        XCTAssertEqual(design["columns"] as? [String], ["(Intercept)", "flipper_length_mm", "species[Chinstrap]", "species[Gentoo]"])
        let species = try XCTUnwrap((design["predictors"] as? [[String: Any]])?.last)
        XCTAssertEqual(species["reference"] as? String, "Adelie")
        XCTAssertEqual(species["counts"] as? [Int], [151, 68, 123])
        let page = text("p/index.html")
        XCTAssertTrue(page.contains("against flipper_length_mm and species</h2>"))
        XCTAssertTrue(page.contains("species is categorical with 3 levels, coded by treatment contrasts: “Adelie” (151 rows) is the reference"))
        XCTAssertTrue(page.contains("<code>species[Gentoo]</code>"))
        XCTAssertFalse(page.contains("✗"), "every check holds")
        let checks = try XCTUnwrap(model["residual_checks"] as? [String: Any])
        XCTAssertEqual(checks["qq_points_plotted"] as? Int, 342)
        let outside = try XCTUnwrap(checks["qq_points_outside_envelope"] as? Int)
        XCTAssertTrue(page.contains("\(outside) of the 342 points plotted lie outside the 95 % envelope (about 17 would by chance"),
                      "the Q–Q count is the one in report.json")
        for name in ["linear-fitted", "linear-effect", "linear-likelihood", "linear-descent", "linear-qq", "linear-residuals"] {
            XCTAssertTrue(fm.fileExists(atPath: path("p/figures/\(name).png")), name)
            XCTAssertTrue(fm.fileExists(atPath: path("p/figures/\(name).dark.svg")), name)
        }
        r = try run(args + ["--check"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // Another reference level: the other levels' coefficients are differences from Gentoo.
        r = try run(args.dropLast(2) + ["--reference", "species=Gentoo", "--out", "g", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let g = try XCTUnwrap((try json("g/report.json")["models"] as? [[String: Any]])?.first)
        let rows = g["coefficients"] as! [[String: Any]]
        XCTAssertEqual(rows.map { $0["term"] as! String }, ["(Intercept)", "flipper_length_mm", "species[Adelie]", "species[Chinstrap]"])
        let adelie = rows[2]["estimate"] as! Double
        XCTAssertEqual(adelie, -266.809603, accuracy: 1e-5, "minus Gentoo's difference from Adelie")
        XCTAssertTrue(text("g/index.html").contains("“Gentoo” (123 rows) is the reference"))
        // The surface over another pair of terms; a term the design lacks is refused with the list.
        r = try run(args.dropLast(2) + ["--pair", "species[Gentoo],flipper_length_mm", "--out", "q", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(text("q/index.html").contains("The log-likelihood over the coefficients of species[Gentoo] and flipper_length_mm"))
        r = try run(args.dropLast(2) + ["--pair", "species[Emperor],(Intercept)", "--out", "x", "--quiet"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("--pair: \"species[Emperor]\" is not a term of linear; its terms are \"(Intercept)\", \"flipper_length_mm\""), r.stderr)
    }

    /// ISLP Default: a Yes/No response and a Yes/No predictor, Yes modelled as 1 (the page
    /// says so); --positive No flips the signs.
    func testDefaultLogisticWithAYesNoResponse() throws {
        var r = try run(["--data", corpus("default.csv"), "--x", "balance,income,student", "--y", "default", "--model", "logistic", "--out", "d"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let model = try XCTUnwrap((try json("d/report.json")["models"] as? [[String: Any]])?.first)
        try assertMatches(model, try reference("default"))
        XCTAssertEqual(model["response_levels"] as? [String: String], ["zero": "No", "one": "Yes"])
        XCTAssertEqual(model["family"] as? String, "bernoulli")
        let descent = try XCTUnwrap(model["gradient_descent"] as? [String: Any])
        XCTAssertEqual((descent["original"] as? [String: Any])?["arrived"] as? Bool, false, "κ ≈ 7e10: no arrival in 10,000 steps")
        XCTAssertEqual((descent["standardised"] as? [String: Any])?["arrived"] as? Bool, true)
        XCTAssertGreaterThan(descent["condition_number"] as! Double, 1e10)
        XCTAssertTrue(text("d/index.html").contains("its flattest direction moves (Intercept) and balance together"), "computed from the Hessian")
        XCTAssertTrue(text("d/index.html").contains("over the contours of the mean cross-entropy with every other coefficient at its best"))
        XCTAssertEqual(descent["step_rule"] as? String, "fixed step 1/L")
        // Profile-likelihood intervals against brentq on statsmodels' offset fits, 1e-7 SE.
        let profile = try reference("default")["profile_ci"] as! [String: [Double]]
        for row in model["coefficients"] as! [[String: Any]] {
            let term = row["term"] as! String, se = row["se"] as! Double
            let got = try XCTUnwrap(row["profile_ci"] as? [Double], term), expected = try XCTUnwrap(profile[term], term)
            XCTAssertEqual(got[0], expected[0], accuracy: 1e-7 * se, term)
            XCTAssertEqual(got[1], expected[1], accuracy: 1e-7 * se, term)
        }
        let page = text("d/index.html")
        XCTAssertTrue(page.contains("The response default has the levels “No” and “Yes”; “Yes” is modelled as 1"), "the coding is said")
        XCTAssertTrue(page.contains("333 of the 10\u{202F}000 rows"), "the ones counted")
        XCTAssertFalse(page.contains("✗"))
        r = try run(["--data", corpus("default.csv"), "--x", "balance,income,student", "--y", "default", "--model", "logistic",
                     "--positive", "No", "--out", "n", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let flipped = try XCTUnwrap((try json("n/report.json")["models"] as? [[String: Any]])?.first)
        let a = model["coefficients"] as! [[String: Any]], b = flipped["coefficients"] as! [[String: Any]]
        for (x, y) in zip(a, b) { XCTAssertEqual(x["estimate"] as! Double, -(y["estimate"] as! Double), accuracy: 1e-9 * (x["se"] as! Double)) }
    }

    /// A config lists the model with "x" as an array, a factor, a reference and its name.
    func testConfigWithSeveralPredictorsAndBikesharePoisson() throws {
        let config = write("c.json", """
        {"models": [{"data": "\(corpus("bikeshare.csv"))", "x": ["temp", "hum", "workingday", "weathersit"], "y": "bikers",
                     "model": "poisson", "name": "riders", "factor": ["workingday"], "reference": {"weathersit": "clear"}}]}
        """)
        let r = try run(["--config", config, "--out", "b", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let model = try XCTUnwrap((try json("b/report.json")["models"] as? [[String: Any]])?.first)
        XCTAssertEqual(model["name"] as? String, "riders")
        let terms = (model["coefficients"] as! [[String: Any]]).map { $0["term"] as! String }
        XCTAssertEqual(terms, ["(Intercept)", "temp", "hum", "workingday[1]", "weathersit[cloudy/misty]", "weathersit[heavy rain/snow]",
                               "weathersit[light rain/snow]"], "workingday as a factor: its level 1 against 0")
        let ll = try reference("bikeshare")["log_likelihood"] as! Double
        XCTAssertEqual(model["log_likelihood"] as! Double, ll, accuracy: 1e-9 * abs(ll), "the same model, coded otherwise")
        XCTAssertTrue(fm.fileExists(atPath: path("b/figures/riders-effect.png")))
        // The rootogram, as with one predictor: its own heading, and numbered after the surface.
        XCTAssertTrue(fm.fileExists(atPath: path("b/figures/riders-rootogram.svg")))
        let page = text("b/index.html")
        let surface = try XCTUnwrap(page.range(of: "riders-likelihood")), counts = try XCTUnwrap(page.range(of: "How often each count occurs"))
        XCTAssertLessThan(surface.lowerBound, counts.lowerBound)
        // The descents, with a line search (the Poisson curvature is unbounded), before the counts.
        let descentFigure = try XCTUnwrap(page.range(of: "riders-descent"))
        XCTAssertLessThan(descentFigure.lowerBound, counts.lowerBound)
        XCTAssertTrue(page.contains("with its step found afresh at each iteration by backtracking"))
        let descent = try XCTUnwrap(model["gradient_descent"] as? [String: Any])
        XCTAssertEqual(descent["step_rule"] as? String, "backtracking line search")
        XCTAssertEqual((descent["standardised"] as? [String: Any])?["arrived"] as? Bool, true)
        XCTAssertEqual((descent["newton"] as? [String: Any])?["arrived"] as? Bool, true)
        XCTAssertTrue(page.contains("the 19 rows above 599 pooled into the orange end bar"), "the bars computed from the fitted means")
        // Pearson's χ² and the dispersion against statsmodels' GLM (pearson_chi2 / df_resid),
        // and the page's warning that the standard errors assume a variance equal to the mean.
        let chi2 = try reference("bikeshare")["pearson_chi2"] as! Double, phi = try reference("bikeshare")["dispersion"] as! Double
        XCTAssertEqual(model["pearson_chi2"] as! Double, chi2, accuracy: 1e-9 * chi2)
        XCTAssertEqual(model["dispersion"] as! Double, phi, accuracy: 1e-9 * phi)
        XCTAssertTrue(page.contains("Pearson χ²/(n − p), with p = 7 coefficients, is 91.6: the counts vary about 92 times as much"), "overdispersion said")
        XCTAssertTrue(page.contains("too small by a factor of about √92 = 9.6"))
        // The score check is relative to the sums it cancels from: heavy rain's single hour, a
        // dummy of one row whose residual is rounding alone, had read 1.0 and failed.
        XCTAssertFalse(page.contains("✗"), "every check holds")
    }

    /// Laplace and Student-t noise with several predictors on stack loss, end to end: the
    /// estimates and log L of report.json against the references (HiGHS's optimum; an
    /// independent maximisation), the certificate and the global search recorded, the three
    /// noise models compared in the section, and every check of the page holding. With ν held
    /// (--nu 4) AIC counts one parameter fewer.
    func testLaplaceAndStudentTWithSeveralPredictors() throws {
        let d = corpus("stackloss.csv")
        for (model, ref) in [("laplace", "stackloss-laplace"), ("student-t", "stackloss-t")] {
            let r = try run(["--data", d, "--x", "AIRFLOW,WATERTEMP,ACIDCONC", "--y", "STACKLOSS", "--model", model, "--out", model, "--quiet"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let m = try XCTUnwrap((try json("\(model)/report.json")["models"] as? [[String: Any]])?.first)
            let expected = try reference(ref)
            let ll = expected["log_likelihood"] as! Double
            XCTAssertEqual(m["log_likelihood"] as! Double, ll, accuracy: 1e-9 * abs(ll), model)
            let mine = m["coefficients"] as! [[String: Any]]
            for c in expected["coefficients"] as! [[String: Any]] {
                let e = try XCTUnwrap(mine.first { $0["term"] as? String == c["term"] as? String })
                let b = c["estimate"] as! Double
                XCTAssertEqual(e["estimate"] as! Double, b, accuracy: 1e-5 * max(1, abs(b)), "\(model) \(c["term"]!)")
            }
            let comparison = try XCTUnwrap(m["noise_comparison"] as? [[String: Any]])
            XCTAssertEqual(comparison.map { $0["model"] as! String }, ["linear", "laplace", "student-t"])
            let page = try String(contentsOfFile: path("\(model)/index.html"), encoding: .utf8)
            XCTAssertTrue(page.contains("Which noise do the data support?"), model)
            XCTAssertTrue(page.contains("By AIC the Laplace noise fits best (Student-t next, ΔAIC = 0.83)"), model)
            XCTAssertFalse(page.contains("✗"), model)
            if model == "laplace" {
                let certificate = try XCTUnwrap(m["certificate"] as? [String: Any])
                XCTAssertLessThanOrEqual(certificate["largest_multiplier"] as! Double, 1)
                XCTAssertEqual(certificate["unique"] as? Bool, true)
                XCTAssertEqual((certificate["basis_rows"] as! [Int]).count, 4)
                XCTAssertTrue(page.contains("stops at one it can prove best"))
                let descent = try XCTUnwrap(m["gradient_descent"] as? [String: Any])
                XCTAssertEqual(descent["step_rule"] as? String, "subgradient, step α0/√(t + 1)")
                XCTAssertTrue(descent["newton"] is NSNull, "no curvature, no Newton")
                XCTAssertTrue(page.contains("Newton&#39;s method has nothing to use here"))
            } else {
                let descent = try XCTUnwrap(m["gradient_descent"] as? [String: Any])
                XCTAssertEqual(descent["step_rule"] as? String, "fixed step 1/L")
                XCTAssertEqual((descent["newton"] as? [String: Any])?["arrived"] as? Bool, true)
                XCTAssertTrue(page.contains("From the least-squares fit (where a robust fit&#39;s own search starts, "))
                XCTAssertEqual(m["aic_parameters"] as? Int, 6)
                XCTAssertTrue(page.contains("All of them that converged ended at the same maximum") || page.contains("distinct maxima"))
            }
        }
        let r = try run(["--data", d, "--x", "AIRFLOW,WATERTEMP,ACIDCONC", "--y", "STACKLOSS", "--model", "student-t", "--nu", "4", "--out", "held", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let m = try XCTUnwrap((try json("held/report.json")["models"] as? [[String: Any]])?.first)
        XCTAssertEqual(m["nu_fixed"] as? Bool, true)
        XCTAssertEqual(m["nu"] as! Double, 4, accuracy: 1e-12)
        XCTAssertEqual(m["aic_parameters"] as? Int, 5)
    }

    /// Refusals: usage errors for options that cannot fit together, one located line for
    /// data that cannot be fitted.
    func testRefusalsNameTheColumns() throws {
        let d = corpus("penguins.csv")
        var r = try run(["--data", d, "--x", "flipper_length_mm", "--factor", "species", "--y", "body_mass_g", "--out", "e"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.hasPrefix("error: --factor species: not one of the predictors (\"flipper_length_mm\")"), r.stderr)
        r = try run(["--data", d, "--x", "flipper_length_mm,body_mass_g", "--y", "body_mass_g", "--out", "e"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("\"body_mass_g\" is the response; it cannot also be a predictor"), r.stderr)
        // A missing value without --drop-missing: located.
        r = try run(["--data", d, "--x", "flipper_length_mm,species", "--y", "body_mass_g", "--out", "e"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasPrefix("error: \(d):5:"), r.stderr)
        // Exact collinearity: a column that is a sum of two others.
        let csv = write("s.csv", "y,a,b,total\n1,1,2,3\n2,2,1,3\n2,3,0,3\n4,4,1,5\n5,5,3,8\n7,6,2,8\n")
        r = try run(["--data", csv, "--x", "a,b,total", "--y", "y", "--out", "e"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("exact collinearity: the design column \"total\" is a linear combination of a, b, so its coefficient is not identified"), r.stderr)
        // A categorical column with one level in the rows used.
        let one = write("o.csv", "y,x,g\n1,1,u\n2,2,u\n2,3,u\n4,4,u\n")
        r = try run(["--data", one, "--x", "x,g", "--y", "y", "--out", "e"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("categorical column \"g\" has one level (\"u\")"), r.stderr)
        XCTAssertFalse(fm.fileExists(atPath: path("e")), "nothing written")
        // A response that is not a label, at its cell.
        r = try run(["--data", d, "--x", "flipper_length_mm,species", "--y", "body_mass_g", "--model", "logistic", "--drop-missing", "--out", "e"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasPrefix("error: \(d):2:34: column \"body_mass_g\": 3750.00 is not a label"), r.stderr)
        // A number column with a typo is not made categorical: its bad cell is reported.
        let typo = write("t.csv", "y,x,z\n1,1,5\n2,2,6\n2,3x,7\n4,4,8\n5,5,1\n")
        r = try run(["--data", typo, "--x", "x,z", "--y", "y", "--out", "e"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("t.csv:4:"), r.stderr)
    }

    /// Column names and levels are text everywhere: HTML, TeX delimiters and markup stay
    /// literal on the page, in the figures and on the terminal.
    func testUserTextStaysText() throws {
        let csv = write("u.csv", "y,<b>cost $</b>,grp\n1.5,1,a&b\n2.1,2,c<d\n2.0,3,a&b\n4.2,4,c<d\n5.1,5,$x$\n6.9,6,$x$\n7.2,7,a&b\n9.1,8,c<d\n")
        let r = try run(["--data", csv, "--x", "<b>cost $</b>,grp", "--y", "y", "--out", "u"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let page = text("u/index.html")
        XCTAssertTrue(page.contains("&lt;b&gt;cost &#36;&lt;/b&gt;"), "escaped for HTML and TeX")
        XCTAssertTrue(page.contains("<code>grp[a&amp;b]</code>") && page.contains("<code>grp[c&lt;d]</code>"))
        XCTAssertTrue(page.contains("“&#36;x&#36;” (2 rows) is the reference"), "the first level in byte order")
        XCTAssertFalse(page.contains("<b>cost"))
        let svg = text("u/figures/linear-effect.svg")
        XCTAssertFalse(svg.contains("<b>cost"))
        XCTAssertTrue(r.stdout.contains("grp[c<d]"), r.stdout)
    }
}
