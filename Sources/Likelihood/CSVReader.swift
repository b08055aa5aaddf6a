import Foundation

/// Reads comma-separated values as RFC 4180 describes them (or fields separated by another
/// byte: `CSVDialect`).
///
/// Quoted fields may hold commas, doubled quotes and line breaks; records end with CRLF, LF or
/// a lone CR; a UTF-8 byte-order mark is skipped; the first record is the header. Blank lines
/// are skipped. Every defect is reported as a `DataError` naming the line and column (in
/// characters, 1-based) where it starts. No input makes the reader trap.
public enum CSVReader {
    /// Reads and parses the file at `path`; `name` is how the file is shown in messages.
    public static func read(path: String, name: String? = nil, dialect: CSVDialect = .standard) throws -> Dataset {
        try parse(contents(path: path, name: name), source: name ?? path, dialect: dialect)
    }

    /// The bytes of the file at `path`, with a `DataError` naming the file when it cannot be read.
    public static func contents(path: String, name: String? = nil) throws -> [UInt8] {
        let shown = name ?? path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError.unreadable(file: shown, reason: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw DataError.unreadable(file: shown, reason: "it is a directory")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError.unreadable(file: shown, reason: "permission denied or not a regular file")
        }
        return Array(data)
    }

    /// The text of the cell of data row `row` (0-based, blank lines skipped as `parse` skips
    /// them) in `column` and where it starts, parsing no further than that row: a message
    /// about an early row of a large file does not wait for the whole file. Nil when the file
    /// does not parse that far or has no such column.
    public static func cell(ofRow row: Int, column: String, in bytes: [UInt8], source: String,
                            dialect: CSVDialect = .standard) -> (at: SourceLocation, text: String)? {
        var parser = Parser(bytes: bytes, index: textStart(bytes), source: source, dialect: dialect)
        var index: Int?
        var rows = 0
        while let record = try? parser.nextRecord() {
            if record.isBlank { continue }
            guard let k = index else {
                guard let k = record.fields.firstIndex(where: { $0.text.trimmingSpaces() == column }) else { return nil }
                index = k
                continue
            }
            if rows == row {
                guard k < record.fields.count else { return nil }
                let field = record.fields[k]
                return (SourceLocation(file: source, line: field.line, column: field.column), field.text)
            }
            rows += 1
        }
        return nil
    }

    /// The error `parse` followed by `checkNumbersOrMissing` of each of `wanted` gives, found
    /// in one pass that keeps no cells (bounded memory on a file of any size): the first
    /// malformed byte, header or ragged row, else the first missing column or the first bad
    /// cell of the first column in `wanted` that has one. Nil when there is none.
    public static func firstError(in bytes: [UInt8], source: String, wanted: [String], dialect: CSVDialect = .standard) -> Error? {
        let start = textStart(bytes)
        var names: [String]?
        var slots: [Int] = []
        var firstBad = [Error?](repeating: nil, count: wanted.count)
        var rows = 0
        do {
            try validateUTF8(bytes, from: start, source: source)
            var parser = Parser(bytes: bytes, index: start, source: source, dialect: dialect)
            while let record = try parser.nextRecord() {
                if record.isBlank { continue }
                guard let header = names else {
                    names = try headerNames(record, source: source)
                    slots = wanted.map { names!.firstIndex(of: $0) ?? -1 }
                    continue
                }
                try checkWidth(record, expected: header.count, source: source)
                rows += 1
                for (j, k) in slots.enumerated() where k >= 0 && firstBad[j] == nil {
                    var field = record.fields[k]
                    // Most cells are plain numbers: the fast parser accepts only what
                    // `parseNumber` accepts, so they need no slower look.
                    let plain = field.text.withUTF8 { $0.isEmpty ? nil : DecimalParser.parse($0.baseAddress!, count: $0.count) }
                    if let plain, plain.isFinite { continue }
                    guard !dialect.isMissing(field.text) else { continue }
                    do {
                        _ = try Dataset.parseNumber(field.text, at: SourceLocation(file: source, line: field.line, column: field.column),
                                                    column: wanted[j], dialect: dialect)
                    } catch {
                        firstBad[j] = error
                    }
                }
            }
        } catch {
            return error
        }
        guard let header = names else { return DataError.emptyFile(file: source) }
        guard rows > 0 else { return DataError.noDataRows(file: source) }
        for (j, name) in wanted.enumerated() {
            if slots[j] < 0 { return DataError.missingColumn(file: source, name: name, available: header) }
            if let error = firstBad[j] { return error }
        }
        return nil
    }

