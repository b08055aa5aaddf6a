/// A template problem, with the template's name and the 1-based line and column of the tag.
public struct MustacheError: Error, Equatable, CustomStringConvertible {
    public var template: String
    public var line: Int
    public var column: Int
    public var message: String

    public var description: String { "\(template):\(line):\(column): \(message)" }
}

/// A position in a template.
struct Position: Equatable {
    var line: Int
    var column: Int
}
