import Plot

/// The two models the report knows.
public enum ModelKind: String, CaseIterable, Sendable {
    case linear, logistic
}

/// One model to fit: which data and columns.
public struct ModelRequest: Equatable, Sendable {
    public var kind: ModelKind
    /// Path of the CSV file, or nil for the built-in data.
    public var dataPath: String?
    public var x: String
    public var y: String

    public init(kind: ModelKind, dataPath: String?, x: String, y: String) {
        self.kind = kind; self.dataPath = dataPath; self.x = x; self.y = y
    }
}

/// Everything a run needs, as parsed from the command line (and config file).
public struct ReportOptions: Sendable {
    public var outputDirectory = "Output"
    public var models: [ModelRequest] = ModelKind.allCases.map { ModelRequest(kind: $0, dataPath: nil, x: "x", y: "y") }
    public var title = "Where the losses come from: maximum likelihood, least squares and cross-entropy"
    public var templatesDirectory: String?
    public var formats: [ImageFormat] = [.png, .svg]
    public var singleFile = false
    public var figureWidth = 640.0
    public var figureHeight = 480.0
    public var scale = 2.0
    public var check = false
    public var quiet = false
    public var progress = false
    /// The command line as typed (without the program path), shown in the page footer.
    public var arguments: [String] = []
    /// The seed of the built-in data.
    public var seed: UInt64 = 20_261_124

    public init() {}
}
