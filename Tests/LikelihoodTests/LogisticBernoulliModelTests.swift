import XCTest
@testable import Likelihood

final class LogisticBernoulliModelTests: XCTestCase {
    func testBinaryPredictorHasClosedFormMLE() throws {
        // With x ∈ {0, 1} the MLE is closed-form: b̂ = logit(p̂₀), ŵ = logit(p̂₁) − logit(p̂₀), and
        // var(b̂) = 1/(n₀ p̂₀ q̂₀), var(ŵ) = var(b̂) + 1/(n₁ p̂₁ q̂₁).
        // Group 0: 2 of 8 are 1; group 1: 9 of 12 are 1.
        let x = [Double](repeating: 0, count: 8) + [Double](repeating: 1, count: 12)
        let y: [Double] = [1, 1, 0, 0, 0, 0, 0, 0] + [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0]
        let fit = try LogisticBernoulliModel.fit(x: x, y: y)
        let p0 = 2.0 / 8, p1 = 9.0 / 12
        let b = log(p0 / (1 - p0)), w = log(p1 / (1 - p1)) - b
        XCTAssertTrue(fit.converged)
        XCTAssertEqual(fit.b.estimate, b, accuracy: 1e-12)
        XCTAssertEqual(fit.w.estimate, w, accuracy: 1e-12)
        let vb = 1 / (8 * p0 * (1 - p0)), vw = vb + 1 / (12 * p1 * (1 - p1))
        XCTAssertEqual(fit.b.standardError, vb.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(fit.w.standardError, vw.squareRoot(), accuracy: 1e-12)
        let logL = 2 * log(p0) + 6 * log(1 - p0) + 9 * log(p1) + 3 * log(1 - p1)
        XCTAssertEqual(fit.logLikelihood, logL, accuracy: 1e-12)
        let pbar = 11.0 / 20
        let null = 11 * log(pbar) + 9 * log(1 - pbar)
        XCTAssertEqual(fit.nullLogLikelihood, null, accuracy: 1e-12)
        XCTAssertEqual(fit.pseudoRSquared, 1 - logL / null, accuracy: 1e-12)
        XCTAssertEqual(fit.aic, 4 - 2 * logL, accuracy: 1e-11)
        XCTAssertEqual(fit.bic, 2 * log(20.0) - 2 * logL, accuracy: 1e-11)
    }

    func testMtcarsTransmissionOnWeightMatchesPublishedGLM() throws {
        // R: glm(am ~ wt, family = binomial, data = mtcars) prints
        // (Intercept) 12.040 (SE 4.510), wt −4.024, null deviance 43.230, residual deviance 19.176, AIC 23.176.
        let wt: [Double] = [2.620, 2.875, 2.320, 3.215, 3.440, 3.460, 3.570, 3.190, 3.150, 3.440, 3.440, 4.070,
                            3.730, 3.780, 5.250, 5.424, 5.345, 2.200, 1.615, 1.835, 2.465, 3.520, 3.435, 3.840,
                            3.845, 1.935, 2.140, 1.513, 3.170, 2.770, 3.570, 2.780]
        let am: [Double] = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]
        let fit = try LogisticBernoulliModel.fit(x: wt, y: am)
        // Tolerance: half a unit in the last printed digit.
        XCTAssertEqual(fit.b.estimate, 12.040, accuracy: 0.0005)
        XCTAssertEqual(fit.w.estimate, -4.024, accuracy: 0.0005)
        XCTAssertEqual(fit.b.standardError, 4.510, accuracy: 0.0005)
        XCTAssertEqual(-2 * fit.logLikelihood, 19.176, accuracy: 0.0005)
        XCTAssertEqual(fit.aic, 23.176, accuracy: 0.0005)
        XCTAssertEqual(-2 * fit.nullLogLikelihood, 43.230, accuracy: 0.0005)
    }

    /// The one-predictor fit is the several-predictor fitter on [1, x] (issue 19): on the
    /// built-in rows, and on rows grouped by distinct x (each a weight and a share of ones),
    /// the estimates, standard errors and log L are `GeneralizedLinearFit`'s on the design
    /// [1, x] of every row, and Newton's path starts at (0, 0).
    func testOnePredictorIsTheCasePEqualsOneOfTheSharedFitter() throws {
        let data = BuiltinData.logistic()
        let x = try data.numbers("x"), y = try data.numbers("y")
        // Rounded x: 64 rows or more on 12 values, so that LogisticData groups them.
        let rounded = x.map { ($0 * 2).rounded() / 2 }
        for xs in [x, rounded] {
            let fit = try LogisticBernoulliModel.fit(x: xs, y: y)
            let glm = try GeneralizedLinearFit(design: .line(xs), y: y, family: BernoulliLogit())
            XCTAssertEqual(fit.w.estimate, glm.coefficients[1], accuracy: 1e-12 * fit.w.standardError)
            XCTAssertEqual(fit.b.estimate, glm.coefficients[0], accuracy: 1e-12 * fit.b.standardError)
            XCTAssertEqual(fit.w.standardError, glm.estimates[1].coefficient.standardError, accuracy: 1e-12 * fit.w.standardError)
            XCTAssertEqual(fit.b.standardError, glm.estimates[0].coefficient.standardError, accuracy: 1e-12 * fit.b.standardError)
            XCTAssertEqual(fit.logLikelihood, glm.logLikelihood, accuracy: 1e-11)
            XCTAssertEqual(fit.nullLogLikelihood, glm.nullLogLikelihood, accuracy: 1e-11)
            XCTAssertEqual(fit.path.first, Parameters(w: 0, b: 0))
            XCTAssertEqual(fit.path.count, fit.iterations + 1)
        }
        XCTAssertLessThan(LogisticData(x: rounded, y: y).x.count, rounded.count / 4, "grouped by distinct x")
    }

