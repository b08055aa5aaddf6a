import XCTest
@testable import Likelihood

final class LinearGaussianModelTests: XCTestCase {
    /// NIST StRD "Norris" (linear regression, lower difficulty): 36 observations with
    /// certified values computed in 500-digit arithmetic.
    static let norrisX: [Double] = [0.2, 337.4, 118.2, 884.6, 10.1, 226.5, 666.3, 996.3, 448.6, 777.0, 558.2, 0.4,
                                    0.6, 775.5, 666.9, 338.0, 447.5, 11.6, 556.0, 228.1, 995.8, 887.6, 120.2, 0.3,
                                    0.3, 556.8, 339.1, 887.2, 999.0, 779.0, 11.1, 118.3, 229.2, 669.1, 448.9, 0.5]
    static let norrisY: [Double] = [0.1, 338.8, 118.1, 888.0, 9.2, 228.1, 668.5, 998.5, 449.1, 778.9, 559.2, 0.3,
                                    0.1, 778.1, 668.8, 339.3, 448.9, 10.8, 557.7, 228.3, 998.0, 888.8, 119.6, 0.3,
                                    0.6, 557.6, 339.3, 888.0, 998.5, 778.9, 10.2, 117.6, 228.9, 668.4, 449.2, 0.2]

    func testNorrisMatchesCertifiedValuesToTwelveDigits() throws {
        let fit = try LinearGaussianModel.fit(x: Self.norrisX, y: Self.norrisY)
        func close(_ a: Double, _ b: Double, _ what: String) {
            XCTAssertEqual(a, b, accuracy: 1e-12 * abs(b), what)
        }
        close(fit.b.estimate, -0.262323073774029, "intercept")
        close(fit.w.estimate, 1.00211681802045, "slope")
        close(fit.b.standardError, 0.232818234301152, "sd intercept")
        close(fit.w.standardError, 0.429796848199937e-3, "sd slope")
        close(fit.sigma2Unbiased.squareRoot(), 0.884796396144373, "residual sd")
        close(fit.rss, 26.6173985294224, "RSS")
        close(fit.rSquared, 0.999993745883712, "R²")
        XCTAssertEqual(fit.degreesOfFreedom, 34)
    }

