/// How a delimited text file is written: the byte that separates its fields, and the texts
/// that stand for a missing value besides the standard ones.
///
/// The standard markers (empty, `NA`, `N/A`, `NaN`, `null`, any case) always count. Extra
/// markers are compared as the standard ones are, trimmed and in any case; an extra marker
/// that is itself a number (`-999`, a common sentinel) marks every cell holding that value,
/// however it is written (`-999.0` too), since such a sentinel is a value, not a spelling.
public struct CSVDialect: Sendable, Hashable {
    /// The field separator: one ASCII byte (`,` by default).
    public let delimiter: UInt8
    /// Extra missing markers, trimmed and lower-cased, in the order given (duplicates dropped).
    public let markers: [String]
    /// The extra markers that are numbers, as values.
    let numericMarkers: [Double]

    /// The separators a file may use: comma, semicolon, tab, pipe, colon, caret, tilde and
    /// exclamation mark. Letters, digits, the quote, `.`, `+`, `-`, `#`, spaces and line
    /// breaks are parts of numbers, markers or fields.
    public static let allowedDelimiters: Set<UInt8> = Set(",;\t|:^~!".utf8)

    /// The comma and no extra markers: RFC 4180 as `CSVReader` reads it by default.
    public static let standard = CSVDialect()

    /// - Precondition: `delimiter` is one of `allowedDelimiters` (the command line checks it
    ///   with a message; a programmer's mistake here falls back to the comma).
    public init(delimiter: UInt8 = 0x2C, missingMarkers: [String] = []) {
        self.delimiter = CSVDialect.allowedDelimiters.contains(delimiter) ? delimiter : 0x2C
        var seen: [String] = []
        for raw in missingMarkers {
            let text = raw.trimmingSpaces().lowercased()
            if !text.isEmpty && !Dataset.isMissingMarker(text) && !seen.contains(text) { seen.append(text) }
        }
        markers = seen
        numericMarkers = seen.compactMap(CSVDialect.number).filter(\.isFinite)
    }

    /// Whether `raw` stands for a missing value: a standard or an extra marker, or a number
    /// equal to a numeric extra marker.
    public func isMissing(_ raw: String) -> Bool {
        guard !markers.isEmpty else { return Dataset.isMissingMarker(raw) }
        let text = raw.trimmingSpaces().lowercased()
        if Dataset.isMissingMarker(text) || markers.contains(text) { return true }
        guard !numericMarkers.isEmpty else { return false }
        return CSVDialect.number(text).map(isMissing(value:)) ?? false
    }

    /// The text as a plain decimal number (`DecimalParser`'s grammar), or nil.
    static func number(_ text: String) -> Double? {
        var copy = text
        return copy.withUTF8 { $0.isEmpty ? nil : DecimalParser.parse($0.baseAddress!, count: $0.count) }
    }

    /// Whether a number read from a cell is a numeric missing marker.
    @inline(__always)
    public func isMissing(value: Double) -> Bool {
        !numericMarkers.isEmpty && numericMarkers.contains(value)
    }

    /// Whether the byte may pad a field (a space, or a tab unless the tab separates fields).
    @inline(__always)
    func isPadding(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte == 0x09 && delimiter != 0x09)
    }

    /// The separator as messages show it: `','`, `';'`, or `tab`.
    public var delimiterName: String {
        delimiter == 0x09 ? "tab" : "'\(Character(Unicode.Scalar(delimiter)))'"
    }

    /// The separator as the command line spells it (`--delimiter ';'`, `--delimiter tab`).
    public var delimiterArgument: String {
        delimiter == 0x09 ? "tab" : String(Character(Unicode.Scalar(delimiter)))
    }

    /// The separator the command line's `--delimiter TEXT` names: one allowed character, or
    /// `tab` (also `\t`); nil otherwise.
    public static func delimiter(named text: String) -> UInt8? {
        if ["tab", "\\t", "\t"].contains(text.lowercased()) { return 0x09 }
        if ["comma"].contains(text.lowercased()) { return 0x2C }
        if ["semicolon"].contains(text.lowercased()) { return 0x3B }
        if ["pipe"].contains(text.lowercased()) { return 0x7C }
        guard text.utf8.count == 1, let byte = text.utf8.first, allowedDelimiters.contains(byte) else { return nil }
        return byte
    }
}
