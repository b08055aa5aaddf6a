import Foundation
import Plot

/// Numbers as the page and the terminal show them.

enum NumberFormat {
    /// `digits` significant digits, a typographic minus, and `1.36 × 10⁻⁷` for magnitudes
    /// outside [10⁻⁴, 10⁶) (the same rule as the figures).
    static func significant(_ v: Double, _ digits: Int = 4) -> String {
        NumberText.significant(v, digits)
    }

    /// The number as TeX for a formula: `1.36 \times 10^{-7}`, `-145.75`.
    static func tex(_ v: Double, _ digits: Int = 4) -> String {
        let text = significant(v, digits)
        guard let times = text.range(of: " × 10") else { return text.replacingOccurrences(of: "\u{2212}", with: "-") }
        let mantissa = text[..<times.lowerBound].replacingOccurrences(of: "\u{2212}", with: "-")
        let exponent = text[times.upperBound...].map { c -> String in
            let map: [Character: String] = ["⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7",
                                            "⁸": "8", "⁹": "9", "⁻": "-"]
            return map[c] ?? String(c)
        }.joined()
        return "\(mantissa) \\times 10^{\(exponent)}"
    }

    /// A term added to a formula: `+ 1.5` or `- 145.75` (the sign becomes the operator).
    static func texSigned(_ v: Double, _ digits: Int = 4) -> String {
        (v < 0 ? "- " : "+ ") + tex(abs(v), digits)
    }

    /// Fixed decimals with a typographic minus.
    static func fixed(_ v: Double, _ decimals: Int) -> String {
        minus(String(format: "%.\(decimals)f", v))
    }

    /// "10⁻¹⁴": a power of ten with a superscript exponent.
    static func powerOfTen(_ k: Int) -> String {
        let digits: [Character: Character] = ["0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻"]
        return "10" + String(String(k).map { digits[$0] ?? $0 })
    }

    /// A p-value with its relation, for prose and formulas: "= 0.012", "< 0.0001" (never
    /// "= < 0.0001").
    static func pRelation(_ p: Double) -> String {
        p < 1e-4 ? "< 0.0001" : "= \(significant(p, 2))"
    }

    /// p-values: "< 0.0001" below that, else 2 significant digits.
    static func pValue(_ p: Double) -> String {
        p < 1e-4 ? "< 0.0001" : significant(p, 2)
    }

    static func minus(_ text: String) -> String {
        text.hasPrefix("-") ? "\u{2212}" + text.dropFirst() : text
    }

    /// ASCII form for the terminal summary (a plain hyphen-minus).
    static func plain(_ v: Double, _ digits: Int = 6) -> String {
        guard v.isFinite, v != 0 else { return significant(v, digits) }
        let magnitude = abs(v)
        if magnitude >= 1e-4 && magnitude < 1e6 {
            return significant(v, digits).replacingOccurrences(of: "\u{2212}", with: "-")
        }
        return String(format: "%.\(max(0, digits - 1))e", v)
    }
}
