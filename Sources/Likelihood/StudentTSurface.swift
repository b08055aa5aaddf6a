import Dispatch
import Foundation

/// The Student-t log-likelihood of every line on a grid, with s and ν held, from every row at
/// a cost of one pass over the rows per column of slopes (not per grid point), with a stated
/// bound on its error.
///
/// For a slope w, each row's residual in units of s, `u = (y − w x)/s`, goes into a bin. Near
/// the grid's intercepts (within `reach` of one, in units of s) the bins are at most
/// `1/binsPerUnit` wide; beyond, they widen in proportion to the distance (1/`binsPerUnit` of
/// it), since the loss bends less and less there. Each bin keeps its count and the sums of d,
/// d², d³ with d the offset from its centre c. For an intercept β = b/s, the loss of the bin's
/// rows, `Σ g(c + d − β)` with `g(t) = (ν+1)/2 · log(1 + t²/ν)`, is then its Taylor series
/// about c to third order, exactly, and the rest is at most `(1/24) · sup|g⁗| · Σ d⁴` over the
/// bin, with `|g⁗(t)| ≤ 12(ν+1)/(ν+t²)²` (from `d⁴/dt⁴ log(ν+t²) = −12(t⁴ − 6νt² + ν²)/(ν+t²)⁴`
/// and `|t⁴ − 6νt² + ν²| ≤ 2(ν+t²)²`, as `3t⁴ − 2νt² + 3ν² > 0`) taken where |t| is least over
/// the bin, and `Σ d⁴ ≤ count · (width/2)⁴`. The bound returned is the largest such sum over
/// the grid's points.
///
/// Rows beyond about 2·10²⁹ s from every intercept are summed exactly at the window's middle
/// instead, their change across the window bounded through |g′(t)| ≤ (ν+1)/|t|.
///
/// The near bins' width divides the grid's intercept step, so that a bin's offset from every
/// intercept falls on one lattice: g and its derivatives there are computed once per surface.
public enum StudentTSurface {
    /// Near bins per unit of s, at least.
    public static let binsPerUnit = 64.0
    /// How far (units of s) beyond the grid's intercepts the near bins reach.
    public static let reach = 32.0
    /// At most this many near bins; beyond, the reach shrinks (and the bound, which is
    /// computed, not assumed, grows).
    public static let maximumNearBins = 32_768

