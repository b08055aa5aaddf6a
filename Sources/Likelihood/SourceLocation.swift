/// A position in an input file: 1-based line and column (column counted in characters).
public struct SourceLocation: Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `FILE:LINE:COL`, the form compilers use, so editors can jump to it.
    public var description: String { "\(file):\(line):\(column)" }
}