    /// Where the text starts: after a UTF-8 byte-order mark, if there is one.
    static func textStart(_ bytes: [UInt8]) -> Int {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }

    /// The header's column names (trimmed), or its error: an empty or a repeated name. The
    /// first column alone may be unnamed, as R's `write.csv` and pandas' `to_csv` write a
    /// column of row names: it keeps the empty name, which no flag can ask for.
    static func headerNames(_ record: Record, source: String) throws -> [String] {
        var seen: [String: Int] = [:]
        for (i, field) in record.fields.enumerated() {
            let name = field.text.trimmingSpaces()
            let at = SourceLocation(file: source, line: field.line, column: field.column)
            if name.isEmpty && i == 0 && record.fields.count > 1 { continue }
            if name.isEmpty { throw DataError.emptyColumnName(at) }
            if let first = seen[name] {
                throw DataError.duplicateColumn(at, name: name, firstColumn: first)
            }
            seen[name] = i + 1
        }
        return record.fields.map { $0.text.trimmingSpaces() }
    }

    /// Throws the ragged-row error when `record` does not have the header's `expected` fields.
    static func checkWidth(_ record: Record, expected: Int, source: String) throws {
        guard record.fields.count != expected else { return }
        let column = record.fields.count > expected ? record.fields[expected].column : record.endColumn
        let at = SourceLocation(file: source, line: record.fields[0].line, column: column)
        throw DataError.raggedRow(at, expected: expected, found: record.fields.count)
    }

    /// Parses CSV text given as bytes.
    public static func parse(_ bytes: [UInt8], source: String, dialect: CSVDialect = .standard) throws -> Dataset {
        let start = textStart(bytes)
        try validateUTF8(bytes, from: start, source: source)

        var parser = Parser(bytes: bytes, index: start, source: source, dialect: dialect)
        var header: [Field]? = nil
        var cells: [[String]] = []
        var lines: [[Int32]] = []
        var rows = 0
        var columns: [[Int32]] = []

        while let record = try parser.nextRecord() {
            if record.isBlank { continue }
            guard let names = header else {
                _ = try headerNames(record, source: source)
                header = record.fields
                cells = Array(repeating: [], count: record.fields.count)
                lines = Array(repeating: [], count: record.fields.count)
                columns = Array(repeating: [], count: record.fields.count)
                continue
            }
            try checkWidth(record, expected: names.count, source: source)
            rows += 1
            for (i, field) in record.fields.enumerated() {
                cells[i].append(field.text)
                lines[i].append(Int32(clamping: field.line))
                columns[i].append(Int32(clamping: field.column))
            }
        }
        guard let names = header else { throw DataError.emptyFile(file: source) }
        guard rows > 0 else { throw DataError.noDataRows(file: source) }
        return Dataset(source: source, columnNames: names.map { $0.text.trimmingSpaces() },
                       cells: cells, lines: lines, columns: columns, dialect: dialect)
    }

    /// Finds the first byte that is not part of a well-formed UTF-8 sequence.
    static func validateUTF8(_ bytes: [UInt8], from start: Int, source: String) throws {
        var line = 1
        var column = 1
        var i = start
        while i < bytes.count {
            let b = bytes[i]
            var length = 0
            var minimum: UInt32 = 0
            var scalar: UInt32 = 0
            switch b {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(b & 0x1F)
            case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(b & 0x0F)
            case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(b & 0x07)
            default: length = 0
            }
            var valid = length > 0 && i + length <= bytes.count
            if valid && length > 1 {
                for k in 1..<length {
                    let c = bytes[i + k]
                    if c & 0xC0 != 0x80 { valid = false; break }
                    scalar = (scalar << 6) | UInt32(c & 0x3F)
                }
                if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { valid = false }
            }
            guard valid else {
                throw DataError.invalidUTF8(SourceLocation(file: source, line: line, column: column))
            }
            if b == 0x0A || (b == 0x0D && (i + 1 >= bytes.count || bytes[i + 1] != 0x0A)) {
                line += 1
                column = 1
            } else if b != 0x0D {
                column += 1
            }
            i += length
        }
    }

