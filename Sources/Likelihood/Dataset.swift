/// A table of named columns, stored column by column.
///
/// Cells keep the text they were read from and where it stood, so that a column can be
/// converted to numbers on demand and any bad cell reported with its file, line and column.
/// Only the columns a model uses need to be numeric.
public struct Dataset: Sendable {
    /// The name shown in messages (the file name as the user gave it, or a built-in name).
    public let source: String
    /// For built-in data: which generator made it ("linear", "logistic", "outliers",
    /// "counts"), its seed and its number of outliers, so that a page can describe it in its
    /// own words; nil for data read from a file.
    public var builtin: (kind: String, seed: UInt64, outliers: Int)? = nil
    /// Column names, in file order.
    public let columnNames: [String]
    /// Number of data rows.
    public let rowCount: Int
    /// How the file was read: its separator and the missing markers beyond the standard ones.
    public let dialect: CSVDialect

    private let cells: [[String]]
    private let lines: [[Int32]]        // per column, per row: line of the cell
    private let columns: [[Int32]]      // per column, per row: character column of the cell
    private let numeric: [[Double]?]    // columns given directly as numbers
    /// Rows of numeric columns that held a missing marker (NaN in `numeric`).
    private let missingRows: [String: [Int]]
    /// Columns streamed as text: their levels in order of first appearance (`numeric` then
    /// holds each row's level code, NaN where missing).
    private var levels: [String: [String]] = [:]
    /// The same file read by the position-keeping parser, for messages (streamed data sets).
    private let slowPath: (@Sendable () -> Dataset?)?
    /// One cell's position and text, found by parsing no further than its row (streamed data
    /// sets).
    private let locator: (@Sendable (Int, String) -> (at: SourceLocation, text: String)?)?

    /// A data set read from text (see `CSVReader`).
    init(source: String, columnNames: [String], cells: [[String]], lines: [[Int32]], columns: [[Int32]], dialect: CSVDialect = .standard) {
        self.source = source
        self.dialect = dialect
        self.columnNames = columnNames
        self.cells = cells
        self.lines = lines
        self.columns = columns
        self.rowCount = cells.first?.count ?? 0
        self.numeric = Array(repeating: nil, count: columnNames.count)
        self.missingRows = [:]
        self.slowPath = nil
        self.locator = nil
    }

    /// A data set streamed by `ColumnReader`: only the named columns, as numbers (NaN where
    /// `missingRows` lists a missing marker). Positions and the text of cells come from
    /// `slowPath`, which reads the file again, when a message needs them.
    init(source: String, columnNames: [String], numericColumns: [(String, [Double])], levels: [String: [String]] = [:],
         missingRows: [String: [Int]], rowCount: Int, dialect: CSVDialect = .standard, slowPath: @escaping @Sendable () -> Dataset?,
         locator: (@Sendable (Int, String) -> (at: SourceLocation, text: String)?)? = nil) {
        self.source = source
        self.dialect = dialect
        self.columnNames = columnNames
        self.rowCount = rowCount
        var numeric = [[Double]?](repeating: nil, count: columnNames.count)
        for (name, values) in numericColumns {
            if let k = columnNames.firstIndex(of: name) { numeric[k] = values }
        }
        self.numeric = numeric
        self.levels = levels
        self.missingRows = missingRows
        self.slowPath = slowPath
        self.locator = locator
        self.cells = []
        self.lines = []
        self.columns = []
    }

    /// A data set made of numeric columns (built-in data or tests).
    public init(source: String, columns named: [(String, [Double])]) {
        self.source = source
        self.dialect = .standard
        self.columnNames = named.map(\.0)
        self.numeric = named.map { $0.1 }
        self.rowCount = named.first?.1.count ?? 0
        self.cells = []
        self.lines = []
        self.columns = []
        self.missingRows = [:]
        self.slowPath = nil
        self.locator = nil
    }

    /// The position of the cell in `row` of `column` in the source file, if the data came from one.
    public func location(row: Int, column: String) -> SourceLocation? {
        guard let index = columnNames.firstIndex(of: column), index < lines.count, row < lines[index].count else {
            return locator?(row, column)?.at ?? slowPath?()?.location(row: row, column: column)
        }
        return location(row: row, columnIndex: index)
    }

