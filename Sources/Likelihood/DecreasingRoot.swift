import Foundation

/// The root of a decreasing function of one variable, found from any start: the derivative of
/// a concave log-likelihood along one coordinate or one ray.
///
/// Every inner maximisation of the likelihood-based inference (profile likelihoods, the rays of a
/// likelihood-ratio region) is the root of such a derivative. Plain Newton from the MLE fails
/// near separation: there the fitted probabilities are nearly 0 or 1, the curvature underflows
/// and Newton stops where it started. Here the root is first bracketed (steps that grow fourfold
/// in the direction the sign points to), then located by Newton steps that are accepted only
/// inside the bracket and replaced by bisection otherwise, so it converges from any start and
/// on any data, at Newton's speed where Newton works.
public enum DecreasingRoot {
    public struct Result: Equatable, Sendable {
        /// The root (the maximiser of the concave function whose derivative was given), or the
        /// last point of the search when the root lies beyond every finite point.
        public var point: Double
        /// The function's value there (0 or within a few rounding errors of it when converged).
        public var value: Double
        /// Whether `point` is the root to the stated tolerance.
        public var converged: Bool
        /// The function kept one sign up to ±1e300: the maximum is approached only at ±∞, and
        /// `point` is where the search stopped (the concave function's value there is its
        /// supremum to within rounding).
        public var unbounded: Bool
    }

    /// Finds t with f(t) = 0 for a non-increasing f.
    /// - Parameters:
    ///   - start: where to begin (any finite point).
    ///   - scale: the first step when the slope gives no better one (a standard error).
    ///   - relativeTolerance: the bracket's final width relative to `1 + |t|` (a Newton step
    ///     that small also ends the search).
    ///   - f: the function's value and slope at t. Where the slope is negative and finite it
    ///     must be the derivative (a Newton step that small ends the search); 0, NaN or an
    ///     underflowed slope only makes the search bisect.
    /// - Complexity: O(log(distance/scale)) evaluations to bracket, then quadratic convergence
    ///   where Newton is valid and at worst one bisection per halving of the bracket (at most a
    ///   few thousand evaluations on any input).
    public static func find(start: Double, scale: Double, relativeTolerance: Double = 1e-14,
                            _ f: (Double) -> (value: Double, slope: Double)) -> Result {
        var t = start.isFinite ? start : 0
        var (d, s) = f(t)
        if d == 0 { return Result(point: t, value: 0, converged: true, unbounded: false) }
        guard !d.isNaN else { return Result(point: t, value: d, converged: false, unbounded: false) }
        let unit = scale.isFinite && scale > 0 ? scale : 1
        // Bracket: lo has f > 0, hi has f < 0.
        var lo: Double, hi: Double, fLo: Double, fHi: Double
        let direction: Double = d > 0 ? 1 : -1
        var step = unit
        if s < 0, s.isFinite {
            let newton = abs(d / s)
            if newton.isFinite, newton > 0 { step = min(max(newton, unit * 1e-6), unit * 1e6) }
        }
        var inside = t, fInside = d, outside: Double? = nil, fOutside = 0.0
        for _ in 0..<600 {
            let trial = inside + direction * step
            guard trial.isFinite, abs(trial) <= 1e300 else { break }
            let (ft, st) = f(trial)
            if ft.isNaN { break }
            if ft == 0 { return Result(point: trial, value: 0, converged: true, unbounded: false) }
            if (ft > 0) == (direction > 0) {
                inside = trial; fInside = ft; t = trial; d = ft; s = st
                step *= 4
            } else {
                outside = trial; fOutside = ft
                break
            }
        }
        guard let far = outside else {
            return Result(point: inside, value: fInside, converged: false, unbounded: true)
        }
        if direction > 0 { lo = inside; fLo = fInside; hi = far; fHi = fOutside }
        else { lo = far; fLo = fOutside; hi = inside; fHi = fInside }
        // Newton continues from the end with the smaller |f| (t, d and s are the inside end's).
        if abs(fOutside) < abs(fInside) {
            t = far
            (d, s) = f(t)
        }
        for _ in 0..<4000 {
            var next = Double.nan
            if s < 0, s.isFinite { next = t - d / s }
            let newtonStep = abs(next - t)
            if newtonStep <= relativeTolerance * (1 + abs(t)) {
                // Newton has converged at t (a step this small may not even leave t).
                let end = min(max(next, lo), hi)
                return Result(point: end, value: end == t ? d : f(end).value, converged: true, unbounded: false)
            }
            if !(next > lo && next < hi) {
                next = lo / 2 + hi / 2
            }
            guard next > lo, next < hi else {
                // The bracket holds no double between its ends.
                let best = abs(fLo) <= abs(fHi) ? (lo, fLo) : (hi, fHi)
                return Result(point: best.0, value: best.1, converged: true, unbounded: false)
            }
            (d, s) = f(next)
            t = next
            if d == 0 { return Result(point: t, value: 0, converged: true, unbounded: false) }
            if d.isNaN { return Result(point: t, value: d, converged: false, unbounded: false) }
            if d > 0 { lo = t; fLo = d } else { hi = t; fHi = d }
            if hi - lo <= relativeTolerance * (1 + max(abs(lo), abs(hi))) {
                let best = abs(fLo) <= abs(fHi) ? (lo, fLo) : (hi, fHi)
                return Result(point: best.0, value: best.1, converged: true, unbounded: false)
            }
        }
        return Result(point: t, value: d, converged: false, unbounded: false)
    }
}
