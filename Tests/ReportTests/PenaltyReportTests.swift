import Foundation
import XCTest

/// Penalties as priors end to end (issue 20): the flags and config keys, report.json's
/// `penalty` block against scikit-learn, statsmodels and brute-force references
/// (Tests/Corpus/Penalised/reference.json), the page's section and figures, the refusals.
final class PenaltyReportTests: CLITestCase {
    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

    func corpus(_ file: String) -> String { Self.tests.appendingPathComponent("Corpus/Multi/\(file)").path }

    func reference(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: Self.tests.appendingPathComponent("Corpus/Penalised/reference.json"))
        return (try JSONSerialization.jsonObject(with: data) as! [String: Any])[name] as! [String: Any]
    }

    let longley = ["--x", "GNPDEFL,GNP,UNEMP,ARMED,POP,YEAR", "--y", "TOTEMP", "--no-compare"]

    func penalty(_ out: String) throws -> [String: Any] {
        let model = try XCTUnwrap((try json("\(out)/report.json")["models"] as? [[String: Any]])?.first)
        return try XCTUnwrap(model["penalty"] as? [String: Any])
    }

    /// The reference fit of `kind` at `lambda`.
    func referenceFit(_ data: String, _ kind: String, _ lambda: Double) throws -> [String: Any] {
        let fits = try reference(data)["fits"] as! [[String: Any]]
        return try XCTUnwrap(fits.first { $0["kind"] as? String == kind && $0["lambda"] as? Double == lambda })
    }

    /// The coefficients on both scales equal the reference's to 1e-6 of the largest.
    func assertCoefficients(_ p: [String: Any], _ ref: [String: Any], file: StaticString = #filePath, line: UInt = #line) {
        let rows = p["coefficients"] as! [[String: Any]]
        for (key, refKey) in [("estimate", "coefficients"), ("standardised", "standardised")] {
            let want = ref[refKey] as! [Double]
            let got = rows.map { $0[key] as! Double }
            XCTAssertEqual(got.count, want.count, file: file, line: line)
            let scale = want.dropFirst().map(abs).max()!
            for (j, (g, w)) in zip(got, want).enumerated() {
                // The intercept on its own scale (it can dwarf the slopes).
                let tolerance = 1e-6 * (j == 0 ? max(abs(w), scale) : scale)
                XCTAssertEqual(g, w, accuracy: tolerance, "\(key)[\(j)]", file: file, line: line)
                if j > 0 && w == 0 { XCTAssertEqual(g, 0, "an exact zero stays exactly 0", file: file, line: line) }
            }
        }
    }

    /// Longley's lasso at λ = 50 equals scikit-learn's ElasticNet(alpha = 50, l1_ratio = 1) on the
    /// standardised columns; the page has the derivation, the table, the three figures and a
    /// passing KKT check; report.json records the path and the cross-validation.
    func testLongleyLassoAgainstScikitLearn() throws {
        let r = try run(["--data", corpus("longley-full.csv")] + longley + ["--penalty", "lasso", "--lambda", "50", "--out", "l"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let p = try penalty("l")
        XCTAssertEqual(p["kind"] as? String, "lasso")
        XCTAssertEqual(p["lambda"] as? Double, 50)
        XCTAssertEqual(p["alpha"] as? Double, 1)
        XCTAssertEqual(p["chosen_by"] as? String, "given")
        assertCoefficients(p, try referenceFit("longley", "lasso", 50))
        XCTAssertLessThanOrEqual(try XCTUnwrap(p["kkt_violation"] as? Double), 1e-10)
        // λ_max: where every lasso coefficient is 0, max |Zᵀ(y − ȳ)|/n.
        let grid = try XCTUnwrap(p["path"] as? [String: Any])
        let lambdas = try XCTUnwrap(grid["lambda"] as? [Double])
        XCTAssertEqual(lambdas.count, 100)
        XCTAssertEqual(lambdas[0], try reference("longley")["lambda_max"] as! Double, accuracy: 1e-9 * lambdas[0])
        let first = (grid["coefficients"] as! [[Double]])[0]
        XCTAssertEqual(Array(first.dropFirst()), [Double](repeating: 0, count: 6), "at λ_max every coefficient is 0")
        let cv = try XCTUnwrap(p["cross_validation"] as? [String: Any])
        XCTAssertEqual(cv["folds"] as? Int, 10)
        XCTAssertEqual((cv["mean"] as? [Double])?.count, 100)
        let lambdaMin = try XCTUnwrap(cv["lambda_min"] as? Double), lambdaOneSE = try XCTUnwrap(cv["lambda_1se"] as? Double)
        XCTAssertGreaterThanOrEqual(lambdaOneSE, lambdaMin, "the one-SE choice is never below the minimum")
        XCTAssertNil(p["evidence"], "the evidence is the Gaussian ridge's")
        let page = text("l/index.html")
        XCTAssertTrue(page.contains("A prior on the coefficients: the lasso fit</h3>"))
        XCTAssertTrue(page.contains("The fit below is the lasso estimate at λ = 50.00, as --lambda gives it."), "the λ and how it was chosen")
        XCTAssertTrue(page.contains("The penalty sets GNPDEFL, POP and YEAR to exactly 0"), "the zeros named, from the fit")
        XCTAssertTrue(page.contains("ElasticNet(alpha=λ, l1_ratio=α)"), "the scikit-learn mapping")
        XCTAssertTrue(page.contains("the MAP satisfies its optimality (KKT) conditions"))
        XCTAssertFalse(page.contains("✗"), "every check holds")
        for name in ["linear-prior", "linear-path", "linear-cv"] {
            XCTAssertTrue(fm.fileExists(atPath: path("l/figures/\(name).png")), name)
            XCTAssertTrue(page.contains("figures/\(name).svg"), name)
        }
    }

    /// Gaussian ridge with --lambda auto: λ is cross-validation's one-SE choice; the evidence's
    /// λ, τ² and σ² equal a brute-force maximisation of the dense marginal likelihood; at a
    /// given λ the posterior SDs equal a dense computation with the intercept's column.
    func testLongleyRidgeEvidenceAndPosterior() throws {
        var r = try run(["--data", corpus("longley-full.csv")] + longley + ["--penalty", "ridge", "--out", "a"])
        XCTAssertEqual(r.status, 0, r.stderr)
        var p = try penalty("a")
        let cv = try XCTUnwrap(p["cross_validation"] as? [String: Any])
        XCTAssertEqual(p["lambda"] as? Double, cv["lambda_1se"] as? Double, "--lambda auto is lambda.1se")
        XCTAssertEqual(p["chosen_by"] as? String, "cross-validation, one standard error (lambda.1se)")
        let evidence = try XCTUnwrap(p["evidence"] as? [String: Any])
        let want = try reference("longley")["evidence"] as! [String: Any]
        // The brute force is a grid refined to 3e-5 in log σ² and log τ².
        XCTAssertEqual(log(evidence["lambda"] as! Double), log(want["lambda"] as! Double), accuracy: 1e-4)
        XCTAssertEqual(log(evidence["tau2"] as! Double), log(want["tau2"] as! Double), accuracy: 1e-4)
        XCTAssertEqual(log(evidence["sigma2"] as! Double), log(want["sigma2"] as! Double), accuracy: 1e-4)
        XCTAssertEqual(evidence["log_evidence"] as! Double, want["log_evidence"] as! Double, accuracy: 1e-6)
        // The path reaches below the evidence's λ, so the figure can mark it.
        let lambdas = try XCTUnwrap((p["path"] as? [String: Any])?["lambda"] as? [Double])
        XCTAssertLessThan(lambdas.last!, evidence["lambda"] as! Double)
        XCTAssertTrue(text("a/index.html").contains("the one-standard-error choice of 10-fold cross-validation (what --lambda auto means)"))

        r = try run(["--data", corpus("longley-full.csv")] + longley + ["--penalty", "ridge", "--lambda", "0.01", "--out", "b"])
        XCTAssertEqual(r.status, 0, r.stderr)
        p = try penalty("b")
        let ref = try referenceFit("longley", "ridge", 0.01)
        assertCoefficients(p, ref)
        let posterior = try reference("longley")["posterior"] as! [String: Any]
        let mine = try XCTUnwrap(p["posterior"] as? [String: Any])
        XCTAssertEqual(mine["sigma2"] as! Double, posterior["sigma2"] as! Double, accuracy: 1e-8 * (posterior["sigma2"] as! Double))
        XCTAssertEqual(mine["effective_parameters"] as! Double, posterior["effective_parameters"] as! Double, accuracy: 1e-9)
        let sds = (p["coefficients"] as! [[String: Any]]).dropFirst().map { $0["posterior_sd"] as! Double }
        for (g, w) in zip(sds, posterior["sd"] as! [Double]) { XCTAssertEqual(g, w, accuracy: 1e-8 * w) }
        XCTAssertNil((p["coefficients"] as! [[String: Any]])[0]["posterior_sd"], "the intercept has a flat prior: no posterior SD shown")
        let page = text("b/index.html")
        XCTAssertTrue(page.contains("<th scope=\"col\">posterior SD</th>"))
        XCTAssertTrue(page.contains("As a Gaussian prior does, it shrinks every coefficient and sets none to 0."))
    }

    /// Penalised logistic on ISLP's Default against the proximal-gradient reference (which
    /// statsmodels' elastic net agrees with), through a config file with a text response.
    func testDefaultElasticNetThroughConfig() throws {
        let config = write("c.json", Array("""
        {"models": [{"data": "\(corpus("default.csv"))", "x": ["balance", "income", "student"], "y": "default", "model": "logistic",
                     "penalty": "elastic-net", "lambda": 0.005, "alpha": 0.5}], "compare": false}
        """.utf8))
        let r = try run(["--config", config, "--out", "d"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let p = try penalty("d")
        XCTAssertEqual(p["kind"] as? String, "elastic-net")
        XCTAssertEqual(p["alpha"] as? Double, 0.5)
        assertCoefficients(p, try referenceFit("default", "elastic-net", 0.005))
        XCTAssertEqual(p["objective"] as! Double, try referenceFit("default", "elastic-net", 0.005)["objective"] as! Double, accuracy: 1e-9)
        let page = text("d/index.html")
        XCTAssertTrue(page.contains("LogisticRegression(C=1/(nλ))"))
        XCTAssertTrue(page.contains("The posterior of a logistic model has no closed form"))
        XCTAssertTrue(page.contains("deviance per row"))
        XCTAssertFalse(page.contains("✗"))
    }

    /// One predictor with a penalty: the pair is the slope and the intercept, and the prior's
    /// contours are vertical lines, as the caption says.
    func testOnePredictorPenaltyDrawsTheSlopeAgainstTheIntercept() throws {
        let r = try run(["--data", corpus("stackloss.csv"), "--x", "AIRFLOW", "--y", "STACKLOSS", "--penalty", "ridge", "--lambda", "0.2",
                         "--no-compare", "--out", "o"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let page = text("o/index.html")
        XCTAssertTrue(page.contains("The predictor column is first centred"))
        XCTAssertTrue(page.contains("Orange: the prior&#39;s, vertical lines: the intercept is not penalised"))
        // Closed form: with one standardised predictor, θ = c/(1 + λ), c the least-squares slope.
        let p = try penalty("o")
        let model = try XCTUnwrap((try json("o/report.json")["models"] as? [[String: Any]])?.first)
        let mle = (model["coefficients"] as! [[String: Any]])[1]["estimate"] as! Double
        let scale = (p["standardisation"] as! [String: Any])["scales"] as! [Double]
        let theta = (p["coefficients"] as! [[String: Any]])[1]["standardised"] as! Double
        XCTAssertEqual(theta, mle * scale[0] / 1.2, accuracy: 1e-12 * abs(theta))
    }

    /// Bad flags and values: one line, exit 2 (usage) or 1 (the data), nothing written.
    func testRefusals() throws {
        let data = ["--data", corpus("stackloss.csv"), "--x", "AIRFLOW,WATERTEMP", "--y", "STACKLOSS", "--out", "x"]
        let cases: [([String], Int32, String)] = [
            (["--penalty", "l2"], 2, "--penalty: expected ridge, lasso or elastic-net, got \"l2\""),
            (["--penalty", "ridge", "--alpha", "0.5"], 2, "--alpha mixes the lasso and ridge penalties of the elastic net; ridge has α = 0"),
            (["--penalty", "elastic-net", "--alpha", "1.5"], 2, "--alpha: expected the lasso's share, a number from 0 to 1"),
            (["--penalty", "elastic-net", "--alpha", "-0.1"], 2, "--alpha: expected the lasso's share, a number from 0 to 1"),
            (["--penalty", "lasso", "--lambda", "0"], 2, "--lambda: expected a positive number (for example 0.1) or auto, got \"0\""),
            (["--penalty", "lasso", "--lambda", "nan"], 2, "--lambda: expected a positive number"),
            (["--penalty", "ridge", "--lambda", "1e308"], 2, "--lambda: \"1e308\" is above the largest λ taken, 1e100"),
            (["--lambda", "0.1"], 2, "--lambda sets the strength of a penalty; add --penalty ridge, lasso or elastic-net"),
            (["--penalty", "lasso", "--model", "student-t"], 2, "penalties are fitted for the linear, logistic and poisson models"),
        ]
        for (extra, status, message) in cases {
            let r = try run(data + extra)
            XCTAssertEqual(r.status, status, extra.joined(separator: " "))
            XCTAssertTrue(r.stderr.contains(message), r.stderr)
            XCTAssertFalse(fm.fileExists(atPath: path("x")), "nothing written")
        }
        let tiny = write("tiny.csv", Array("x,y\n1,2\n2,3\n3,5\n4,4\n".utf8))
        let r = try run(["--data", tiny, "--penalty", "ridge", "--out", "x"])
        XCTAssertEqual(r.status, 2, "a usage error found once the rows are counted")
        XCTAssertTrue(r.stderr.contains("Try 'mle-report --help'"), r.stderr)
        XCTAssertTrue(r.stderr.contains("--lambda auto chooses λ by cross-validation, but the model has 4 rows; cross-validation needs at least 5: give --lambda L"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 2, "one line, and the hint")
        XCTAssertFalse(fm.fileExists(atPath: path("x")))
        let config = write("bad.json", Array(#"{"models": [{"data": "tiny.csv", "model": "linear", "penalty": "ridge", "lambda": -2}]}"#.utf8))
        let c = try run(["--config", config, "--out", "x"])
        XCTAssertEqual(c.status, 1)
        XCTAssertTrue(c.stderr.contains("bad.json: models[0].lambda: expected a positive number (for example 0.1) or auto, got \"-2\""), c.stderr)
    }
}
