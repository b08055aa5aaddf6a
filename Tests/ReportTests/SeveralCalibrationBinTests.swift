import XCTest
@testable import Likelihood
@testable import Report

/// The calibration figure's count of bins the model fits: a bin's observed share estimates the
/// mean of σ(η̂) over its rows, not σ at the bin's mean η̂. With 10⁶ rows a bin, Jensen's gap
/// between the two (about 0.01 for η̂ spread over [1, 3]) is ten times the interval's half-width,
/// so the curve at the mean misses intervals the model's own mean hits.
final class SeveralCalibrationBinTests: XCTestCase {
    func testBinsCompareTheMeanFittedValueNotTheCurveAtTheMean() {
        let n = 2_000_000
        let half = n / 2
        // η̂ spread evenly over [−3, −1] in the first half of the rows and [1, 3] in the second.
        var eta = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let u = Double(i % half) / Double(half)
            eta[i] = i < half ? -3 + 2 * u : 1 + 2 * u
        }
        let p = eta.map(Numerics.sigmoid)
        // Responses whose mean in every bin is exactly the model's mean (shares, not labels).
        let bins = SeveralFigures.bins(x: eta, y: p, count: 2, kind: .logistic, fitted: p)
        XCTAssertEqual(bins.count, 2)
        for b in bins {
            XCTAssertEqual(Double(b.count), Double(half), accuracy: 0.01 * Double(half))
            XCTAssertEqual(b.expected, b.mean, accuracy: 1e-12)
            XCTAssertTrue(b.low <= b.expected && b.expected <= b.high)
            let atMean = Numerics.sigmoid(b.x)
            XCTAssertGreaterThan(abs(atMean - b.mean), 5 * (b.high - b.low), "Jensen's gap dwarfs the interval")
            XCTAssertFalse(b.low <= atMean && atMean <= b.high)
        }
    }
}
