import Foundation
import XCTest
import Likelihood
import Plot
@testable import Report

/// The derivation sections' figures (issue 18, §6): each loss beside its noise density, the
/// curves checked against hand-computed values and the data marks against the fits.
final class DerivationFigureTests: XCTestCase {
    typealias D = DerivationFigures

    /// Densities and losses at points worked by hand (tolerance 1e-12 relative).
    func testTheCurvesAreTheClosedForms() {
        func close(_ a: Double, _ b: Double, _ what: String) { XCTAssertEqual(a, b, accuracy: 1e-12 * max(1, abs(b)), what) }
        close(D.gaussianDensity(0), 0.398_942_280_401_432_7, "φ(0) = 1/√(2π)")
        close(D.gaussianDensity(1), 0.241_970_724_519_143_37, "φ(1)")
        close(D.laplaceDensity(2), exp(-2) / 2, "Laplace at 2")
        // t₁ is the Cauchy: 1/(π(1 + ε²)); t₄ at 0 is 3/8.
        close(D.studentTDensity(1, nu: 1), 1 / (2 * Double.pi), "Cauchy at 1")
        close(D.studentTDensity(0, nu: 4), 0.375, "t₄ at 0 = Γ(5/2)/(√(4π) Γ(2)) = 3/8")
        close(D.squaredLoss(5), 12.5, "ε²/2")
        close(D.absoluteLoss(-3), 3, "|ε|")
        close(D.studentTLoss(1, nu: 4), 2.5 * log(1.25), "(ν + 1)/2 · log(1 + ε²/ν)")
        // Each loss is its density's −log p(ε) + log p(0).
        for e in [-4.0, -0.5, 0.3, 2.0] {
            close(D.squaredLoss(e), log(D.gaussianDensity(0)) - log(D.gaussianDensity(e)), "Gaussian at \(e)")
            close(D.absoluteLoss(e), log(D.laplaceDensity(0)) - log(D.laplaceDensity(e)), "Laplace at \(e)")
            close(D.studentTLoss(e, nu: 2.5), log(D.studentTDensity(0, nu: 2.5)) - log(D.studentTDensity(e, nu: 2.5)), "t at \(e)")
        }
        close(D.logisticDensity(0), 0.25, "σ(0)(1 − σ(0))")
        close(D.logisticDensity(2), exp(-2) / pow(1 + exp(-2), 2), "logistic at 2")
        close(D.logisticDensity(-800), 0, "far out, no overflow")
        close(D.matchedGaussianDensity(0), 3.0.squareRoot() / (Double.pi * (2 * Double.pi).squareRoot()), "N(0, π²/3) at 0")
        close(D.crossEntropy(0), log(2), "log 2 at m = 0")
        close(D.crossEntropy(3), log1p(exp(-3)), "m = 3")
        close(D.crossEntropy(-800), 800, "−m far on the wrong side, no overflow")
        // The cross-entropy is −log σ(m), the logistic noise's distribution function.
        for m in [-3.0, 0.7, 4.0] { close(D.crossEntropy(m), -log(1 / (1 + exp(-m))), "m = \(m)") }
    }

    /// On the default page: ν comes from the comparison's Student-t fit, the ticks are the
    /// linear model's residuals over σ̂ and the logistic model's margins, and the caption says
    /// how many of those are negative, as counted here from the fit.
    func testTheFiguresUseThePagesFits() throws {
        let options = ReportOptions()
        let linear = try ModelAnalysis.analyse(ModelRequest(kind: .linear, dataPath: nil, x: "x", y: "y"),
                                               dataset: Families.family(.linear).builtinData(seed: options.seed), name: "linear")
        let logistic = try ModelAnalysis.analyse(ModelRequest(kind: .logistic, dataPath: nil, x: "x", y: "y"),
                                                 dataset: Families.family(.logistic).builtinData(seed: options.seed), name: "logistic")
        let c = try Comparison.analyse(ComparisonRequest(dataPath: nil, x: "x", y: "y"), dataset: BuiltinData.outliers(seed: options.seed),
                                       name: "comparison", dropMissing: false)
        let nu = try XCTUnwrap(c.rows.compactMap { $0.fit as? StudentTFit }.first).nu
        let figures = D.make(analyses: [linear, logistic], comparisons: [c], prose: nil, options: options)
        let location = try XCTUnwrap(figures["gaussian"]), bernoulli = try XCTUnwrap(figures["bernoulli"])
        XCTAssertEqual(location.name, "noise-losses")
        XCTAssertEqual(location.figure.panels.count, 2)
        XCTAssertTrue(location.caption.contains("ν = \(NumberFormat.significant(nu, 3)), as the Student-t fit in the comparison"), location.caption)
        XCTAssertTrue(location.caption.contains("Student-t loss \(NumberFormat.significant(D.studentTLoss(5, nu: nu), 3))"), location.caption)
        // The rug: (y − ŵx − b̂)/σ̂ for each point.
        guard case let .rug(ticks, _, _, _)? = location.figure.panels[1].marks.last else { return XCTFail("the residual rug") }
        let fit = try XCTUnwrap(linear.fit as? LinearFit)
        let expected = zip(linear.x, linear.y).map { ($1 - fit.w.estimate * $0 - fit.b.estimate) / fit.sigma2MLE.squareRoot() }
        XCTAssertEqual(ticks.count, expected.filter { abs($0) <= 5 }.count)
        for (a, b) in zip(ticks, expected.filter { abs($0) <= 5 }) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        // Their mean is 0 and their mean square 1: residuals over σ̂ of a least-squares fit.
        XCTAssertEqual(expected.reduce(0, +) / Double(expected.count), 0, accuracy: 1e-10)
        XCTAssertEqual(expected.map { $0 * $0 }.reduce(0, +) / Double(expected.count), 1, accuracy: 1e-10)
        // The margins: negative exactly for the points the fit misclassifies.
        let wrong = zip(logistic.x, logistic.y).filter { x, y in (y > 0.5) != (logistic.w * x + logistic.b > 0) }.count
        XCTAssertGreaterThan(wrong, 0)
        XCTAssertTrue(bernoulli.caption.contains("\(wrong) are negative"), bernoulli.caption)
        XCTAssertTrue(bernoulli.altText.contains("\(wrong) of \(logistic.n) are negative"), bernoulli.altText)
        // Without a Student-t fit the example ν = 4 is said to be one.
        let alone = D.make(analyses: [linear], comparisons: [], prose: nil, options: options)
        XCTAssertTrue(alone["gaussian"]!.caption.contains("ν = 4, an example, since no Student-t fit is on this page"), alone["gaussian"]!.caption)
        XCTAssertFalse(alone["bernoulli"]!.caption.contains("ticks"), "no logistic model, no margins")
    }

