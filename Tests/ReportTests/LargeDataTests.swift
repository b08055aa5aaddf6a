import Foundation
import XCTest

/// Data past the thresholds where scatters become densities and the logistic surfaces use
/// bins: the page says what is approximated and by how much, and the figures stay small.
final class LargeDataTests: CLITestCase {
    /// 30,000 rows: x spread over [0, 100), y = 2x + 1 + noise, a label whose log-odds are (x − 50)/5.
    func writeData() -> String {
        var text = "x,y,label\n"
        var state: UInt64 = 12345
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        for _ in 0..<30_000 {
            let x = 100 * uniform()
            let y = 2 * x + 1 + 10 * (uniform() - 0.5)
            let p = 1 / (1 + exp(-(x - 50) / 5))
            text += "\(x),\(y),\(uniform() < p ? 1 : 0)\n"
        }
        return write("big.csv", text)
    }

    func testBinnedSurfacesAreSaidAndBoundedAndFiguresStaySmall() throws {
        let data = writeData()
        let r = try run(["--data", data, "--x", "x", "--y", "label", "--model", "logistic", "--out", "L", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let page = text("L/index.html")
        XCTAssertTrue(page.contains("With n = 30\u{202F}000 rows and a continuous x"), "the page says what is binned")
        // Plain descent on x in [0, 100) may not arrive (the page says so); every other check
        // holds, including the binned minimum against the exact MLE.
        XCTAssertFalse(page.contains("✗ too far"))
        XCTAssertFalse(page.contains("✗ fails"))
        XCTAssertTrue(page.contains("✓ holds</td></tr>"))
        let model = (try json("L/report.json")["models"] as! [[String: Any]])[0]
        let approximation = try XCTUnwrap(model["approximation"] as? [String: Any])
        let bound = approximation["max_log_likelihood_error"] as! Double
        XCTAssertGreaterThan(bound, 0)
        XCTAssertLessThan(bound, 0.1, "well below the region's depth of 3")
        XCTAssertEqual((model["gradient_descent"] as! [String: Any])["arrived"] as? Bool, true)
        XCTAssertTrue(page.contains("the binned loss&#39;s minimum lies"))
        for name in ["logistic-fit", "logistic-likelihood", "logistic-contours", "logistic-standardised"] {
            for ext in ["png", "svg"] {
                let size = try FileManager.default.attributesOfItem(atPath: path("L/figures/\(name).\(ext)"))[.size] as! Int
                XCTAssertLessThan(size, 1 << 20, "\(name).\(ext) is \(size) bytes")
            }
        }
        let linear = try run(["--data", data, "--x", "x", "--y", "y", "--out", "G", "--quiet"])
        XCTAssertEqual(linear.status, 0, linear.stderr)
        let svg = self.text("G/figures/linear-fit.svg")
        XCTAssertLessThan(svg.utf8.count, 1 << 20)
        XCTAssertTrue(self.text("G/index.html").contains("of 400 points drawn at random (seed 7) from the 30\u{202F}000"))
    }
}
