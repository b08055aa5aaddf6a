import Foundation

/// `softplus(z) = log(1 + eᶻ)` and `σ(z)σ(−z)` for surfaces, where the same sum over the data
/// is evaluated tens of thousands of times: a table instead of `exp` and `log1p` per term.
///
/// `softplus(z) = max(z, 0) + g(|z|)` with `g(t) = log1p(e⁻ᵗ)`. The table holds, for each
/// interval of width `h = 1/256` on `[0, 40]`, the cubic that matches g and g′ at both ends
/// (Hermite). Its error is at most `h⁴/384 · max|g⁗| = h⁴/3072 ≈ 7.6·10⁻¹⁴` per term
/// (`|g⁗| = |σ(1−σ)(1−6σ+6σ²)| ≤ 1/8`), and the derivative of the same cubic gives
/// `σ(t)σ(−t) = −g′(1 + g′)` to within `√3/216 · h³ · 1/8 ≈ 6·10⁻¹¹`. Beyond t = 40,
/// `g(t) < 4.3·10⁻¹⁸`: the table's far end stands for every larger t.
///
/// Fits, standard errors, log-likelihoods and interval searches never use it: only what is
/// drawn does (`LogisticBernoulliModel.surfaceNegativeLogLikelihoods` for the sampled
/// surfaces, `surfaceEvaluate` for traced regions and descents on binned data).
public enum SoftplusTable {
    public static let stepsPerUnit = 256.0
    public static let limit = 40.0
    /// The bound on |table − softplus| per term.
    public static let valueError = 7.6e-14
    /// The bound on |table − σ(z)σ(−z)| per term.
    public static let curvatureError = 6.1e-11

    /// Four coefficients per interval: g(t₀), h·g′(t₀) and the cubic's two higher ones, so
    /// that `g(t₀ + f·h) = c₀ + f(c₁ + f(c₂ + f c₃))` for f in [0, 1].
    static let coefficients: [Double] = {
        let intervals = Int(limit * stepsPerUnit)
        let h = 1 / stepsPerUnit
        func g(_ t: Double) -> Double { log1p(exp(-t)) }
        func slope(_ t: Double) -> Double { -1 / (1 + exp(t)) }
        var c = [Double](repeating: 0, count: 4 * (intervals + 1))
        for k in 0...intervals {
            let t0 = Double(k) * h, t1 = Double(k + 1) * h
            let g0 = g(t0), g1 = g(t1), m0 = h * slope(t0), m1 = h * slope(t1)
            c[4 * k] = g0
            c[4 * k + 1] = m0
            c[4 * k + 2] = 3 * (g1 - g0) - 2 * m0 - m1
            c[4 * k + 3] = 2 * (g0 - g1) + m0 + m1
        }
        return c
    }()

    /// Calls `body` with the table (valid only inside it).
    public static func withTable<R>(_ body: (UnsafePointer<Double>) -> R) -> R {
        coefficients.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    /// The table cell of `t = |z|` and the position in it. Without a branch: beyond the
    /// table (and for NaN) the point is its far end, t = 40, where g and σ(−t) are below
    /// 4.3·10⁻¹⁸, so the result is still within `valueError` and `curvatureError`.
    ///
    /// The cell index is found without a checked conversion: adding 1.5·2⁵² to `u − ½` rounds
    /// it to an integer held in the low bits of the sum, which is ⌊u⌋ (or u itself when u is
    /// a whole number, which leaves the position at 1, the cell's far end, where the cubic is
    /// still exact). `u` lies in [0, 10240], so the index is in the table.
    @inline(__always)
    static func cell(_ t: Double, _ c: UnsafePointer<Double>) -> (UnsafePointer<Double>, Double) {
        let u = (t < limit ? t : limit) * stepsPerUnit
        let shifter = 6_755_399_441_055_744.0   // 1.5 · 2⁵²
        let rounded = (u - 0.5) + shifter
        let k = Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: rounded.bitPattern))
        return (c + (k &<< 2), u - (rounded - shifter))
    }

    /// `softplus(z)` from the table `c` (see `withTable`).
    @inline(__always)
    public static func softplus(_ z: Double, _ c: UnsafePointer<Double>) -> Double {
        let (p, f) = cell(abs(z), c)
        return max(z, 0) + (p[0] + f * (p[1] + f * (p[2] + f * p[3])))
    }

    /// `softplus(z)` and `σ(z)σ(−z)` (the curvature of softplus) from the table `c`:
    /// `σ(z)σ(−z) = l(1 − l)` with `l = σ(−|z|)`.
    @inline(__always)
    public static func softplusAndCurvature(_ z: Double, _ c: UnsafePointer<Double>) -> (Double, Double) {
        let (value, lower) = softplusAndLowerTail(z, c)
        return (value, lower * (1 - lower))
    }

    /// `softplus(z)` and `σ(−|z|)` from the table `c`; `σ(−|z|) = −g′(|z|)` comes from the
    /// cubic's derivative, within `curvatureError`.
    @inline(__always)
    public static func softplusAndLowerTail(_ z: Double, _ c: UnsafePointer<Double>) -> (Double, Double) {
        let (p, f) = cell(abs(z), c)
        let value = p[0] + f * (p[1] + f * (p[2] + f * p[3]))
        let slope = (p[1] + f * (2 * p[2] + f * 3 * p[3])) * stepsPerUnit
        return (max(z, 0) + value, -slope)
    }
}
