import Foundation
import XCTest
@testable import Likelihood

/// Student-t noise with several predictors (issue 19) on real data, against an independent
/// maximisation (scipy L-BFGS-B from 32 starts, Newton-polished on numerical derivatives, and
/// statsmodels' TLinearModel for log L; reference.json, make_reference.py).
final class StudentTRegressionTests: XCTestCase {
    /// The exact gradient and Hessian against central differences of log L, at a point away
    /// from the maximum (every block: β, log s, log ν and their cross terms).
    func testDerivativesMatchFiniteDifferences() throws {
        let m = try SeveralPredictorTests.load("stackloss.csv", ModelSpecification(response: "STACKLOSS", predictors: ["AIRFLOW", "WATERTEMP", "ACIDCONC"]), .continuous)
        let problem = StudentTRegression.Problem(x: m.design.matrix, y: m.y, freeNu: true, logNuBounds: (log(0.05), log(1000)))
        let theta = [-35.0, 0.8, 0.6, -0.1, log(1.5), log(2.5)]
        let (_, g, h) = problem.evaluate(theta, freeNu: true)
        func ll(_ t: [Double]) -> Double { problem.evaluate(t, freeNu: false, derivatives: false).0 }
        func grad(_ t: [Double]) -> [Double] { problem.evaluate(t, freeNu: true).1 }
        for j in theta.indices {
            let step = 1e-5 * max(1, abs(theta[j]))
            var up = theta, down = theta
            up[j] += step; down[j] -= step
            XCTAssertEqual(g[j], (ll(up) - ll(down)) / (2 * step), accuracy: 1e-5 * max(1, abs(g[j])), "gradient \(j)")
            let gu = grad(up), gd = grad(down)
            for k in theta.indices {
                XCTAssertEqual(h[k, j], (gu[k] - gd[k]) / (2 * step), accuracy: 1e-5 * max(1, abs(h[k, j])), "Hessian \(k), \(j)")
            }
        }
    }

    /// Stack loss (n = 21, ν ≈ 1.08: four outlying runs), Bikeshare (n = 8,645 counts, ν ≈
    /// 4.2; screened on a sample, finished on every row) and the penguins (ν at its cap of
    /// 1000: Gaussian-looking). log L to 1e-10 relative; estimates to 1e-5 of their standard
    /// error (the reference's numerical Newton polish is good to about that); standard errors
    /// to 1e-3 relative (the reference's Hessian is numerical, good to a few 10⁻⁴; ours is
    /// exact, checked against differences above).
    func testRealDataMatchAnIndependentMaximisation() throws {
        let cases: [(String, String, ModelSpecification)] = [
            ("stackloss-t", "stackloss.csv", ModelSpecification(response: "STACKLOSS", predictors: ["AIRFLOW", "WATERTEMP", "ACIDCONC"])),
            ("bikeshare-t", "bikeshare.csv", ModelSpecification(response: "bikers", predictors: ["temp", "hum", "workingday", "weathersit"])),
            ("penguins-t", "penguins.csv", ModelSpecification(response: "body_mass_g", predictors: ["flipper_length_mm", "species"])),
        ]
        for (name, file, spec) in cases {
            let m = try SeveralPredictorTests.load(file, spec, .continuous, dropMissing: true)
            let fit = try StudentTRegression(design: m.design, y: m.y)
            let ref = try SeveralPredictorTests.reference(name)
            let ll = ref["log_likelihood"] as! Double
            print(name, fit.logLikelihood, fit.nu, fit.maxima.count, fit.maxima.map(\.logLikelihood), fit.iterations)
            XCTAssertEqual(fit.logLikelihood, ll, accuracy: 1e-10 * abs(ll), name)
            XCTAssertEqual(fit.nuAtCap, ref["nu_at_cap"] as! Bool, name)
            if !fit.nuAtCap { XCTAssertEqual(fit.nu, ref["nu"] as! Double, accuracy: 1e-4 * fit.nu, name) }
            XCTAssertEqual(fit.scale, ref["scale"] as! Double, accuracy: 1e-5 * fit.scale, name)
            for c in ref["coefficients"] as! [[String: Any]] {
                let mine = try XCTUnwrap(fit.estimate(c["term"] as! String))
                let b = c["estimate"] as! Double, se = c["se"] as! Double
                XCTAssertEqual(mine.estimate, b, accuracy: 1e-5 * se, "\(name) \(c["term"]!)")
                XCTAssertEqual(mine.standardError, se, accuracy: 1e-3 * se, "\(name) \(c["term"]!)")
            }
        }
    }

