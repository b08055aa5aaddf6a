import XCTest
@testable import Plot

final class TicksTests: XCTestCase {
    func testNiceStepsFollowOneTwoTwoPointFiveFive() {
        let t = Ticks.nice(lower: 0, upper: 10, maxCount: 7)
        XCTAssertEqual(t.values, [0, 2, 4, 6, 8, 10])
        XCTAssertEqual(t.labels, ["0", "2", "4", "6", "8", "10"])
        let u = Ticks.nice(lower: -1.03, upper: 0.66, maxCount: 8)
        XCTAssertEqual(u.step, 0.25)
        XCTAssertEqual(u.labels, ["\u{2212}1.00", "\u{2212}0.75", "\u{2212}0.50", "\u{2212}0.25", "0.00", "0.25", "0.50"])
        let v = Ticks.nice(lower: 1.62, upper: 2.39, maxCount: 9)
        XCTAssertEqual(v.step, 0.1, accuracy: 1e-15)
        XCTAssertEqual(v.labels.first, "1.7")
        XCTAssertEqual(v.labels.last, "2.3")
        let w = Ticks.nice(lower: -255, upper: -97, maxCount: 5)
        XCTAssertEqual(w.step, 50)
        XCTAssertEqual(w.labels, ["\u{2212}250", "\u{2212}200", "\u{2212}150", "\u{2212}100"])
    }

    func testDegenerateAndNonFiniteRanges() {
        XCTAssertFalse(Ticks.nice(lower: 5, upper: 5).values.isEmpty)
        XCTAssertTrue(Ticks.nice(lower: .nan, upper: 1).values.isEmpty)
        XCTAssertEqual(Ticks.nice(lower: 10, upper: 0).values.first, 0)
        XCTAssertEqual(Ticks.format(-0.0001, decimals: 2), "0.00")
    }

    func testEveryTickLiesInTheRangeAndCountIsBounded() {
        var seed: UInt64 = 1
        for _ in 0..<500 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let a = Double(seed >> 11) / Double(1 << 53) * 2000 - 1000
            let b = a + Double((seed >> 3) % 1000 + 1) / 37
            let t = Ticks.nice(lower: a, upper: b, maxCount: 6)
            XCTAssertGreaterThanOrEqual(t.values.count, 2)
            XCTAssertLessThanOrEqual(t.values.count, 6)
            for v in t.values { XCTAssertTrue(v >= a - 1e-9 * abs(a) - 1e-12 && v <= b + 1e-9 * abs(b) + 1e-12) }
        }
    }
}