    /// The text of a cell of a data set parsed from text (nil for streamed columns).
    func text(row: Int, column: String) -> String? {
        guard let index = columnNames.firstIndex(of: column), index < cells.count, row < cells[index].count else { return nil }
        return cells[index][row]
    }

    private func location(row: Int, columnIndex index: Int) -> SourceLocation {
        SourceLocation(file: source, line: Int(lines[index][row]), column: Int(columns[index][row]))
    }

    /// Whether `name` was read as text (categorical levels), not numbers.
    public func isText(_ name: String) -> Bool { levels[name] != nil }

    /// The column `name` as categorical levels: each row's code into `levels` (in order of
    /// first appearance; NaN where the cell is missing), for a column read as text or parsed
    /// from text; nil for a numeric-only column.
    public func categorical(_ name: String) -> (codes: [Double], levels: [String])? {
        guard let index = columnNames.firstIndex(of: name) else { return nil }
        if let names = levels[name], let codes = numeric[index] { return (codes, names) }
        guard index < cells.count else { return nil }
        var codeOf: [String: Int] = [:], names: [String] = []
        let codes = cells[index].map { text -> Double in
            if dialect.isMissing(text) { return .nan }
            if let c = codeOf[text] { return Double(c) }
            codeOf[text] = names.count
            names.append(text)
            return Double(names.count - 1)
        }
        return (codes, names)
    }

    /// The column `name` as numbers, NaN where a cell holds a missing marker.
    /// - Throws: `DataError` naming the first cell that is neither a number nor missing.
    public func numbersOrMissing(_ name: String) throws -> [Double] {
        guard let index = columnNames.firstIndex(of: name) else {
            throw DataError.missingColumn(file: source, name: name, available: columnNames)
        }
        if levels[name] == nil, let values = numeric[index] { return values }
        if levels[name] != nil, let full = slowPath?() { return try full.numbersOrMissing(name) }
        return try cells[index].enumerated().map { row, text in
            dialect.isMissing(text) ? .nan : try Dataset.parseNumber(text, at: location(row: row, columnIndex: index), column: name, dialect: dialect)
        }
    }

    /// The error of a cell whose value is not what its column must hold (`reason`, after the
    /// cell's text).
    public func invalidValue(row: Int, column: String, reason: String) -> Error {
        let at = location(row: row, column: column) ?? SourceLocation(file: source, line: row + 2, column: 1)
        let text = self.text(row: row, column: column) ?? locator?(row, column)?.text ?? ""
        return DataError.invalidValue(at, column: column, text: text, reason: reason)
    }

    /// The error for the missing value in `row` of `column`, located.
    public func missingError(row: Int, column: String) -> Error {
        let at = location(row: row, column: column) ?? SourceLocation(file: source, line: row + 2, column: 1)
        let text = self.text(row: row, column: column) ?? locator?(row, column)?.text ?? "NA"
        return DataError.missingValue(at, column: column, text: text)
    }

    /// The rows of `name` that hold a missing marker (streamed columns).
    public func missing(_ name: String) -> [Int] { missingRows[name] ?? [] }

    /// The column `name` as numbers.
    /// - Throws: `DataError` naming the first cell that is empty, not a number or not finite,
    ///   or the missing column.
    public func numbers(_ name: String) throws -> [Double] {
        guard let index = columnNames.firstIndex(of: name) else {
            throw DataError.missingColumn(file: source, name: name, available: columnNames)
        }
        if let values = numeric[index] {
            if levels[name] != nil, let full = slowPath?() { return try full.numbers(name) }
            if let first = missingRows[name]?.first {
                // The located message for that cell, as the full parser gives it (every cell
                // before it is a number).
                if let (at, text) = locator?(first, name) { _ = try Dataset.parseNumber(text, at: at, column: name, dialect: dialect) }
                if let full = slowPath?() { _ = try full.numbers(name) }
                throw DataError.unreadable(file: source, reason: "row \(first + 1) of column \(quoted(name)) holds a missing value, but the file could not be read again to locate it")
            }
            return values
        }
        let texts = cells[index]
        var values = [Double]()
        values.reserveCapacity(texts.count)
        for (row, text) in texts.enumerated() {
            values.append(try Dataset.parseNumber(text, at: location(row: row, columnIndex: index), column: name, dialect: dialect))
        }
        return values
    }

