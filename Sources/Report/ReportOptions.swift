import Foundation
import Plot
import Likelihood

/// A model family by the name users type (`--model`, config `model`); the names come from
/// the registry of families (`Families.all`), so adding a family adds its name.
public struct ModelKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init?(rawValue: String) {
        // `multinomial` is another name for the softmax model.
        let name = rawValue == "multinomial" ? "softmax" : rawValue
        guard Families.names.contains(name) || name == ModelKind.softmax.rawValue else { return nil }
        self.rawValue = name
    }
    init(known: String) { rawValue = known }
    public var description: String { rawValue }

    public static let linear = ModelKind(known: "linear")
    public static let logistic = ModelKind(known: "logistic")
    public static let laplace = ModelKind(known: "laplace")
    public static let studentT = ModelKind(known: "student-t")
    public static let poisson = ModelKind(known: "poisson")
    /// K classes, categorical cross-entropy (issue 21): always a several-predictor model, with
    /// no one-predictor family of its own.
    public static let softmax = ModelKind(known: "softmax")
    /// Every family, in page order.
    public static var allCases: [ModelKind] { Families.names.map(ModelKind.init(known:)) + [.softmax] }
}

/// A penalty on a model's coefficients (`--penalty`, `--lambda`, `--alpha`; config keys alike):
/// the maximum a posteriori fit under a Gaussian (ridge), Laplace (lasso) or mixed prior.
public struct PenaltyRequest: Equatable, Sendable {
    public var kind: Penalty.Kind
    /// λ in glmnet's scaling; nil for `--lambda auto` (the one-standard-error choice of
    /// cross-validation).
    public var lambda: Double?
    /// The elastic net's L1 share α (0 ≤ α ≤ 1: the ends are ridge and the lasso); nil for
    /// ridge and lasso.
    public var alpha: Double?

    public init(kind: Penalty.Kind, lambda: Double? = nil, alpha: Double? = nil) {
        self.kind = kind; self.lambda = lambda; self.alpha = alpha
    }

    /// The largest `--lambda` taken.
    public static let largestLambda = 1e100

    /// The L1 share the fit uses: 0 for ridge, 1 for the lasso, 0.5 unless given for the
    /// elastic net.
    public var l1Share: Double { Penalty(kind: kind, lambda: 1, alpha: alpha).alpha }

    /// The request from the three flags' texts (nil when none is given). `prefix` comes before
    /// each message ("--" on the command line, "" in a config, whose errors name the field).
    /// - Throws: a message in the flags' words.
    public static func parse(penalty: String?, lambda: String?, alpha: String?, prefix: String = "--") throws -> PenaltyRequest? {
        guard let penalty else {
            if lambda != nil || alpha != nil {
                throw PenaltyRequestError(message: "\(prefix)\(lambda != nil ? "lambda" : "alpha") sets the strength of a penalty; add \(prefix)penalty ridge, lasso or elastic-net")
            }
            return nil
        }
        guard let kind = Penalty.Kind(rawValue: penalty) else {
            throw PenaltyRequestError(message: "\(prefix)penalty: expected ridge, lasso or elastic-net, got \(Message.quoted(penalty))")
        }
        var request = PenaltyRequest(kind: kind)
        if let lambda, lambda != "auto" {
            guard let v = Double(lambda), v.isFinite, v > 0, lambda.allSatisfy({ $0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "-" || $0 == "+" }) else {
                throw PenaltyRequestError(message: "\(prefix)lambda: expected a positive number (for example 0.1) or auto, got \(Message.quoted(lambda))")
            }
            // Far above λ_max every coefficient is 0 anyway, and ridge's θ = c/(1 + λ) would
            // underflow to a 0 that its optimality check cannot tell from a wrong one.
            guard v <= PenaltyRequest.largestLambda else {
                throw PenaltyRequestError(message: "\(prefix)lambda: \(Message.quoted(lambda)) is above the largest λ taken, 1e100 (far above that every coefficient is 0)")
            }
            request.lambda = v
        }
        if let alpha {
            guard kind == .elasticNet else {
                throw PenaltyRequestError(message: "\(prefix)alpha mixes the lasso and ridge penalties of the elastic net; \(kind.rawValue) has \(kind == .ridge ? "α = 0" : "α = 1") (give \(prefix)penalty elastic-net)")
            }
            guard let v = Double(alpha), v >= 0, v <= 1 else {
                throw PenaltyRequestError(message: "\(prefix)alpha: expected the lasso's share, a number from 0 to 1 (for example 0.5; 0 is ridge, 1 the lasso), got \(Message.quoted(alpha))")
            }
            // The ends of the mix are the pure penalties, named and fitted as such.
            if v == 0 { request = PenaltyRequest(kind: .ridge, lambda: request.lambda) }
            else if v == 1 { request = PenaltyRequest(kind: .lasso, lambda: request.lambda) }
            else { request.alpha = v }
        }
        return request
    }

