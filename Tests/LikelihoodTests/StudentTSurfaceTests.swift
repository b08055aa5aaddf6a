import XCTest
@testable import Likelihood

/// The binned Student-t surface against the exact sum over every row, within its stated bound.
final class StudentTSurfaceTests: XCTestCase {
    /// 30,000 rows around y = 1 + 2x: most with small noise, one in ten far off the line (the
    /// far bins), and three absurdly far (summed apart).
    func heavyTailedRows() -> (x: [Double], y: [Double]) {
        var state: UInt64 = 2026
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var x: [Double] = [], y: [Double] = []
        for k in 0..<30_000 {
            let xi = 10 * uniform()
            let noise = k % 10 == 0 ? 400 * (uniform() - 0.5) : uniform() - 0.5
            x.append(xi)
            y.append(1 + 2 * xi + noise)
        }
        for (k, far) in [1e33, -4e35, 2.5e40].enumerated() { x[7 + k] = 3; y[7 + k] = far }
        return (x, y)
    }

    func check(ws: [Double], bs: [Double], scale: Double, nu: Double, x: [Double], y: [Double],
               file: StaticString = #filePath, line: UInt = #line) -> (error: Double, worst: Double) {
        let (values, error) = StudentTSurface.logLikelihoods(x: x, y: y, ws: ws, bs: bs, scale: scale, nu: nu)
        var worst = 0.0
        for (j, b) in bs.enumerated() {
            for (i, w) in ws.enumerated() {
                let exact = StudentTModel.logLikelihood(Parameters(w: w, b: b), scale: scale, nu: nu, x: x, y: y)
                let difference = abs(values[j * ws.count + i] - exact)
                worst = max(worst, difference)
                // The exact sum of 30,000 terms carries its own rounding, ~1e-12 of its size.
                XCTAssertLessThanOrEqual(difference, error + 1e-12 * abs(exact), "w = \(w), b = \(b)", file: file, line: line)
            }
        }
        return (error, worst)
    }

    func testBinnedSurfaceIsWithinItsBoundOfTheExactSum() {
        let (x, y) = heavyTailedRows()
        // A window as the report draws it (a few standard errors), another reaching a far
        // start (wide intercept steps: several near bins per step), and a very narrow one (the
        // near bins as wide as the step).
        let windows: [([Double], [Double])] = [
            (SurfaceGrid.axis(1.98, 2.02, count: 9), SurfaceGrid.axis(0.9, 1.1, count: 11)),
            (SurfaceGrid.axis(1.0, 3.0, count: 7), SurfaceGrid.axis(-20, 25, count: 13)),
            (SurfaceGrid.axis(1.999, 2.001, count: 5), SurfaceGrid.axis(0.9999, 1.0001, count: 6)),
        ]
        for (ws, bs) in windows {
            for (scale, nu) in [(0.3, 2.0), (0.29, 0.7), (1.5, 25.0)] {
                let (error, worst) = check(ws: ws, bs: bs, scale: scale, nu: nu, x: x, y: y)
                // Small against the 95 % region's depth, χ²₂(0.95)/2 ≈ 3.
                XCTAssertLessThan(error, 0.01, "bound for s = \(scale), ν = \(nu)")
                XCTAssertGreaterThan(worst, 0, "the surface is binned, not summed")
            }
        }
    }

    /// A degenerate intercept axis (all equal) is summed exactly rather than binned.
    func testEqualInterceptsAreSummedExactly() {
        let (x, y) = heavyTailedRows()
        let ws = [1.99, 2.0, 2.01], bs = [1.0, 1.0]
        let (values, error) = StudentTSurface.logLikelihoods(x: x, y: y, ws: ws, bs: bs, scale: 0.3, nu: 2)
        XCTAssertEqual(error, 0)
        for (j, b) in bs.enumerated() {
            for (i, w) in ws.enumerated() {
                XCTAssertEqual(values[j * ws.count + i], StudentTModel.logLikelihood(Parameters(w: w, b: b), scale: 0.3, nu: 2, x: x, y: y))
            }
        }
    }

    /// |g⁗(t)| ≤ 12(ν+1)/(ν+t²)² for g(t) = (ν+1)/2 · log(1 + t²/ν), the envelope the bound uses.
    func testFourthDerivativeEnvelope() {
        for nu in [0.3, 1, 3, 30, 300] {
            var t = -200.0
            while t <= 200 {
                let q = nu + t * t
                let fourth = (nu + 1) / 2 * -12 * (t * t * t * t - 6 * nu * t * t + nu * nu) / (q * q * q * q)
                XCTAssertLessThanOrEqual(abs(fourth), 12 * (nu + 1) / (q * q) * (1 + 1e-12), "ν = \(nu), t = \(t)")
                t += 0.0137
            }
            // The closed form against a finite difference of the closed g‴.
            let third = { (t: Double) -> Double in (nu + 1) / 2 * 4 * t * (t * t - 3 * nu) / pow(nu + t * t, 3) }
            for t in [0.0, 0.4, 1.7, 9.0] {
                let q = nu + t * t
                let fourth = (nu + 1) / 2 * -12 * (t * t * t * t - 6 * nu * t * t + nu * nu) / (q * q * q * q)
                let h = 1e-5 * max(1, abs(t))
                XCTAssertEqual((third(t + h) - third(t - h)) / (2 * h), fourth, accuracy: 1e-6 * max(1, abs(fourth)))
            }
        }
    }
}