    /// Throws the located error of the first cell of `name` that is neither a number nor a
    /// missing marker (the streaming reader's test; missing values are judged later).
    public func checkNumbersOrMissing(_ name: String) throws {
        guard let index = columnNames.firstIndex(of: name) else {
            throw DataError.missingColumn(file: source, name: name, available: columnNames)
        }
        guard numeric[index] == nil else { return }
        for (row, text) in cells[index].enumerated() where !dialect.isMissing(text) {
            _ = try Dataset.parseNumber(text, at: location(row: row, columnIndex: index), column: name, dialect: dialect)
        }
    }

    /// Texts that always stand for a missing value: empty, or NA, N/A, NaN, null (any case), as
    /// R's `read.csv` and pandas read them (`CSVDialect` adds the user's own).
    public static func isMissingMarker(_ raw: String) -> Bool {
        let text = raw.trimmingSpaces().lowercased()
        return text.isEmpty || text == "na" || text == "n/a" || text == "nan" || text == "null"
    }

    /// Two columns as numbers, with the rows where either holds a missing value left out
    /// (R's `na.omit` on the two columns). Any other bad cell is still an error.
    /// - Returns: the kept values, and the file row of each kept value when any were dropped
    ///   (empty when none were, so that row k is row k).
    public func pairedNumbers(_ xName: String, _ yName: String, dropMissing: Bool) throws -> (x: [Double], y: [Double], keptRows: [Int]) {
        if dropMissing, cells.isEmpty, let xs = columnNames.firstIndex(of: xName).flatMap({ numeric[$0] }),
           let ys = columnNames.firstIndex(of: yName).flatMap({ numeric[$0] }) {
            // Streamed columns: missing markers are NaN already.
            var x: [Double] = [], y: [Double] = [], kept: [Int] = []
            for row in 0..<min(xs.count, ys.count) where !xs[row].isNaN && !ys[row].isNaN {
                x.append(xs[row]); y.append(ys[row]); kept.append(row)
            }
            return (x, y, kept.count == xs.count ? [] : kept)
        }
        guard dropMissing, !cells.isEmpty else { return (try numbers(xName), try numbers(yName), []) }
        guard let xi = columnNames.firstIndex(of: xName) else {
            throw DataError.missingColumn(file: source, name: xName, available: columnNames)
        }
        guard let yi = columnNames.firstIndex(of: yName) else {
            throw DataError.missingColumn(file: source, name: yName, available: columnNames)
        }
        var x: [Double] = [], y: [Double] = []
        x.reserveCapacity(rowCount); y.reserveCapacity(rowCount)
        var kept: [Int] = []
        for row in 0..<rowCount {
            let tx = cells[xi][row], ty = cells[yi][row]
            if dialect.isMissing(tx) || dialect.isMissing(ty) { continue }
            kept.append(row)
            x.append(try Dataset.parseNumber(tx, at: location(row: row, columnIndex: xi), column: xName, dialect: dialect))
            y.append(try Dataset.parseNumber(ty, at: location(row: row, columnIndex: yi), column: yName, dialect: dialect))
        }
        return (x, y, kept.count == rowCount ? [] : kept)
    }

    static func parseNumber(_ raw: String, at: SourceLocation, column: String, dialect: CSVDialect = .standard) throws -> Double {
        let text = raw.trimmingSpaces()
        if text.isEmpty { throw DataError.emptyField(at, column: column) }
        if dialect.isMissing(text) { throw DataError.missingValue(at, column: column, text: raw) }
        // Swift's parser accepts "nan", "inf" and hexadecimal; a data file should hold plain
        // decimal numbers, so anything else is refused by name.
        let lowered = text.lowercased()
        let bare = lowered.hasPrefix("-") || lowered.hasPrefix("+") ? String(lowered.dropFirst()) : lowered
        if bare.hasPrefix("nan") || bare.hasPrefix("inf") {
            throw DataError.nonFinite(at, column: column, text: raw)
        }
        // Only the characters of a decimal number: Double(String) would stop at a NUL byte and
        // read "2\0garbage" as 2, and accepts hexadecimal.
        guard bare.first.map({ $0.isASCII && ($0.isNumber || $0 == ".") }) == true,
              !bare.hasPrefix("0x"),
              text.unicodeScalars.allSatisfy({ "0123456789.eE+-".unicodeScalars.contains($0) }),
              let value = Double(text) else {
            throw DataError.notANumber(at, column: column, text: raw)
        }
        guard value.isFinite else { throw DataError.nonFinite(at, column: column, text: raw) }
        return value
    }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
