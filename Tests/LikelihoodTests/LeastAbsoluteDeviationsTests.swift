import Foundation
import XCTest
@testable import Likelihood

/// The exact least-absolute-deviations fit in p dimensions (the Laplace family with several
/// predictors, issue 19): hand-worked cases, the certificate, non-uniqueness, and real data
/// against the linear programme solved by HiGHS (reference.json, make_reference.py).
final class LeastAbsoluteDeviationsTests: XCTestCase {
    /// LU against a hand-worked 3 × 3 system: A = [[0, 2, 1], [1, 1, 0], [2, 0, 3]] (a zero
    /// first pivot forces a row swap), solved both ways with the products worked below.
    func testLUSolvesASystemAndItsTranspose() throws {
        let a = Matrix(rowMajor: [[0, 2, 1], [1, 1, 0], [2, 0, 3]])
        let lu = try XCTUnwrap(LUDecomposition(a))
        // A (1, 2, 3) = (0 + 4 + 3, 1 + 2 + 0, 2 + 0 + 9) = (7, 3, 11).
        let x = lu.solve([7, 3, 11])
        for (v, e) in zip(x, [1.0, 2, 3]) { XCTAssertEqual(v, e, accuracy: 1e-14) }
        // Aᵀ (1, 1, 3) = (0 + 1 + 6, 2 + 1 + 0, 1 + 0 + 9) = (7, 3, 10).
        let z = lu.solveTransposed([7, 3, 10])
        for (v, e) in zip(z, [1.0, 1, 3]) { XCTAssertEqual(v, e, accuracy: 1e-14) }
        XCTAssertNil(LUDecomposition(Matrix(rowMajor: [[1, 2], [2, 4]])), "a singular matrix")
    }

    static func design(_ columns: [String: [Double]], order: [String]) throws -> DesignMatrix {
        try DesignMatrix.build(order.map { .numeric(name: $0, values: columns[$0]!) })
    }

    static func interceptOnly(_ n: Int) -> DesignMatrix {
        DesignMatrix(terms: [DesignTerm(name: DesignTerm.interceptName, column: nil, level: nil)],
                     matrix: Matrix(columns: [[Double](repeating: 1, count: n)]), codings: [])
    }

    /// Σ|rᵢ| at β: the objective, computed directly.
    static func sad(_ beta: [Double], _ x: Matrix, _ y: [Double]) -> Double {
        zip(x.times(beta), y).reduce(0) { $0 + abs($1.1 - $1.0) }
    }

    /// With an intercept only, the fit is a median: 5 values (1, 2, 4, 7, 100) give 4, sum
    /// 3 + 2 + 0 + 3 + 96 = 104. With an even count (drop 100) every value between the middle
    /// two is optimal: the fit reports one of them and says the optimum is not unique.
    func testTheInterceptOnlyFitIsTheMedian() throws {
        let odd = try LeastAbsoluteDeviations(design: Self.interceptOnly(5), y: [7, 1, 100, 4, 2])
        XCTAssertEqual(odd.coefficients, [4])
        XCTAssertEqual(odd.sumAbsoluteDeviations, 104)
        XCTAssertTrue(odd.unique)
        XCTAssertLessThanOrEqual(odd.largestMultiplier, 1)
        let even = try LeastAbsoluteDeviations(design: Self.interceptOnly(4), y: [7, 1, 4, 2])
        XCTAssertTrue([2.0, 4].contains(even.coefficients[0]), "\(even.coefficients)")
        XCTAssertEqual(even.sumAbsoluteDeviations, 8)
        XCTAssertFalse(even.unique)
    }

    /// A hand-checked plane: y = 1 + 2a − b exactly on 6 of 9 points, the other three off it
    /// by +5, −4 and +3; with 9 rows and 3 coefficients the exact plane is the LAD fit (moving
    /// off it loses more on the 6 than it could gain on the 3), sum 12, unique.
    func testAPlaneThroughMostPointsIsFound() throws {
        let a: [Double] = [0, 1, 2, 3, 0, 1, 2, 3, 1.5], b: [Double] = [0, 0, 1, 1, 2, 3, 3, 2, 5]
        var y = zip(a, b).map { 1 + 2 * $0 - $1 }
        y[2] += 5; y[5] -= 4; y[8] += 3
        let fit = try LeastAbsoluteDeviations(design: Self.design(["a": a, "b": b], order: ["a", "b"]), y: y)
        for (v, e) in zip(fit.coefficients, [1.0, 2, -1]) { XCTAssertEqual(v, e, accuracy: 1e-12) }
        XCTAssertEqual(fit.sumAbsoluteDeviations, 12, accuracy: 1e-12)
        XCTAssertTrue(fit.unique)
        XCTAssertEqual(fit.rowsOnFit, 6)
    }

