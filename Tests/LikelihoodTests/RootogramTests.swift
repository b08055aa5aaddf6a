import Foundation
import XCTest
@testable import Likelihood

/// The rootogram's bars: the central 99 % of the counts, one count per bar or in round
/// widths, the rest pooled; every row counted once and the expected frequencies summing to n.
final class RootogramTests: XCTestCase {
    func bars(mean: Double, n: Int, seed: UInt64) throws -> (PoissonModel.RootogramBars, Int) {
        var random = RandomGenerator(seed: seed)
        var x: [Double] = [], y: [Double] = []
        for _ in 0..<n {
            let xi = random.nextUniform()
            let mu = mean * exp(0.5 * (xi - 0.5))
            // Poisson by counting exponential gaps (small means) or a rounded normal (large).
            var k = 0
            if mu < 30 {
                var t = -log(random.nextUniform())
                while t < mu { k += 1; t -= log(random.nextUniform()) }
            } else {
                k = max(0, Int((mu + mu.squareRoot() * random.nextNormal()).rounded()))
            }
            x.append(xi); y.append(Double(k))
        }
        let fit = try PoissonModel.fit(x: x, y: y)
        return (PoissonModel.rootogramBars(fit, x: x, y: y), n)
    }

    func testSmallCountsGetOneBarEachFromZero() throws {
        let (r, n) = try bars(mean: 3, n: 2_000, seed: 3)
        XCTAssertEqual(r.width, 1)
        XCTAssertEqual(r.lo, 0)
        XCTAssertFalse(r.pooledBelow)
        XCTAssertEqual(r.observed.reduce(0, +), Double(n))
        XCTAssertEqual(r.expected.reduce(0, +), Double(n), accuracy: 1e-9 * Double(n))
        XCTAssertEqual(r.ranges.last!.0, r.hi + 1)
    }

    /// Counts near 150 (as ISLP's Bikeshare): bars of several counts, none of the wide
    /// counts hidden in one pooled bar (the old rootogram stopped at 40).
    func testLargeCountsGetRoundWidthsAndPooledEnds() throws {
        let (r, n) = try bars(mean: 150, n: 5_000, seed: 4)
        XCTAssertGreaterThan(r.width, 1)
        XCTAssertTrue([2, 5, 10, 20, 50].contains(r.width), "\(r.width)")
        XCTAssertLessThanOrEqual(r.ranges.count, 42)
        XCTAssertTrue(r.pooledBelow)
        XCTAssertEqual(r.observed.reduce(0, +), Double(n))
        XCTAssertEqual(r.expected.reduce(0, +), Double(n), accuracy: 1e-9 * Double(n))
        // The pooled bars hold about 1 % of the rows between them.
        let pooled = r.observed.first! + r.observed.last!
        XCTAssertLessThan(pooled, 0.03 * Double(n))
        // Consecutive inner bars tile lo…hi.
        for j in 1..<(r.ranges.count - 1) { XCTAssertEqual(r.ranges[j].1 - r.ranges[j].0 + 1, r.width) }
    }

    /// Means of 10⁶: the bars take the normal approximation (a walk over every count would be
    /// slow); the mass still sums to n, and the cost is bounded per row.
    func testHugeMeansStayFastAndConserveMass() throws {
        let (r, n) = try bars(mean: 1e6, n: 2_000, seed: 5)
        XCTAssertEqual(r.observed.reduce(0, +), Double(n))
        XCTAssertEqual(r.expected.reduce(0, +), Double(n), accuracy: 1e-6 * Double(n))
        XCTAssertLessThanOrEqual(r.ranges.count, 42)
    }
}
