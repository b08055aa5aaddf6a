import Foundation
import XCTest

/// The softmax model end to end (issue 21): `--model softmax` (and `multinomial`), the
/// reference class, report.json against statsmodels' MNLogit (Tests/Corpus/Softmax), the
/// page's section, its figure and checks, and the refusals.
final class SoftmaxReportTests: CLITestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Corpus")

    func reference(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: Self.corpus.appendingPathComponent("Softmax/reference.json"))
        return (try JSONSerialization.jsonObject(with: data) as! [String: Any])[name] as! [String: Any]
    }

    func model(_ out: String) throws -> [String: Any] {
        try XCTUnwrap((try json("\(out)/report.json")["models"] as? [[String: Any]])?.first)
    }

    /// ANES 1996 party identification, K = 7: every coefficient and SE, log L, AIC and BIC as
    /// statsmodels; the page has the derivation, the table, the confusion counts, the figure and
    /// passing checks.
    func testANES96AgainstMNLogit() throws {
        let r = try run(["--data", Self.corpus.appendingPathComponent("Softmax/anes96.csv").path, "--x", "logpopul,selfLR,age,educ,income",
                         "--y", "PID", "--model", "softmax", "--out", "a"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let m = try model("a"), ref = try reference("anes96")
        XCTAssertEqual(m["model"] as? String, "softmax")
        XCTAssertEqual(m["family"] as? String, "categorical")
        XCTAssertEqual(m["classes"] as? [String], ref["classes"] as? [String])
        XCTAssertEqual(m["reference_class"] as? String, "0")
        XCTAssertEqual(m["log_likelihood"] as! Double, ref["log_likelihood"] as! Double, accuracy: 1e-9 * 1461.9)
        XCTAssertEqual(m["aic"] as! Double, ref["aic"] as! Double, accuracy: 1e-9 * 2995.8)
        XCTAssertEqual(m["bic"] as! Double, ref["bic"] as! Double, accuracy: 1e-9 * 3170.4)
        let rows = m["coefficients"] as! [[String: Any]]
        XCTAssertEqual(rows.count, 36)
        for c in ref["coefficients"] as! [[String: Any]] {
            let row = try XCTUnwrap(rows.first { $0["class"] as? String == c["class"] as? String && $0["term"] as? String == c["term"] as? String })
            let se = c["se"] as! Double
            XCTAssertEqual(row["estimate"] as! Double, c["estimate"] as! Double, accuracy: 1e-6 * max(abs(c["estimate"] as! Double), se))
            XCTAssertEqual(row["se"] as! Double, se, accuracy: 1e-6 * se)
        }
        let confusion = try XCTUnwrap(m["confusion"] as? [[Int]])
        XCTAssertEqual(confusion.map { $0.reduce(0, +) }, [200, 180, 108, 37, 94, 150, 175])
        let lr = try XCTUnwrap(m["likelihood_ratio"] as? [String: Any])
        XCTAssertEqual(lr["df"] as? Int, 30)
        // Each predictor's likelihood-ratio test against statsmodels' refit without it.
        let tests = try XCTUnwrap(m["term_tests"] as? [[String: Any]])
        for t in ref["term_tests"] as! [[String: Any]] {
            let row = try XCTUnwrap(tests.first { $0["term"] as? String == t["term"] as? String })
            XCTAssertEqual(row["df"] as? Int, 6)
            XCTAssertEqual(row["statistic"] as! Double, t["statistic"] as! Double, accuracy: 1e-6 * (t["statistic"] as! Double))
        }
        let page = text("a/index.html")
        XCTAssertTrue(page.contains("The softmax model on the data: PID against logpopul, selfLR, age, educ and income</h2>"))
        XCTAssertTrue(page.contains("The response PID has 7 classes, with their rows: 0 (200), 1 (180), 2 (108), 3 (37), 4 (94), 5 (150) and 6 (175)."))
        XCTAssertTrue(page.contains("the likelihood-ratio statistic is 576.8 on 30 degrees of freedom"))
        XCTAssertTrue(page.contains("for 372 of the 944 rows (39.4 %)"), "the confusion counts' diagonal, in words")
        XCTAssertTrue(page.contains("logpopul, selfLR, age, educ and income clearly matter (p &lt; 0.05)."), "every test below 0.05, in words")
        XCTAssertTrue(page.contains("the summed categorical cross-entropy is the negative log-likelihood"))
        XCTAssertFalse(page.contains("✗"))
        XCTAssertTrue(fm.fileExists(atPath: path("a/figures/softmax-probabilities.png")))
        // The decision regions over the two strongest numeric predictors (selfLR, income): the
        // classes that win nowhere in the window are named from the grid.
        XCTAssertTrue(fm.fileExists(atPath: path("a/figures/softmax-regions.dark.svg")))
        // Profile-likelihood intervals for the strongest predictor (selfLR), in each class: in
        // report.json beside the Wald interval, on the page in a table.
        let selfLR = rows.filter { $0["term"] as? String == "selfLR" }
        XCTAssertEqual(selfLR.count, 6)
        for row in selfLR {
            let profile = try XCTUnwrap(row["profile_ci"] as? [Double]), wald = try XCTUnwrap(row["ci"] as? [Double])
            let se = row["se"] as! Double
            XCTAssertEqual(profile[0], wald[0], accuracy: 0.1 * se); XCTAssertEqual(profile[1], wald[1], accuracy: 0.1 * se)
        }
        XCTAssertTrue(page.contains("Profile-likelihood intervals (95&nbsp;%) beside the Wald intervals, for the strongest predictor"))
        // The profile over class 6's selfLR coefficient and intercept, with its region closed.
        XCTAssertTrue(fm.fileExists(atPath: path("a/figures/softmax-likelihood.png")))
        XCTAssertTrue(page.contains("Class 6&#39;s selfLR coefficient and intercept (against the reference class 0), with the other 34"))
        XCTAssertFalse(page.contains("The region runs past the window"))
        XCTAssertTrue(page.contains("Over selfLR and income, every other predictor at its mean or reference level"))
        XCTAssertTrue(page.contains("2, 3 and 4 are the most probable class nowhere in this window."))
        // The descents in all 36 dimensions: Newton ends on the fit; standardising the columns
        // shrinks the Hessian's condition number by orders of magnitude and the descent arrives.
        let descent = try XCTUnwrap(m["gradient_descent"] as? [String: Any])
        let newton = try XCTUnwrap(descent["newton"] as? [String: Any])
        XCTAssertEqual(newton["arrived"] as? Bool, true)
        let end = try XCTUnwrap(newton["end"] as? [Double])
        XCTAssertEqual(end.count, 36)
        for (e, row) in zip(end, rows) { XCTAssertEqual(e, row["estimate"] as! Double, accuracy: 1e-8 * (row["se"] as! Double)) }
        XCTAssertEqual((descent["standardised"] as? [String: Any])?["arrived"] as? Bool, true)
        XCTAssertEqual((descent["original"] as? [String: Any])?["arrived"] as? Bool, false)
        XCTAssertLessThan(descent["standardised_condition_number"] as! Double, (descent["condition_number"] as! Double) / 1000)
        XCTAssertTrue(fm.fileExists(atPath: path("a/figures/softmax-descent.png")))
        XCTAssertTrue(page.contains("<h3>Minimising the cross-entropy in 36 dimensions</h3>"))
        XCTAssertTrue(page.contains("never more than ½ in any direction: Böhning&#39;s bound"))
        XCTAssertTrue(page.contains("seen through the coefficients of selfLR (class 6) and (Intercept) (class 6)"))
    }

    /// Above the budgets (rows × coefficients over 2·10⁶ for the descents, rows ×
    /// coefficients² over 2·10⁸ for the refits) the page says what it left out and why, and
    /// draws no descent or profile figure: 130,000 seeded rows, K = 11, three predictors.
    func testLargeDataLeavesOutTheDescentsAndSaysSo() throws {
        var state: UInt64 = 2026
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var csv = "x1,x2,x3,class\n"
        for _ in 0..<130_000 {
            let u = uniform(), x2 = uniform(), x3 = uniform()
            // The class follows x1 loosely: noise wider than a class keeps every class overlapping.
            let x1 = u * 11 + 4 * (uniform() - 0.5)
            csv += String(format: "%.3f,%.3f,%.3f,c%02d\n", x1, x2, x3, Int(u * 11))
        }
        let data = write("big.csv", csv)
        let r = try run(["--data", data, "--x", "x1,x2,x3", "--y", "class", "--model", "softmax", "--out", "big"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let page = text("big/index.html")
        XCTAssertTrue(page.contains("rows and 40 coefficients it is left out (it runs while rows × coefficients is at most 2·10⁶)"), page.components(separatedBy: "Gradient descent over").last ?? "")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("big/figures/softmax-descent.png")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("big/figures/softmax-likelihood.png")))
        XCTAssertNil(try model("big")["gradient_descent"])
    }

    /// Two classes through `multinomial` in a config, with the reference class named: the
    /// page's check that the softmax fit is the logistic one holds, and the coefficients are
    /// the logistic model's with the roles of the classes swapped.
    func testTwoClassesAreTheLogisticModelOnThePage() throws {
        let data = Self.corpus.appendingPathComponent("Multi/default.csv").path
        let config = write("c.json", Array("""
        {"compare": false, "models": [
          {"data": "\(data)", "x": ["balance", "income", "student"], "y": "default", "model": "multinomial", "reference_class": "Yes"},
          {"data": "\(data)", "x": ["balance", "income", "student"], "y": "default", "model": "logistic"}]}
        """.utf8))
        let r = try run(["--config", config, "--out", "d"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let models = try XCTUnwrap(try json("d/report.json")["models"] as? [[String: Any]])
        let softmax = try XCTUnwrap(models.first { $0["model"] as? String == "softmax" })
        let logistic = try XCTUnwrap(models.first { $0["model"] as? String == "logistic" })
        XCTAssertEqual(softmax["reference_class"] as? String, "Yes")
        XCTAssertEqual(softmax["log_likelihood"] as! Double, logistic["log_likelihood"] as! Double, accuracy: 1e-10 * 785.8)
        let a = (softmax["coefficients"] as! [[String: Any]]).map { $0["estimate"] as! Double }
        let b = (logistic["coefficients"] as! [[String: Any]]).map { $0["estimate"] as! Double }
        for (x, y) in zip(a, b) { XCTAssertEqual(x, -y, accuracy: 1e-9 * abs(y)) }
        let page = text("d/index.html")
        XCTAssertTrue(page.contains("with two classes the softmax model is the logistic model"))
        XCTAssertTrue(page.contains("“Yes” is the reference class (as --reference-class asks)"))
        XCTAssertFalse(page.contains("✗"))
    }

    /// Refusals: no data file (usage, exit 2); --reference-class on another model (usage);
    /// separation and an unknown reference class (exit 1, named); nothing written.
    func testRefusals() throws {
        let penguins = Self.corpus.appendingPathComponent("Multi/penguins.csv").path
        var r = try run(["--model", "softmax", "--out", "x"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("the softmax model needs --data FILE with a categorical response"), r.stderr)
        r = try run(["--data", penguins, "--x", "flipper_length_mm", "--y", "species", "--model", "logistic", "--reference-class", "Gentoo", "--out", "x"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("--reference-class names the reference class of a softmax response"), r.stderr)
        r = try run(["--data", penguins, "--x", "flipper_length_mm,bill_depth_mm,island", "--y", "species", "--model", "softmax", "--drop-missing", "--out", "x"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("no maximum-likelihood estimate: the predictors separate the class"), r.stderr)
        r = try run(["--data", penguins, "--x", "flipper_length_mm", "--y", "species", "--model", "softmax", "--reference-class", "Emperor",
                     "--drop-missing", "--out", "x"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("--reference-class \"Emperor\": not a class of the response (\"Adelie\", \"Chinstrap\", \"Gentoo\")"), r.stderr)
        XCTAssertFalse(fm.fileExists(atPath: path("x")))
    }
}
