import Foundation
import XCTest
@testable import Likelihood

/// Penalised (MAP) fits against independent references recorded in
/// `Tests/Corpus/Penalised/reference.json` (its `make_reference.py` says how): scikit-learn's
/// ElasticNet and Ridge on Longley's strongly correlated columns, and for the logistic model on
/// ISLP Default an accelerated proximal-gradient solution that statsmodels' elastic net agrees
/// with. Every fit must also satisfy its KKT conditions to 10⁻¹⁰ of their scale.
final class PenalisedFitTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Corpus")

    static func reference(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: folder.appendingPathComponent("Penalised/reference.json"))
        return (try JSONSerialization.jsonObject(with: data) as! [String: Any])[name] as! [String: Any]
    }

    static func load(_ file: String, _ spec: ModelSpecification, _ kind: ModelSpecification.Response) throws -> ModelData {
        let path = folder.appendingPathComponent("Multi/\(file)").path
        let data = try ColumnReader.read(path: path, source: file, columns: spec.columns, text: spec.factors, autoText: Set(spec.columns))
        return try ModelData.build(spec, data: data, response: kind, dropMissing: false)
    }

    func check(_ ref: [String: Any], _ m: ModelData, family: (any CanonicalFamily)?, relative: Double) throws {
        let sd = StandardisedDesign(m.design)
        for case let c as [String: Any] in ref["fits"] as! [Any] {
            let kind = Penalty.Kind(rawValue: c["kind"] as! String)!
            let penalty = Penalty(kind: kind, lambda: c["lambda"] as! Double, alpha: c["alpha"] as? Double)
            let fit = PenalisedFit(standardised: sd, y: m.y, family: family, penalty: penalty)
            let label = "\(kind.rawValue) λ = \(penalty.lambda)"
            let expected = c["standardised"] as! [Double]
            let size = expected.map(abs).max()!
            for (a, b) in zip(fit.standardisedCoefficients, expected) {
                XCTAssertEqual(a, b, accuracy: relative * max(abs(b), 1e-3 * size), label)
            }
            // Exact zeros where the lasso's corner holds them.
            for (a, b) in zip(fit.standardisedCoefficients.dropFirst(), expected.dropFirst()) where b == 0 && penalty.alpha > 0 {
                XCTAssertEqual(a, 0, label)
            }
            let original = c["coefficients"] as! [Double]
            for (a, b) in zip(fit.coefficients, original) {
                XCTAssertEqual(a, b, accuracy: relative * max(abs(b), 1e-3 * original.map(abs).max()!), label)
            }
            XCTAssertLessThanOrEqual(fit.kktViolation, PenalisedFit.tolerance * 10, label)
            if let objective = c["objective"] as? Double {
                XCTAssertLessThanOrEqual(fit.objective, objective + 1e-13, "\(label): no worse than the reference")
            }
        }
    }

    /// Longley: ridge in closed form, lasso and elastic net by coordinate descent, against
    /// scikit-learn to 1e-6 relative; λ_max, where the first lasso coefficient leaves 0.
    func testGaussianPenaltiesOnLongley() throws {
        let ref = try Self.reference("longley")
        let spec = ModelSpecification(response: "TOTEMP", predictors: ["GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"])
        let m = try Self.load("longley-full.csv", spec, .continuous)
        try check(ref, m, family: nil, relative: 1e-6)
        let fit = PenalisedFit(standardised: StandardisedDesign(m.design), y: m.y, family: nil, penalty: Penalty(kind: .lasso, lambda: 1))
        XCTAssertEqual(fit.kktScale, ref["lambda_max"] as! Double, accuracy: 1e-9 * fit.kktScale)
        let top = PenalisedFit(standardised: StandardisedDesign(m.design), y: m.y, family: nil,
                               penalty: Penalty(kind: .lasso, lambda: fit.kktScale * (1 + 1e-9)))
        XCTAssertTrue(top.standardisedCoefficients.dropFirst().allSatisfy { $0 == 0 }, "at λ_max every coefficient is 0")
        // λ → 0 gives back least squares.
        let ls = try LinearRegression(design: m.design, y: m.y)
        let tiny = PenalisedFit(standardised: StandardisedDesign(m.design), y: m.y, family: nil, penalty: Penalty(kind: .ridge, lambda: 0))
        for (a, e) in zip(tiny.coefficients, ls.estimates) {
            XCTAssertEqual(a, e.coefficient.estimate, accuracy: 1e-7 * e.coefficient.standardError)
        }
    }

    /// ISLP Default, logistic: proximal Newton against the proximal-gradient reference to
    /// 1e-6 relative, each fit's objective no higher than the reference's.
    func testLogisticPenaltiesOnDefault() throws {
        let ref = try Self.reference("default")
        let spec = ModelSpecification(response: "default", predictors: ["balance", "income", "student"])
        let m = try Self.load("default.csv", spec, .binary)
        try check(ref, m, family: BernoulliLogit(), relative: 1e-6)
    }
}

