import Foundation

/// Tick positions and labels for a linear axis.
public struct Ticks: Equatable, Sendable {
    /// Tick values inside the requested range, increasing.
    public var values: [Double]
    /// The spacing between ticks.
    public var step: Double
    /// Digits after the decimal point that every label shares.
    public var decimals: Int
    /// Labels show value / 10^exponent when the values are very large or very small; the
    /// axis then says "× 10ⁿ" once instead of every label carrying the digits.
    public var exponent: Int = 0

    /// Labels with a true minus sign (U+2212) and the same number of decimals throughout.
    public var labels: [String] {
        let factor = pow(10, Double(exponent))
        return values.map { Ticks.format($0 / factor, decimals: decimals) }
    }

    /// "× 10ⁿ" for the axis label, or "" when the labels are plain values.
    public var multiplier: String { exponent == 0 ? "" : "× " + NumberText.powerOfTen(exponent) }

    public init(values: [Double], step: Double, decimals: Int, exponent: Int = 0) {
        self.values = values; self.step = step; self.decimals = decimals; self.exponent = exponent
    }

    /// Chooses "nice" ticks: the step is 1, 2, 2.5, 5 or 10 times a power of ten, the smallest
    /// such step that gives at most `maxCount` ticks in `[lower, upper]` (the rule of
    /// matplotlib's MaxNLocator).
    public static func nice(lower: Double, upper: Double, maxCount: Int = 7) -> Ticks {
        var lo = lower, hi = upper
        if !(lo.isFinite && hi.isFinite) { return Ticks(values: [], step: 1, decimals: 0) }
        if lo > hi { swap(&lo, &hi) }
        if hi - lo < 1e-12 * max(abs(lo), abs(hi), 1e-300) {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= pad; hi += pad
        }
        let count = max(2, maxCount)
        let raw = (hi - lo) / Double(count - 1)
        let magnitude = pow(10, floor(log10(raw)))
        var chosen = 10 * magnitude
        var mantissa = 10.0
        for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
            let step = m * magnitude
            let first = ceil(lo / step - 1e-9), last = floor(hi / step + 1e-9)
            if Int(last - first) + 1 <= count {
                chosen = step
                mantissa = m
                break
            }
        }
        let first = ceil(lo / chosen - 1e-9), last = floor(hi / chosen + 1e-9)
        var values: [Double] = []
        var k = first
        while k <= last {
            let v = k * chosen
            values.append(abs(v) < chosen * 1e-9 ? 0 : v)
            k += 1
        }
        // Decimals: those of the step itself (2.5·10^k needs one more than 10^k).
        // Values of 10⁶ and more, or below 10⁻³, are labelled in units of a power of ten.
        let largest = values.map(abs).max() ?? 0
        var scale = 0
        if largest >= 1e6 || (largest > 0 && largest < 1e-3) { scale = Int(floor(log10(largest))) }
        let exponent = Int(floor(log10(chosen) + 1e-9)) - scale
        let decimals = max(0, -exponent + (mantissa == 2.5 ? 1 : 0))
        return Ticks(values: values, step: chosen, decimals: decimals, exponent: scale)
    }

    /// `value` with `decimals` digits after the point and a typographic minus sign.
    public static func format(_ value: Double, decimals: Int) -> String {
        var text = String(format: "%.\(max(0, min(decimals, 15)))f", value)
        if text.hasPrefix("-") {
            // "−0.0" is printed as "0.0".
            if text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
                text.removeFirst()
            } else {
                text = "\u{2212}" + text.dropFirst()
            }
        }
        return text
    }
}