    /// On seeded random designs (n = 40, p = 4, heavy-tailed noise, values rounded so rows
    /// tie on the fit) the certificate holds and no coordinate step of the optimum lowers
    /// the sum: the optimum is checked by perturbing each coefficient both ways.
    func testTheOptimumIsLocallyAndCertifiablyOptimal() throws {
        var rng = RandomGenerator(seed: 7)
        for trial in 0..<20 {
            let n = 40
            let cols = (0..<3).map { _ in (0..<n).map { _ in (Double.random(in: -3...3, using: &rng) * 2).rounded() / 2 } }
            let y = (0..<n).map { i in (1 + cols[0][i] - 2 * cols[1][i] + 0.5 * cols[2][i] + tan(Double.random(in: -1.4...1.4, using: &rng))).rounded() }
            let design = try Self.design(["a": cols[0], "b": cols[1], "c": cols[2]], order: ["a", "b", "c"])
            let fit = try LeastAbsoluteDeviations(design: design, y: y)
            XCTAssertLessThanOrEqual(fit.largestMultiplier, 1 + 1e-9, "trial \(trial)")
            let best = Self.sad(fit.coefficients, design.matrix, y)
            XCTAssertEqual(best, fit.sumAbsoluteDeviations, accuracy: 1e-9 * best)
            for j in 0..<4 {
                for h in [1e-3, -1e-3, 0.1, -0.1] {
                    var beta = fit.coefficients
                    beta[j] += h
                    XCTAssertGreaterThanOrEqual(Self.sad(beta, design.matrix, y), best - 1e-9, "trial \(trial), coefficient \(j), step \(h)")
                }
            }
        }
    }

    /// Real data against HiGHS's optimum of the linear programme: the least sum to 1e-10
    /// relative (ours is never larger), the estimates to 1e-8 of their size where the optimum
    /// is unique, and log L. Longley (uncentred, magnitudes to 10⁵: QuantReg fails to
    /// converge there), penguins (a categorical column, masses rounded to 25 g) and Bikeshare
    /// (integer counts, 8,645 rows).
    func testRealDataMatchTheLinearProgramme() throws {
        let cases: [(String, String, ModelSpecification)] = [
            ("longley-laplace", "longley-full.csv", ModelSpecification(response: "TOTEMP", predictors: ["GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"])),
            ("penguins-laplace", "penguins.csv", ModelSpecification(response: "body_mass_g", predictors: ["flipper_length_mm", "species"])),
            ("bikeshare-laplace", "bikeshare.csv", ModelSpecification(response: "bikers", predictors: ["temp", "hum", "workingday", "weathersit"])),
        ]
        for (name, file, spec) in cases {
            let m = try SeveralPredictorTests.load(file, spec, .continuous, dropMissing: true)
            let fit = try LeastAbsoluteDeviations(design: m.design, y: m.y)
            let ref = try SeveralPredictorTests.reference(name)
            let sad = ref["sum_absolute_deviations"] as! Double
            XCTAssertEqual(fit.sumAbsoluteDeviations, sad, accuracy: 1e-10 * sad, name)
            XCTAssertLessThanOrEqual(fit.sumAbsoluteDeviations, sad * (1 + 1e-12), name)
            XCTAssertEqual(fit.logLikelihood, ref["log_likelihood"] as! Double, accuracy: 1e-9 * abs(ref["log_likelihood"] as! Double), name)
            XCTAssertLessThanOrEqual(fit.largestMultiplier, 1 + 1e-9, name)
            print(name, fit.pivots, fit.degeneratePivots, fit.rowsOnFit, fit.flatEdges, fit.largestMultiplier)
            if fit.unique {
                for c in ref["coefficients"] as! [[String: Any]] {
                    let b = c["estimate"] as! Double
                    XCTAssertEqual(try XCTUnwrap(fit.estimate(c["term"] as! String)).estimate, b, accuracy: 1e-8 * max(1, abs(b)), "\(name) \(c["term"]!)")
                }
            }
        }
    }

