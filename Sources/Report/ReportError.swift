/// A failure of a run, printed once by the executable after `error: `.
public struct ReportError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
