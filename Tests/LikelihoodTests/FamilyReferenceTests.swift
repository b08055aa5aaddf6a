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
            XCTAssertEqual(LaplaceModel.sumAbsolute(corner, x: x, y: y), 4, accuracy: 1e-12)
        }
        // Lines through (0.5, 1) with slope in [−2, 2]: the two extreme lines are corners.
        XCTAssertTrue(fit.optimalSet.contains { abs($0.w - 2) < 1e-12 && abs($0.b) < 1e-12 })
        XCTAssertTrue(fit.optimalSet.contains { abs($0.w + 2) < 1e-12 && abs($0.b - 2) < 1e-12 })
    }

    /// Hand-computed: y = 2x + 1 with one residual of +3 and one of −1 among five points; the
    /// line fits the other three exactly, ŝ = 4/5, SE(ŵ) = ŝ/√Sxx.
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
}