    /// Each predictor column's likelihood-ratio test, 2n·log(Σ|r₀|/Σ|r|), its reduced fit
    /// started from the full fit's other coefficients (Bikeshare's once ended on a basis made
    /// singular by rounding): against HiGHS's optimum of every reduced programme, the
    /// statistics to 1e-8 relative; stack loss (published data) and Bikeshare (a four-level
    /// column tested with 3 degrees of freedom).
    func testTermTestsMatchTheLinearProgramme() throws {
        let cases: [(String, String, ModelSpecification)] = [
            ("stackloss-laplace", "stackloss.csv", ModelSpecification(response: "STACKLOSS", predictors: ["AIRFLOW", "WATERTEMP", "ACIDCONC"])),
            ("bikeshare-laplace", "bikeshare.csv", ModelSpecification(response: "bikers", predictors: ["temp", "hum", "workingday", "weathersit"])),
        ]
        for (name, file, spec) in cases {
            let m = try SeveralPredictorTests.load(file, spec, .continuous)
            let fit = try LeastAbsoluteDeviations(design: m.design, y: m.y)
            let tests = try fit.termTests(y: m.y)
            for t in try SeveralPredictorTests.reference(name)["term_tests"] as! [[String: Any]] {
                let mine = try XCTUnwrap(tests.first { $0.term == t["term"] as! String })
                XCTAssertEqual(mine.degreesOfFreedom, t["df"] as! Int)
                let s = t["statistic"] as! Double
                XCTAssertEqual(mine.statistic, s, accuracy: 1e-8 * s, "\(name) \(mine.term)")
            }
        }
    }

    /// The one-predictor fit is this type's case p = 2 (the plane's descent, `solveLine`):
    /// on the family corpus (Engel, rounded and tied data) and on hand cases it ends on the
    /// simplex's optimum, the same least sum to 1e-12, the same line where the optimum is
    /// unique, non-uniqueness said by both, and a certificate at most 1, equal to the
    /// simplex's largest multiplier where only the two basis rows lie on the line.
    func testTheLineIsTheCasePEqualsTwoOfTheSameMethod() throws {
        for ref in try FamilyReferenceTests.reference("laplace") {
            let name = ref["data"] as! String
            let (x, y) = try FamilyReferenceTests.columns(name, ref["x"] as! String, ref["y"] as! String)
            let line = try LeastAbsoluteDeviations(design: .line(x), y: y)
            XCTAssertNotNil(line.line, name)
            let simplex = try LeastAbsoluteDeviations.solve(x: DesignMatrix.line(x).matrix, y: y)
            XCTAssertEqual(line.sumAbsoluteDeviations, simplex.sum, accuracy: 1e-12 * simplex.sum, name)
            XCTAssertEqual(line.unique, simplex.flatEdges == 0, name)
            XCTAssertLessThanOrEqual(line.largestMultiplier, 1 + 1e-9, name)
            XCTAssertEqual(line.basis.count, 2, name)
            if line.unique {
                for (a, b) in zip(line.coefficients, simplex.beta) { XCTAssertEqual(a, b, accuracy: 1e-9 * max(1, abs(b)), name) }
            }
            if line.rowsOnFit == 2 && simplex.rowsOnFit == 2 {
                XCTAssertEqual(line.largestMultiplier, simplex.largestMultiplier, accuracy: 1e-9, name)
            }
        }
        // Four corners of a rectangle and its centre: a set of optimal lines, flat edges.
        let rectangle = try LeastAbsoluteDeviations(design: .line([0, 0, 1, 1, 0.5]), y: [0, 2, 0, 2, 1])
        XCTAssertFalse(rectangle.unique)
        XCTAssertGreaterThan(rectangle.flatEdges, 0)
        XCTAssertGreaterThan(try XCTUnwrap(rectangle.line).optimalSet.count, 1)
    }

