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
