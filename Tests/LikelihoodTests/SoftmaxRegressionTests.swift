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

    /// The design of `predictors` and each kept row's class, read from `file` under
    /// Tests/Corpus through `ModelData.build` with a categorical response (classes in sorted
    /// order, the first the reference unless `reference` names another).
    func load(_ file: String, response: String, predictors: [String], numericResponse: Bool = false, reference: String? = nil) throws
        -> (design: DesignMatrix, labels: [Int], names: [String]) {
        let path = Self.corpus.appendingPathComponent(file).path
        let spec = ModelSpecification(response: response, predictors: predictors, positive: reference)
        let data = try ColumnReader.read(path: path, source: file, columns: spec.columns, text: numericResponse ? [] : [response],
                                         autoText: Set(predictors))
        let model = try ModelData.build(spec, data: data, response: .categorical, dropMissing: true)
        return (model.design, model.y.map { Int($0) }, try XCTUnwrap(model.classes))
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

    /// Profile-likelihood intervals: at each reported end the deviance 2(ℓ̂ − ℓₚ) is χ²₁(0.95)
    /// to 1e-8, recomputed from a cold start at the MLE (not the search's warm start); the ends
    /// lie on both sides of the estimate. On ANES's selfLR they are close to the Wald intervals
    /// (a nearly quadratic likelihood); on the penguins' nearly separating bills they are found
    /// too, though the cold refits start far from their maxima.
    func testProfileIntervalsEndWhereTheDevianceIsTheCriticalValue() throws {
        let critical = 3.841458820694124
        for (file, response, predictors, numeric, term) in [("Softmax/anes96.csv", "PID", ["logpopul", "selfLR", "age", "educ", "income"], true, "selfLR"),
                                                           ("Multi/penguins.csv", "species", ["bill_length_mm", "bill_depth_mm"], false, "bill_length_mm")] {
            let (design, labels, names) = try load(file, response: response, predictors: predictors, numericResponse: numeric)
            let fit = try SoftmaxRegression(design: design, labels: labels, classes: names.count, names: names)
            let j = design.terms.firstIndex { $0.name == term }!
            let p = design.columns
            for c in 1..<names.count {
                let index = (c - 1) * p + j
                let (lower, upper) = fit.profileInterval(index, design: design, labels: labels)
                // Both ends found, also on the nearly separated bills, where a refit from the MLE
                // starts far from its maximum (the safeguarded inner Newton climbs from there).
                let lo = try XCTUnwrap(lower), hi = try XCTUnwrap(upper)
                let estimate = fit.parameters[index], se = fit.standardErrors[index]
                XCTAssertLessThan(lo, estimate); XCTAssertGreaterThan(hi, estimate)
                for end in [lo, hi] {
                    let p = try XCTUnwrap(fit.profile(at: index, value: end, from: fit.parameters, design: design, labels: labels))
                    XCTAssertEqual(2 * (fit.logLikelihood - p.logL), critical, accuracy: 1e-8, "\(file) \(names[c]) end \(end)")
                }
                if numeric {
                    XCTAssertEqual(lo, estimate - 1.959963984540054 * se, accuracy: 0.1 * se)
                    XCTAssertEqual(hi, estimate + 1.959963984540054 * se, accuracy: 0.1 * se)
                }
            }
        }
    }

    /// The profile over a pair: at the MLE it is log L̂ (every other parameter already at its
    /// best), and one standard error away along either coordinate it has dropped by about ½·z²
    /// of the pair's joint information, never above log L̂.
    func testPairProfileIsHighestAtTheMLE() throws {
        let (design, labels, names) = try load("Softmax/anes96.csv", response: "PID", predictors: ["logpopul", "selfLR", "age", "educ", "income"],
                                               numericResponse: true)
        let fit = try SoftmaxRegression(design: design, labels: labels, classes: names.count, names: names)
        let a = 5 * 6 + 2, b = 5 * 6
        let hat = fit.parameters
        let top = try XCTUnwrap(fit.profile(fixing: [a, b], values: [hat[a], hat[b]], from: hat, design: design, labels: labels))
        XCTAssertEqual(top.logL, fit.logLikelihood, accuracy: 1e-9 * abs(fit.logLikelihood))
        for (du, dv) in [(1.0, 0.0), (0, 1), (-1, 0), (0, -1)] {
            let u = hat[a] + du * fit.standardErrors[a], v = hat[b] + dv * fit.standardErrors[b]
            let p = try XCTUnwrap(fit.profile(fixing: [a, b], values: [u, v], from: hat, design: design, labels: labels))
            XCTAssertLessThan(p.logL, fit.logLikelihood)
            // One SE along a coordinate, the other held: a drop of ½/(1 − ρ²) for a quadratic.
            let rho = fit.covariance[a, b] / (fit.covariance[a, a] * fit.covariance[b, b]).squareRoot()
            XCTAssertEqual(fit.logLikelihood - p.logL, 0.5 / (1 - rho * rho), accuracy: 0.05 / (1 - rho * rho))
        }
    }

    /// ISLP's Default (default ~ balance + income + student) and its logistic fit.
    func defaultLogistic() throws -> (ModelData, GeneralizedLinearFit) {
        let spec = ModelSpecification(response: "default", predictors: ["balance", "income", "student"])
        let path = Self.corpus.appendingPathComponent("Multi/default.csv").path
        let data = try ColumnReader.read(path: path, source: "default.csv", columns: spec.columns, text: [], autoText: Set(spec.columns))
        let m = try ModelData.build(spec, data: data, response: .binary, dropMissing: false)
        return (m, try GeneralizedLinearFit(design: m.design, y: m.y, family: BernoulliLogit()))
    }

    /// K = 2 is the logistic model: the same estimates, SEs and log L as the Bernoulli fitter on
    /// ISLP's Default, to 1e-10 relative.
    func testTwoClassesAreTheLogisticModel() throws {
        let (m, logistic) = try defaultLogistic()
        let softmax = try SoftmaxRegression(design: m.design, labels: m.y.map { Int($0) }, classes: 2, names: ["No", "Yes"])
        XCTAssertEqual(softmax.logLikelihood, logistic.logLikelihood, accuracy: 1e-10 * abs(logistic.logLikelihood))
        for (j, e) in logistic.estimates.enumerated() {
            XCTAssertEqual(softmax.coefficients[j, 0], e.coefficient.estimate, accuracy: 1e-10 * abs(e.coefficient.estimate), e.term)
            XCTAssertEqual(softmax.standardErrors[j], e.coefficient.standardError, accuracy: 1e-8 * e.coefficient.standardError, e.term)
        }
    }

    /// Gradient descent and Newton over the categorical cross-entropy. With two classes the
    /// loss is the logistic cross-entropy and Böhning's bound is ¼, the logistic bound: every
    /// path (raw, standardised, Newton) equals the logistic descents' to 1e-9 (Default). With
    /// K = 7 (ANES): the bound ½·λmax(XᵀX/n) holds for the information at 0, at the MLE and
    /// at the raw descent's end (so the fixed step 1/L never raises the loss: each path's gaps
    /// never increase), Newton ends within 1e-9 SE in under 15 steps, and standardising the
    /// columns rounds the Hessian and brings gradient descent nearer the MLE.
    func testDescentsOverTheCrossEntropy() throws {
        let (m, logistic) = try defaultLogistic()
        let two = try SoftmaxRegression(design: m.design, labels: m.y.map { Int($0) }, classes: 2, names: ["No", "Yes"])
        var hl = GeneralizedLinearFit.derivatives(logistic.coefficients, m.design, m.y, BernoulliLogit()).h
        for k in hl.storage.indices { hl.storage[k] /= Double(m.y.count) }
        let dl = SeveralDescents.run(x: m.design, y: m.y, loss: .logistic, mle: logistic.coefficients,
                                     standardErrors: logistic.estimates.map(\.coefficient.standardError), qr: logistic.qr, hessian: hl, stepBudget: 600)
        let ds = SeveralDescents.run(x: m.design, y: m.y, loss: .softmax(classes: 2), mle: two.parameters,
                                     standardErrors: two.standardErrors, qr: logistic.qr, hessian: hl, stepBudget: 600)
        for (a, b) in [(dl.raw, ds.raw), (dl.standardised, ds.standardised), (try XCTUnwrap(dl.newton), try XCTUnwrap(ds.newton))] {
            XCTAssertEqual(a.iterations, b.iterations)
            XCTAssertEqual(a.learningRate, b.learningRate, accuracy: 1e-12 * a.learningRate)
            for (u, v) in zip(a.end, b.end) { XCTAssertEqual(u, v, accuracy: 1e-9 * max(abs(u), 1e-6)) }
        }

        let (design, labels, names) = try load("Softmax/anes96.csv", response: "PID",
                                               predictors: ["logpopul", "selfLR", "age", "educ", "income"], numericResponse: true)
        let k = names.count, n = Double(labels.count)
        let fit = try SoftmaxRegression(design: design, labels: labels, classes: k, names: names)
        let qr = try design.checkIdentified()
        var gram = design.matrix.gram
        for i in gram.storage.indices { gram.storage[i] /= n }
        let bound = 0.5 * (SymmetricEigen(gram).values.last ?? 0)
        func information(_ beta: [Double]) -> Matrix {
            var h = SoftmaxRegression.evaluate(beta, design, labels, k, derivatives: true).h
            for i in h.storage.indices { h.storage[i] /= n }
            return h
        }
        let y = labels.map(Double.init)
        let d = SeveralDescents.run(x: design, y: y, loss: .softmax(classes: k), mle: fit.parameters, standardErrors: fit.standardErrors,
                                    qr: qr, hessian: information(fit.parameters), stepBudget: 2_000)
        for beta in [[Double](repeating: 0, count: fit.parameterCount), fit.parameters, d.raw.end] {
            XCTAssertLessThanOrEqual(SymmetricEigen(information(beta)).values.last ?? .infinity, bound * (1 + 1e-12))
        }
        XCTAssertEqual(d.raw.learningRate, 1 / bound, accuracy: 1e-9 / bound)
        for p in [d.raw, d.standardised] {
            // Never up, beyond the rounding of a sum over 944 rows (~1e-13 of a loss near 1.5).
            for (g0, g1) in zip(p.gaps, p.gaps.dropFirst()) { XCTAssertLessThanOrEqual(g1, g0 + 1e-13) }
        }
        let newton = try XCTUnwrap(d.newton)
        XCTAssertLessThan(newton.iterations, 15)
        XCTAssertLessThanOrEqual(newton.distance, 1e-9)
        XCTAssertLessThan(d.standardisedCondition, d.rawCondition / 100)
        XCTAssertLessThan(d.standardised.distance, d.raw.distance)
        XCTAssertEqual(d.flattest.count, fit.parameterCount)
    }

    /// Frequency weights (issue 22): the penguins' species with each row weighted 1, 2 or 3
    /// (by its position) equal the fit to the rows written out that many times — estimates and
    /// SEs to 1e-10, log L, the null log L and the term tests; weighting every row 2 doubles
    /// log L and divides the SEs by √2.
    func testFrequencyWeightsAreTheRowsWrittenOut() throws {
        let (design, labels, names) = try load("Multi/penguins.csv", response: "species", predictors: ["flipper_length_mm", "body_mass_g"])
        let n = labels.count, p = design.columns
        let w = (0..<n).map { Double(1 + $0 % 3) }
        let weighted = try SoftmaxRegression(design: design, labels: labels, classes: names.count, names: names, weights: w)
        var rows: [Int] = []
        for i in 0..<n { for _ in 0..<Int(w[i]) { rows.append(i) } }
        let columns = (1..<p).map { j in design.column(j) }
        let expandedDesign = try DesignMatrix.build(columns.enumerated().map { k, column in .numeric(name: "c\(k)", values: rows.map { column[$0] }) })
        let expanded = try SoftmaxRegression(design: expandedDesign, labels: rows.map { labels[$0] }, classes: names.count, names: names)
        XCTAssertEqual(weighted.logLikelihood, expanded.logLikelihood, accuracy: 1e-10 * abs(expanded.logLikelihood))
        XCTAssertEqual(weighted.nullLogLikelihood, expanded.nullLogLikelihood, accuracy: 1e-10 * abs(expanded.nullLogLikelihood))
        for k in 0..<weighted.parameterCount {
            XCTAssertEqual(weighted.parameters[k], expanded.parameters[k], accuracy: 1e-10 * max(abs(expanded.parameters[k]), expanded.standardErrors[k]))
            XCTAssertEqual(weighted.standardErrors[k], expanded.standardErrors[k], accuracy: 1e-10 * expanded.standardErrors[k])
        }
        let fit = try SoftmaxFit(design: design, labels: labels, classes: names, weights: w)
        let plain = try SoftmaxFit(design: expandedDesign, labels: rows.map { labels[$0] }, classes: names)
        for (a, b) in zip(fit.termTests(labels: labels), plain.termTests(labels: rows.map { labels[$0] })) {
            XCTAssertEqual(a.statistic, b.statistic, accuracy: 1e-8 * b.statistic)
        }
        XCTAssertEqual(fit.bic, plain.bic, accuracy: 1e-10 * plain.bic)
        XCTAssertEqual(fit.regression.confusion(design: design, labels: labels), plain.regression.confusion(design: expandedDesign, labels: rows.map { labels[$0] }))

        let once = try SoftmaxRegression(design: design, labels: labels, classes: names.count, names: names)
        let twice = try SoftmaxRegression(design: design, labels: labels, classes: names.count, names: names, weights: [Double](repeating: 2, count: n))
        XCTAssertEqual(twice.logLikelihood, 2 * once.logLikelihood, accuracy: 1e-10 * abs(once.logLikelihood))
        for k in 0..<once.parameterCount {
            XCTAssertEqual(twice.standardErrors[k] * 2.0.squareRoot(), once.standardErrors[k], accuracy: 1e-10 * once.standardErrors[k])
        }
    }

    /// The softmax is unchanged by adding one vector to every class's coefficients, so the
    /// reference class is a choice: with Gentoo as the reference (`--reference-class`) the
    /// log-likelihood is the same, and each class's coefficients are the old ones minus
    /// Gentoo's. A response of one class, a code that is not whole, and an unknown reference
    /// class are refused by name.
    func testTheReferenceClassIsAChoiceAndBadResponsesAreRefused() throws {
        let (design, labels, names) = try load("Multi/penguins.csv", response: "species", predictors: ["flipper_length_mm", "body_mass_g"])
        let (_, relabelled, renamed) = try load("Multi/penguins.csv", response: "species", predictors: ["flipper_length_mm", "body_mass_g"],
                                                reference: "Gentoo")
        XCTAssertEqual(renamed, ["Gentoo", "Adelie", "Chinstrap"])
        XCTAssertEqual(relabelled.map { renamed[$0] }, labels.map { names[$0] })
        let a = try SoftmaxRegression(design: design, labels: labels, classes: 3, names: names)
        let b = try SoftmaxRegression(design: design, labels: relabelled, classes: 3, names: renamed)
        XCTAssertEqual(a.logLikelihood, b.logLikelihood, accuracy: 1e-9 * abs(a.logLikelihood))
        for j in 0..<design.columns {
            // Adelie against Gentoo is minus Gentoo against Adelie; Chinstrap's is the difference.
            let scale = abs(a.coefficients[j, 1]) + a.standardErrors[3 + j]
            XCTAssertEqual(b.coefficients[j, 0], -a.coefficients[j, 1], accuracy: 1e-6 * scale)
            XCTAssertEqual(b.coefficients[j, 1], a.coefficients[j, 0] - a.coefficients[j, 1], accuracy: 1e-6 * scale)
        }
        func refusal(_ spec: ModelSpecification, _ csv: String) -> String {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("softmax-\(UUID().uuidString).csv")
            try? csv.write(to: url, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: url) }
            do {
                let data = try ColumnReader.read(path: url.path, source: "t.csv", columns: spec.columns, autoText: Set(spec.columns))
                _ = try ModelData.build(spec, data: data, response: .categorical, dropMissing: false)
                return "no error"
            } catch { return "\(error)" }
        }
        XCTAssertEqual(refusal(ModelSpecification(response: "y", predictors: ["x"]), "x,y\n1,a\n2,a\n3,a\n"),
                       "response \"y\" has the one class \"a\" in the rows used: a softmax model needs at least two")
        XCTAssertEqual(refusal(ModelSpecification(response: "y", predictors: ["x"]), "x,y\n1,1\n2,2.5\n3,3\n"),
                       "response \"y\", data row 2: 2.5 is not a class (text, or a whole-number code)")
        XCTAssertTrue(refusal(ModelSpecification(response: "y", predictors: ["x"], positive: "c"), "x,y\n1,a\n2,b\n3,a\n")
            .hasPrefix("--reference-class \"c\": not a class of the response (\"a\", \"b\")"))
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
