import Foundation
import XCTest

/// Grouped data, weights and exposures end to end (issue 22): the page's section and checks,
/// report.json against statsmodels (Tests/Corpus/Grouped/reference.json), standard input,
/// and every refusal with its exit code and nothing written.
final class GroupedReportTests: CLITestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Corpus/Grouped")

    func reference(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: Self.corpus.appendingPathComponent("reference.json"))
        return (try JSONSerialization.jsonObject(with: data) as! [String: Any])[name] as! [String: Any]
    }

    func model(_ out: String) throws -> [String: Any] {
        try XCTUnwrap((try json("\(out)/report.json")["models"] as? [[String: Any]])?.first)
    }

    /// Budworm through standard input: the estimates, SEs, profile intervals and log L of
    /// statsmodels and the independent profile; the grouped block of report.json; the page's
    /// derivation, paragraph, goodness of fit and checks; the input named "standard input"
    /// with the SHA-256 of the file's bytes.
    func testBudwormFromStandardInput() throws {
        let file = Self.corpus.appendingPathComponent("budworm.csv")
        let bytes = try Data(contentsOf: file)
        let r = try run(["--data", "-", "--x", "sex,ldose", "--y", "numdead", "--trials", "total", "--model", "logistic", "--out", "b"], input: bytes)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("n = 12 rows (240 trials)"), r.stdout)
        let m = try model("b")
        let ref = try reference("budworm")
        let rows = try XCTUnwrap(m["coefficients"] as? [[String: Any]])
        let estimates = ref["estimates"] as! [Double], se = ref["se"] as! [Double], profile = ref["profile_ci"] as! [[Double]]
        for (j, row) in rows.enumerated() {
            XCTAssertEqual(row["estimate"] as! Double, estimates[j], accuracy: 1e-8 * se[j])
            XCTAssertEqual(row["se"] as! Double, se[j], accuracy: 1e-8 * se[j])
            let p = try XCTUnwrap(row["profile_ci"] as? [Double])
            XCTAssertEqual(p[0], profile[j][0], accuracy: 1e-6 * se[j]); XCTAssertEqual(p[1], profile[j][1], accuracy: 1e-6 * se[j])
        }
        XCTAssertEqual(m["log_likelihood"] as! Double, ref["log_likelihood"] as! Double, accuracy: 1e-10 * 18.4)
        let g = try XCTUnwrap(m["grouped"] as? [String: Any])
        XCTAssertEqual(g["trials"] as? String, "total")
        XCTAssertTrue(g["weights"] is NSNull)
        XCTAssertEqual(g["observations"] as? Double, 240)
        XCTAssertEqual(g["residual_deviance"] as! Double, ref["deviance"] as! Double, accuracy: 1e-9 * 6.757)
        XCTAssertEqual(g["pearson_chi2"] as! Double, ref["pearson_chi2"] as! Double, accuracy: 1e-9 * 5.306)
        XCTAssertEqual(g["residual_df"] as? Double, 9)
        let page = text("b/index.html")
        XCTAssertTrue(page.contains("<h3>Rows that stand for many observations</h3>"))
        XCTAssertTrue(page.contains("The 12 rows hold 240 trials in all (column total)."))
        XCTAssertTrue(page.contains("the residual deviance is 6.7571 and Pearson&#39;s χ² is 5.3060,\non 9 degrees of freedom")
                      || page.contains("the residual deviance is 6.7571 and Pearson&#39;s χ² is 5.3060, on 9 degrees of freedom"))
        XCTAssertTrue(page.contains("Refitted on the 240 rows written out one observation each"))
        XCTAssertTrue(page.contains("log L is the sum of the groups&#39; binomial log-probabilities"))
        XCTAssertFalse(page.contains("✗"))
        XCTAssertTrue(page.contains("standard input"))
        XCTAssertTrue(page.contains("a8933cc73e5a75d25f1364f7575453c3754ade046587d52b2b92836d5e68ad8c"), "the SHA-256 of the bytes piped in")
        XCTAssertTrue(page.contains("mle-report --data - --x sex,ldose"))
    }

    /// UCB admissions with frequency weights and MASS's Insurance with an exposure, through a
    /// config: statsmodels' freq_weights and exposure= fits, n = Σ weights, rows of weight 0
    /// left out and counted, the rate ratio sentence, the rootogram and the checks.
    func testWeightsAndExposureThroughAConfig() throws {
        let ucb = Self.corpus.appendingPathComponent("ucbadmissions.csv").path
        // One extra row of weight 0, which must be left out and counted.
        var csv = try String(contentsOfFile: ucb, encoding: .utf8)
        csv += "Admitted,Female,A,0\n"
        let copy = write("ucb.csv", csv)
        let insurance = Self.corpus.appendingPathComponent("insurance.csv").path
        let config = write("c.json", """
        {"compare": false, "models": [
          {"data": "\(path(copy))", "x": ["Gender", "Dept"], "y": "Admit", "positive": "Admitted", "weights": "Freq", "model": "logistic", "name": "ucb"},
          {"data": "\(insurance)", "x": ["District", "Group", "Age"], "factor": ["District"], "y": "Claims", "exposure": "Holders", "model": "poisson", "name": "claims"}]}
        """)
        let r = try run(["--config", config, "--out", "w"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let models = try XCTUnwrap(try json("w/report.json")["models"] as? [[String: Any]])
        for (m, name) in zip(models, ["ucbadmissions", "insurance"]) {
            let ref = try reference(name)
            let rows = try XCTUnwrap(m["coefficients"] as? [[String: Any]])
            let estimates = ref["estimates"] as! [Double], se = ref["se"] as! [Double]
            XCTAssertEqual(rows.map { $0["term"] as! String }, ref["terms"] as! [String])
            for (j, row) in rows.enumerated() {
                XCTAssertEqual(row["estimate"] as! Double, estimates[j], accuracy: 1e-8 * max(abs(estimates[j]), se[j]), name)
                XCTAssertEqual(row["se"] as! Double, se[j], accuracy: 1e-8 * se[j], name)
            }
            XCTAssertEqual(m["log_likelihood"] as! Double, ref["log_likelihood"] as! Double, accuracy: 1e-10 * abs(ref["log_likelihood"] as! Double))
        }
        let g = try XCTUnwrap(models[0]["grouped"] as? [String: Any])
        XCTAssertEqual(g["total_weight"] as? Double, 4526)
        XCTAssertEqual(g["zero_weight_rows"] as? Int, 1)
        let claims = try XCTUnwrap(models[1]["grouped"] as? [String: Any])
        XCTAssertEqual(claims["residual_deviance"] as! Double, try reference("insurance")["deviance"] as! Double, accuracy: 1e-9 * 51.42)
        XCTAssertEqual(claims["residual_df"] as? Double, 54)
        let page = text("w/index.html")
        XCTAssertTrue(page.contains("The 24 rows stand for 4526 observations (the sum of Freq)."))
        XCTAssertTrue(page.contains("1 row of weight 0 was left out"))
        XCTAssertTrue(page.contains("24 rows standing for 4526 observations. The response Admit"))
        XCTAssertTrue(page.contains("“Female” (12 rows standing for 1835\nobservations)") || page.contains("“Female” (12 rows standing for 1835 observations)"))
        XCTAssertTrue(page.contains("with\nAge = &gt;35 rather than 25-29 the rate") || page.contains("with Age = &gt;35 rather than 25-29 the rate"))
        XCTAssertTrue(page.contains("no goodness-of-fit test is given"))
        // The 24 weighted rows pooled into the 12 combinations of gender and department: the
        // fitted probability misses one interval (department A's women, 89 of 108 admitted).
        XCTAssertTrue(page.contains("the fitted probability lies inside the interval for 11 of the 12 combinations"))
        XCTAssertTrue(fm.fileExists(atPath: path("w/figures/claims-rootogram.png")))
        XCTAssertFalse(page.contains("✗"))
    }

    /// Least squares with frequency weights (Galton's heights as 102 distinct pairs and their
    /// counts): the raw rows' OLS in report.json, the page's refit on the 928 rows, the sentence
    /// that says why the residual checks are left out, and the noise comparison with Laplace and
    /// Student-t fitted to the same weighted rows (make_reference.py's independent fits).
    func testLinearWithFrequencyWeights() throws {
        let data = Self.corpus.appendingPathComponent("galton-counts.csv").path
        let r = try run(["--data", data, "--x", "parent", "--y", "child", "--weights", "families", "--out", "g"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("n = 102 rows (928 observations)"), r.stdout)
        let m = try model("g"), ref = try reference("galton_counts")
        let rows = try XCTUnwrap(m["coefficients"] as? [[String: Any]])
        for (row, (e, se)) in zip(rows, zip(ref["estimates"] as! [Double], ref["se"] as! [Double])) {
            XCTAssertEqual(row["estimate"] as! Double, e, accuracy: 1e-10 * abs(e)); XCTAssertEqual(row["se"] as! Double, se, accuracy: 1e-10 * se)
        }
        XCTAssertEqual(m["log_likelihood"] as! Double, ref["log_likelihood"] as! Double, accuracy: 1e-10 * 2063.6)
        XCTAssertEqual((m["grouped"] as? [String: Any])?["total_weight"] as? Double, 928)
        let page = text("g/index.html")
        XCTAssertTrue(page.contains("Refitted on the 928 rows written out one observation each"))
        // The residual checks of the 928 rows written out: statsmodels' jarque_bera and
        // het_breuschpagan on the raw rows.
        let checks = try XCTUnwrap(m["residual_checks"] as? [String: Any])
        XCTAssertEqual(checks["jarque_bera"] as! Double, ref["jarque_bera"] as! Double, accuracy: 1e-9 * 10.94)
        XCTAssertEqual(checks["skewness"] as! Double, ref["skewness"] as! Double, accuracy: 1e-11)
        XCTAssertEqual(checks["excess_kurtosis"] as! Double, (ref["kurtosis"] as! Double) - 3, accuracy: 1e-11)
        XCTAssertEqual(checks["breusch_pagan"] as! Double, ref["breusch_pagan"] as! Double, accuracy: 1e-9)
        XCTAssertEqual(checks["qq_points_plotted"] as? Int, 500)
        XCTAssertTrue(fm.fileExists(atPath: path("g/figures/linear-qq.png")))
        XCTAssertTrue(page.contains("take the 102 weighted rows\nwritten out as the 928 observations") || page.contains("take the 102 weighted rows written out as the 928 observations"))
        // Half counts (Pearson and Lee's table): nothing to write out, and the page says which rows.
        let half = Self.corpus.appendingPathComponent("pearson-lee.csv").path
        let h = try run(["--data", half, "--x", "parent,gp", "--y", "child", "--weights", "frequency", "--out", "h"])
        XCTAssertEqual(h.status, 0, h.stderr)
        let halfPage = text("h/index.html").replacingOccurrences(of: "\n", with: " ")
        XCTAssertTrue(halfPage.contains("Some weights are not whole numbers (561 rows, such as 0.5)"))
        XCTAssertTrue(halfPage.contains("Some weights here are not whole numbers, so there are no such rows to write out: the checks are left out."))
        XCTAssertFalse(fm.fileExists(atPath: path("h/figures/linear-qq.png")))
        let noise = try XCTUnwrap(m["noise_comparison"] as? [[String: Any]])
        XCTAssertEqual(noise.map { $0["model"] as? String }, ["linear", "laplace", "student-t"])
        for (row, name) in zip(noise.dropFirst(), ["galton_counts_laplace", "galton_counts_student_t"]) {
            let ll = try reference(name)["log_likelihood"] as! Double
            XCTAssertEqual(row["log_likelihood"] as! Double, ll, accuracy: 1e-10 * abs(ll), name)
        }
        XCTAssertTrue(page.contains("which charges\nmore per parameter on 928 observations") || page.contains("which charges more per parameter on 928 observations"))
        XCTAssertFalse(page.contains("✗"))
    }

    /// The penguins with each row weighted 1, 2 or 3 in a column `w` (`w.csv`), and the same rows
    /// written out (`e.csv`): their paths.
    func weightedPenguins() throws -> (weighted: String, expanded: String) {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Corpus/Multi/penguins.csv")
        let lines = try String(contentsOf: source, encoding: .utf8).split(separator: "\n").map(String.init)
        var weighted = [lines[0] + ",w"], expanded = [lines[0]]
        for (k, line) in lines.dropFirst().enumerated() {
            let w = 1 + k % 3
            weighted.append(line + ",\(w)")
            for _ in 0..<w { expanded.append(line) }
        }
        return (write("w.csv", weighted.joined(separator: "\n") + "\n"), write("e.csv", expanded.joined(separator: "\n") + "\n"))
    }

    /// A softmax model with frequency weights: the penguins' species with each row weighted 1,
    /// 2 or 3 give the report of the rows written out (estimates, SEs, log L, class counts,
    /// confusion), and the page says what the rows stand for.
    func testSoftmaxWithFrequencyWeights() throws {
        let (a, b) = try weightedPenguins()
        let common = ["--x", "flipper_length_mm,body_mass_g", "--y", "species", "--model", "softmax", "--drop-missing"]
        XCTAssertEqual(try run(["--data", a, "--weights", "w", "--out", "a"] + common).status, 0)
        XCTAssertEqual(try run(["--data", b, "--out", "b"] + common).status, 0)
        let ma = try model("a"), mb = try model("b")
        XCTAssertEqual(ma["log_likelihood"] as! Double, mb["log_likelihood"] as! Double, accuracy: 1e-10 * abs(mb["log_likelihood"] as! Double))
        for (x, y) in zip(ma["coefficients"] as! [[String: Any]], mb["coefficients"] as! [[String: Any]]) {
            XCTAssertEqual(x["estimate"] as! Double, y["estimate"] as! Double, accuracy: 1e-9 * (y["se"] as! Double))
            XCTAssertEqual(x["se"] as! Double, y["se"] as! Double, accuracy: 1e-9 * (y["se"] as! Double))
        }
        XCTAssertEqual(ma["class_counts"] as? [Int], mb["class_counts"] as? [Int])
        // Collinearity of the observations: the rows written out's condition number and VIFs.
        let da = ma["design"] as! [String: Any], db = mb["design"] as! [String: Any]
        XCTAssertEqual(da["condition_number"] as! Double, db["condition_number"] as! Double, accuracy: 1e-9 * (db["condition_number"] as! Double))
        for (term, v) in db["vif"] as! [String: Double] { XCTAssertEqual((da["vif"] as! [String: Double])[term]!, v, accuracy: 1e-9 * v, term) }
        XCTAssertEqual(ma["confusion"] as? [[Int]], mb["confusion"] as? [[Int]])
        let page = text("a/index.html")
        XCTAssertTrue(page.contains("Each row stands for as many identical observations as its weight in w"))
        XCTAssertFalse(page.contains("✗"))
    }

    /// Laplace and Student-t noise with frequency weights (Macdonell's 3,000 criminals as 924
    /// height × finger cells, 623 empty): report.json equals the report of the 3,000 rows written
    /// out (estimates to 1e-9 SE, SEs to 1e-9, log L, AIC, BIC, the noise comparison and the term
    /// tests to 1e-10, the descents' step sizes and condition numbers to 1e-9) and the independent
    /// fits of make_reference.py; the page refits the rows written out and every check holds.
    func testLaplaceAndStudentTWithFrequencyWeights() throws {
        let source = Self.corpus.appendingPathComponent("macdonell.csv")
        let lines = try String(contentsOf: source, encoding: .utf8).split(separator: "\n").map(String.init)
        var expanded = ["height,finger"]
        for line in lines.dropFirst() {
            let f = line.split(separator: ",").map(String.init)
            for _ in 0..<Int(f[2])! { expanded.append(f[0] + "," + f[1]) }
        }
        let raw = write("raw.csv", expanded.joined(separator: "\n") + "\n")
        func close(_ a: Any?, _ b: Any?, _ tolerance: Double, _ what: String) {
            guard let x = a as? Double, let y = b as? Double else { return XCTFail("\(what): \(String(describing: a)) \(String(describing: b))") }
            XCTAssertEqual(x, y, accuracy: tolerance * max(abs(y), 1e-300), what)
        }
        for (kind, name) in [("laplace", "macdonell_laplace"), ("student-t", "macdonell_student_t")] {
            let a = try run(["--data", source.path, "--x", "finger", "--y", "height", "--weights", "frequency", "--model", kind, "--out", "w-\(kind)"])
            XCTAssertEqual(a.status, 0, a.stderr)
            XCTAssertTrue(a.stdout.contains("n = 301 rows (3000 observations; 623 rows of weight 0 left out)"), a.stdout)
            let b = try run(["--data", raw, "--x", "finger", "--y", "height", "--model", kind, "--pair", "finger,(Intercept)", "--out", "e-\(kind)"])
            XCTAssertEqual(b.status, 0, b.stderr)
            let ma = try model("w-\(kind)"), mb = try model("e-\(kind)"), ref = try reference(name)
            for key in ["log_likelihood", "aic", "bic", "scale"] { close(ma[key], mb[key], 1e-10, "\(kind) \(key)") }
            close(ma["log_likelihood"], ref["log_likelihood"], 1e-10, "\(kind) log L against make_reference.py")
            for (j, (x, y)) in zip(ma["coefficients"] as! [[String: Any]], mb["coefficients"] as! [[String: Any]]).enumerated() {
                let se = y["se"] as! Double
                XCTAssertEqual(x["estimate"] as! Double, y["estimate"] as! Double, accuracy: 1e-9 * se, "\(kind) \(j)")
                XCTAssertEqual(x["se"] as! Double, se, accuracy: 1e-9 * se, "\(kind) SE \(j)")
                XCTAssertEqual(x["estimate"] as! Double, (ref["estimates"] as! [Double])[j], accuracy: 1e-4 * se, "\(kind) \(j) against make_reference.py")
            }
            for (x, y) in zip(ma["noise_comparison"] as! [[String: Any]], mb["noise_comparison"] as! [[String: Any]]) {
                close(x["log_likelihood"], y["log_likelihood"], 1e-10, "\(kind) noise \(x["model"] ?? "")")
                close(x["bic"], y["bic"], 1e-10, "\(kind) noise BIC")
            }
            for (x, y) in zip(ma["term_tests"] as! [[String: Any]], mb["term_tests"] as! [[String: Any]]) {
                close(x["statistic"], y["statistic"], 1e-10, "\(kind) term test")
            }
            let da = try XCTUnwrap(ma["gradient_descent"] as? [String: Any]), db = try XCTUnwrap(mb["gradient_descent"] as? [String: Any])
            close(da["condition_number"], db["condition_number"], 1e-9, "\(kind) κ")
            close((da["original"] as? [String: Any])?["learning_rate"], (db["original"] as? [String: Any])?["learning_rate"], 1e-9, "\(kind) step")
            if kind == "student-t" {
                // Newton stops at its own fixed point (it once ran its 100 steps there, 6e-7 SE
                // from the fit's estimates on the written-out rows).
                for d in [da, db] {
                    let newton = try XCTUnwrap(d["newton"] as? [String: Any])
                    XCTAssertLessThanOrEqual(newton["iterations"] as! Int, 10)
                    XCTAssertEqual(newton["arrived"] as? Bool, true)
                }
            }
            let grouped = try XCTUnwrap(ma["grouped"] as? [String: Any])
            XCTAssertEqual(grouped["total_weight"] as? Double, 3000)
            XCTAssertEqual(grouped["zero_weight_rows"] as? Int, 623)
            XCTAssertTrue(grouped["residual_deviance"] is NSNull, "no saturated model for \(kind)")
            let page = text("w-\(kind)/index.html")
            XCTAssertTrue(page.contains("Refitted on the 3000 rows written out one observation each"), kind)
            XCTAssertTrue(page.contains("per parameter on 3000 observations"), kind)
            XCTAssertFalse(page.contains("✗"), kind)
        }
    }

    /// Several predictors and a categorical column under Laplace and Student-t noise with
    /// frequency weights: the penguins' body mass on flipper length and species, each row
    /// weighted 1, 2 or 3, give the report of the rows written out (estimates and SEs to 1e-9
    /// SE, log L, BIC, the condition number and every VIF to 1e-9).
    func testRobustFitsWithSeveralPredictorsAndWeights() throws {
        let (a, b) = try weightedPenguins()
        for kind in ["laplace", "student-t"] {
            let common = ["--x", "flipper_length_mm,species", "--y", "body_mass_g", "--model", kind, "--drop-missing", "--no-compare"]
            let ra = try run(["--data", a, "--weights", "w", "--out", "a-\(kind)"] + common)
            XCTAssertEqual(ra.status, 0, ra.stderr)
            XCTAssertEqual(try run(["--data", b, "--out", "b-\(kind)"] + common).status, 0)
            let ma = try model("a-\(kind)"), mb = try model("b-\(kind)")
            for key in ["log_likelihood", "bic", "aic"] {
                XCTAssertEqual(ma[key] as! Double, mb[key] as! Double, accuracy: 1e-10 * abs(mb[key] as! Double), "\(kind) \(key)")
            }
            for (x, y) in zip(ma["coefficients"] as! [[String: Any]], mb["coefficients"] as! [[String: Any]]) {
                XCTAssertEqual(x["estimate"] as! Double, y["estimate"] as! Double, accuracy: 1e-9 * (y["se"] as! Double), kind)
                XCTAssertEqual(x["se"] as! Double, y["se"] as! Double, accuracy: 1e-9 * (y["se"] as! Double), kind)
            }
            let da = ma["design"] as! [String: Any], db = mb["design"] as! [String: Any]
            XCTAssertEqual(da["condition_number"] as! Double, db["condition_number"] as! Double, accuracy: 1e-9 * (db["condition_number"] as! Double), kind)
            let va = da["vif"] as! [String: Double], vb = db["vif"] as! [String: Double]
            XCTAssertEqual(Set(va.keys), Set(vb.keys))
            for (term, v) in vb { XCTAssertEqual(va[term]!, v, accuracy: 1e-9 * v, "\(kind) VIF \(term)") }
            XCTAssertFalse(text("a-\(kind)/index.html").contains("✗"), kind)
        }
    }

    /// Refusals: usage errors exit 2, bad values exit 1 at their cell; nothing is written.
    func testRefusals() throws {
        let budworm = Self.corpus.appendingPathComponent("budworm.csv").path
        let cases: [([String], Int32, String)] = [
            (["--data", budworm, "--x", "ldose", "--y", "numdead", "--trials", "total", "--model", "poisson"], 2, "--trials makes the response a count of successes"),
            (["--data", budworm, "--x", "ldose", "--y", "numdead", "--weights", "total", "--trials", "total", "--model", "logistic"], 2, "a column cannot play two of those parts"),
            (["--data", budworm, "--x", "ldose", "--y", "numdead", "--exposure", "total", "--model", "logistic"], 2, "--exposure is a Poisson rate model"),
            (["--data", budworm, "--x", "ldose", "--y", "numdead", "--trials", "ldose", "--model", "logistic"], 2, "--trials ldose: that is a predictor"),
            (["--data", budworm, "--x", "ldose", "--y", "numdead", "--trials", "total", "--penalty", "ridge", "--model", "logistic"], 2, "penalised fits take one row per observation"),
            (["--x", "ldose", "--trials", "total"], 2, "apply to the columns of --data FILE"),
            (["--data", "-", "--x", "ldose", "--y", "numdead", "--watch"], 2, "standard input (--data -) is read once and cannot be watched"),
        ]
        for (arguments, status, message) in cases {
            let r = try run(arguments + ["--out", "x"])
            XCTAssertEqual(r.status, status, arguments.joined(separator: " "))
            XCTAssertTrue(r.stderr.contains(message), r.stderr)
            XCTAssertFalse(fm.fileExists(atPath: path("x")))
        }
        let bad = write("bad.csv", "ldose,numdead,total\n0,1,20\n1,21,20\n")
        let r = try run(["--data", bad, "--x", "ldose", "--y", "numdead", "--trials", "total", "--model", "logistic", "--out", "x"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasPrefix("error: bad.csv:3:3: column \"numdead\": \"21\" is not a number of successes"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1)
        XCTAssertFalse(fm.fileExists(atPath: path("x")))
    }

    /// Fair's 6,366 wives grouped into their 68 distinct (years married, rating, affair) rows:
    /// the Laplace fit on the weighted rows is HiGHS's optimum (Σwᵢ|rᵢ| = 1809, scipy `linprog`
    /// on the raw rows), and the refit on the rows written out, where thousands of copies lie on
    /// the fit and the degenerate swaps through them do not finish, stops at its pivot budget
    /// and is left out with the page saying so (it ran to the method's 100,000-pivot cap before).
    func testALaplaceRefitThatCannotFinishIsLeftOut() throws {
        let raw = try String(contentsOf: Self.corpus.deletingLastPathComponent().appendingPathComponent("fair.csv"), encoding: .utf8)
        var counts: [String: Int] = [:]
        let header = raw.split(separator: "\n").first!.split(separator: ",").map(String.init)
        let (iy, ir, ia) = (header.firstIndex(of: "yrs_married")!, header.firstIndex(of: "rate_marriage")!, header.firstIndex(of: "affair")!)
        for line in raw.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",").map(String.init)
            counts[f[iy] + "," + f[ir] + "," + f[ia], default: 0] += 1
        }
        XCTAssertEqual(counts.count, 68)
        let rows = counts.keys.sorted().map { "\($0),\(counts[$0]!)" }
        let data = write("fair-grouped.csv", "yrs_married,rate_marriage,affair,n\n" + rows.joined(separator: "\n") + "\n")
        let r = try run(["--data", data, "--x", "yrs_married,rate_marriage", "--factor", "rate_marriage", "--y", "affair", "--weights", "n",
                         "--model", "laplace", "--out", "fg"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let m = try model("fg")
        XCTAssertEqual(m["sum_absolute_deviations"] as? Double, 1809)
        let page = try String(contentsOfFile: path("fg/index.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("The refit on the rows written out one observation each did not finish, so it is not shown"))
    }
}