    /// The flags that repeat this request on a command line.
    public var arguments: [String] {
        var out = ["--penalty", kind.rawValue]
        if let lambda { out += ["--lambda", String(lambda)] }
        if let alpha { out += ["--alpha", String(alpha)] }
        return out
    }
}

/// A `--penalty`/`--lambda`/`--alpha` value that cannot be used.
public struct PenaltyRequestError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// One model to fit: which data and columns.
public struct ModelRequest: Equatable, Sendable {
    public var kind: ModelKind
    /// Path of the CSV file, or nil for the built-in data.
    public var dataPath: String?
    public var x: String
    public var y: String
    /// The name the user gave the model (config `name`), used in headings and file names.
    public var name: String?
    /// Student-t only: ν held at this value instead of estimated (`--nu`, config `nu`).
    public var nu: Double?
    /// Every predictor column in order (`--x a,b,c`, config `"x": [...]`); `x` is the first.
    public var predictors: [String]
    /// Numeric columns to treat as categorical (`--factor`), the reference level of a
    /// categorical column (`--reference COL=LEVEL`), the level of a two-level response
    /// modelled as 1 (`--positive`).
    public var factors: [String] = []
    public var references: [String: String] = [:]
    public var positive: String? = nil
    /// The two terms the likelihood surface is drawn over (`--pair a,b`, config `pair`).
    public var pair: [String]? = nil
    /// Softmax: the reference class (`--reference-class`, config `reference_class`); nil for
    /// the first in sorted order.
    public var referenceClass: String? = nil
    /// Set once the data are read: a predictor (or a logistic response) holds text.
    public var textDetected = false
    /// `--penalty`: the MAP fit under a prior on the coefficients (issue 20).
    public var penalty: PenaltyRequest? = nil
    /// Grouped data and weights (issue 22): `--weights COL` (frequency weights), `--trials
    /// COL` (binomial groups: the response counts successes), `--exposure COL` (a Poisson
    /// rate's log offset).
    public var weights: String? = nil
    public var trials: String? = nil
    public var exposure: String? = nil
    /// Any of them.
    public var isGrouped: Bool { weights != nil || trials != nil || exposure != nil }

    public init(kind: ModelKind, dataPath: String?, x: String, y: String, name: String? = nil, nu: Double? = nil) {
        self.kind = kind; self.dataPath = dataPath; self.x = x; self.y = y; self.name = name; self.nu = nu
        self.predictors = [x]
    }

    /// The model of several predictors (issue 19): more than one predictor column, or any
    /// categorical column or two-level response, which the one-predictor sections (their
    /// surfaces over (w, b)) cannot show.
    public var isSeveral: Bool {
        predictors.count > 1 || !factors.isEmpty || !references.isEmpty || positive != nil || pair != nil || textDetected
            || penalty != nil || kind == .softmax || referenceClass != nil || isGrouped
    }

