/// A failure of a run, printed once by the executable after `error: `.
public struct ReportError: Error, CustomStringConvertible, Equatable {
    public var message: String
    /// A usage error found only once the data are read (for example `--lambda auto` on too
    /// few rows): the executable exits 2, as for a bad flag, with the hint to `--help`.
    public var isUsage = false
    public init(_ message: String, usage: Bool = false) { self.message = message; isUsage = usage }
    public var description: String { message }
}
