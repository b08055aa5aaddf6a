import Foundation
import XCTest
@testable import Likelihood

/// The softmax (multinomial logit) fitter (issue 21) against statsmodels' `MNLogit`
/// (Tests/Corpus/Softmax/reference.json, written by make_reference.py there), and K = 2
/// against the logistic fit.
final class SoftmaxRegressionTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Corpus")

    func reference(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: Self.corpus.appendingPathComponent("Softmax/reference.json"))
        return (try JSONSerialization.jsonObject(with: data) as! [String: Any])[name] as! [String: Any]
    }

    /// The design of `predictors` and each kept row's class (classes in sorted order, the
    /// first the reference), read from `file` under Tests/Corpus.
    func load(_ file: String, response: String, predictors: [String], numericResponse: Bool = false) throws
        -> (design: DesignMatrix, labels: [Int], names: [String]) {
        let path = Self.corpus.appendingPathComponent(file).path
        // A numeric column stands in as the model's response (the class codes, or the penguins'
        // year): only the design and the kept rows are used here.
        let spec = ModelSpecification(response: numericResponse ? response : "year", predictors: predictors)
        let data = try ColumnReader.read(path: path, source: file, columns: Array(Set(spec.columns + [response])),
                                         text: numericResponse ? [] : [response], autoText: Set(predictors))
        let model = try ModelData.build(spec, data: data, response: .continuous, dropMissing: true)
        let values: [String]
        if numericResponse {
            values = try data.numbers(response).map { String(Int($0)) }
        } else {
            let (codes, levels) = try XCTUnwrap(data.categorical(response))
            values = codes.map { levels[Int($0)] }
        }
        let kept = (0..<model.y.count).map { values[model.dataRow($0)] }
        let names = Array(Set(kept)).sorted { numericResponse ? Int($0)! < Int($1)! : $0 < $1 }
        return (model.design, kept.map { names.firstIndex(of: $0)! }, names)
    }

    /// Estimates and standard errors to 1e-6 relative (of the larger of the estimate and its
    /// SE), log L to 1e-9 relative, against statsmodels.
    func assertMatches(_ fit: SoftmaxRegression, _ ref: [String: Any], design: DesignMatrix, names: [String],
                       file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(names, ref["classes"] as? [String], file: file, line: line)
        XCTAssertEqual(fit.logLikelihood, ref["log_likelihood"] as! Double, accuracy: 1e-9 * abs(ref["log_likelihood"] as! Double), file: file, line: line)
        XCTAssertEqual(fit.nullLogLikelihood, ref["null_log_likelihood"] as! Double, accuracy: 1e-9 * abs(ref["null_log_likelihood"] as! Double),
                       file: file, line: line)
        let p = design.columns
        let se = fit.standardErrors
        for c in ref["coefficients"] as! [[String: Any]] {
            let k = names.firstIndex(of: c["class"] as! String)!
            let j = design.terms.firstIndex { $0.name == c["term"] as! String }!
            let want = c["estimate"] as! Double, wantSE = c["se"] as! Double
            let scale = max(abs(want), wantSE)
            XCTAssertEqual(fit.coefficients[j, k - 1], want, accuracy: 1e-6 * scale, "\(c["class"]!) \(c["term"]!)", file: file, line: line)
            XCTAssertEqual(se[(k - 1) * p + j], wantSE, accuracy: 1e-6 * wantSE, "SE \(c["class"]!) \(c["term"]!)", file: file, line: line)
        }
    }

    /// Party identification in the 1996 ANES (K = 7, 944 rows, five predictors).
    func testANES96PartyIdentificationAgainstMNLogit() throws {
        let (design, labels, names) = try load("Softmax/anes96.csv", response: "PID",
                                               predictors: ["logpopul", "selfLR", "age", "educ", "income"], numericResponse: true)
        let fit = try SoftmaxRegression(design: design, labels: labels, classes: names.count, names: names)
        let ref = try reference("anes96")
        assertMatches(fit, ref, design: design, names: names)
        XCTAssertLessThan(fit.iterations, 15)
        XCTAssertEqual(fit.aic, ref["aic"] as! Double, accuracy: 1e-9 * (ref["aic"] as! Double))
        XCTAssertEqual(fit.bic(rows: labels.count), ref["bic"] as! Double, accuracy: 1e-9 * (ref["bic"] as! Double))
        XCTAssertEqual(fit.parameterCount, 36)
        let lr = fit.likelihoodRatio
        XCTAssertEqual(lr.degreesOfFreedom, 30)
        // The null log L in closed form, Σ nₖ log(nₖ/n) (statsmodels' own is fitted numerically,
        // 7·10⁻⁷ off): the statistic against the reference's log L.
        let counts = (0..<7).map { c in Double(labels.filter { $0 == c }.count) }
        let null = counts.reduce(0) { $0 + $1 * log($1 / 944) }
        XCTAssertEqual(fit.nullLogLikelihood, null, accuracy: 1e-12 * abs(null))
        XCTAssertEqual(lr.statistic, 2 * ((ref["log_likelihood"] as! Double) - null), accuracy: 1e-8 * lr.statistic)
        // Every row is counted once; the diagonal holds the rows predicted right.
        let confusion = fit.confusion(design: design, labels: labels)
        XCTAssertEqual(confusion.flatMap { $0 }.reduce(0, +), 944)
        XCTAssertEqual(confusion.map { $0.reduce(0, +) }, (0..<7).map { c in labels.filter { $0 == c }.count })
        let right = (0..<7).reduce(0) { $0 + confusion[$1][$1] }
        XCTAssertGreaterThan(right, 200, "better than the largest class alone (200 rows)")
        // z, p and the interval of one coefficient, by hand.
        let e = fit.estimates.first { $0.classIndex == 6 && design.terms[$0.term].name == "selfLR" }!.coefficient
        XCTAssertEqual(e.statistic, e.estimate / e.standardError, accuracy: 1e-12)
        XCTAssertEqual(e.upper - e.lower, 2 * 1.959963984540054 * e.standardError, accuracy: 1e-12)
    }

    /// The penguins' species (K = 3, text levels) on flipper length and body mass, and on the
    /// bills, which nearly separate them (log L = −23.9 of 342 rows): still a finite maximum.
    func testPenguinSpeciesIncludingNearSeparation() throws {
        var (design, labels, names) = try load("Multi/penguins.csv", response: "species", predictors: ["flipper_length_mm", "body_mass_g"])
        var fit = try SoftmaxRegression(design: design, labels: labels, classes: 3, names: names)
        assertMatches(fit, try reference("penguins"), design: design, names: names)
        (design, labels, names) = try load("Multi/penguins.csv", response: "species", predictors: ["bill_length_mm", "bill_depth_mm"])
        fit = try SoftmaxRegression(design: design, labels: labels, classes: 3, names: names)
        assertMatches(fit, try reference("penguins-bills"), design: design, names: names)
    }

    /// K = 2 is the logistic model: the same estimates, SEs and log L as the Bernoulli fitter on
    /// ISLP's Default, to 1e-10 relative.
    func testTwoClassesAreTheLogisticModel() throws {
        let spec = ModelSpecification(response: "default", predictors: ["balance", "income", "student"])
        let path = Self.corpus.appendingPathComponent("Multi/default.csv").path
        let data = try ColumnReader.read(path: path, source: "default.csv", columns: spec.columns, text: [], autoText: Set(spec.columns))
        let m = try ModelData.build(spec, data: data, response: .binary, dropMissing: false)
        let logistic = try GeneralizedLinearFit(design: m.design, y: m.y, family: BernoulliLogit())
        let softmax = try SoftmaxRegression(design: m.design, labels: m.y.map { Int($0) }, classes: 2, names: ["No", "Yes"])
        XCTAssertEqual(softmax.logLikelihood, logistic.logLikelihood, accuracy: 1e-10 * abs(logistic.logLikelihood))
        for (j, e) in logistic.estimates.enumerated() {
            XCTAssertEqual(softmax.coefficients[j, 0], e.coefficient.estimate, accuracy: 1e-10 * abs(e.coefficient.estimate), e.term)
            XCTAssertEqual(softmax.standardErrors[j], e.coefficient.standardError, accuracy: 1e-8 * e.coefficient.standardError, e.term)
        }
    }

    /// Separation is reported, not fitted: the penguins' Adelie and Gentoo are told apart
    /// exactly by flipper length and bill depth; a class with no rows and too many parameters
    /// are refused by name.
    func testSeparationAndRefusals() throws {
        let (design, labels, names) = try load("Multi/penguins.csv", response: "species", predictors: ["flipper_length_mm", "bill_depth_mm"])
        let keep = labels.indices.filter { names[labels[$0]] != "Chinstrap" }
        let two = keep.map { labels[$0] == 0 ? 0 : 1 }
        XCTAssertThrowsError(try SoftmaxRegression(design: design.subset(keep), labels: two, classes: 2, names: ["Adelie", "Gentoo"])) { error in
            guard case let SoftmaxError.separation(classes) = error else { return XCTFail("\(error)") }
            XCTAssertFalse(classes.isEmpty)
            XCTAssertTrue("\(error)".contains("separate"), "\(error)")
        }
        XCTAssertThrowsError(try SoftmaxRegression(design: design, labels: labels.map { $0 == 2 ? 1 : $0 }, classes: 3, names: names)) { error in
            XCTAssertEqual(error as? SoftmaxError, .emptyClass("Gentoo"))
        }
        let tiny = design.subset([0, 1, 2, 3])
        XCTAssertThrowsError(try SoftmaxRegression(design: tiny, labels: [0, 1, 2, 0], classes: 3, names: names)) { error in
            XCTAssertEqual(error as? SoftmaxError, .tooManyParameters(parameters: 6, rows: 4))
        }
    }
}
