/// User text inside one-line messages (errors, warnings, the terminal summary).
public enum Message {
    /// Whether a scalar must not reach a terminal or a one-line message as it is: C0 and C1
    /// controls, DEL, line and paragraph separators, bidirectional overrides and isolates
    /// (which can reorder what a terminal shows), and the noncharacters U+FFFE and U+FFFF.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029
            || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0xFFFE || v == 0xFFFF
    }

    /// The text in double quotes on one line: quotes and backslashes escaped, unsafe scalars
    /// shown as `\u{…}` (`\n`, `\r`, `\t` by name), and at most `limit` characters kept, so
    /// that no input can break the line, drive the terminal or flood the message.
    public static func quoted(_ text: String, limit: Int = 60) -> String {
        "\"" + escaped(text, limit: limit) + "\""
    }

    /// `quoted` without the quotes, for text that already stands in a clear place.
    public static func escaped(_ text: String, limit: Int = 60) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count >= limit { out += "…"; break }
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if isUnsafe(scalar) {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
            count += 1
        }
        return out
    }
}