    /// What is wrong with the several-predictor options, in the flags' words; nil when they fit.
    public var severalProblem: String? {
        let listed = predictors.map { Message.quoted($0) }.joined(separator: ", ")
        if let f = factors.first(where: { !predictors.contains($0) }) { return "--factor \(Message.escaped(f)): not one of the predictors (\(listed))" }
        if let c = references.keys.sorted().first(where: { !predictors.contains($0) }) {
            return "--reference \(Message.escaped(c))=…: not one of the predictors (\(listed))"
        }
        if positive != nil && kind != .logistic {
            return "--positive names the level of a logistic response modelled as 1; the \(kind.rawValue) model has no such level"
        }
        if predictors.contains(y) { return "\(Message.quoted(y)) is the response; it cannot also be a predictor" }
        if referenceClass != nil && kind != .softmax {
            return "--reference-class names the reference class of a softmax response; the \(kind.rawValue) model has none (--reference sets a predictor's reference level)"
        }
        if kind == .softmax && dataPath == nil {
            return "the softmax model needs --data FILE with a categorical response (the built-in data have none)"
        }
        for (flag, column) in [("--weights", weights), ("--trials", trials), ("--exposure", exposure)] {
            guard let column else { continue }
            if column == y { return "\(flag) \(Message.escaped(column)): that is the response" }
            if predictors.contains(column) { return "\(flag) \(Message.escaped(column)): that is a predictor (\(listed))" }
        }
        let named = [weights, trials, exposure].compactMap { $0 }
        if Set(named).count < named.count { return "--weights, --trials and --exposure name one column each; a column cannot play two of those parts" }
        if trials != nil && kind != .logistic {
            return "--trials makes the response a count of successes out of that many trials, a binomial response: the logistic model's; the \(kind.rawValue) model has none"
        }
        if exposure != nil && kind != .poisson {
            return "--exposure is a Poisson rate model's time or size at risk (a log offset); the \(kind.rawValue) model has none"
        }
        if isGrouped && dataPath == nil { return "--weights, --trials and --exposure name columns of --data FILE; give the file too" }
        if let penalty, isGrouped {
            return "--penalty \(penalty.kind.rawValue): penalised fits take one row per observation; leave out --weights, --trials and --exposure"
        }
        if let penalty, kind != .linear && kind != .logistic && kind != .poisson {
            return "--penalty \(penalty.kind.rawValue): penalties are fitted for the linear, logistic and poisson models (glmnet's families), not \(kind.rawValue)"
        }
        return nil
    }
}

/// A data set whose noise models are compared: `dataPath` nil for the built-in data with
/// outliers.
public struct ComparisonRequest: Equatable, Sendable {
    public var dataPath: String?
    public var x: String
    public var y: String
}

/// Everything a run needs, as parsed from the command line (and config file).
public struct ReportOptions: Sendable {
    public var outputDirectory = "Output"
    public var models: [ModelRequest] = [ModelKind.linear, .logistic].map { ModelRequest(kind: $0, dataPath: nil, x: "x", y: "y") }
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
    /// Leave out rows whose used fields are missing (empty, NA, N/A, NaN, null, or a marker
    /// `--na` adds).
    public var dropMissing = false
    /// `--delimiter` and `--na`: how the data files are written.
    public var dialect = CSVDialect.standard
    /// `--figures`: names or globs of the figures to make (nil: all).
    public var figurePatterns: [String]?
    /// `--no-compare` (config `"compare": false`): no comparison of noise models.
    public var compare = true
    /// `--no-page`: figures and report.json only.
    public var noPage = false
    /// `--check-tolerance RMS`: compare figures by content rather than bytes (see
    /// `OutputFiles.differences`); nil compares every byte.
    public var checkTolerance: Double?
    /// `--watch`: render again whenever an input changes.
    public var watch = false
    /// `--theme`: the renderings of every figure (light, dark or both; the page serves the
    /// dark ones to readers whose system is dark).
    public var themes: [Theme] = [.light, .dark]
    /// `--transparent`: no paper behind the figures (for slides).
    public var transparent = false
    /// The config file the models came from, if any (`--config`).
    public var configPath: String?
    /// Whether `--title` was given on the command line (a config's own title is part of it).
    public var titleFromCommandLine = false
    /// `--no-compare` and `--seed` were given on the command line (they win over a config's
    /// `compare` and `seed`, and the recorded command repeats them).
    public var compareFromCommandLine = false
    public var seedFromCommandLine = false
    /// The seed of the built-in data.
    public var seed: UInt64 = 20_261_124

    public init() {}
}

extension ReportOptions {
    /// The data sets whose noise models are compared (Gaussian, Laplace and Student-t fitted
    /// to each): one per distinct (data, x, y) among the models of those three families, the
    /// built-in data with outliers when the model has no file.
    public var comparisons: [ComparisonRequest] {
        var out: [ComparisonRequest] = []
        guard compare else { return out }
        for m in models where !m.isSeveral && Families.family(m.kind).isLocationFamily {
            let c = ComparisonRequest(dataPath: m.dataPath, x: m.x, y: m.y)
            if !out.contains(c) { out.append(c) }
        }
        return out
    }

