import Foundation
import XCTest
@testable import Likelihood

/// The noise-model families against independent references (Tests/Corpus/families.json,
/// written by make_families_reference.py) and hand-computed cases.
final class FamilyReferenceTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Corpus")

    static func reference(_ family: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: corpus.appendingPathComponent("families.json"))
        return (try JSONSerialization.jsonObject(with: data) as! [String: Any])[family] as! [[String: Any]]
    }

    /// Two numeric columns of a corpus CSV (plain numbers, no quoting).
    static func columns(_ file: String, _ xName: String, _ yName: String) throws -> ([Double], [Double]) {
        let text = try String(contentsOf: corpus.appendingPathComponent(file), encoding: .utf8)
        var lines = text.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        let header = lines.removeFirst()
        let xi = header.firstIndex(of: xName)!, yi = header.firstIndex(of: yName)!
        return (lines.map { Double($0[xi])! }, lines.map { Double($0[yi])! })
    }

    /// Least absolute deviations against the linear program solved by HiGHS: the optimum is a
    /// vertex, so both sides are exact up to rounding; 1e-9 relative. Engel's food
    /// expenditure is Koenker's classic example: R's quantreg::rq prints 81.48225 and 0.56018.
    func testLaplaceMatchesTheLinearProgram() throws {
        for ref in try Self.reference("laplace") {
            let (x, y) = try Self.columns(ref["data"] as! String, ref["x"] as! String, ref["y"] as! String)
            let fit = try LaplaceModel.fit(x: x, y: y)
            let label = ref["data"] as! String
            XCTAssertEqual(fit.sumAbsoluteDeviations, ref["sum_abs"] as! Double, accuracy: 1e-10 * (ref["sum_abs"] as! Double), label)
            XCTAssertEqual(fit.logLikelihood, ref["log_likelihood"] as! Double, accuracy: 1e-9 * abs(ref["log_likelihood"] as! Double), label)
            if fit.isUnique {
                XCTAssertEqual(fit.w.estimate, ref["w"] as! Double, accuracy: 1e-9 * abs(ref["w"] as! Double), label)
                XCTAssertEqual(fit.b.estimate, ref["b"] as! Double, accuracy: 1e-9 * max(1, abs(ref["b"] as! Double)), label)
            }
            // The line passes through two data points.
            XCTAssertEqual(fit.support.count, 2, label)
            for row in fit.support {
                XCTAssertEqual(y[row], fit.w.estimate * x[row] + fit.b.estimate, accuracy: 1e-9 * max(1, abs(y[row])), label)
            }
        }
        let (x, y) = try Self.columns("engel.csv", "income", "foodexp")
        let engel = try LaplaceModel.fit(x: x, y: y)
        XCTAssertEqual(engel.b.estimate, 81.48225, accuracy: 5e-6)
        XCTAssertEqual(engel.w.estimate, 0.56018, accuracy: 5e-6)
        XCTAssertTrue(engel.isUnique)
    }

    /// Four points at the corners of a rectangle: every line that separates the top pair from
    /// the bottom pair, with slope between the diagonals, has the same sum, so the optimum is
    /// a set, and the fit says so and finds its corners.
    func testLaplaceReportsASetWhenTheOptimumIsNotUnique() throws {
        let x = [0.0, 0, 1, 1, 0.5], y = [0.0, 2, 0, 2, 1]
        let fit = try LaplaceModel.fit(x: x, y: y)
        XCTAssertFalse(fit.isUnique)
        XCTAssertEqual(fit.sumAbsoluteDeviations, 4, accuracy: 1e-12)
        for corner in fit.optimalSet {
            XCTAssertEqual(LeastAbsoluteDeviations.sumAbsolute(corner, x: x, y: y), 4, accuracy: 1e-12)
        }
        // Lines through (0.5, 1) with slope in [−2, 2]: the two extreme lines are corners.
        XCTAssertTrue(fit.optimalSet.contains { abs($0.w - 2) < 1e-12 && abs($0.b) < 1e-12 })
        XCTAssertTrue(fit.optimalSet.contains { abs($0.w + 2) < 1e-12 && abs($0.b - 2) < 1e-12 })
    }

    /// Hand-computed: y = 2x + 1 with one residual of +3 and one of −1 among five points; the
    /// line fits the other three exactly, ŝ = 4/5, SE(ŵ) = ŝ/√Sxx.
    /// At 10⁵ rows and more a pivot's weighted median is bracketed from a sample first: the
    /// slope and row are the same as the selection over every row, at pivots on and off the
    /// optimum, with outliers and with ties in x; and the fit is optimal by its certificate.
    func testBracketedSelectionMatchesSelectionOverEveryRow() throws {
        let uniform = BinnedLogisticTests.uniformGenerator(seed: 3)
        var x: [Double] = [], y: [Double] = []
        for k in 0..<120_000 {
            let xi = k % 5 == 0 ? Double(k % 97) : 1000 * uniform()   // a fifth of x tied on 97 values
            x.append(xi)
            y.append(k % 13 == 0 ? 5000 * uniform() : 3 + 0.5 * xi + 20 * (uniform() - 0.5))
        }
        XCTAssertGreaterThanOrEqual(x.count, LeastAbsoluteDeviations.bracketThreshold)
        var work = LeastAbsoluteDeviations.Workspace(capacity: x.count)
        var bracketed = 0
        for p in [0, 1, 5, 777, 50_001, 119_999] {
            let plain = LeastAbsoluteDeviations.selectedSlope(about: p, x: x, y: y, work: &work)
            if let fast = LeastAbsoluteDeviations.bracketedSlope(about: p, x: x, y: y, work: &work) {
                bracketed += 1
                XCTAssertEqual(fast.0.bitPattern, plain.0.bitPattern, "pivot \(p)")
                XCTAssertEqual(fast.1, plain.1, "pivot \(p)")
            }
        }
        XCTAssertGreaterThanOrEqual(bracketed, 5, "the bracket holds the median nearly always")
        let fit = try LaplaceModel.fit(x: x, y: y)
        XCTAssertEqual(fit.w.estimate, 0.5, accuracy: 0.01)
        // No line through a pair of the optimum's support rows rotated about either does better.
        for p in fit.support {
            let (slope, _) = LeastAbsoluteDeviations.selectedSlope(about: p, x: x, y: y, work: &work)
            let rotated = LeastAbsoluteDeviations.sumAbsolute(Parameters(w: slope, b: y[p] - slope * x[p]), x: x, y: y)
            XCTAssertGreaterThanOrEqual(rotated, fit.sumAbsoluteDeviations * (1 - 1e-12))
        }
    }

    func testLaplaceHandComputed() throws {
        let x = [0.0, 1, 2, 3, 4], y = [1.0, 6, 5, 6, 9]
        let fit = try LaplaceModel.fit(x: x, y: y)
        XCTAssertEqual(fit.w.estimate, 2, accuracy: 1e-14)
        XCTAssertEqual(fit.b.estimate, 1, accuracy: 1e-14)
        XCTAssertEqual(fit.scale, 0.8, accuracy: 1e-14)
        XCTAssertEqual(fit.logLikelihood, -5 * (log(1.6) + 1), accuracy: 1e-12)
        XCTAssertEqual(fit.w.standardError, 0.8 / 10.0.squareRoot(), accuracy: 1e-14)
        XCTAssertEqual(fit.b.standardError, 0.8 * (0.2 + 4.0 / 10).squareRoot(), accuracy: 1e-14)
        XCTAssertEqual(fit.summedLogDensity(x: x, y: y), fit.logLikelihood, accuracy: 1e-12)
        XCTAssertThrowsError(try LaplaceModel.fit(x: [1, 2], y: [1, 2]))
        XCTAssertThrowsError(try LaplaceModel.fit(x: [1, 2, 3], y: [1, 2, 3]))
        XCTAssertThrowsError(try LaplaceModel.fit(x: [1, 1, 1], y: [1, 2, 3]))
    }

    /// Poisson regression against statsmodels' GLM (IRLS to 1e-13): estimates, log-likelihood,
    /// deviances and Pearson χ² to 1e-8 relative, standard errors to 1e-6 (both invert the
    /// same Fisher information at slightly different iterates).
    func testPoissonMatchesStatsmodels() throws {
        for ref in try Self.reference("poisson") {
            let (x, y) = try Self.columns(ref["data"] as! String, ref["x"] as! String, ref["y"] as! String)
            let fit = try PoissonModel.fit(x: x, y: y)
            let label = ref["data"] as! String
            XCTAssertTrue(fit.converged, label)
            func near(_ a: Double, _ key: String, _ tolerance: Double) {
                let b = ref[key] as! Double
                XCTAssertEqual(a, b, accuracy: tolerance * max(abs(b), 1e-300), "\(label) \(key)")
            }
            near(fit.w.estimate, "w", 1e-8); near(fit.b.estimate, "b", 1e-8)
            near(fit.logLikelihood, "log_likelihood", 1e-10); near(fit.nullLogLikelihood, "null_log_likelihood", 1e-10)
            near(fit.deviance, "deviance", 1e-8); near(fit.nullDeviance, "null_deviance", 1e-10)
            near(fit.pearsonChiSquared, "pearson_chi2", 1e-7)
            near(fit.aic, "aic", 1e-10); near(fit.bic, "bic", 1e-10)
            near(fit.w.standardError, "w_se", 1e-6); near(fit.b.standardError, "b_se", 1e-6)
            XCTAssertEqual(fit.summedLogDensity(x: x, y: y), fit.logLikelihood, accuracy: 1e-9 * abs(fit.logLikelihood))
            // The one-predictor fit is the several-predictor fit on the design (1, x), bit for
            // bit, and Newton's path starts at the intercept-only fit (0, log ȳ).
            let glm = try GeneralizedLinearFit(design: DesignMatrix.line(x), y: y, family: PoissonLog())
            XCTAssertEqual([fit.b.estimate, fit.w.estimate], glm.coefficients, label)
            XCTAssertEqual(fit.logLikelihood, glm.logLikelihood, label)
            XCTAssertEqual(fit.path.first, Parameters(w: 0, b: log(y.reduce(0, +) / Double(y.count))), label)
            XCTAssertEqual(fit.path.last, Parameters(w: fit.w.estimate, b: fit.b.estimate), label)
        }
    }

    /// Hand-computed: two groups of x with counts of mean 1 and e; the MLE hits the group
    /// means exactly, w = 1, b = 0. And what has no MLE is refused with the row.
    func testPoissonHandComputedAndRefusals() throws {
        let e = exp(1.0)
        // Counts whose means at x = 0 and x = 1 are 1 and e would need non-integers; use the
        // group means 1 and 3 instead: w = log 3.
        let fit = try PoissonModel.fit(x: [0, 0, 1, 1], y: [0, 2, 3, 3])
        XCTAssertEqual(fit.w.estimate, log(3), accuracy: 1e-12)
        XCTAssertEqual(fit.b.estimate, 0, accuracy: 1e-12)
        let group0: Double = -1 + (-1 - log(2.0))
        let group1: Double = 2 * (3 * log(3.0) - 3 - log(6.0))
        XCTAssertEqual(fit.logLikelihood, group0 + group1, accuracy: 1e-12)
        _ = e
        XCTAssertThrowsError(try PoissonModel.fit(x: [1, 2, 3], y: [1, 2.5, 3])) { error in
            XCTAssertEqual(error as? FitError, .notACount(row: 1, value: 2.5))
        }
        XCTAssertThrowsError(try PoissonModel.fit(x: [1, 2, 3], y: [1, -1, 3])) { XCTAssertEqual($0 as? FitError, .notACount(row: 1, value: -1)) }
        XCTAssertThrowsError(try PoissonModel.fit(x: [1, 2, 3], y: [0, 0, 0])) { XCTAssertEqual($0 as? FitError, .allZeroCounts) }
        XCTAssertThrowsError(try PoissonModel.fit(x: [1, 2, 3], y: [0, 0, 4])) { XCTAssertEqual($0 as? FitError, .countsAtOneEnd(x: 3, atMaximum: true)) }
        XCTAssertNoThrow(try PoissonModel.fit(x: [1, 2, 3], y: [0, 4, 0]))
        // Constant counts c > 0 have a maximum, w = 0 and b = log c (hand-computed: log L =
        // Σ (c log c − c − log c!)); only all zeros have none. The shared fitter had refused them.
        let constant = try PoissonModel.fit(x: [1, 2, 3, 4], y: [3, 3, 3, 3])
        XCTAssertEqual(constant.w.estimate, 0, accuracy: 1e-12)
        XCTAssertEqual(constant.b.estimate, log(3), accuracy: 1e-12)
        XCTAssertEqual(constant.logLikelihood, 4 * (3 * log(3) - 3 - log(6)), accuracy: 1e-12)
    }

    /// Student-t regression against scipy's BFGS and Nelder–Mead on the same log-likelihood
    /// (three starts): log-likelihood to 1e-9 relative, the line, s and ν to 1e-5 relative (the
    /// reference optimiser stops at its own tolerance; ours at a zero gradient), standard
    /// errors to 1e-3 (the reference's Hessian is by finite differences).
    func testStudentTMatchesAnIndependentOptimiser() throws {
        for ref in try Self.reference("student_t") {
            let (x, y) = try Self.columns(ref["data"] as! String, ref["x"] as! String, ref["y"] as! String)
            let fit = try StudentTModel.fit(x: x, y: y)
            let label = ref["data"] as! String
            func near(_ a: Double, _ key: String, _ tolerance: Double) {
                let b = ref[key] as! Double
                XCTAssertEqual(a, b, accuracy: tolerance * max(abs(b), 1e-300), "\(label) \(key)")
            }
            XCTAssertTrue(fit.converged, label)
            XCTAssertGreaterThanOrEqual(fit.logLikelihood, (ref["log_likelihood"] as! Double) - 1e-9 * abs(ref["log_likelihood"] as! Double), label)
            near(fit.logLikelihood, "log_likelihood", 1e-9)
            near(fit.w.estimate, "w", 1e-5); near(fit.b.estimate, "b", 1e-5)
            near(fit.scale, "scale", 1e-5); near(fit.nu, "nu", 1e-4)
            near(fit.w.standardError, "w_se", 1e-3); near(fit.b.standardError, "b_se", 1e-3)
            XCTAssertEqual(fit.summedLogDensity(x: x, y: y), fit.logLikelihood, accuracy: 1e-10 * abs(fit.logLikelihood))
        }
    }

    /// Noise with lighter tails than any t (uniform): ν runs to the top of its range, and the
    /// fit says so.
    /// Above `sampleRows` each search starts on evenly spaced rows and finishes on all of
    /// them: the maxima are those of the searches on every row, to within their stopping rule.
    func testStudentTFinishedOnEveryRowMatchesTheSearchOnEveryRow() throws {
        let uniform = BinnedLogisticTests.uniformGenerator(seed: 21)
        var x: [Double] = [], y: [Double] = []
        for k in 0..<60_000 {
            let xi = 10 * uniform()
            // t₃-like noise: a normal over the root of a scaled chi-square, and 1 in 15 gross outliers.
            let z = (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
            let chi = -2 * (log(uniform()) + log(uniform()) + log(uniform())) / 2
            x.append(xi)
            y.append(1 + 2 * xi + (k % 15 == 0 ? 40 * uniform() : z / (chi / 3).squareRoot()))
        }
        let all = try StudentTModel.fit(x: x, y: y, sampleRows: Int.max, screenRows: Int.max)
        let sampled = try StudentTModel.fit(x: x, y: y, sampleRows: 5_000)
        XCTAssertEqual(sampled.searches.map { $0.sampleSteps > 0 }, [true, true])
        XCTAssertEqual(all.searches.map(\.sampleSteps), [0, 0])
        XCTAssertEqual(sampled.w.estimate, all.w.estimate, accuracy: 1e-7 * all.w.standardError)
        XCTAssertEqual(sampled.b.estimate, all.b.estimate, accuracy: 1e-7 * all.b.standardError)
        XCTAssertEqual(sampled.nu, all.nu, accuracy: 1e-6 * all.nu)
        XCTAssertEqual(sampled.logLikelihood, all.logLikelihood, accuracy: 1e-8 * abs(all.logLikelihood))
        XCTAssertEqual(sampled.w.standardError, all.w.standardError, accuracy: 1e-5 * all.w.standardError)
        XCTAssertEqual(sampled.localMaxima.count, all.localMaxima.count)
        XCTAssertLessThan(all.nu, 10, "heavy tails")
    }

    /// Rows in a periodic order: an outlier in every 10th row, and a stride of 20 between
    /// evenly spaced rows would start the searches on outliers alone (uniform noise, so ν runs
    /// off to 1000 and the fit calls heavy-tailed data Gaussian). One row per block at a seeded
    /// random place gives the same fit as the searches on every row.
    func testStudentTSampleStartIsNotFooledByPeriodicRows() throws {
        var random = RandomGenerator(seed: 77)
        var x: [Double] = [], y: [Double] = []
        for k in 0..<20_000 {
            let xi = Double(k % 1000) / 100
            let u = random.nextUniform()
            x.append(xi)
            y.append(1 + 2 * xi + (k % 10 == 0 ? 40 * (u - 0.5) : u - 0.5))
        }
        XCTAssertEqual(StudentTModel.sampleStride(n: x.count, sampleRows: 1_000), 20)
        let all = try StudentTModel.fit(x: x, y: y, sampleRows: Int.max, screenRows: Int.max)
        let sampled = try StudentTModel.fit(x: x, y: y, sampleRows: 1_000)
        XCTAssertFalse(sampled.nuAtUpperBound)
        XCTAssertLessThan(all.nu, 3, "heavy tails")
        XCTAssertEqual(sampled.nu, all.nu, accuracy: 1e-6 * all.nu)
        XCTAssertEqual(sampled.w.estimate, all.w.estimate, accuracy: 1e-6 * all.w.standardError)
        XCTAssertEqual(sampled.logLikelihood, all.logLikelihood, accuracy: 1e-8 * abs(all.logLikelihood))
        // The rows start in every residue class of the period.
        let picked = StudentTModel.sampleRowIndices(n: x.count, stride: 20)
        XCTAssertEqual(picked.count, 1_000)
        XCTAssertEqual(Set(picked.map { $0 % 10 }).count, 10)
        XCTAssertTrue(zip(picked, picked.indices).allSatisfy { $0 >= 20 * $1 && $0 < 20 * ($1 + 1) })
    }

    func testStudentTOnGaussianDataReachesTheUpperBound() throws {
        var random = RandomGenerator(seed: 5)
        let x = (0..<400).map { Double($0) / 40 }
        let y = x.map { 2 * $0 + 1 + (random.nextUniform() - 0.5) }
        let fit = try StudentTModel.fit(x: x, y: y)
        XCTAssertTrue(fit.nuAtUpperBound)
        let fixed = try StudentTModel.fit(x: x, y: y, nu: 3)
        XCTAssertEqual(fixed.nu, 3)
        XCTAssertEqual(fixed.parameterCount, 3)
        XCTAssertEqual(StudentTModel.digamma(1), -0.5772156649015329, accuracy: 1e-14)
        XCTAssertEqual(StudentTModel.trigamma(1), Double.pi * Double.pi / 6, accuracy: 1e-12)
        XCTAssertEqual(StudentTModel.digamma(0.5), -1.9635100260214235, accuracy: 1e-14)
    }

    /// Skewness, excess kurtosis, Jarque–Bera and Koenker's Breusch–Pagan against statsmodels'
    /// jarque_bera and het_breuschpagan(robust=True): 1e-9 relative (closed forms on both sides).
    func testResidualDiagnosticsMatchStatsmodels() throws {
        for ref in try Self.reference("diagnostics") {
            let (x, y) = try Self.columns(ref["data"] as! String, ref["x"] as! String, ref["y"] as! String)
            let fit = try LinearGaussianModel.fit(x: x, y: y)
            let d = ResidualDiagnostics(fit: fit, x: x, y: y)
            let label = ref["data"] as! String
            func near(_ a: Double, _ key: String) {
                let b = ref[key] as! Double
                XCTAssertEqual(a, b, accuracy: 1e-9 * max(abs(b), 1e-300), "\(label) \(key)")
            }
            near(d.skewness, "skewness"); near(d.excessKurtosis, "excess_kurtosis")
            near(d.jarqueBera, "jarque_bera"); near(d.jarqueBeraP, "jarque_bera_p")
            near(d.breuschPagan, "breusch_pagan"); near(d.breuschPaganP, "breusch_pagan_p")
            let qq = ResidualDiagnostics.qq(fit: fit, x: x, y: y)
            XCTAssertEqual(qq.observed.count, x.count)
            XCTAssertTrue(qq.simulated)
            // The envelope brackets the theoretical quantile, and both are increasing.
            for k in qq.theoretical.indices {
                XCTAssertLessThan(qq.lower[k], qq.upper[k])
                XCTAssertLessThan(qq.lower[k], qq.theoretical[k] + 0.5)
                XCTAssertGreaterThan(qq.upper[k], qq.theoretical[k] - 0.5)
            }
            XCTAssertEqual(qq.theoretical, qq.theoretical.sorted())
        }
        // Blom's position for the middle of 5 points is exactly 0.5: quantile 0.
        let fit = try LinearGaussianModel.fit(x: [0, 1, 2, 3, 4], y: [1, 2.5, 2, 4.5, 5])
        XCTAssertEqual(ResidualDiagnostics.qq(fit: fit, x: [0, 1, 2, 3, 4], y: [1, 2.5, 2, 4.5, 5]).theoretical[2], 0, accuracy: 1e-14)
    }

    /// The exact grid of sums of absolute deviations (one pass per column) equals the sum
    /// computed point by point, to 1e-12 relative, including b beyond every residual.
    func testSumAbsoluteGridIsExact() throws {
        let (x, y) = try Self.columns("engel.csv", "income", "foodexp")
        let ws = SurfaceGrid.axis(0.3, 0.8, count: 7), bs = SurfaceGrid.axis(-400, 900, count: 9)
        let grid = LaplaceModel.sumAbsoluteGrid(x: x, y: y, w: ws, b: bs)
        for (i, w) in ws.enumerated() {
            for (j, b) in bs.enumerated() {
                let direct = LeastAbsoluteDeviations.sumAbsolute(Parameters(w: w, b: b), x: x, y: y)
                XCTAssertEqual(grid[i, j], direct, accuracy: 1e-12 * direct, "w = \(w), b = \(b)")
            }
        }
        // Residuals exactly on the grid's values of b, below and above it.
        let xs = [0.0, 1, 2, 3, 4, 5], ys = [0.0, 1, 2, 7, -3, 2]
        let exact = LaplaceModel.sumAbsoluteGrid(x: xs, y: ys, w: [0, 0.5], b: [0, 1, 2])
        for (i, w) in [0.0, 0.5].enumerated() {
            for (j, b) in [0.0, 1, 2].enumerated() {
                XCTAssertEqual(exact[i, j], LeastAbsoluteDeviations.sumAbsolute(Parameters(w: w, b: b), x: xs, y: ys), accuracy: 1e-12, "w = \(w), b = \(b)")
            }
        }
    }

    /// Selecting order statistics gives exactly what sorting does, ties and duplicates included.
    func testSelectingOrderStatisticsMatchesSorting() {
        var random = RandomGenerator(seed: 3)
        for n in [2, 10, 1_000, 20_001, 300_000] {
            let values = (0..<n).map { k in k % 3 == 0 ? (random.nextUniform() * 50).rounded() : random.nextNormal() * 1e3 }
            let sorted = values.sorted()
            let ranks = Array(Set((0..<min(n, 37)).map { $0 * n / 37 } + [n - 1])).sorted()
            let selected = ResidualDiagnostics.orderStatistics(values, ranks: ranks)
            XCTAssertEqual(selected, ranks.map { sorted[$0] }, "n = \(n)")
        }
        XCTAssertEqual(ResidualDiagnostics.orderStatistics([4, 4, 4], ranks: [0, 2]), [4, 4])
    }
}
