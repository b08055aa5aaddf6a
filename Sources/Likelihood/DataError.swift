/// Everything that can be wrong with an input data set, each case carrying where it is.
public enum DataError: Error, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case emptyFile(file: String)
    case invalidUTF8(SourceLocation)
    case unterminatedQuote(SourceLocation)
    case quoteInUnquotedField(SourceLocation)
    case textAfterClosingQuote(SourceLocation)
    case emptyColumnName(SourceLocation)
    case duplicateColumn(SourceLocation, name: String, firstColumn: Int)
    case raggedRow(SourceLocation, expected: Int, found: Int)
    case noDataRows(file: String)
    case missingColumn(file: String, name: String, available: [String])
    case emptyField(SourceLocation, column: String)
    case notANumber(SourceLocation, column: String, text: String)
    case nonFinite(SourceLocation, column: String, text: String)

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
        case let .textAfterClosingQuote(at):
            return "\(at): text after the closing quote of a field; expected ',' or end of line"
        case let .emptyColumnName(at):
            return "\(at): empty column name in the header row"
        case let .duplicateColumn(at, name, first):
            return "\(at): duplicate column name \(quoted(name)) (also column \(first))"
        case let .raggedRow(at, expected, found):
            return "\(at): row has \(found) field\(found == 1 ? "" : "s"), but the header has \(expected)"
        case let .noDataRows(file):
            return "\(file): the file has a header row but no data rows"
        case let .missingColumn(file, name, available):
            // One column whose name holds semicolons or tabs: the file is not comma-separated.
            let separator = available.count == 1 ? (available[0].contains(";") ? "semicolons" : available[0].contains("\t") ? "tabs" : nil) : nil
            if let separator {
                return "\(file): no column named \(quoted(name)); the header is one column holding \(separator), so the file looks \(separator == "tabs" ? "tab" : "semicolon")-separated: mle-report reads comma-separated values (RFC 4180); convert it, for example with `tr '\(separator == "tabs" ? "\\t" : ";")' ','` when no field holds a comma"
            }
            return "\(file): no column named \(quoted(name)); the columns are \(available.map(quoted).joined(separator: ", "))"
        case let .emptyField(at, column):
            return "\(at): column \(quoted(column)): empty field (a missing value; --drop-missing leaves such rows out)"
        case let .notANumber(at, column, text):
            if Dataset.isMissingMarker(text) {
                return "\(at): column \(quoted(column)): \(quoted(text)) marks a missing value; --drop-missing leaves such rows out"
            }
            return "\(at): column \(quoted(column)): \(quoted(text)) is not a number"
        case let .nonFinite(at, column, text):
            if Dataset.isMissingMarker(text) {
                return "\(at): column \(quoted(column)): \(quoted(text)) marks a missing value; --drop-missing leaves such rows out"
            }
            return "\(at): column \(quoted(column)): \(quoted(text)) is not a finite number"
        }
    }
}

/// Quotes a user-supplied string for a one-line message, escaping control characters so that
/// no input can break the line or the terminal.
func quoted(_ text: String) -> String { Message.quoted(text) }
