import Foundation
import Plot
import XCTest

/// `--check-tolerance`: a report rendered elsewhere (other libraries, other bytes, the same
/// picture) is current; a changed number is not.
final class CheckToleranceTests: CLITestCase {
    /// Decodes a PNG, nudges `count` pixels by `delta` and encodes it again (libpng's own
    /// choices: other bytes than Cairo's path gives).
    func perturb(_ path: String, count: Int, delta: Int) throws {
        let image = try PNGCodec.decode(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        var rgb = [UInt8](repeating: 0, count: image.width * image.height * 3)
        for k in 0..<(image.width * image.height) {
            for c in 0..<3 { rgb[3 * k + c] = image.rgba[4 * k + c] }
        }
        for k in 0..<count {
            let i = (k * 7919) % rgb.count
            rgb[i] = UInt8(max(0, min(255, Int(rgb[i]) + (k % 2 == 0 ? delta : -delta))))
        }
        try Data(try PNGCodec.encode(rgb: rgb, width: image.width, height: image.height, dpi: 144)).write(to: URL(fileURLWithPath: path))
    }

    func testReencodedAndSlightlyPerturbedFiguresPassAndChangedNumbersFail() throws {
        XCTAssertEqual(try run(["--out", "R", "--quiet"]).status, 0)
        try perturb(path("R/figures/linear-fit.png"), count: 2000, delta: 3)
        try perturb(path("R/figures/logistic-likelihood.png"), count: 0, delta: 0)
        var r = try run(["--out", "R", "--check"])
        XCTAssertEqual(r.status, 3, "bytes differ: the exact check fails")
        XCTAssertTrue(r.stderr.contains("figures/linear-fit.png (changed)"), r.stderr)
        r = try run(["--out", "R", "--check-tolerance", "1"])
        XCTAssertEqual(r.status, 0, "the same pictures within RMS 1: \(r.stderr)")
        // A visibly different picture fails, with its RMS.
        try perturb(path("R/figures/linear-fit.png"), count: 400_000, delta: 60)
        r = try run(["--out", "R", "--check-tolerance", "1"])
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.stderr.contains("figures/linear-fit.png (changed: RMS "), r.stderr)
        // Numbers are compared exactly whatever the tolerance.
        XCTAssertEqual(try run(["--out", "R", "--quiet"]).status, 0)
        let json = path("R/report.json")
        let text = try String(contentsOfFile: json, encoding: .utf8)
        try text.replacingOccurrences(of: "\"n\": 50", with: "\"n\": 51").write(toFile: json, atomically: true, encoding: .utf8)
        r = try run(["--out", "R", "--check-tolerance", "255"])
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.stderr.contains("report.json (changed)"), r.stderr)
        XCTAssertEqual(try run(["--check-tolerance", "0x1"]).status, 2)
    }
}