    /// The line's certificate by hand: y = 2x + 1 through (0, 1), (2, 5), (4, 9), with
    /// (1, 6) above (+1) and (3, 6) below (−1). Multipliers u₀, u₂, u₄ on the rows on the line
    /// must give u₀ + u₂ + u₄ = 0 and 2u₂ + 4u₄ = −(1 − 3) = 2: the least max |u| is 1/2
    /// (u = (−½, 0, ½)). The line through (0, 1) and (1, 6) (w = 5, b = 1; sum 6 + 10 + 12 =
    /// 28 > 4) leaves (2, 5), (3, 6), (4, 9) below: u₀ + u₁ = 3 and u₁ = 2 + 3 + 4 = 9, so
    /// u = (−6, 9) and the certificate is 9, above 1: the line is not optimal.
    func testTheLineCertificateByHand() throws {
        let x = [0.0, 1, 2, 3, 4], y = [1.0, 6, 5, 6, 9]
        let fit = try LeastAbsoluteDeviations(design: .line(x), y: y)
        XCTAssertEqual(fit.rowsOnFit, 3)
        XCTAssertEqual(fit.largestMultiplier, 0.5, accuracy: 1e-15)
        let off = LeastAbsoluteDeviations.lineCertificate(Parameters(w: 5, b: 1), x: x, y: y)
        XCTAssertEqual(off.rowsOnFit, 2)
        XCTAssertEqual(off.multiplier, 9, accuracy: 1e-15)
    }

    /// x = 10¹⁴ + 0…59 (uncentred: its part orthogonal to the intercept is 10⁻¹³ of its norm)
    /// is identified, as for least squares, and SE(ŵ) = ŝ/√Sxx with Sxx = 60(60² − 1)/12.
    func testAnUncentredLineIsIdentified() throws {
        let x = (0..<60).map { 1e14 + Double($0) }
        let noise: [Double] = [1, -1, 0]
        let y = (0..<60).map { (i: Int) -> Double in 3 + 0.5 * Double(i) + noise[i % 3] }
        let fit = try LeastAbsoluteDeviations(design: .line(x), y: y)
        XCTAssertEqual(fit.coefficients[1], 0.5, accuracy: 1e-12)
        XCTAssertEqual(fit.estimates[1].coefficient.standardError, fit.scale / 17_995.0.squareRoot(), accuracy: 1e-12 * fit.scale)
        XCTAssertLessThanOrEqual(fit.largestMultiplier, 1 + 1e-9)
    }

    /// Fair's affairs (6,366 wives, affair 0/1) on years married and the 5-level marriage
    /// rating as a factor: 68 distinct rows, every pivot from the start degenerate. A degenerate
    /// swap once took in a row whose xᵢᵀd was rounding (the row in the span of the basis rows
    /// that stay), the basis went singular, and after three restarts the fit was refused as
    /// "no p rows in general position". Reference: HiGHS on the same programme (scipy
    /// `linprog`, 2026-12-07): Σ|rᵢ| = 1809 at (1, 0, 0, 0, −1, −1).
    func testAFactorWithManyTiedRowsReachesTheOptimum() throws {
        let spec = ModelSpecification(response: "affair", predictors: ["yrs_married", "rate_marriage"], factors: ["rate_marriage"])
        let path = SeveralPredictorTests.corpus.deletingLastPathComponent().appendingPathComponent("fair.csv").path
        let data = try ColumnReader.read(path: path, source: "fair.csv", columns: spec.columns, text: spec.factors, autoText: Set(spec.columns))
        let m = try ModelData.build(spec, data: data, response: .continuous, dropMissing: false)
        let fit = try LeastAbsoluteDeviations(design: m.design, y: m.y)
        XCTAssertEqual(fit.sumAbsoluteDeviations, 1809, accuracy: 1e-9)
        XCTAssertLessThanOrEqual(fit.largestMultiplier, 1 + 1e-9)
        XCTAssertEqual(fit.design.terms.map(\.name), ["(Intercept)", "yrs_married", "rate_marriage[2]", "rate_marriage[3]", "rate_marriage[4]", "rate_marriage[5]"])
    }
}