    func testGradientIsZeroAtTheMLEAndNewtonMatchesGradientDescent() throws {
        let data = BuiltinData.logistic()
        let x = try data.numbers("x"), y = try data.numbers("y")
        let fit = try LogisticBernoulliModel.fit(x: x, y: y)
        XCTAssertTrue(fit.converged)
        XCTAssertLessThan(fit.iterations, 15)
        let theta = Parameters(w: fit.w.estimate, b: fit.b.estimate)
        let (gw, gb) = LogisticBernoulliModel.meanCrossEntropyGradient(theta, LogisticData(x: x, y: y))
        XCTAssertEqual(gw, 0, accuracy: 1e-14)
        XCTAssertEqual(gb, 0, accuracy: 1e-14)
        // Mean cross-entropy is −log L / n.
        XCTAssertEqual(LogisticBernoulliModel.meanCrossEntropy(theta, x: x, y: y), -fit.logLikelihood / Double(x.count),
                       accuracy: 1e-14)
        let path = GradientDescent.logistic(LogisticData(x: x, y: y), standardised: false)
        XCTAssertTrue(path.converged)
        XCTAssertEqual(path.end.w, theta.w, accuracy: 1e-8 * abs(theta.w))
        XCTAssertEqual(path.end.b, theta.b, accuracy: 1e-8 * abs(theta.b))
        XCTAssertEqual(fit.path.first, Parameters(w: 0, b: 0))
        XCTAssertEqual(fit.path.last, theta)
    }

    func testStableAtExtremeLinearPredictors() {
        XCTAssertEqual(Numerics.softplus(800), 800)
        XCTAssertEqual(Numerics.softplus(-800), 0)
        XCTAssertEqual(Numerics.softplus(0), log(2.0), accuracy: 1e-16)
        XCTAssertEqual(Numerics.softplus(-40), exp(-40.0), accuracy: 1e-30)
        XCTAssertEqual(Numerics.sigmoid(-800), 0)
        XCTAssertEqual(Numerics.sigmoid(800), 1)
        // Cross-entropy of a confident wrong prediction is finite and equals |η|.
        XCTAssertEqual(LogisticBernoulliModel.meanCrossEntropy(Parameters(w: 1, b: 0), x: [-700], y: [1]), 700, accuracy: 1e-9)
    }

    func testSeparationIsDiagnosedNotFitted() {
        XCTAssertThrowsError(try LogisticBernoulliModel.fit(x: [1, 2, 3, 4], y: [0, 0, 1, 1])) { error in
            guard case let .separation(s)? = error as? FitError else { return XCTFail("\(error)") }
            XCTAssertEqual(s.kind, .complete)
            XCTAssertEqual(s.threshold, 2.5)
            XCTAssertTrue("\(error)".contains("the logistic MLE does not exist"))
        }
        XCTAssertThrowsError(try LogisticBernoulliModel.fit(x: [1, 2, 2, 3], y: [1, 1, 0, 0])) { error in
            guard case let .separation(s)? = error as? FitError else { return XCTFail("\(error)") }
            XCTAssertEqual(s.kind, .quasiComplete)
            XCTAssertFalse(s.onesAbove)
        }
        XCTAssertNil(LogisticBernoulliModel.separation(x: [1, 2, 3, 4], y: [0, 1, 0, 1]))
    }

    func testInvalidLabelsAndSingleClassAreErrors() {
        XCTAssertThrowsError(try LogisticBernoulliModel.fit(x: [1, 2, 3], y: [0, 2, 1])) {
            XCTAssertEqual($0 as? FitError, .labelNotBinary(row: 1, value: 2))
        }
        XCTAssertThrowsError(try LogisticBernoulliModel.fit(x: [1, 2, 3], y: [1, 1, 1])) {
            XCTAssertEqual($0 as? FitError, .singleClass(label: 1))
        }
        XCTAssertThrowsError(try LogisticBernoulliModel.fit(x: [2, 2, 2, 2], y: [0, 1, 0, 1])) {
            XCTAssertEqual($0 as? FitError, .constantPredictor)
        }
        XCTAssertThrowsError(try LogisticBernoulliModel.fit(x: [1, 2], y: [0, 1])) {
            XCTAssertEqual($0 as? FitError, .tooFewPoints(n: 2, needed: 3))
        }
    }
}