    /// With one predictor the p-dimensional search is the one-predictor problem: on MASS's
    /// mammals and Animals (heavy tails, at least 8 local maxima; Tests/Corpus/Multimodal) it
    /// reaches the best maximum that scipy found from every pair of points, log L to 1e-9
    /// relative and the line, s and ν to 1e-6, and reports more than one maximum, best first.
    func testOnePredictorReachesTheBestOfManyMaxima() throws {
        for file in ["mammals.csv", "animals.csv"] {
            let (x, y) = try StudentTGlobalSearchTests.columns(file)
            let best = try StudentTGlobalSearchTests.reference(file)[0]
            let design = try DesignMatrix.build([.numeric(name: "body", values: x)])
            let fit = try StudentTRegression(design: design, y: y)
            func near(_ a: Double, _ key: String, _ tolerance: Double) {
                let b = best[key] as! Double
                XCTAssertEqual(a, b, accuracy: tolerance * abs(b), "\(file) \(key)")
            }
            near(fit.logLikelihood, "log_likelihood", 1e-9)
            near(fit.coefficients[1], "w", 1e-6); near(fit.coefficients[0], "b", 1e-6)
            near(fit.scale, "scale", 1e-6); near(fit.nu, "nu", 1e-6)
            XCTAssertGreaterThan(fit.maxima.count, 1, file)
            XCTAssertEqual(fit.maxima.map(\.logLikelihood), fit.maxima.map(\.logLikelihood).sorted(by: >), file)
            XCTAssertEqual(fit.maxima.map(\.reachedBy).reduce(0, +) <= fit.starts, true, file)
        }
    }

    /// Longley (16 rows, 7 coefficients): ν̂ sits at the bottom of its range, (p + 1)/(n − p) =
    /// 8/9, flagged as a boundary fit, and the likelihood has dozens of maxima. The fit and each
    /// column's likelihood-ratio test (every reduced model searched over the full model's ν
    /// range, so that the two nest) against the best of 900 scipy searches per model: log L to
    /// 1e-8 relative, each statistic to 1e-5. With the reduced model's own, lower ν floor the
    /// statistics were 0 (the reduced model fitted better than the full one), and with 42
    /// starts UNEMP's reduced fit stopped 0.29 short of its best maximum.
    func testABoundaryFitAndItsTestsOnLongley() throws {
        let columns = ["GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"]
        let m = try SeveralPredictorTests.load("longley-full.csv", ModelSpecification(response: "TOTEMP", predictors: columns), .continuous)
        let fit = try StudentTRegression(design: m.design, y: m.y)
        let ref = try SeveralPredictorTests.reference("longley-t")
        let ll = ref["log_likelihood"] as! Double
        XCTAssertEqual(fit.logLikelihood, ll, accuracy: 1e-8 * abs(ll))
        XCTAssertEqual(fit.nuFloor, 8.0 / 9.0, accuracy: 1e-15)
        XCTAssertEqual(fit.nu, ref["nu"] as! Double, accuracy: 1e-9)
        XCTAssertTrue(fit.nuAtFloor)
        XCTAssertFalse(fit.nuAtCap)
        XCTAssertGreaterThan(fit.maxima.count, 10)
        // At the maximum to the last digits: log L's rounding (about 10⁻⁹ of it on the raw
        // columns) had stopped the search 3.6·10⁻⁶ standard errors short (an exact-arithmetic
        // Newton step from there, in 80-digit decimals, confirmed it); the polish by Newton
        // decrements ends within 10⁻⁸.
        XCTAssertLessThan(fit.checkMaximum(y: m.y).largestStep, 1e-8)
        let tests = try fit.termTests(y: m.y)
        let expected = ref["term_tests"] as! [[String: Any]]
        XCTAssertEqual(tests.map(\.term), expected.map { $0["term"] as! String })
        for (mine, theirs) in zip(tests, expected) {
            XCTAssertEqual(mine.statistic, theirs["statistic"] as! Double, accuracy: 1e-5, mine.term)
            XCTAssertEqual(mine.pValue, theirs["p"] as! Double, accuracy: 1e-6, mine.term)
        }
    }