    /// On real data: Galton's heights take ν to the top of its range, and the caption says
    /// what that means; on mammals one residual of 62 lies beyond ±5 and is counted as one.
    func testTheCaptionSaysWhenNuIsCappedAndCountsThePointsBeyond() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Corpus")
        func data(_ file: String, _ x: String, _ y: String) throws -> Dataset {
            let text = try String(contentsOf: corpus.appendingPathComponent(file), encoding: .utf8)
            var lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",").map(String.init) }
            let header = lines.removeFirst()
            let xi = try XCTUnwrap(header.firstIndex(of: x)), yi = try XCTUnwrap(header.firstIndex(of: y))
            return Dataset(source: file, columns: [(x, lines.map { Double($0[xi])! }), (y, lines.map { Double($0[yi])! })])
        }
        let options = ReportOptions()
        let galton = try data("Ties/galton.csv", "parent", "child")
        let linear = try ModelAnalysis.analyse(ModelRequest(kind: .linear, dataPath: nil, x: "parent", y: "child"), dataset: galton, name: "linear")
        let c = try Comparison.analyse(ComparisonRequest(dataPath: nil, x: "parent", y: "child"), dataset: galton, name: "comparison", dropMissing: false)
        let t = try XCTUnwrap(c.rows.compactMap { $0.fit as? StudentTFit }.first)
        XCTAssertTrue(t.nuAtUpperBound, "Galton's rounded heights show no heavy tails")
        let capped = try XCTUnwrap(D.make(analyses: [linear], comparisons: [c], prose: nil, options: options)["gaussian"]).caption
        XCTAssertTrue(capped.contains("ν = 1000, as the Student-t fit in the comparison of noise models below estimated it, the top of its range"), capped)
        XCTAssertTrue(capped.contains("all 928 lie within ±5"), capped)
        let mammals = try data("Multimodal/mammals.csv", "body", "brain")
        let m = try ModelAnalysis.analyse(ModelRequest(kind: .linear, dataPath: nil, x: "body", y: "brain"), dataset: mammals, name: "linear")
        let caption = try XCTUnwrap(D.make(analyses: [m], comparisons: [], prose: nil, options: options)["gaussian"]).caption
        XCTAssertTrue(caption.contains("61 of the 62 lie within ±5, the other one beyond the axes"), caption)
        XCTAssertFalse(caption.contains("top of its range"), "ν = 4 is an example, not a fit at its bound")
    }

    /// The rug reads its rows one at a time (no array of 10⁷ residuals) and picks the same
    /// 2000 ticks as FigureFactory.sample would from the values inside ±reach.
    func testTheRugSamplesWithoutCopyingTheRows() {
        var random = RandomGenerator(seed: 3)
        let values = (0..<7000).map { _ in 3 * random.nextNormal() }
        var f = Figure()
        let inside = D.addRug(to: &f, D.RowValues(count: values.count, model: "m") { values[$0] }, reach: 5, label: "rug")
        let inRange = values.filter { abs($0) <= 5 }
        XCTAssertEqual(inside, inRange.count)
        XCTAssertGreaterThan(inside, 2000)
        guard case let .rug(ticks, _, color, _)? = f.marks.last else { return XCTFail("a rug") }
        XCTAssertEqual(ticks, FigureFactory.sample(x: inRange, y: inRange, count: 2000).map(\.x))
        // Drawn in the theme's ink (light on the dark page), not black.
        XCTAssertEqual(color.role, .ink)
        XCTAssertGreaterThan(Theme.dark.resolve(color).red, 0.8)
        var small = Figure()
        XCTAssertEqual(D.addRug(to: &small, D.RowValues(count: 30, model: "m") { values[$0] }, reach: 5, label: "rug"),
                       values.prefix(30).filter { abs($0) <= 5 }.count)
    }
}