    struct Field {
        var text: String
        var quoted: Bool
        var line: Int
        var column: Int
    }

    struct Record {
        var fields: [Field]
        var endColumn: Int
        /// An empty line, which readers skip.
        var isBlank: Bool { fields.count == 1 && fields[0].text.isEmpty && !fields[0].quoted }
    }

    /// A byte-level state machine over already validated UTF-8.
    struct Parser {
        let bytes: [UInt8]
        var index: Int
        let source: String
        let dialect: CSVDialect
        /// The field separator (`dialect.delimiter`), kept at hand for the byte loops.
        let delimiter: UInt8
        var line = 1
        var column = 1

        init(bytes: [UInt8], index: Int, source: String, dialect: CSVDialect = .standard) {
            self.bytes = bytes
            self.index = index
            self.source = source
            self.dialect = dialect
            self.delimiter = dialect.delimiter
        }

        private var here: SourceLocation { SourceLocation(file: source, line: line, column: column) }

        /// Moves past one byte, keeping the character column (continuation bytes do not count).
        private mutating func advance() {
            let b = bytes[index]
            index += 1
            if b & 0xC0 != 0x80 { column += 1 }
        }

        /// Consumes a line break at the current position if there is one.
        private mutating func consumeNewline() -> Bool {
            guard index < bytes.count else { return false }
            if bytes[index] == 0x0A {
                index += 1
            } else if bytes[index] == 0x0D {
                index += 1
                if index < bytes.count && bytes[index] == 0x0A { index += 1 }
            } else {
                return false
            }
            line += 1
            column = 1
            return true
        }

        mutating func nextRecord() throws -> Record? {
            guard index < bytes.count else { return nil }
            var fields: [Field] = []
            while true {
                let field = try nextField()
                fields.append(field)
                if index < bytes.count && bytes[index] == delimiter {
                    advance()
                    continue
                }
                let end = column
                _ = consumeNewline()
                return Record(fields: fields, endColumn: end)
            }
        }

        private mutating func nextField() throws -> Field {
            let startLine = line
            let startColumn = column
            var text: [UInt8] = []
            // Leading spaces before an opening quote are tolerated.
            var probe = index
            while probe < bytes.count && dialect.isPadding(bytes[probe]) { probe += 1 }
            if probe < bytes.count && bytes[probe] == 0x22 {
                while index < probe { advance() }
                let openedAt = here
                advance()
                while true {
                    guard index < bytes.count else { throw DataError.unterminatedQuote(openedAt) }
                    let b = bytes[index]
                    if b == 0x22 {
                        if index + 1 < bytes.count && bytes[index + 1] == 0x22 {
                            text.append(0x22)
                            advance(); advance()
                            continue
                        }
                        advance()
                        break
                    }
                    if b == 0x0A || b == 0x0D {
                        let isCRLF = b == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A
                        text.append(b)
                        if isCRLF { text.append(0x0A) }
                        _ = consumeNewline()
                        continue
                    }
                    text.append(b)
                    advance()
                }
                while index < bytes.count && dialect.isPadding(bytes[index]) { advance() }
                if index < bytes.count && bytes[index] != delimiter && bytes[index] != 0x0A && bytes[index] != 0x0D {
                    throw DataError.textAfterClosingQuote(here, delimiter: dialect.delimiterName)
                }
                return Field(text: String(decoding: text, as: UTF8.self), quoted: true,
                             line: startLine, column: startColumn)
            }
            while index < bytes.count {
                let b = bytes[index]
                if b == delimiter || b == 0x0A || b == 0x0D { break }
                if b == 0x22 { throw DataError.quoteInUnquotedField(here) }
                text.append(b)
                advance()
            }
            return Field(text: String(decoding: text, as: UTF8.self), quoted: false,
                         line: startLine, column: startColumn)
        }
    }
}
