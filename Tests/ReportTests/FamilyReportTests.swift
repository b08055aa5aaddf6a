import Foundation
import XCTest

/// The noise-model families end to end: pages, report.json, comparisons and refusals, on the
/// real-data corpus against the independent references of Tests/Corpus/families.json.
final class FamilyReportTests: CLITestCase {
    static let corpus = RealDataTests.corpus

    static func reference(_ family: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: corpus.appendingPathComponent("families.json"))
        return (try JSONSerialization.jsonObject(with: data) as! [String: Any])[family] as! [[String: Any]]
    }

    func model(_ dir: String, _ k: Int = 0) throws -> [String: Any] {
        (try json("\(dir)/report.json")["models"] as! [[String: Any]])[k]
    }

    /// Laplace on Engel (Koenker's example), stack loss, state crime and the Nile: report.json
    /// carries the linear program's optimum (1e-9) and the page's checks all pass except the
    /// subgradient descent, which the page says did not arrive.
    func testLaplacePagesMatchTheLinearProgram() throws {
        for (k, ref) in try Self.reference("laplace").enumerated() {
            let out = "laplace-\(k)"
            let r = try run(["--data", Self.corpus.appendingPathComponent(ref["data"] as! String).path, "--x", ref["x"] as! String,
                             "--y", ref["y"] as! String, "--model", "laplace", "--out", out, "--quiet", "--figures", "laplace-*"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let m = try model(out)
            XCTAssertEqual(m["family"] as? String, "laplace")
            XCTAssertEqual(m["log_likelihood"] as! Double, ref["log_likelihood"] as! Double, accuracy: 1e-9 * abs(ref["log_likelihood"] as! Double))
            XCTAssertEqual(m["sum_absolute_deviations"] as! Double, ref["sum_abs"] as! Double, accuracy: 1e-9 * (ref["sum_abs"] as! Double))
            if m["unique"] as? Bool == true {
                XCTAssertEqual(m["w"] as! Double, ref["w"] as! Double, accuracy: 1e-9 * abs(ref["w"] as! Double))
            }
            XCTAssertEqual(m["aic_parameters"] as? Int, 3)
            XCTAssertLessThanOrEqual(m["optimality_certificate"] as! Double, 1 + 1e-9)
            let page = text("\(out)/index.html")
            XCTAssertEqual(page.components(separatedBy: "✗ ").count - 1, (m["subgradient_descent"] as! [String: Any])["arrived"] as? Bool == true ? 0 : 1)
            XCTAssertTrue(page.contains("The optimal line passes exactly through row"))
            for kind in ["fit", "likelihood", "contours"] {
                XCTAssertTrue(FileManager.default.fileExists(atPath: path("\(out)/figures/laplace-\(kind).svg")), kind)
            }
        }
    }

    /// Poisson on executions by income (n = 17) and doctor visits (n = 20,190) against
    /// statsmodels' GLM; the page states the overdispersion it measures.
    func testPoissonPagesMatchStatsmodels() throws {
        for (k, ref) in try Self.reference("poisson").enumerated() {
            let out = "poisson-\(k)"
            let r = try run(["--data", Self.corpus.appendingPathComponent(ref["data"] as! String).path, "--x", ref["x"] as! String,
                             "--y", ref["y"] as! String, "--model", "poisson", "--out", out, "--quiet"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let m = try model(out)
            for (key, refKey, tolerance) in [("w", "w", 1e-8), ("b", "b", 1e-8), ("log_likelihood", "log_likelihood", 1e-10), ("aic", "aic", 1e-10),
                                             ("bic", "bic", 1e-10), ("deviance", "deviance", 1e-8), ("pearson_chi2", "pearson_chi2", 1e-7),
                                             ("w_se", "w_se", 1e-6), ("b_se", "b_se", 1e-6)] {
                let a = m[key] as! Double, b = ref[refKey] as! Double
                XCTAssertEqual(a, b, accuracy: tolerance * abs(b), "\(out) \(key)")
            }
            let page = text("\(out)/index.html")
            XCTAssertFalse(page.contains("✗ "), out)
            let dispersion = m["dispersion"] as! Double
            XCTAssertTrue(page.contains(dispersion > 1.5 ? "overdispersion" : "close to 1"), out)
            XCTAssertTrue(FileManager.default.fileExists(atPath: path("\(out)/figures/poisson-rootogram.png")))
        }
    }

    /// Student-t against scipy; the EM fixed-point checks hold; a config may fix ν.
    func testStudentTPagesMatchScipyAndNuCanBeFixed() throws {
        for (k, ref) in try Self.reference("student_t").enumerated() {
            let out = "t-\(k)"
            let r = try run(["--data", Self.corpus.appendingPathComponent(ref["data"] as! String).path, "--x", ref["x"] as! String,
                             "--y", ref["y"] as! String, "--model", "student-t", "--out", out, "--quiet", "--figures", "comparison-fits"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let m = try model(out)
            XCTAssertEqual(m["log_likelihood"] as! Double, ref["log_likelihood"] as! Double, accuracy: 1e-9 * abs(ref["log_likelihood"] as! Double))
            XCTAssertEqual(m["nu"] as! Double, ref["nu"] as! Double, accuracy: 1e-4 * (ref["nu"] as! Double))
            XCTAssertEqual(m["aic_parameters"] as? Int, 4)
            XCTAssertFalse(text("\(out)/index.html").contains("✗ fails"), out)
        }
        let config = write("t.json", """
            {"models": [{"data": "\(Self.corpus.appendingPathComponent("stackloss.csv").path)", "x": "AIRFLOW", "y": "STACKLOSS", "model": "student-t", "nu": 4}]}
            """)
        let r = try run(["--config", config, "--out", "fixed", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let m = try model("fixed")
        XCTAssertEqual(m["nu"] as? Double, 4)
        XCTAssertEqual(m["nu_fixed"] as? Bool, true)
        XCTAssertEqual(m["aic_parameters"] as? Int, 3)
        let bad = write("bad.json", #"{"models": [{"model": "linear", "nu": 4}]}"#)
        let refused = try run(["--config", bad, "--out", "never"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("models[0].nu: only a student-t model has ν"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("never")))
    }

    /// Noise lighter-tailed than any t: ν runs off, the report says Gaussian and shows that fit.
    func testStudentTFallsBackToGaussianWithAWarning() throws {
        var rows = "x,y\n"
        for k in 0..<200 { rows += "\(k),\(Double(2 * k + 1) + Double(k * 7919 % 100) / 100)\n" }
        let data = write("uniform.csv", rows)
        let r = try run(["--data", data, "--model", "student-t", "--out", "u", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("no heavier tails than Gaussian noise"), r.stderr)
        let report = try json("u/report.json")
        XCTAssertEqual((report["models"] as! [[String: Any]])[0]["family"] as? String, "gaussian")
        XCTAssertTrue((report["warnings"] as! [String]).contains { $0.contains("reports the Gaussian (least-squares) fit instead") })
    }

    /// A maximum on the bottom of ν's range is said to be one, in the section and in the
    /// comparison of noise models: cpunish (Tests/Corpus/cpunish.csv), 9 of 17 states with one
    /// execution on the line EXECUTIONS = 1, ν searched from 10/8 and ν̂ there; report.json gives
    /// the count and the bound.
    func testAStudentTFitOnTheBottomOfItsRangeSaysSo() throws {
        let r = try run(["--config", Self.corpus.appendingPathComponent("cpunish.json").path, "--out", "c", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let page = try String(contentsOf: work.appendingPathComponent("c/index.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("ν̂ at the bottom of its range (1.25), set just above where the line through 9 of the points makes the likelihood unbounded"))
        let t = try run(["--data", Self.corpus.appendingPathComponent("cpunish.csv").path, "--x", "INCOME", "--y", "EXECUTIONS",
                         "--model", "student-t", "--out", "t", "--quiet"])
        XCTAssertEqual(t.status, 0, t.stderr)
        let section = try String(contentsOf: work.appendingPathComponent("t/index.html"), encoding: .utf8)
        XCTAssertTrue(section.contains("That ν is the bottom of the range searched, 1.25 = (k + 1)/(n − k) with k = 9"), "the section says so")
        let model = try model("t")
        let search = try XCTUnwrap(model["global_search"] as? [String: Any])
        XCTAssertEqual(search["collinear_points"] as? Int, 9)
        XCTAssertEqual(search["nu_lower_bound"] as? Double, 1.25)
        XCTAssertEqual(model["nu"] as! Double, 1.25, accuracy: 1e-12)
    }

    /// Above 20,000 rows the Student-t surfaces come from every row with binned residuals, and
    /// the page and report.json state the bound (here far below the region's depth of 3); the
    /// region is the data's, around the MLE. Above 200,000 rows would also sample the first
    /// Newton steps; 50,000 rows do not.
    func testStudentTSurfacesUseEveryRowWithAStatedBound() throws {
        var rows = "x,y\n"
        var state: UInt64 = 17
        for k in 0..<50_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let u = Double(state >> 11) / Double(1 << 53)
            // Heavy tails: one point in ten far off the line.
            let noise = k % 10 == 0 ? 40 * (u - 0.5) : (u - 0.5)
            rows += "\(Double(k % 1000) / 100),\(1 + 2 * Double(k % 1000) / 100 + noise)\n"
        }
        let data = write("heavy.csv", rows)
        let r = try run(["--data", data, "--model", "student-t", "--no-compare", "--out", "h", "--quiet", "--progress"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // --progress tells how far the long parts are: Newton steps, the binned surface.
        // Every start first on 5,000 of the rows (the line, throttled, shows the first notes).
        XCTAssertTrue(r.stderr.contains("] Student-t: Newton step 1 from the least-squares line on 5000 rows"), r.stderr)
        XCTAssertTrue(r.stderr.contains("] Student-t: Newton step 1 from the line through rows "), r.stderr)
        XCTAssertTrue(r.stderr.contains("] Student-t: likelihood surface 100 % (100 of 100 columns over 50000 rows)"), r.stderr)
        let page = text("h/index.html")
        XCTAssertTrue(page.contains("computed from all 50"), "the caption says every row is used")
        XCTAssertTrue(page.contains("of the exact log-likelihood everywhere on the grid"), "and how close it is")
        XCTAssertFalse(page.contains("drawn at random"))
        // The model is named by its family: its section must not take the derivation's id.
        let ids = page.components(separatedBy: " id=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        XCTAssertEqual(ids.count, Set(ids).count, "every id on the page is unique: \(ids)")
        XCTAssertTrue(page.contains("<section id=\"student-t-model\" class=\"model\">"))
        XCTAssertTrue(page.contains("href=\"#student-t-model\""))
        let svg = text("h/figures/student-t-likelihood.svg")
        XCTAssertFalse(svg.isEmpty)
        let m = try model("h")
        let approximation = try XCTUnwrap(m["approximation"] as? [String: Any])
        let bound = try XCTUnwrap(approximation["max_log_likelihood_error"] as? Double)
        XCTAssertGreaterThan(bound, 0)
        XCTAssertLessThan(bound, 0.01, "far below the region's depth, χ²₂(0.95)/2 ≈ 3")
        XCTAssertTrue((approximation["method"] as? String)?.hasPrefix("every row;") ?? false)
        // Every start screened on 5,000 rows (one per block of 10), none on the 200,000-row sample.
        let steps = try XCTUnwrap(m["newton_steps_on_sample"] as? [String: Any])
        XCTAssertEqual(steps["rows"] as? Int, 5_000)
        XCTAssertNil(steps["then_rows"], "50,000 rows are below the sample start's threshold")
        XCTAssertEqual((m["global_search"] as? [String: Any])?["screening_rows"] as? Int, 5_000)
    }

    /// The default page compares the noise models on built-in data with outliers: the table,
    /// a computed verdict, the overlay figure, and report.json's comparisons, whose AICs equal
    /// the per-family fits of the same data.
    func testDefaultReportComparesNoiseModelsOnDataWithOutliers() throws {
        let r = try run(["--out", "d"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try json("d/report.json")
        let comparison = (report["comparisons"] as! [[String: Any]])[0]
        XCTAssertEqual(comparison["n"] as? Int, 60)
        let models = comparison["models"] as! [[String: Any]]
        XCTAssertEqual(models.map { $0["family"] as! String }, ["gaussian", "laplace", "student_t"])
        let best = models.min { ($0["aic"] as! Double) < ($1["aic"] as! Double) }!
        XCTAssertEqual(comparison["best_by_aic"] as? String, best["family"] as? String)
        XCTAssertNotEqual(best["family"] as? String, "gaussian", "the outliers make a heavy-tailed noise win")
        let gaussian = models[0]
        let delta = (gaussian["aic"] as! Double) - (best["aic"] as! Double)
        XCTAssertEqual(gaussian["delta_aic"] as! Double, delta, accuracy: 1e-12)
        let page = text("d/index.html")
        XCTAssertTrue(page.contains("Which noise model do the data support?"))
        XCTAssertTrue(page.contains("fits these data better than Gaussian by ΔAIC = \(String(format: "%.1f", delta))"), "the verdict states the computed margin")
        XCTAssertTrue(page.contains("Laplace noise gives the mean absolute error"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("d/figures/comparison-fits.svg")))
        XCTAssertTrue(r.stdout.contains("== comparison: noise models for y ~ x, n = 60"))
        // The same fits as the families' own sections: Laplace's AIC here equals --model laplace's.
        _ = try run(["--model", "laplace", "--out", "l", "--quiet"])
        XCTAssertEqual(try model("l")["aic"] as! Double, models[1]["aic"] as! Double, accuracy: 1e-12)
        // The Nile's residuals look Gaussian (Jarque–Bera p = 0.88): Gaussian noise wins by AIC
        // and BIC, and the verdict keeps the MSE; ΔAIC of Student-t is 1.97 (it adds ν but
        // gains only 0.017 in log L), which the page must not round up to "2.0, under 2".
        _ = try run(["--model", "linear", "--data", Self.corpus.appendingPathComponent("nile.csv").path, "--x", "year", "--y", "volume", "--out", "n", "--quiet"])
        let nile = (try json("n/report.json")["comparisons"] as! [[String: Any]])[0]
        XCTAssertEqual(nile["best_by_aic"] as? String, "gaussian")
        XCTAssertEqual(nile["best_by_bic"] as? String, "gaussian")
        XCTAssertTrue((nile["verdict"] as! String).contains("(ΔAIC = 1.97, under 2): nothing here argues against the mean squared error"), nile["verdict"] as! String)
    }

    /// What each family cannot fit is refused with one located line, and nothing is written.
    func testEachFamilyRefusesWhatItCannotFit() throws {
        let cases: [(String, String, String)] = [
            ("x,y\n1,0\n2,1.5\n3,2\n", "poisson", "d.csv:3:3: column \"y\": 1.5 is not a count"),
            ("x,y\n1,0\n2,-1\n3,2\n", "poisson", "d.csv:3:3: column \"y\": -1 is not a count"),
            ("x,y\n1,0\n2,0\n3,0\n", "poisson", "every count is 0"),
            ("x,y\n1,0\n2,0\n3,4\n", "poisson", "every positive count is at x = 3, the largest x"),
            ("x,y\n1,0\n2,3\n", "laplace", "2 data points; at least 3 are needed"),
            ("x,y\n1,0\n2,3\n3,1\n", "student-t", "3 data points; at least 4 are needed"),
            ("x,y\n1,1\n1,2\n1,3\n", "laplace", "x is constant"),
            ("x,y\n1,1\n2,2\n3,3\n4,4\n", "laplace", "the points lie exactly on a line"),
        ]
        for (k, (csv, family, message)) in cases.enumerated() {
            let data = write("d.csv", csv)
            let r = try run(["--data", data, "--model", family, "--out", "out-\(k)"])
            XCTAssertEqual(r.status, 1, "\(family): \(csv)")
            XCTAssertTrue(r.stderr.contains(message), "\(r.stderr) lacks \(message)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: path("out-\(k)")))
        }
        let r = try run(["--model", "linear,nope"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("known: linear, laplace, student-t, logistic, poisson, softmax"), r.stderr)
    }

    /// Points at the corners of a rectangle and its centre: a whole polygon of lines minimises
    /// the sum of absolute deviations. The page says so and names the corners, report.json
    /// lists them, and both surfaces draw the set.
    func testLaplaceSaysWhenTheOptimumIsNotUnique() throws {
        let data = write("square.csv", "x,y\n0,0\n0,2\n1,0\n1,2\n0.5,1\n")
        let r = try run(["--data", data, "--model", "laplace", "--no-compare", "--out", "sq", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let m = try model("sq")
        XCTAssertEqual(m["unique"] as? Bool, false)
        let corners = m["optimal_set"] as! [[Double]]
        XCTAssertGreaterThanOrEqual(corners.count, 2)
        XCTAssertTrue(corners.contains { abs($0[0] - 2) < 1e-12 && abs($0[1]) < 1e-12 }, "\(corners)")
        XCTAssertEqual(m["sum_absolute_deviations"] as! Double, 4, accuracy: 1e-12)
        let page = text("sq/index.html")
        XCTAssertTrue(page.contains("The optimum is not unique: every line in the"), "the page says so")
        XCTAssertFalse(page.contains("The optimum is unique"))
        // The figures' descriptions (their SVG <desc>, the page's alt text) name the set too.
        XCTAssertTrue(text("sq/figures/laplace-contours.svg").contains("marks every optimal line"))
        XCTAssertTrue(text("sq/figures/laplace-likelihood.svg").contains("marks every optimal line"))
        XCTAssertNil(try json("sq/report.json")["comparisons"].flatMap { ($0 as! [Any]).first }, "--no-compare leaves the comparison out")
    }
}
