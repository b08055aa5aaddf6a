/// A template problem, with the template's name and the 1-based line and column of the tag.
public struct MustacheError: Error, Equatable, CustomStringConvertible {
    public var template: String
    public var line: Int
    public var column: Int
    public var message: String

    /// One line, at most 300 characters of message: a tag of a megabyte does not make a
    /// megabyte of error.
    public var description: String {
        var text = ""
        for scalar in message.unicodeScalars.prefix(300) {
            if scalar.value < 0x20 || scalar.value == 0x7F { text += "\\u{\(String(scalar.value, radix: 16))}" } else { text.unicodeScalars.append(scalar) }
        }
        if message.unicodeScalars.count > 300 { text += "…" }
        return "\(template):\(line):\(column): \(text)"
    }
}

/// A position in a template.
struct Position: Equatable {
    var line: Int
    var column: Int
}
