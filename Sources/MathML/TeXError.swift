/// A TeX input the converter cannot turn into MathML, with the 1-based character offset.
public struct TeXError: Error, Equatable, CustomStringConvertible {
    public var column: Int
    public var message: String
    public var description: String { "column \(column): \(message)" }
}
