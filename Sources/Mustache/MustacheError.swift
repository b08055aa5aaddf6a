/// A template problem, with the template's name and the 1-based line and column of the tag.
public struct MustacheError: Error, Equatable, CustomStringConvertible {
    public var template: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(template: String, line: Int, column: Int, message: String) {
        self.template = template; self.line = line; self.column = column; self.message = message
    }

    /// One line, at most 600 characters of message: a tag of a megabyte does not make a
    /// megabyte of error.
    public var description: String {
        var text = ""
        for scalar in message.unicodeScalars.prefix(600) {
            if scalar.value < 0x20 || scalar.value == 0x7F { text += "\\u{\(String(scalar.value, radix: 16))}" } else { text.unicodeScalars.append(scalar) }
        }
        if message.unicodeScalars.count > 600 { text += "…" }
        return "\(template):\(line):\(column): \(text)"
    }
}

/// A position in a template.
struct Position: Equatable {
    var line: Int
    var column: Int
}
