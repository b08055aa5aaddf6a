import XCTest
@testable import Likelihood

/// Reference values are R's `qt` and `qnorm` (16 digits); checked against scipy.stats.
final class DistributionsTests: XCTestCase {
    func testStudentQuantilesMatchPublishedValues() {
        // Tolerance 1e-12 relative: the incomplete beta is accurate to about 1e-14.
        let cases: [(Double, Double)] = [(1, 12.70620473617471), (2, 4.302652729749464),
                                         (10, 2.228138851986274), (34, 2.032244509317718),
                                         (1000, 1.962339080826408)]
        for (nu, expected) in cases {
            let q = Distributions.studentTQuantile(0.975, degreesOfFreedom: nu)
            XCTAssertEqual(q, expected, accuracy: 1e-12 * expected, "nu = \(nu)")
        }
    }

    func testStudentCDFClosedFormForOneAndTwoDegrees() {
        // ν = 1 is Cauchy: F(t) = 1/2 + atan(t)/π. ν = 2: F(t) = 1/2 + t / (2 sqrt(2 + t²)).
        for t in [-3.0, -0.5, 0.0, 0.7, 2.5, 40] {
            XCTAssertEqual(Distributions.studentTCDF(t, degreesOfFreedom: 1), 0.5 + atan(t) / .pi, accuracy: 1e-14)
            XCTAssertEqual(Distributions.studentTCDF(t, degreesOfFreedom: 2), 0.5 + t / (2 * (2 + t * t).squareRoot()),
                           accuracy: 1e-14)
        }
    }

    func testNormalAndChiSquared() {
        XCTAssertEqual(Distributions.normalTwoSidedP(Distributions.normalQuantile975), 0.05, accuracy: 1e-15)
        // χ²₂(0.95) = −2 log 0.05 = 5.991464547107979 (R: qchisq(0.95, 2)).
        XCTAssertEqual(Distributions.chiSquared2Quantile(0.95), 5.991464547107979, accuracy: 1e-14)
    }
}
