/// Everything that can be wrong with an input data set, each case carrying where it is.
public enum DataError: Error, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case emptyFile(file: String)
    case invalidUTF8(SourceLocation)
    case unterminatedQuote(SourceLocation)
    case quoteInUnquotedField(SourceLocation)
    case textAfterClosingQuote(SourceLocation, delimiter: String = "','")
    case emptyColumnName(SourceLocation)
    case duplicateColumn(SourceLocation, name: String, firstColumn: Int)
    case raggedRow(SourceLocation, expected: Int, found: Int)
    case noDataRows(file: String)
    case missingColumn(file: String, name: String, available: [String])
    case emptyField(SourceLocation, column: String)
    case notANumber(SourceLocation, column: String, text: String)
    case nonFinite(SourceLocation, column: String, text: String)
    /// A cell holding a missing marker (standard, or one `--na` added) where a number is needed.
    case missingValue(SourceLocation, column: String, text: String)
    /// A value that its column's role rules out (a negative weight, successes above the trials).
    case invalidValue(SourceLocation, column: String, text: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read the file: \(reason)"
        case let .emptyFile(file):
            return "\(file): the file is empty; a header row naming the columns is required"
        case let .invalidUTF8(at):
            return "\(at): invalid UTF-8 byte sequence; save the file as UTF-8"
        case let .unterminatedQuote(at):
            return "\(at): quoted field is never closed (missing '\"')"
        case let .quoteInUnquotedField(at):
            return "\(at): '\"' inside an unquoted field; quote the whole field and double the quote"
        case let .textAfterClosingQuote(at, delimiter):
            return "\(at): text after the closing quote of a field; expected \(delimiter) or end of line"
        case let .emptyColumnName(at):
            return "\(at): empty column name in the header row"
        case let .duplicateColumn(at, name, first):
            return "\(at): duplicate column name \(quoted(name)) (also column \(first))"
        case let .raggedRow(at, expected, found):
            return "\(at): row has \(found) field\(found == 1 ? "" : "s"), but the header has \(expected)"
        case let .noDataRows(file):
            return "\(file): the file has a header row but no data rows"
        case let .missingColumn(file, name, available):
            // One column whose name holds a separator: the file is separated by another byte
            // than the one it was read with.
            let separators: [(Character, String, String)] = [(",", "commas", "comma-separated, the default: leave out --delimiter"),
                                                             (";", "semicolons", "semicolon-separated: give --delimiter ';'"),
                                                             ("\t", "tabs", "tab-separated: give --delimiter tab"),
                                                             ("|", "pipes", "pipe-separated: give --delimiter '|'")]
            if available.count == 1, let (_, plural, advice) = separators.first(where: { available[0].contains($0.0) }) {
                return "\(file): no column named \(quoted(name)); the header is one column holding \(plural), so the file looks \(advice)"
            }
            return "\(file): no column named \(quoted(name)); the columns are \(available.map(quoted).joined(separator: ", "))"
        case let .emptyField(at, column):
            return "\(at): column \(quoted(column)): empty field (a missing value; --drop-missing leaves such rows out)"
        case let .notANumber(at, column, text):
            // "1,5": a decimal comma, as files separated by semicolons often hold.
            let t = text.trimmingSpaces()
            let parts = t.split(separator: ",", omittingEmptySubsequences: false)
            if parts.count == 2, parts.allSatisfy({ !$0.isEmpty }),
               parts[0].drop(while: { $0 == "-" || $0 == "+" }).allSatisfy(\.isASCIIDigit), parts[1].allSatisfy(\.isASCIIDigit) {
                return "\(at): column \(quoted(column)): \(quoted(text)) is not a number: numbers are read with a decimal point, so convert decimal commas first (for example \(quoted(t.replacingOccurrences(of: ",", with: "."))))"
            }
            // A spreadsheet's or a statistics package's own missing marker.
            if ["#n/a", "none", ".", "-", "--", "?", "missing", "n.a.", "nil", "#value!", "#div/0!", "#null!", "#num!"].contains(t.lowercased()) {
                return "\(at): column \(quoted(column)): \(quoted(text)) is not a number; if it marks a missing value, say so with --na '\(t)'"
            }
            return "\(at): column \(quoted(column)): \(quoted(text)) is not a number"
        case let .nonFinite(at, column, text):
            return "\(at): column \(quoted(column)): \(quoted(text)) is not a finite number"
        case let .missingValue(at, column, text):
            return "\(at): column \(quoted(column)): \(quoted(text)) marks a missing value; --drop-missing leaves such rows out"
        case let .invalidValue(at, column, text, reason):
            return "\(at): column \(quoted(column)): \(quoted(text)) \(reason)"
        }
    }
}

/// Quotes a user-supplied string for a one-line message, escaping control characters so that
/// no input can break the line or the terminal.
func quoted(_ text: String) -> String { Message.quoted(text) }

extension Character {
    /// 0 to 9 (and no other script's digits).
    var isASCIIDigit: Bool { isASCII && isNumber }
}