    /// `values[j * ws.count + i]` is log L(ws[i], bs[j]) (s and ν held) up to `error`: the
    /// largest |binned − exact| the construction allows anywhere on the grid. `bs` must be
    /// evenly spaced and increasing (as `SurfaceGrid.axis` makes them).
    public static func logLikelihoods(x: [Double], y: [Double], ws: [Double], bs: [Double], scale s: Double, nu: Double)
        -> (values: [Double], error: Double) {
        let n = x.count
        let nb = bs.count, nw = ws.count
        var values = [Double](repeating: 0, count: nb * nw)
        var errors = [Double](repeating: 0, count: nw)
        guard n > 0, nb > 0, nw > 0, s > 0, nu > 0, s.isFinite, nu.isFinite else { return (values, 0) }
        let beta0 = bs[0] / s
        let step = nb > 1 ? (bs[nb - 1] - bs[0]) / Double(nb - 1) / s : 1 / binsPerUnit
        guard step > 0, step.isFinite, beta0.isFinite else {
            // Not an increasing axis (no caller makes one): sum every row at every point.
            for (j, b) in bs.enumerated() {
                for (i, w) in ws.enumerated() {
                    values[j * nw + i] = StudentTModel.logLikelihood(Parameters(w: w, b: b), scale: s, nu: nu, x: x, y: y)
                }
            }
            return (values, 0)
        }
        // Near bins: width = step / m, at most 1/binsPerUnit, with at most maximumNearBins of
        // them over the window: when s is tiny against the window the bins are wider (the
        // error bound, a sum over the rows, grows to say so) instead of overflowing.
        let m = max(1, Int(min((step * binsPerUnit).rounded(.up), Double(max(1, maximumNearBins / max(1, nb))))))
        let width = step / Double(m)
        let betaSpan = step * Double(nb - 1)
        let reachUsed = min(reach, max(width, (Double(maximumNearBins) * width - betaSpan) / 2))
        let nearCount = max(1, Int(((betaSpan + 2 * reachUsed) / width).rounded(.up)))
        let nearLow = beta0 - reachUsed
        let nearHigh = nearLow + Double(nearCount) * width
        // Far bins: the k-th beyond an edge covers distances [R(e^{k/K} − 1), R(e^{(k+1)/K} − 1)).
        let perLog = binsPerUnit
        let farCount = 4096
        // Beyond R(e^{64} − 1) ≈ 2·10²⁹ R from the edges a row's loss hardly changes over the
        // window: it is summed exactly at the window's middle, and its change over the window
        // bounded by |g′| ≤ 2a/|t| (moments that far out would overflow).
        let farLimit = reachUsed * expm1(Double(farCount) / perLog)
        // Each far bin's middle distance and half-width.
        let farEdges = (0...farCount).map { reachUsed * expm1(Double($0) / perLog) }
        let farMiddle = (0..<farCount).map { (farEdges[$0] + farEdges[$0 + 1]) / 2 }
        let farHalf = (0..<farCount).map { (farEdges[$0 + 1] - farEdges[$0]) / 2 }
        let betaMiddle = beta0 + betaSpan / 2
        let a = (nu + 1) / 2
        let constant = Double(n) * (StudentTModel.logNormaliser(nu) - log(s))

        // The lattice: a near bin k and intercept j are t = (k − m j + ½)·width − reachUsed
        // apart; index L = k − m j + m(nb − 1).
        let latticeCount = nearCount + m * (nb - 1)
        var lattice = [Double](repeating: 0, count: 5 * latticeCount)
        /// g, g′, g″/2, g‴/6 at t, and the bound on the rest per row of a bin of half-width h
        /// about t: (1/24) · 12(ν+1)/(ν+t̃²)² · h⁴ with t̃ the least |t| over the bin.
        func terms(_ t: Double, half h: Double) -> (Double, Double, Double, Double, Double) {
            let q = nu + t * t
            let nearest = max(0, abs(t) - h)
            let e = nu + nearest * nearest
            return (a * log1p(t * t / nu), a * 2 * t / q, a * (nu - t * t) / (q * q),
                    a * 2 * t * (t * t - 3 * nu) / (3 * q * q * q), 12 * (nu + 1) / (e * e) / 24 * (h * h) * (h * h))
        }
        for index in 0..<latticeCount {
            let t = (Double(index - m * (nb - 1)) + 0.5) * width - reachUsed
            let (g, g1, g2, g3, rest) = terms(t, half: width / 2)
            lattice[5 * index] = g
            lattice[5 * index + 1] = g1
            lattice[5 * index + 2] = g2
            lattice[5 * index + 3] = g3
            lattice[5 * index + 4] = rest
        }

        values.withUnsafeMutableBufferPointer { out in
            errors.withUnsafeMutableBufferPointer { worst in
                let base = out.baseAddress!, worstBase = worst.baseAddress!
                lattice.withUnsafeBufferPointer { table in
                    let done = NSLock()
                    var columnsDone = 0
                    DispatchQueue.concurrentPerform(iterations: nw) { i in
                        defer {
                            done.lock()
                            columnsDone += 1
                            let finished = columnsDone
                            done.unlock()
                            FitProgress.note("Student-t: likelihood surface \(finished * 100 / nw) % (\(finished) of \(nw) columns over \(n) rows)")
                        }
                        let w = ws[i]
                        // Count and sums of d, d², d³ per bin, together: near bins, then far
                        // bins below, then far bins above.
                        let total = nearCount + 2 * farCount
                        var sums = [Double](repeating: 0, count: 4 * total)
                        var extremeLoss = 0.0, extremeBound = 0.0
                        let invWidth = 1 / width, invS = 1 / s
                        sums.withUnsafeMutableBufferPointer { bins in
                            x.withUnsafeBufferPointer { xs in
                                y.withUnsafeBufferPointer { ys in
                                    for r in 0..<n {
                                        let u = (ys[r] - w * xs[r]) * invS
                                        let k: Int, c: Double
                                        if u >= nearLow && u < nearHigh {
                                            k = min(nearCount - 1, Int((u - nearLow) * invWidth))
                                            c = nearLow + (Double(k) + 0.5) * width
                                        } else {
                                            let below = u < nearLow
                                            let distance = below ? nearLow - u : u - nearHigh
                                            if !(distance < farLimit) {
                                                let t = abs(u - betaMiddle)
                                                extremeLoss += a * (2 * log(t) - log(nu) + log1p(nu / t / t))
                                                extremeBound += 2 * a * (betaSpan / 2) / (t - betaSpan / 2)
                                                continue
                                            }
                                            let f = Int(min(Double(farCount - 1), (log1p(distance / reachUsed) * perLog).rounded(.down)))
                                            let middle = farMiddle[f]
                                            k = nearCount + (below ? f : farCount + f)
                                            c = below ? nearLow - middle : nearHigh + middle
                                        }
                                        let d = u - c
                                        let d2 = d * d
                                        bins[4 * k] += 1
                                        bins[4 * k + 1] += d
                                        bins[4 * k + 2] += d2
                                        bins[4 * k + 3] += d2 * d
                                    }
                                }
                            }
                            let usedNear = (0..<nearCount).filter { bins[4 * $0] > 0 }
                            let usedFar = (nearCount..<total).filter { bins[4 * $0] > 0 }
                            var columnWorst = 0.0
                            for j in 0..<nb {
                                let beta = beta0 + Double(j) * step
                                var loss = extremeLoss, bound = extremeBound
                                let shift = m * (nb - 1 - j)
                                for k in usedNear {
                                    let p = 5 * (k + shift), q = 4 * k
                                    let count = bins[q]
                                    loss += count * table[p] + table[p + 1] * bins[q + 1] + table[p + 2] * bins[q + 2] + table[p + 3] * bins[q + 3]
                                    bound += count * table[p + 4]
                                }
                                for k in usedFar {
                                    let q = 4 * k
                                    let f = (k - nearCount) % farCount
                                    let below = k - nearCount < farCount
                                    let c = below ? nearLow - farMiddle[f] : nearHigh + farMiddle[f]
                                    let (g, g1, g2, g3, rest) = terms(c - beta, half: farHalf[f])
                                    let count = bins[q]
                                    loss += count * g + g1 * bins[q + 1] + g2 * bins[q + 2] + g3 * bins[q + 3]
                                    bound += count * rest
                                }
                                base[j * nw + i] = constant - loss
                                columnWorst = max(columnWorst, bound)
                            }
                            worstBase[i] = columnWorst
                        }
                    }
                }
            }
        }
        return (values, errors.max() ?? 0)
    }
}