    /// The comparison sections' names: "comparison", "comparison-2", …
    public var comparisonNames: [String] {
        comparisons.indices.map { $0 == 0 ? "comparison" : "comparison-\($0 + 1)" }
    }

    /// Each model's unique name: its config `name`, or its kind with "-2", "-3", … when that
    /// is taken (by an earlier model or by any model's own name, so that an unnamed linear
    /// model never takes the "linear-2" a config gave another one).
    public var modelNames: [String] {
        var taken = Set(models.compactMap(\.name))
        return models.map { request in
            if let name = request.name { return name }
            let base = request.kind.rawValue
            var candidate = base, k = 1
            while taken.contains(candidate) { k += 1; candidate = "\(base)-\(k)" }
            taken.insert(candidate)
            return candidate
        }
    }

    /// The file name of a figure in a theme: `linear-fit.png`, `linear-fit.dark.png`.
    public static func fileName(_ figure: String, theme: Theme, format: String, narrow: Bool = false) -> String {
        figure + (narrow ? ".narrow" : "") + (theme.name == "dark" ? ".dark" : "") + "." + format
    }

    /// The width of every page figure's narrow rendering, in points: a phone's column (358 CSS
    /// px at 390 px) shows it at about its own size.
    public static let narrowWidth = 360.0
    /// Its text, markers and margins relative to a default figure's: at a 360 px phone's
    /// column (328 px) its smallest text (8 pt contour labels at scale 1) is still 9 CSS px.
    public static let narrowTextScale = 1.25
    /// Its height: the plot area about keeps the main rendering's shape, with 110 pt more for
    /// a legend, which a narrow figure mostly places below its axes.
    public var narrowHeight: Double { (200 + (ReportOptions.narrowWidth - 110) * FigureFactory.plotAspect(self)).rounded() }
    /// The format of the narrow renderings, nil when no page shows figures: SVG when the
    /// page has it (or inlines the figures), else PNG.
    public var narrowFormat: ImageFormat? {
        if noPage { return nil }
        if singleFile || formats.contains(.svg) { return .svg }
        return formats.contains(.png) ? .png : nil
    }

    /// Every figure name this run can make, in page order.
    public var figureNames: [String] {
        DerivationFigures.names
            + zip(modelNames, models).flatMap { name, m in
                (m.isSeveral ? SeveralReport.figureKinds(m) : Families.family(m.kind).figureKinds).map { "\(name)-\($0)" }
            }
            + comparisonNames.map { "\($0)-fits" }
    }

    /// Whether `--figures` asks for the figure `name` (a name or a shell-style glob).
    public func wantsFigure(_ name: String) -> Bool {
        guard let patterns = figurePatterns else { return true }
        return patterns.contains { ReportOptions.glob($0, matches: name) }
    }

    /// `*` (any run) and `?` (one character) matching, the rest literal.
    public static func glob(_ pattern: String, matches name: String) -> Bool {
        let p = Array(pattern), n = Array(name)
        var memo = [[Bool?]](repeating: [Bool?](repeating: nil, count: n.count + 1), count: p.count + 1)
        func match(_ i: Int, _ j: Int) -> Bool {
            if let known = memo[i][j] { return known }
            let result: Bool
            if i == p.count { result = j == n.count }
            else if p[i] == "*" { result = match(i + 1, j) || (j < n.count && match(i, j + 1)) }
            else { result = j < n.count && (p[i] == "?" || p[i] == n[j]) && match(i + 1, j + 1) }
            memo[i][j] = result
            return result
        }
        return match(0, 0)
    }