    func testHandComputedTinyCase() throws {
        // x = 0, 1, 2, 3; y = 1, 3, 2, 5. x̄ = 1.5, ȳ = 2.75, Sxx = 5, Sxy = 5.5, Syy = 8.75.
        // w = 1.1, b = 2.75 − 1.65 = 1.1, RSS = 8.75 − 1.1·5.5 = 2.7, σ̂² = 0.675, s² = 1.35.
        let fit = try LinearGaussianModel.fit(x: [0, 1, 2, 3], y: [1, 3, 2, 5])
        XCTAssertEqual(fit.w.estimate, 1.1, accuracy: 1e-15)
        XCTAssertEqual(fit.b.estimate, 1.1, accuracy: 1e-15)
        XCTAssertEqual(fit.rss, 2.7, accuracy: 1e-14)
        XCTAssertEqual(fit.sigma2MLE, 0.675, accuracy: 1e-15)
        XCTAssertEqual(fit.sigma2Unbiased, 1.35, accuracy: 1e-14)
        XCTAssertEqual(fit.w.standardError, (1.35 / 5).squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(fit.b.standardError, (1.35 * (0.25 + 2.25 / 5)).squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(fit.rSquared, 1 - 2.7 / 8.75, accuracy: 1e-15)
        // log L = −2·(log(2π·0.675) + 1); AIC = 6 − 2 log L, BIC = 3 log 4 − 2 log L.
        let logL = -2 * (log(2 * Double.pi * 0.675) + 1)
        XCTAssertEqual(fit.logLikelihood, logL, accuracy: 1e-14)
        XCTAssertEqual(fit.aic, 6 - 2 * logL, accuracy: 1e-13)
        XCTAssertEqual(fit.bic, 3 * log(4.0) - 2 * logL, accuracy: 1e-13)
        // t quantile with 2 df (R: qt(0.975, 2)) gives the interval.
        XCTAssertEqual(fit.w.upper - fit.w.estimate, 4.302652729749464 * fit.w.standardError, accuracy: 1e-12)
        XCTAssertEqual(fit.w.statistic, 1.1 / (1.35 / 5).squareRoot(), accuracy: 1e-14)
    }

    func testLogLikelihoodIdentitiesAtTheMLE() throws {
        let data = BuiltinData.linear()
        let x = try data.numbers("x"), y = try data.numbers("y")
        let fit = try LinearGaussianModel.fit(x: x, y: y)
        let s = fit.statistics
        // −log L(ŵ, b̂) = n/2·log(2πσ̂²) + n/2, evaluated by a direct sum over the data.
        var direct = 0.0
        for i in x.indices {
            let r = y[i] - fit.w.estimate * x[i] - fit.b.estimate
            direct += -0.5 * log(2 * Double.pi * fit.sigma2MLE) - r * r / (2 * fit.sigma2MLE)
        }
        XCTAssertEqual(direct, fit.logLikelihood, accuracy: 1e-12 * abs(direct))
        XCTAssertEqual(-fit.logLikelihood, Double(s.n) / 2 * log(2 * .pi * fit.sigma2MLE) + Double(s.n) / 2,
                       accuracy: 1e-12 * abs(fit.logLikelihood))
        // The gradient of the MSE vanishes at the MLE.
        let (gw, gb) = LinearGaussianModel.meanSquaredErrorGradient(w: fit.w.estimate, b: fit.b.estimate, statistics: s)
        XCTAssertEqual(gw, 0, accuracy: 1e-12)
        XCTAssertEqual(gb, 0, accuracy: 1e-12)
        // Moving away from the MLE lowers the likelihood.
        let at = LinearGaussianModel.logLikelihood(w: fit.w.estimate, b: fit.b.estimate, sigma2: fit.sigma2MLE, statistics: s)
        XCTAssertEqual(at, fit.logLikelihood, accuracy: 1e-12 * abs(at))
        XCTAssertLessThan(LinearGaussianModel.logLikelihood(w: fit.w.estimate + 0.01, b: fit.b.estimate,
                                                            sigma2: fit.sigma2MLE, statistics: s), at)
    }

    func testSufficientStatisticsMatchTwoPassAndMergeExactly() {
        var random = RandomGenerator(seed: 3)
        let n = 700_001
        let x = (0..<n).map { _ in 1e6 + random.nextNormal() }
        let y = x.map { 3 * $0 + random.nextNormal() }
        let s = SufficientStatistics(x: x, y: y)
        // Reference: two passes in compensated (Kahan) summation.
        func kahan(_ values: [Double]) -> Double {
            var sum = 0.0, c = 0.0
            for v in values { let t = sum + (v - c); c = (t - sum) - (v - c); sum = t }
            return sum
        }
        let mx = kahan(x) / Double(n), my = kahan(y) / Double(n)
        let sxx = kahan(x.map { ($0 - mx) * ($0 - mx) })
        let sxy = kahan(zip(x, y).map { ($0 - mx) * ($1 - my) })
        XCTAssertEqual(s.n, n)
        XCTAssertEqual(s.meanX, mx, accuracy: 1e-15 * mx)
        XCTAssertEqual(s.sxx, sxx, accuracy: 1e-11 * sxx)
        XCTAssertEqual(s.sxy, sxy, accuracy: 1e-11 * sxy)
        // The moment form of RSS agrees with a direct sum.
        let direct = kahan(zip(x, y).map { let r = $1 - 2.9 * $0 - 5; return r * r })
        XCTAssertEqual(s.rss(w: 2.9, b: 5), direct, accuracy: 1e-9 * direct)
    }

    func testDegenerateDataAreDiagnosed() {
        XCTAssertThrowsError(try LinearGaussianModel.fit(x: [1, 2], y: [1, 2])) {
            XCTAssertEqual($0 as? FitError, .tooFewPoints(n: 2, needed: 3))
        }
        XCTAssertThrowsError(try LinearGaussianModel.fit(x: [2, 2, 2, 2], y: [1, 2, 3, 4])) {
            XCTAssertEqual($0 as? FitError, .constantPredictor)
        }
        XCTAssertThrowsError(try LinearGaussianModel.fit(x: [1, 2, 3, 4], y: [3, 5, 7, 9])) {
            XCTAssertEqual($0 as? FitError, .perfectFit)
        }
        XCTAssertThrowsError(try LinearGaussianModel.fit(x: [1, 2, 3, 4], y: [3, 3, 3, 3])) {
            XCTAssertEqual($0 as? FitError, .perfectFit)
        }
        XCTAssertThrowsError(try LinearGaussianModel.fit(x: [1, 2, 3], y: [3, 3]))
    }

    func testGradientDescentEndsAtTheClosedForm() throws {
        let data = BuiltinData.linear()
        let fit = try LinearGaussianModel.fit(x: try data.numbers("x"), y: try data.numbers("y"))
        let path = GradientDescent.linear(fit.statistics, standardised: false)
        XCTAssertTrue(path.converged)
        XCTAssertEqual(path.points.first, Parameters(w: 0, b: 0))
        // 1e-8 relative, as promised in the report.
        XCTAssertEqual(path.end.w, fit.w.estimate, accuracy: 1e-8 * abs(fit.w.estimate))
        XCTAssertEqual(path.end.b, fit.b.estimate, accuracy: 1e-8 * abs(fit.b.estimate))
        // The loss decreases monotonically along the recorded path.
        let losses = path.points.map { LinearGaussianModel.meanSquaredError(w: $0.w, b: $0.b, statistics: fit.statistics) }
        // Allow rounding near the minimum, where successive losses differ in the last bits.
        for k in 1..<losses.count { XCTAssertLessThanOrEqual(losses[k], losses[k - 1] * (1 + 1e-13)) }
    }

    /// The one-predictor fit is the several-predictor least-squares fit on [1, x] (issue 19):
    /// the centred moments' triangle is [1, x, y]'s R (RᵀR is their Gram matrix, by hand
    /// from the sums), and it gives what the Householder QR of the rows and the streamed
    /// triangle of 150,000 rows give, in every estimate, standard error and log L.
    func testOnePredictorIsTheCasePEqualsOneOfLeastSquares() throws {
        let x = Self.norrisX, y = Self.norrisY
        let s = SufficientStatistics(x: x, y: y)
        let t = s.triangle(residualSumOfSquares: s.residualSumOfSquares(x: x, y: y))
        let columns = [[Double](repeating: 1, count: x.count), x, y]
        for a in 0..<3 {
            for b in a..<3 {
                let gram = zip(columns[a], columns[b]).map(*).reduce(0, +)
                let fromR = (0...a).map { t[$0, a] * t[$0, b] }.reduce(0, +)
                XCTAssertEqual(fromR, gram, accuracy: 1e-12 * max(1, abs(gram)), "Gram[\(a), \(b)]")
            }
        }
        let fit = try LinearGaussianModel.fit(x: x, y: y)
        let qr = try LinearRegression(design: .line(x), y: y)
        XCTAssertEqual(fit.w.estimate, qr.estimates[1].coefficient.estimate, accuracy: 1e-13)
        XCTAssertEqual(fit.b.estimate, qr.estimates[0].coefficient.estimate, accuracy: 1e-12)
        XCTAssertEqual(fit.w.standardError, qr.estimates[1].coefficient.standardError, accuracy: 1e-15)
        XCTAssertEqual(fit.b.standardError, qr.estimates[0].coefficient.standardError, accuracy: 1e-13)
        XCTAssertEqual(fit.logLikelihood, qr.logLikelihood, accuracy: 1e-11)
        XCTAssertEqual(fit.rSquared, qr.rSquared, accuracy: 1e-14)
        // The page's check sums the squared residuals at (ŵ, b̂) itself: RSS/n.
        XCTAssertEqual(LinearGaussianModel.meanSquaredError(w: fit.w.estimate, b: fit.b.estimate, x: x, y: y), fit.sigma2MLE,
                       accuracy: 1e-14 * fit.sigma2MLE)
        XCTAssertEqual(fit.rss, 26.6173985294224, accuracy: 1e-12 * 26.6173985294224, "NIST's certified RSS")
        // Many rows: the streamed QR of the design and the moments agree too.
        var random = RandomGenerator(seed: 19)
        let bx = (0..<150_000).map { _ in 50 + 10 * random.nextUniform() }
        let by = bx.map { 3 - 0.5 * $0 + random.nextUniform() - 0.5 }
        let big = try LinearGaussianModel.fit(x: bx, y: by)
        let streamed = try LinearRegression(design: .line(bx), y: by)
        XCTAssertEqual(big.w.estimate, streamed.estimates[1].coefficient.estimate, accuracy: 1e-11 * big.w.standardError)
        XCTAssertEqual(big.b.estimate, streamed.estimates[0].coefficient.estimate, accuracy: 1e-11 * big.b.standardError)
        XCTAssertEqual(big.w.standardError, streamed.estimates[1].coefficient.standardError, accuracy: 1e-10 * big.w.standardError)
        XCTAssertEqual(big.logLikelihood, streamed.logLikelihood, accuracy: 1e-9)
    }
}