    /// log L from the pass (Σ log(1 + q/ν) as one logarithm per 16 rows of the product of their
    /// factors) against the row-by-row sum of log-densities, 1e-12 relative: 37 rows (two
    /// groups and a tail of 5), one group holding residuals of ±10¹⁰⁰ (its product overflows,
    /// so each of its rows takes its own log1p), with and without frequency weights, with and
    /// without the derivatives.
    func testTheGroupedLogarithmsAreTheRowSums() {
        let n = 37
        var x = Matrix(rows: n, columns: 2)
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            x[i, 0] = 1; x[i, 1] = Double(i) / 7
            y[i] = 1 + 0.5 * Double(i) / 7 + sin(Double(i))
        }
        y[3] = 1e100; y[9] = -1e100
        let (b0, b1, s, nu) = (0.9, 0.6, 0.8, 3.0)
        let theta = [b0, b1, log(s), log(nu)]
        let weightings: [[Double]?] = [nil, (0..<n).map { Double($0 % 3 + 1) }]
        for weights in weightings {
            let problem = StudentTRegression.Problem(x: x, y: y, freeNu: true, logNuBounds: (log(0.05), log(1000)), weights: weights)
            var direct = 0.0
            for i in 0..<n {
                let r = (y[i] - b0 - b1 * x[i, 1]) / s
                direct += (weights?[i] ?? 1) * (StudentTModel.logNormaliser(nu) - log(s) - (nu + 1) / 2 * log1p(r * r / nu))
            }
            XCTAssertEqual(problem.evaluate(theta, freeNu: true).0, direct, accuracy: 1e-12 * abs(direct), "weights: \(weights != nil)")
            XCTAssertEqual(problem.evaluate(theta, freeNu: false, derivatives: false).0, direct, accuracy: 1e-12 * abs(direct))
        }
    }

    /// Stack loss: 8 of the 21 runs lie exactly on STACKLOSS = −36 + AIRFLOW/2 + WATERTEMP
    /// (rows 6, 7, 13, 14 and four more; found by exact rational arithmetic over all 5,985 fits
    /// through four rows, and no fit holds more), so the likelihood is unbounded for ν ≤ 8/13.
    /// The draws of fits through four rows find them before any search: ν is searched from
    /// 9/13, where the fit is the same interior maximum (ν̂ ≈ 1.077, the reference above); a ν
    /// held at 0.6 has no maximum and is refused, naming the 8. A search that runs up that
    /// spike (from the fit through four of them with s = 10⁻³, ν from the old floor 5/17) ends the
    /// global search with the count, which a caller raises the floor above.
    func testEightRunsOnOneFitRaiseTheFloor() throws {
        let spec = ModelSpecification(response: "STACKLOSS", predictors: ["AIRFLOW", "WATERTEMP", "ACIDCONC"])
        let m = try SeveralPredictorTests.load("stackloss.csv", spec, .continuous)
        let fit = try StudentTRegression(design: m.design, y: m.y)
        XCTAssertEqual(fit.heaviestFit, 8)
        XCTAssertEqual(fit.nuFloor, 9.0 / 13, accuracy: 1e-15)
        XCTAssertTrue(fit.nuFloorFromHeaviestFit)
        XCTAssertFalse(fit.nuAtFloor)
        XCTAssertEqual(fit.nu, 1.0767, accuracy: 1e-4)
        XCTAssertEqual(fit.maxima.first?.logLikelihood, fit.logLikelihood)
        XCTAssertThrowsError(try StudentTRegression(design: m.design, y: m.y, nu: 0.6)) { error in
            guard case let FitError.studentTHeavyFit(k, n, p, nu) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(k, 8); XCTAssertEqual(n, 21); XCTAssertEqual(p, 4); XCTAssertEqual(nu, 0.6)
        }
        // Held above 8/13 the fit exists.
        XCTAssertNoThrow(try StudentTRegression(design: m.design, y: m.y, nu: 0.7))
        // The global search alone, from the fit through rows 6, 7, 13 and 14 with ν from 5/17.
        let x = m.design.matrix
        let problem = StudentTRegression.Problem(x: x, y: m.y, freeNu: true, logNuBounds: (log(5.0 / 17), log(1000)))
        let rows = [5, 6, 12, 13]
        let beta = try XCTUnwrap(LUDecomposition(LeastAbsoluteDeviations.rows(rows, of: x))).solve(rows.map { m.y[$0] })
        let search = StudentTGlobalSearch<StudentTRegression.Problem>(p: 4, freeNu: true, logNuBounds: (log(5.0 / 17), log(1000)), nuFloor: 5.0 / 17)
        let start = StudentTGlobalSearch<StudentTRegression.Problem>.Start(name: "rows 6, 7, 13, 14", theta: beta + [log(1e-3), log(0.3)])
        XCTAssertThrowsError(try search.run(starts: [start], screen: nil, middle: nil, full: problem)) { error in
            XCTAssertEqual((error as? StudentTGlobalSearch<StudentTRegression.Problem>.Spike)?.observations, 8)
        }
    }

    /// The screening rule with frequency weights is the rule on the rows written out: the mean
    /// deficit and its standard error by hand for rows of weights 2, 1, 3.
    func testTheScreeningRuleWeighsRows() {
        typealias Rule = StudentTGlobalSearch<StudentTRegression.Problem>
        // Differences 1, −0.5, 0.2 written out: 1, 1, −0.5, 0.2, 0.2, 0.2 (mean 2.1/6 = 0.35).
        let top: (values: [Double], weights: [Double]?) = ([1, -0.5, 0.2], [2, 1, 3])
        let zero: (values: [Double], weights: [Double]?) = ([0, 0, 0], [2, 1, 3])
        let d = [1, 1, -0.5, 0.2, 0.2, 0.2]
        let mean = d.reduce(0, +) / 6
        let se = (d.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 5).squareRoot() / 6.0.squareRoot()
        XCTAssertEqual(mean, 0.35, accuracy: 1e-15)
        XCTAssertTrue(mean <= 4 * se)
        XCTAssertEqual(Rule.withinFourStandardErrors(top, zero), mean <= 4 * se)
        XCTAssertEqual(Rule.withinFourStandardErrors((d, nil), ([Double](repeating: 0, count: 6), nil)), true)
        // A deficit far outside its standard error: the maximum is left on the sample.
        let far: (values: [Double], weights: [Double]?) = ([1, 1.01, 0.99], [2, 1, 3])
        XCTAssertFalse(Rule.withinFourStandardErrors(far, zero))
        XCTAssertFalse(Rule.withinFourStandardErrors(([1, 1, 1.01, 0.99, 0.99, 0.99], nil), ([Double](repeating: 0, count: 6), nil)))
    }

    /// Rows on one fit though no row repeats: 16 of 200 rows exactly on y = 1 + 2·x1 (x2
    /// anything), the rest Cauchy noise about y = 1 + 2·x1 + x2/2. With one slope beside the
    /// intercept the count is exact (the line through the most points): the model without x2
    /// sees 16 and searches ν from 17/184. The model with x2 draws 2,000 fits through three
    /// rows and misses them (each lands with probability 4·10⁻⁴); its term test's reduced model
    /// finds them, so the fit is made again from that floor (`fitWithTermTests`), and both
    /// models of the test search one range. Larger shares are found by the draws themselves.
    func testAReducedModelsHeavierFitRaisesTheFullModelsFloor() throws {
        func data(n: Int, k: Int) throws -> (DesignMatrix, [Double]) {
            var g = RandomGenerator(seed: 7919 + UInt64(n))
            func u() -> Double { Double(g.next() >> 11) / Double(1 << 53) }
            var x1 = [Double](), x2 = [Double](), y = [Double]()
            for i in 0..<n {
                let a = (u() * 100).rounded() / 10, b = (u() * 100).rounded() / 10
                x1.append(a); x2.append(b)
                y.append(i < k ? 1 + 2 * a : ((1 + 2 * a + 0.5 * b + tan(Double.pi * (u() - 0.5))) * 100).rounded() / 100)
            }
            return (try DesignMatrix.build([.numeric(name: "x1", values: x1), .numeric(name: "x2", values: x2)]), y)
        }
        let (design, y) = try data(n: 200, k: 16)
        let alone = try StudentTRegression(design: design, y: y)
        XCTAssertEqual(alone.heaviestFit, 4, "the draws miss the 16 (this is what the refit is for)")
        let reduced = try StudentTRegression(design: design.removing([2]), y: y)
        XCTAssertEqual(reduced.heaviestFit, 16)
        XCTAssertEqual(reduced.nuFloor, 17.0 / 184, accuracy: 1e-15)
        let (fit, tests) = try StudentTRegression.fitWithTermTests(design: design, y: y)
        XCTAssertEqual(fit.heaviestFit, 16)
        XCTAssertEqual(fit.nuFloor, 17.0 / 184, accuracy: 1e-15)
        XCTAssertTrue(fit.nuFloorFromHeaviestFit)
        XCTAssertEqual(tests.map(\.term), ["x1", "x2"])
        XCTAssertTrue(tests.allSatisfy { $0.statistic.isFinite && $0.statistic >= 0 })
        // ν̂ was inside both ranges: the same maximum.
        XCTAssertEqual(fit.logLikelihood, alone.logLikelihood, accuracy: 1e-9 * abs(fit.logLikelihood))
        // 40 of 200 (20 %): the draws find them in the full model itself.
        let (d2, y2) = try data(n: 200, k: 40)
        XCTAssertEqual(try StudentTRegression(design: d2, y: y2).heaviestFit, 40)
    }

    /// One numeric column and one factor: parallel lines, one per level, counted exactly. The
    /// penguins' body mass on flipper length and species: 26 of 342 on the lines of slope
    /// 50 g/mm (exact rational arithmetic over every within-species slope; the draws of fits
    /// through four rows found 21); on species alone each species' commonest mass, 8 + 6 + 4 = 18
    /// (Adelie 3,800 g, Gentoo 5,550 g, Chinstrap 3,650 g).
    func testParallelLinesPerLevelAreCountedExactly() throws {
        let withFlipper = try SeveralPredictorTests.load("penguins.csv", ModelSpecification(response: "body_mass_g",
                                                          predictors: ["flipper_length_mm", "species"]), .continuous, dropMissing: true)
        let x = withFlipper.design.matrix
        XCTAssertEqual(x.rows, 342)
        let all = Array(0..<x.rows)
        let beta = try XCTUnwrap(StudentTRegression.parallelLines(x: x, y: withFlipper.y, rows: all))
        XCTAssertEqual(beta[1], 50)
        XCTAssertEqual(StudentTRegression.observationsOnFit(beta, x: x, y: withFlipper.y, weights: nil), 26)
        let fit = try StudentTRegression(design: withFlipper.design, y: withFlipper.y)
        XCTAssertEqual(fit.heaviestFit, 26)
        XCTAssertEqual(fit.nuFloor, 27.0 / 316, accuracy: 1e-15)
        let alone = try SeveralPredictorTests.load("penguins.csv", ModelSpecification(response: "body_mass_g", predictors: ["species"]),
                                                   .continuous, dropMissing: true)
        let levels = try XCTUnwrap(StudentTRegression.parallelLines(x: alone.design.matrix, y: alone.y, rows: Array(0..<alone.y.count)))
        XCTAssertEqual(StudentTRegression.observationsOnFit(levels, x: alone.design.matrix, y: alone.y, weights: nil), 18)
        // Two numeric columns are not this design.
        let two = try SeveralPredictorTests.load("penguins.csv", ModelSpecification(response: "body_mass_g",
                                                 predictors: ["flipper_length_mm", "bill_length_mm"]), .continuous, dropMissing: true)
        XCTAssertNil(StudentTRegression.parallelLines(x: two.design.matrix, y: two.y, rows: Array(0..<two.y.count)))
    }

    /// A factor level with one row (Bikeshare's "heavy rain/snow") is in every set of p
    /// independent rows, so p rows drawn at random were never independent and the global search
    /// ran from the two named starts alone ("2 starts"). A failed draw is now completed: its
    /// independent rows, then rows drawn by a generator of its own until there are p. Bikeshare
    /// gets its 2 + 40 starts, and the fit is unchanged (the reference test above).
    func testARareLevelStillGetsEveryStart() throws {
        let spec = ModelSpecification(response: "bikers", predictors: ["temp", "hum", "workingday", "weathersit"])
        let m = try SeveralPredictorTests.load("bikeshare.csv", spec, .continuous)
        XCTAssertEqual(m.design.codings.first?.counts.min(), 1, "one row at the rarest level")
        let fit = try StudentTRegression(design: m.design, y: m.y)
        XCTAssertEqual(fit.starts, 2 + StudentTRegression.elementalStarts(n: m.y.count))
        XCTAssertEqual(fit.maxima.map(\.reachedBy).reduce(0, +), fit.starts)
    }
}

