import Foundation

/// Numbers as figures print them: a typographic minus, and `1.36 × 10⁻⁷` rather than
/// `1.36e-07` when the magnitude is far from 1.
public enum NumberText {
    static let superscripts: [Character: Character] = [
        "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻",
    ]

    /// `10ⁿ` with a superscript exponent.
    public static func powerOfTen(_ exponent: Int) -> String {
        "10" + String(String(exponent).map { superscripts[$0] ?? $0 })
    }

    /// `digits` significant digits; plain decimals for magnitudes in [10⁻⁴, 10⁶), otherwise
    /// mantissa × 10ⁿ. Trailing zeros after the point are kept (they state the precision).
    public static func significant(_ v: Double, _ digits: Int) -> String {
        guard v.isFinite else { return v.isNaN ? "NaN" : (v > 0 ? "∞" : "−∞") }
        if v == 0 { return "0" }
        let digits = max(1, min(digits, 17))
        let magnitude = abs(v)
        if magnitude >= 1e-4 && magnitude < 1e6 {
            let exponent = Int(floor(log10(magnitude)))
            let decimals = digits - 1 - exponent
            if decimals >= 0 { return minus(String(format: "%.\(decimals)f", v)) }
            // More integer digits than significant ones: round away the rest (412949 → 410000).
            let unit = pow(10, Double(-decimals))
            return minus(String(format: "%.0f", (v / unit).rounded() * unit))
        }
        let text = String(format: "%.\(digits - 1)e", v)
        guard let e = text.firstIndex(of: "e"), let exponent = Int(text[text.index(after: e)...]) else { return minus(text) }
        return minus(String(text[..<e])) + " × " + powerOfTen(exponent)
    }

    static func minus(_ text: String) -> String {
        guard text.hasPrefix("-") else { return text }
        // "−0.0" prints as "0.0".
        if text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { return String(text.dropFirst()) }
        return "\u{2212}" + text.dropFirst()
    }
}

/// Labels for a set of contour levels: the fewest significant digits (from 2 to 6) that
/// keep neighbouring levels apart.
public enum LevelFormat {
    public static func digits(for levels: [Double]) -> Int {
        let sorted = levels.sorted()
        for digits in 2...6 {
            let texts = sorted.map { NumberText.significant($0, digits) }
            if Set(texts).count == Set(sorted).count { return digits }
        }
        return 6
    }

    /// A labelling function for `ContourSet.label`.
    public static func labeler(_ levels: [Double]) -> (Double) -> String {
        let digits = digits(for: levels)
        return { NumberText.significant($0, digits) }
    }
}