    /// The run's meaning as a command line, the same however it was typed: options in a fixed
    /// order, defaults left out, and every path made relative to `base` (the folder that holds
    /// the output directory) when it lies below it, else absolute. The page records it, so
    /// `--check` calls two spellings of one run equal, and its stale message prints it.
    public func canonicalArguments(relativeTo base: String) -> [String] {
        let defaults = ReportOptions()
        func path(_ p: String) -> String { p == StandardInput.path ? p : ReportOptions.path(p, relativeTo: base) }
        var out: [String] = []
        if let configPath {
            out += ["--config", path(configPath)]
        } else if let first = models.first, let data = first.dataPath {
            out += ["--data", path(data), "--x", first.predictors.joined(separator: ","), "--y", first.y,
                    "--model", models.map(\.kind.rawValue).joined(separator: ",")]
            if !first.factors.isEmpty { out += ["--factor", first.factors.joined(separator: ",")] }
            for (column, level) in first.references.sorted(by: { $0.key < $1.key }) { out += ["--reference", "\(column)=\(level)"] }
            if let positive = first.positive { out += ["--positive", positive] }
            if let referenceClass = first.referenceClass { out += ["--reference-class", referenceClass] }
            if let pair = first.pair { out += ["--pair", pair.joined(separator: ",")] }
            if let penalty = first.penalty { out += penalty.arguments }
            if let weights = first.weights { out += ["--weights", weights] }
            if let trials = first.trials { out += ["--trials", trials] }
            if let exposure = first.exposure { out += ["--exposure", exposure] }
        } else if models.map(\.kind) != defaults.models.map(\.kind) {
            out += ["--model", models.map(\.kind.rawValue).joined(separator: ",")]
        }
        if configPath == nil, let nu = models.compactMap(\.nu).first { out += ["--nu", ReportOptions.number(nu)] }
        if dropMissing { out.append("--drop-missing") }
        if dialect.delimiter != CSVDialect.standard.delimiter { out += ["--delimiter", dialect.delimiterArgument] }
        if !dialect.markers.isEmpty { out += ["--na", dialect.markers.joined(separator: ",")] }
        if let templatesDirectory { out += ["--templates", path(templatesDirectory)] }
        if singleFile { out.append("--single-file") }
        if let figurePatterns { out += ["--figures", figurePatterns.joined(separator: ",")] }
        if noPage { out.append("--no-page") }
        if !compare && (configPath == nil || compareFromCommandLine) { out.append("--no-compare") }
        if themes.map(\.name) != defaults.themes.map(\.name) {
            out += ["--theme", themes.count == 2 ? "both" : themes[0].name]
        }
        if transparent { out.append("--transparent") }
        if !singleFile && formats != defaults.formats { out += ["--format", formats.map(\.rawValue).joined(separator: ",")] }
        if figureWidth != defaults.figureWidth || figureHeight != defaults.figureHeight {
            out += ["--figure-size", "\(ReportOptions.number(figureWidth))x\(ReportOptions.number(figureHeight))"]
        }
        if scale != defaults.scale { out += ["--scale", ReportOptions.number(scale)] }
        if seed != defaults.seed && models.contains(where: { $0.dataPath == nil }) && (configPath == nil || seedFromCommandLine) {
            out += ["--seed", String(seed)]
        }
        if titleFromCommandLine || (configPath == nil && title != defaults.title) { out += ["--title", title] }
        return out
    }

    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }

    /// `p` relative to `base` (with `..` where it lies beside or above it), so that a page
    /// records the same command in every checkout; absolute only when the two share no folder
    /// but the root. Both normalised.
    public static func path(_ p: String, relativeTo base: String) -> String {
        if p == StandardInput.path { return StandardInput.name }
        let full = URL(fileURLWithPath: p).standardizedFileURL.pathComponents
        let root = URL(fileURLWithPath: base).standardizedFileURL.pathComponents
        var common = 0
        while common < min(full.count, root.count) && full[common] == root[common] { common += 1 }
        guard common > 1 else { return URL(fileURLWithPath: p).standardizedFileURL.path }
        let up = Array(repeating: "..", count: root.count - common)
        return (up + full[common...]).joined(separator: "/")
    }

    /// The folder that holds the output directory, absolute.
    public var outputParent: String {
        URL(fileURLWithPath: outputDirectory).standardizedFileURL.deletingLastPathComponent().path
    }

    /// The command that regenerates this report, run from `outputParent`.
    public var regenerateCommand: [String] {
        let name = URL(fileURLWithPath: outputDirectory).standardizedFileURL.lastPathComponent
        return ["mle-report"] + canonicalArguments(relativeTo: outputParent) + (name == "Output" ? [] : ["--out", name])
    }
}