final class PenalisedPathTests: XCTestCase {
    func longley() throws -> ModelData {
        try PenalisedFitTests.load("longley-full.csv", ModelSpecification(response: "TOTEMP", predictors: ["GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"]),
                                   .continuous)
    }

    /// The lasso path on Longley: 100 λ from λ_max down to λ_max·10⁻⁴, warm starts ending where
    /// cold fits do (to 1e-8 relative), every coefficient 0 at λ_max and the first to leave 0
    /// doing so at the next λ; the number of nonzero coefficients grows from 0.
    func testLassoPathOnLongley() throws {
        let m = try longley()
        let sd = StandardisedDesign(m.design)
        let path = PenalisedPath(standardised: sd, y: m.y, family: nil, kind: .lasso)
        XCTAssertEqual(path.lambdas.count, 100)
        let top = try PenalisedFitTests.reference("longley")["lambda_max"] as! Double
        XCTAssertEqual(path.lambdas[0], top, accuracy: 1e-9 * top)
        XCTAssertEqual(path.lambdas.last!, top * 1e-4, accuracy: 1e-9 * top, "more rows than coefficients: down to 10⁻⁴ of λ_max")
        XCTAssertTrue(path.fits[0].standardisedCoefficients.dropFirst().allSatisfy { $0 == 0 })
        XCTAssertEqual(path.entries.compactMap { $0 }.max(), path.lambdas[1])
        for k in [10, 50, 99] {
            let cold = PenalisedFit(standardised: sd, y: m.y, family: nil, penalty: Penalty(kind: .lasso, lambda: path.lambdas[k]))
            for (a, b) in zip(path.fits[k].standardisedCoefficients, cold.standardisedCoefficients) {
                XCTAssertEqual(a, b, accuracy: 1e-8 * max(abs(b), 1))
            }
        }
        XCTAssertTrue(path.fits.allSatisfy { $0.kktViolation <= 10 * PenalisedFit.tolerance })
    }

    /// Least squares from sums of the rows (the path and cross-validation's route) equals the
    /// fit from the rows themselves, on Longley's nearly collinear columns: the coefficients to
    /// 1e-7 of the largest, the objective to 1e-9; the evidence from the moments equals the
    /// evidence from the rows.
    func testMomentsGiveTheFitsOfTheRows() throws {
        let m = try longley()
        let sd = StandardisedDesign(m.design)
        let shift = GaussianSums.shifts(design: m.design, y: m.y)
        let sums = GaussianSums.byGroup(design: m.design, y: m.y, group: nil, groups: 1, shiftX: shift.x, shiftY: shift.y)[0]
        let moments = GaussianMoments(sums, shiftX: shift.x, shiftY: shift.y)
        for j in 1..<m.design.columns {
            XCTAssertEqual(moments.means[j], sd.means[j], accuracy: 1e-12 * abs(sd.means[j]))
            XCTAssertEqual(moments.scales[j], sd.scales[j], accuracy: 1e-10 * sd.scales[j])
        }
        for penalty in [Penalty(kind: .lasso, lambda: 50), Penalty(kind: .ridge, lambda: 0.01), Penalty(kind: .elasticNet, lambda: 100, alpha: 0.5)] {
            let rows = PenalisedFit(standardised: sd, y: m.y, family: nil, penalty: penalty)
            let fast = PenalisedFit(moments: moments, penalty: penalty)
            let scale = rows.standardisedCoefficients.dropFirst().map(abs).max()!
            for (a, b) in zip(fast.standardisedCoefficients, rows.standardisedCoefficients) { XCTAssertEqual(a, b, accuracy: 1e-7 * max(scale, abs(b))) }
            XCTAssertEqual(fast.objective, rows.objective, accuracy: 1e-9 * rows.objective, "\(penalty.kind)")
            XCTAssertLessThanOrEqual(fast.kktViolation, PenalisedFit.tolerance)
        }
        let a = RidgeEvidence(standardised: sd, y: m.y), b = RidgeEvidence(moments: moments)
        XCTAssertEqual(a.logEvidence, b.logEvidence, accuracy: 1e-8)
        XCTAssertEqual(log(a.lambda), log(b.lambda), accuracy: 1e-6)
    }

