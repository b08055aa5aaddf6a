import Foundation

/// Numbers as the page and the terminal show them.
enum NumberFormat {
    /// `digits` significant digits, a typographic minus, no exponent for ordinary magnitudes.
    static func significant(_ v: Double, _ digits: Int = 4) -> String {
        guard v.isFinite else { return v.isNaN ? "NaN" : (v > 0 ? "∞" : "−∞") }
        if v == 0 { return "0" }
        let magnitude = abs(v)
        var text: String
        if magnitude >= 1e-4 && magnitude < 1e7 {
            let decimals = max(0, digits - 1 - Int(floor(log10(magnitude))))
            text = String(format: "%.\(decimals)f", v)
        } else {
            text = String(format: "%.\(digits - 1)e", v)
        }
        return minus(text)
    }

    /// Fixed decimals with a typographic minus.
    static func fixed(_ v: Double, _ decimals: Int) -> String {
        minus(String(format: "%.\(decimals)f", v))
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
        significant(v, digits).replacingOccurrences(of: "\u{2212}", with: "-")
    }
}
