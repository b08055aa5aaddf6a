/// A formula that cannot be converted, with the 1-based column in the formula.
public struct TeXError: Error, Equatable, CustomStringConvertible {
    public var column: Int
    public var message: String

    /// One line: control characters quoted from the formula are shown as `\u{…}`, and the
    /// message stops at 300 characters.
    public var description: String {
        var text = ""
        for scalar in message.unicodeScalars.prefix(300) {
            if scalar.value < 0x20 || scalar.value == 0x7F { text += "\\u{\(String(scalar.value, radix: 16))}" } else { text.unicodeScalars.append(scalar) }
        }
        if message.unicodeScalars.count > 300 { text += "…" }
        return "column \(column): \(text)"
    }
}