    /// Cross-validation of least squares from sums equals the rule written out: the rows dealt
    /// to folds by Fisher–Yates with the seeded generator, each fold's path fitted on the other
    /// rows (standardised on them) and its mean squared error on its own rows, the mean over folds.
    func testGaussianCrossValidationEqualsTheFoldsFittedFromTheirRows() throws {
        let m = try longley()
        let n = m.y.count, k = 4, seed: UInt64 = 7
        let lambdas = PenalisedPath.grid(lambdaMax: PenalisedFit.gradientScale(standardised: StandardisedDesign(m.design), y: m.y, family: nil),
                                         alpha: 1, rows: n, columns: 7, count: 15)
        let cv = try XCTUnwrap(CrossValidation(design: m.design, y: m.y, family: nil, kind: .lasso, lambdas: lambdas, folds: k, seed: seed))
        var random = RandomGenerator(seed: seed)
        var order = Array(0..<n)
        for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, Int(random.next() % UInt64(i + 1))) }
        var fold = [Int](repeating: 0, count: n)
        for (position, row) in order.enumerated() { fold[row] = position % k }
        var mean = [Double](repeating: 0, count: lambdas.count)
        for f in 0..<k {
            let train = (0..<n).filter { fold[$0] != f }, test = (0..<n).filter { fold[$0] == f }
            let path = PenalisedPath(standardised: StandardisedDesign(m.design.subset(train)), y: train.map { m.y[$0] }, family: nil, kind: .lasso,
                                     lambdas: lambdas)
            let x = m.design.subset(test)
            for (l, fit) in path.fits.enumerated() {
                let fitted = x.times(fit.coefficients)
                mean[l] += zip(test.map { m.y[$0] }, fitted).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(test.count) / Double(k)
            }
        }
        for (a, b) in zip(cv.mean, mean) { XCTAssertEqual(a, b, accuracy: 1e-6 * b) }
    }

    /// Large counts (Bikeshare: up to 977 riders an hour, −ℓ/n about 10²) put the objective's
    /// rounding far above the decrease of a last Newton step: every fit of the path still meets
    /// the KKT conditions to 10⁻¹⁰ of λ_max, in a few outer steps, instead of stalling in the
    /// line search.
    func testPoissonPathMeetsTheKKTConditionsWithLargeCounts() throws {
        let m = try PenalisedFitTests.load("bikeshare.csv", ModelSpecification(response: "bikers", predictors: ["temp", "hum", "workingday", "weathersit"]), .count)
        let path = PenalisedPath(standardised: StandardisedDesign(m.design), y: m.y, family: PoissonLog(), kind: .lasso)
        XCTAssertEqual(path.fits.count, 100)
        for fit in path.fits {
            XCTAssertLessThanOrEqual(fit.kktViolation, PenalisedFit.tolerance, "λ = \(fit.penalty.lambda)")
            XCTAssertLessThanOrEqual(fit.outerSteps, 20, "λ = \(fit.penalty.lambda)")
        }
    }

    /// A rare outcome (two ones in 102 rows: the infant-mortality data's DC): the folds are dealt
    /// zeros first, then ones, so no training set loses every one and the curve is finite; with
    /// a single one a fold has none, and cross-validation says so by returning nil.
    func testRareOutcomesAreSharedAmongTheFolds() throws {
        let path = PenalisedFitTests.folder.appendingPathComponent("NearSeparation/infmrt.csv").path
        let spec = ModelSpecification(response: "DC", predictors: ["lpcinc"])
        let data = try ColumnReader.read(path: path, source: "infmrt.csv", columns: spec.columns, text: [], autoText: Set(spec.columns))
        let m = try ModelData.build(spec, data: data, response: .binary, dropMissing: false)
        XCTAssertEqual(m.y.reduce(0, +), 2)
        let grid = PenalisedPath.grid(lambdaMax: PenalisedFit.gradientScale(standardised: StandardisedDesign(m.design), y: m.y, family: BernoulliLogit()),
                                      alpha: 0.001, rows: m.y.count, columns: 2, count: 20)
        let cv = try XCTUnwrap(CrossValidation(design: m.design, y: m.y, family: BernoulliLogit(), kind: .ridge, lambdas: grid))
        XCTAssertTrue(cv.mean.allSatisfy(\.isFinite))
        var one = m.y
        one[one.firstIndex(of: 1)!] = 0
        XCTAssertNil(CrossValidation(design: m.design, y: one, family: BernoulliLogit(), kind: .ridge, lambdas: grid))
    }

    /// Ten seeded folds: the same seed gives the same curve; λ_1se ≥ λ_min; the curve at λ_min
    /// is its minimum; one fold's held-out error recomputed by hand from a fit on the other rows.
    func testCrossValidationOnLongleyAndDefault() throws {
        let m = try longley()
        let lambdas = PenalisedPath.grid(lambdaMax: PenalisedFit.gradientScale(standardised: StandardisedDesign(m.design), y: m.y, family: nil),
                                         alpha: 1, rows: 16, columns: 7, count: 30)
        let cv = try XCTUnwrap(CrossValidation(design: m.design, y: m.y, family: nil, kind: .lasso, lambdas: lambdas, folds: 4, seed: 7))
        let again = try XCTUnwrap(CrossValidation(design: m.design, y: m.y, family: nil, kind: .lasso, lambdas: lambdas, folds: 4, seed: 7))
        XCTAssertEqual(cv.mean, again.mean)
        XCTAssertGreaterThanOrEqual(cv.lambdaOneSE, cv.lambdaMin)
        let best = cv.lambdas.firstIndex(of: cv.lambdaMin)!
        XCTAssertEqual(cv.mean[best], cv.mean.min()!)
        XCTAssertTrue(cv.standardError.allSatisfy { $0 > 0 })
        // At λ_max every fold predicts its training mean: the error is about the variance of y.
        let n = Double(m.y.count), mean = m.y.reduce(0, +) / n
        let variance = m.y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        XCTAssertEqual(cv.mean[0], variance, accuracy: 0.6 * variance)
        XCTAssertLessThan(cv.mean[best], 0.1 * variance, "the lasso explains Longley's employment")

        let d = try PenalisedFitTests.load("default.csv", ModelSpecification(response: "default", predictors: ["balance", "income", "student"]), .binary)
        let grid = PenalisedPath.grid(lambdaMax: PenalisedFit.gradientScale(standardised: StandardisedDesign(d.design), y: d.y, family: BernoulliLogit()),
                                      alpha: 1, rows: d.y.count, columns: 4, count: 12)
        let cvd = try XCTUnwrap(CrossValidation(design: d.design, y: d.y, family: BernoulliLogit(), kind: .lasso, lambdas: grid, folds: 5, seed: 3))
        XCTAssertGreaterThanOrEqual(cvd.lambdaOneSE, cvd.lambdaMin)
        // The null deviance per row: −2[ȳ log ȳ + (1 − ȳ) log(1 − ȳ)] for a 3.3 % default rate.
        let p = d.y.reduce(0, +) / Double(d.y.count)
        XCTAssertEqual(cvd.mean[0], -2 * (p * log(p) + (1 - p) * log(1 - p)), accuracy: 0.01)
        XCTAssertLessThan(cvd.mean.min()!, 0.6 * cvd.mean[0])
    }

    /// Empirical-Bayes ridge on Longley against a brute-force maximisation of the marginal
    /// likelihood (a dense Gaussian density on a refined grid of σ² and τ²).
    func testRidgeEvidenceAgainstBruteForce() throws {
        let m = try longley()
        let e = RidgeEvidence(standardised: StandardisedDesign(m.design), y: m.y)
        let ref = try PenalisedFitTests.reference("longley")["evidence"] as! [String: Double]
        XCTAssertEqual(e.logEvidence, ref["log_evidence"]!, accuracy: 1e-6)
        XCTAssertEqual(log(e.sigma2), log(ref["sigma2"]!), accuracy: 1e-3)
        XCTAssertEqual(log(e.tau2), log(ref["tau2"]!), accuracy: 1e-3)
        XCTAssertEqual(log(e.lambda), log(ref["lambda"]!), accuracy: 2e-3)
    }
}
