import Dispatch
import Foundation

/// The fitted Laplace model `y = w·x + b + ε`, `ε ~ Laplace(0, s)`: least absolute deviations.
public struct LaplaceFit: LineFit, Equatable {
    public var n: Int
    public var w: Coefficient
    public var b: Coefficient
    /// The MLE of the scale, ŝ = Σ|rᵢ| / n (the mean absolute error at the optimum).
    public var scale: Double
    /// Σ|yᵢ − ŵxᵢ − b̂|, the least sum of absolute deviations.
    public var sumAbsoluteDeviations: Double
    /// log L = −n·log(2ŝ) − n.
    public var logLikelihood: Double
    public var parameterCount: Int { LaplaceModel.parameterCount }
    /// Pivot steps of the exact method (each a line through two data points).
    public var iterations: Int
    public var converged: Bool { true }
    /// The 0-based rows the optimal line passes through.
    public var support: [Int]
    /// The exact method's iterates: the start line, then lines through two data points,
    /// ending at the optimum.
    public var path: [Parameters]
    /// Where the exact method started, in words.
    public var start: String
    /// The corners of the set of optimal lines, in order around it; one point when the
    /// optimum is unique.
    public var optimalSet: [Parameters]
    public var isUnique: Bool { optimalSet.count <= 1 }
    /// The subgradient certificate: the least bound on multipliers of the rows on the line
    /// that balances the signs of all the others (at most 1 proves the optimum; see
    /// `LeastAbsoluteDeviations.lineCertificate`).
    public var certificate: Double
    /// Covariance of (ŵ, b̂): ŝ²(XᵀX)⁻¹.
    public var covariance: (ww: Double, wb: Double, bb: Double)

    public func logDensity(x: Double, y: Double) -> Double {
        -log(2 * scale) - abs(y - w.estimate * x - b.estimate) / scale
    }

    public static func == (a: LaplaceFit, b: LaplaceFit) -> Bool {
        a.w == b.w && a.b == b.b && a.scale == b.scale && a.path == b.path && a.optimalSet == b.optimalSet
    }
}

/// Maximum likelihood under Laplace noise.
///
/// For any scale s the negative log-likelihood `n·log(2s) + Σ|rᵢ|/s` is minimised over the
/// line by the least-absolute-deviations line, so the MLE is that line and ŝ = mean |r|.
/// The fit is `LeastAbsoluteDeviations` on the design [1, x] (its p = 2 case, Wesolowsky's
/// exact descent: `LeastAbsoluteLine.swift`), which also gives the standard errors
/// ŝ·√((XᵀX)⁻¹) from the triangle of the centred moments, the certificate, and the pivot path
/// and optimal set the page draws.
public enum LaplaceModel {
    public static let parameterCount = 3

    /// Fits the model. - Complexity: O(n) per pivot (a handful at any n).
    public static func fit(x: [Double], y: [Double]) throws -> LaplaceFit {
        guard x.count == y.count else { throw FitError.lengthMismatch(x: x.count, y: y.count) }
        let n = x.count
        guard n >= 3 else { throw FitError.tooFewPoints(n: n, needed: 3) }
        let stats = SufficientStatistics(x: x, y: y)
        guard stats.xVaries else { throw FitError.constantPredictor }
        let lad: LeastAbsoluteDeviations
        do {
            lad = try LeastAbsoluteDeviations(line: .line(x), x: x, y: y, statistics: stats)
        } catch LADError.perfectFit {
            throw FitError.perfectFit
        }
        let descent = lad.line!
        let gram = lad.qr.inverseGram, s2 = lad.scale * lad.scale
        return LaplaceFit(n: n, w: lad.estimates[1].coefficient, b: lad.estimates[0].coefficient,
                          scale: lad.scale, sumAbsoluteDeviations: lad.sumAbsoluteDeviations, logLikelihood: lad.logLikelihood,
                          iterations: lad.pivots, support: lad.basis, path: descent.path, start: descent.start,
                          optimalSet: descent.optimalSet, certificate: lad.largestMultiplier,
                          covariance: (s2 * gram[1, 1], s2 * gram[0, 1], s2 * gram[0, 0]))
    }

    /// The mean absolute error of a line. - Complexity: O(n).
    public static func meanAbsoluteError(_ line: Parameters, x: [Double], y: [Double]) -> Double {
        LeastAbsoluteDeviations.sumAbsolute(line, x: x, y: y) / Double(x.count)
    }
}

extension LaplaceModel {
    /// Σ|yᵢ − w xᵢ − b| at every point of a grid, exactly, in O(n) per column of w (not per
    /// grid point): for one w the residuals zᵢ = yᵢ − w xᵢ are dropped into the cells between
    /// consecutive b of the (evenly spaced) axis, and each cell's count and sum give the sum of
    /// |zᵢ − b| at every b by a running total. Columns run in parallel, each writing its own
    /// slots. - Complexity: O(n · w.count + w.count · b.count).
    public static func sumAbsoluteGrid(x: [Double], y: [Double], w ws: [Double], b bs: [Double]) -> SurfaceGrid {
        let nb = bs.count
        let b0 = bs[0], step = (bs[nb - 1] - bs[0]) / Double(nb - 1)
        var values = [Double](repeating: 0, count: ws.count * nb)
        values.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: ws.count) { i in
                let w = ws[i]
                // Cell k holds the z in (b_k, b_{k+1}]; cell 0 everything up to b_0, the last
                // everything above the top. Sums are kept relative to b_0 for accuracy.
                // Four interleaved copies of the cells' counts and sums, merged after the pass:
                // consecutive rows often share a cell, and one copy would make each update wait
                // for the previous one.
                let lanes = 4
                var counts = [Double](repeating: 0, count: lanes * (nb + 1))
                var sums = [Double](repeating: 0, count: lanes * (nb + 1))
                var totals = (0.0, 0.0, 0.0, 0.0)
                let inverse = 1 / step, top = Double(nb - 1)
                counts.withUnsafeMutableBufferPointer { c in
                    sums.withUnsafeMutableBufferPointer { t in
                        x.withUnsafeBufferPointer { xs in
                            y.withUnsafeBufferPointer { ys in
                                @inline(__always) func cell(_ z: Double) -> Int {
                                    // Cell ⌊position⌋ + 1 holds b_{cell−1} < z ≤ b_cell, cell 0 everything
                                    // below b_0 and cell nb everything above the top (a z exactly on a grid
                                    // value may land one cell up, where |z − b| = 0 anyway). Clamped without
                                    // branches: on a narrow window most rows fall outside it, on either side
                                    // at random.
                                    Int(Swift.min(Swift.max(z * inverse, -1), top).rounded(.down)) + 1
                                }
                                var k = 0
                                let m = xs.count
                                while k + 4 <= m {
                                    let z0 = ys[k] - w * xs[k] - b0, z1 = ys[k + 1] - w * xs[k + 1] - b0
                                    let z2 = ys[k + 2] - w * xs[k + 2] - b0, z3 = ys[k + 3] - w * xs[k + 3] - b0
                                    let c0 = cell(z0) * lanes, c1 = cell(z1) * lanes + 1, c2 = cell(z2) * lanes + 2, c3 = cell(z3) * lanes + 3
                                    c[c0] += 1; t[c0] += z0; c[c1] += 1; t[c1] += z1
                                    c[c2] += 1; t[c2] += z2; c[c3] += 1; t[c3] += z3
                                    totals.0 += z0; totals.1 += z1; totals.2 += z2; totals.3 += z3
                                    k += 4
                                }
                                while k < m {
                                    let z = ys[k] - w * xs[k] - b0
                                    let ck = cell(z) * lanes
                                    c[ck] += 1; t[ck] += z; totals.0 += z
                                    k += 1
                                }
                            }
                        }
                    }
                }
                var count = [Double](repeating: 0, count: nb + 1)
                var sum = [Double](repeating: 0, count: nb + 1)
                for j in 0...nb {
                    for lane in 0..<lanes { count[j] += counts[j * lanes + lane]; sum[j] += sums[j * lanes + lane] }
                }
                let total = (totals.0 + totals.1) + (totals.2 + totals.3)
                // Sweep b upward: below = the z at or below b_j.
                var belowCount = 0.0, belowSum = 0.0
                let n = Double(x.count)
                for j in 0..<nb {
                    belowCount += count[j]; belowSum += sum[j]
                    let t = bs[j] - b0
                    let above = (total - belowSum) - t * (n - belowCount)
                    let below = t * belowCount - belowSum
                    base[j * ws.count + i] = max(0, above + below)
                }
            }
        }
        return SurfaceGrid(w: ws, b: bs, values: values)
    }

    /// Subgradient descent on the mean absolute error from (0, 0), in standardised
    /// coordinates (v, c) (x centred and scaled), mapped back: the direction −g/‖g‖ for a
    /// subgradient g = −(1/n) Σ sign(rᵢ)(zᵢ, 1), the step α₀/√(t + 1) with α₀ the mean absolute
    /// deviation of y about its mean. With a kinked loss it does not settle on the optimum:
    /// the iterates hover around it at the scale of the current step. The best iterate is kept.
    /// - Complexity: O(n) per step.
    public static func subgradientPath(x: [Double], y: [Double], standardisation z: Standardisation, steps: Int) -> OptimizerPath {
        let n = Double(x.count)
        let meanY = y.reduce(0, +) / n
        let alpha0 = max(y.reduce(0) { $0 + abs($1 - meanY) } / n, 1e-300)
        var v = 0.0, c = 0.0
        var points = [Parameters(w: 0, b: 0)]
        var best = (loss: Double.infinity, point: Parameters(w: 0, b: 0))
        for t in 0..<steps {
            var gv = 0.0, gc = 0.0, loss = 0.0
            for k in x.indices {
                let zk = (x[k] - z.mean) / z.scale
                let r = y[k] - v * zk - c
                loss += abs(r)
                let sign: Double = r > 0 ? 1 : (r < 0 ? -1 : 0)
                gv -= sign * zk; gc -= sign
            }
            if loss < best.loss { best = (loss, Parameters(w: v, b: c)) }
            let norm = (gv * gv + gc * gc).squareRoot()
            guard norm > 0 else { return OptimizerPath(points: points, iterations: t, converged: true, learningRate: alpha0, standardisation: z) }
            let step = alpha0 / Double(t + 1).squareRoot()
            v -= step * gv / norm; c -= step * gc / norm
            points.append(Parameters(w: v, b: c))
        }
        // End on the best iterate (the usual report of a subgradient method).
        let finalLoss = LeastAbsoluteDeviations.sumAbsolute(z.original(Parameters(w: v, b: c)), x: x, y: y)
        if best.loss < finalLoss { points.append(best.point) }
        return OptimizerPath(points: points, iterations: steps, converged: false, learningRate: alpha0, standardisation: z)
    }
}
