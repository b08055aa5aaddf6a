import Foundation
import Plot
import Likelihood
import Report

/// A usage error: printed with a hint to `--help`, exit code 2.
struct UsageError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

enum CommandLineParser {
    /// The pixel budget of one PNG figure: 16 megapixels (4000 × 4000 points at scale 1,
    /// 2000 × 2000 at the default scale 2).
    static let maxPixels = 16e6

    static let help = """
    mle-report: a report that derives least squares and cross-entropy from maximum likelihood,
    and checks the derivations numerically on built-in or your own data.

    Usage:
      mle-report                               the default report (built-in data) into Output/
      mle-report --data FILE.csv --x COL --y COL [--model MODEL[,MODEL…]]
      mle-report --config FILE.json

    Options:
      --out DIR            output directory (default: Output); replaced atomically
      --data FILE          CSV file with a header row (RFC 4180, UTF-8); - reads it from
                           standard input (for example from duckdb -csv or psql --csv)
      --x COL, --y COL     predictor and response columns (default: x and y); --x a,b,c fits
                           several predictors (every model), and a column of words is
                           categorical (treatment coding, first level in sorted order as reference)
      --factor COL[,COL…]  treat these numeric predictors as categorical (codes such as 1/2/3)
      --reference COL=LEVEL  the reference level of a categorical predictor (repeatable)
      --positive LEVEL     logistic: the response level modelled as 1 (default: the second in
                           sorted order, as R; a Yes/No response models Yes)
      --reference-class C  softmax: the reference class (default: the first in sorted order)
      --trials COL         logistic: binomial groups; the response counts the successes among
                           COL trials per row (R's cbind(successes, failures))
      --weights COL        every model: frequency weights (each row stands for that many
                           identical observations; rows of weight 0 are left out and counted)
      --exposure COL       poisson: each row's exposure (time or size at risk), a log offset:
                           the model is then one of rates
      --pair A,B           several predictors: the two terms the profile likelihood is drawn
                           over (default: the strongest numeric predictor and (Intercept))
      --penalty P          ridge, lasso or elastic-net: the maximum a posteriori fit under a
                           Gaussian, Laplace or mixed prior on the standardised coefficients
                           (linear, logistic, poisson; glmnet's objective), with its
                           regularisation path and 10-fold cross-validation
      --lambda L           the penalty's strength λ in glmnet's scaling, or auto (default): the
                           largest λ within one standard error of the best cross-validated one
      --alpha A            elastic-net: the lasso's share of the penalty, 0 to 1 (default 0.5)
      --model LIST         noise models, separated by commas (default with --data: linear):
                             linear     Gaussian noise, least squares
                             laplace    Laplace noise, least absolute deviations
                             student-t  Student-t noise, a robust loss
                             logistic   Bernoulli labels (0/1), cross-entropy
                             poisson    Poisson counts (0, 1, 2, …), log link
                             softmax    K classes (text or whole-number codes), categorical
                                        cross-entropy (also: multinomial; needs --data)
                           any of linear, laplace, student-t adds a comparison of the three
      --no-compare         leave the comparison of noise models out (it fits all three)
      --nu N               student-t: hold ν at N instead of estimating it
      --drop-missing       leave out rows whose x or y is empty, NA, N/A, NaN or null (or a
                           marker --na adds), and say how many
      --delimiter C        the data's field separator: one of , ; | : ^ ~ ! or tab (default ,)
      --na LIST            more missing markers, separated by commas (for example '#N/A,None,.');
                           a number (-999) marks every cell holding that value
      --config FILE        JSON file listing several models (see the README)
      --templates DIR      your templates; any file missing there comes from the defaults
      --format LIST        figure formats among png, svg, pdf (default: png,svg); the page needs
                           png or svg among them
      --single-file        one self-contained index.html (SVG figures inlined) and report.json
      --figures LIST       only these figures: names like linear-fit or globs like '*-contours'
      --no-page            figures and report.json only, no index.html
      --watch              render again whenever a data file, the config or a template changes
      --theme T            light, dark or both (default both: the page shows the dark figures
                           to readers whose system is dark; files say which: linear-fit.dark.png)
      --transparent        no paper behind the figures (for slides)
      --figure-size WxH    figure size in points, from 320x240 to 4000x4000 (default: 640x480)
      --scale N            PNG pixels per point, from 0.5 to 8 (default: 2)
      --seed N             seed of the built-in data (default: 20261124)
      --title TEXT         title of the page
      --check              render in memory, compare with DIR, exit 1 listing what differs
      --check-tolerance R  --check, comparing PNG figures by decoded pixels (RMS of 0-255
                           channels at most R), SVG with numbers rounded to 0.1, PDF without
                           producer and dates; the page and report.json stay exact
      --quiet              no summary on stdout (warnings and errors still go to stderr)
      --progress           progress on stderr even when it is not a terminal (independent of --quiet)
      --help, --version

    Exit codes: 0 success, 1 bad input or failed run, 2 usage error, 3 --check found the report
    stale (regenerate it).
    """

    /// Parses the arguments (without the program name). Returns nil for --help/--version,
    /// after printing them.
    static func parse(_ given: [String]) throws -> ReportOptions? {
        // A config's option fields (format, theme, …) become flags placed before the command
        // line's own, so that a flag typed wins; a bad value is reported at the config's field.
        var configFile: String? = nil
        for (i, a) in given.enumerated() {
            if a == "--config", i + 1 < given.count { configFile = given[i + 1] }
            if a.hasPrefix("--config=") { configFile = String(a.dropFirst("--config=".count)) }
        }
        let fromConfig = try configFile.map { try ConfigFile.optionArguments($0) } ?? []
        let arguments = fromConfig.flatMap(\.arguments) + given
        var origin: [String?] = []
        for entry in fromConfig { origin += entry.arguments.map { _ in entry.field } }
        var options = ReportOptions()
        let flagsWithoutValue: Set<String> = ["--help", "-h", "--version", "--single-file", "--check", "--quiet", "-q", "--progress",
                                              "--drop-missing", "--no-page", "--watch", "--transparent", "--no-compare"]
        var formatGiven = false
        var data: String? = nil, x: String? = nil, y: String? = nil, models: [ModelKind]? = nil, config: String? = nil
        var nu: Double? = nil
        var factors: [String] = [], references: [String: String] = [:], positive: String? = nil, pair: [String]? = nil
        var penaltyText: String? = nil, lambdaText: String? = nil, alphaText: String? = nil
        var referenceClass: String? = nil
        var weights: String? = nil, trials: String? = nil, exposure: String? = nil
        var delimiter: UInt8 = CSVDialect.standard.delimiter
        var naMarkers: [String] = []
        var k = 0
        func value(_ flag: String, inline: String?) throws -> String {
            if let inline { return inline }
            k += 1
            guard k < arguments.count else { throw UsageError(message: "\(flag) needs a value") }
            return arguments[k]
        }
        while k < arguments.count {
            var flag = arguments[k]
            var inline: String? = nil
            if flag.hasPrefix("--"), let eq = flag.firstIndex(of: "=") {
                inline = String(flag[flag.index(after: eq)...])
                flag = String(flag[..<eq])
            }
            if inline != nil && flagsWithoutValue.contains(flag) {
                throw UsageError(message: "\(flag) takes no value")
            }
            let start = k
            do {
            switch flag {
            case "--help", "-h":
                print(help)
                return nil
            case "--version":
                print("mle-report \(ReportRunner.version)")
                return nil
            case "--out": options.outputDirectory = try value(flag, inline: inline)
            case "--data": data = try value(flag, inline: inline)
            case "--x": x = try value(flag, inline: inline)
            case "--factor":
                let text = try value(flag, inline: inline)
                let names = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                guard !names.contains(where: \.isEmpty) else {
                    throw UsageError(message: "--factor: expected column names separated by commas, got \(Message.quoted(text))")
                }
                for n in names where !factors.contains(n) { factors.append(n) }
            case "--reference":
                let text = try value(flag, inline: inline)
                guard let eq = text.firstIndex(of: "="), eq != text.startIndex, text.index(after: eq) != text.endIndex else {
                    throw UsageError(message: "--reference: expected COLUMN=LEVEL (for example species=Gentoo), got \(Message.quoted(text))")
                }
                references[String(text[..<eq])] = String(text[text.index(after: eq)...])
            case "--pair":
                let text = try value(flag, inline: inline)
                let terms = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                guard terms.count == 2, !terms.contains(where: \.isEmpty) else {
                    throw UsageError(message: "--pair: expected two terms separated by a comma (for example flipper_length_mm,(Intercept)), got \(Message.quoted(text))")
                }
                pair = terms
            case "--positive":
                let text = try value(flag, inline: inline)
                guard !text.isEmpty else { throw UsageError(message: "--positive: expected the level of the response modelled as 1") }
                positive = text
            case "--y": y = try value(flag, inline: inline)
            case "--reference-class":
                let text = try value(flag, inline: inline)
                guard !text.isEmpty else { throw UsageError(message: "--reference-class: expected a class of the response") }
                referenceClass = text
            case "--weights", "--trials", "--exposure":
                let text = try value(flag, inline: inline)
                guard !text.isEmpty else { throw UsageError(message: "\(flag): expected a column name") }
                if flag == "--weights" { weights = text } else if flag == "--trials" { trials = text } else { exposure = text }
            case "--penalty": penaltyText = try value(flag, inline: inline)
            case "--lambda": lambdaText = try value(flag, inline: inline)
            case "--alpha": alphaText = try value(flag, inline: inline)
            case "--model": models = try parseModels(try value(flag, inline: inline), flag: "--model")
            case "--nu":
                let text = try value(flag, inline: inline)
                guard let v = decimal(text), v > 0 else {
                    throw UsageError(message: "--nu \(text): expected a positive decimal number (the Student-t degrees of freedom)")
                }
                nu = v
            case "--config": config = try value(flag, inline: inline)
            case "--templates": options.templatesDirectory = try value(flag, inline: inline)
            case "--title":
                options.title = try value(flag, inline: inline)
                options.titleFromCommandLine = true
            case "--drop-missing": options.dropMissing = true
            case "--delimiter":
                let text = try value(flag, inline: inline)
                guard let byte = CSVDialect.delimiter(named: text) else {
                    throw UsageError(message: "--delimiter: expected one of , ; | : ^ ~ ! or tab, got \(Message.quoted(text))")
                }
                delimiter = byte
            case "--na":
                let text = try value(flag, inline: inline)
                let markers = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard !markers.contains(where: \.isEmpty) else {
                    throw UsageError(message: "--na: expected missing markers separated by commas (an empty cell is always missing), got \(Message.quoted(text))")
                }
                if let bad = markers.first(where: { $0.contains("\"") || $0.contains(where: \.isNewline) }) {
                    throw UsageError(message: "--na: \(Message.quoted(bad)): a marker holds no quote or line break (it is a cell's text)")
                }
                naMarkers = markers
            case "--no-compare":
                options.compare = false
                options.compareFromCommandLine = true
            case "--format":
                let text = try value(flag, inline: inline)
                var formats: [ImageFormat] = []
                for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                    guard let f = ImageFormat(rawValue: part.trimmingCharacters(in: .whitespaces).lowercased()) else {
                        throw UsageError(message: "--format: unknown format \"\(part)\" (use png, svg, pdf)")
                    }
                    if !formats.contains(f) { formats.append(f) }
                }
                options.formats = ImageFormat.allCases.filter(formats.contains)
                formatGiven = true
            case "--single-file": options.singleFile = true
            case "--no-page": options.noPage = true
            case "--watch": options.watch = true
            case "--transparent": options.transparent = true
            case "--theme":
                let text = try value(flag, inline: inline)
                switch text {
                case "light": options.themes = [.light]
                case "dark": options.themes = [.dark]
                case "both": options.themes = [.light, .dark]
                default: throw UsageError(message: "--theme: expected light, dark or both, got \(Message.quoted(text))")
                }
            case "--figures":
                let text = try value(flag, inline: inline)
                let patterns = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard !patterns.contains(where: \.isEmpty) else {
                    throw UsageError(message: "--figures: expected names or globs separated by commas, got \(Message.quoted(text))")
                }
                options.figurePatterns = patterns
            case "--figure-size":
                let text = try value(flag, inline: inline)
                let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { decimal(String($0)) }
                guard parts.count == 2, let w = parts[0], let h = parts[1], w >= 320, h >= 240, w <= 4000, h <= 4000 else {
                    throw UsageError(message: "--figure-size: expected WxH in points from 320x240 (the smallest at which every label stays legible) to 4000x4000, got \"\(text)\"")
                }
                options.figureWidth = w
                options.figureHeight = h
            case "--scale":
                let text = try value(flag, inline: inline)
                guard let s = decimal(text), s >= 0.5, s <= 8 else {
                    throw UsageError(message: "--scale: expected a number from 0.5 to 8, got \"\(text)\"")
                }
                options.scale = s
            case "--seed":
                let text = try value(flag, inline: inline)
                guard !text.isEmpty, text.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }), let s = UInt64(text) else {
                    throw UsageError(message: "--seed: expected a whole number from 0 to 18446744073709551615, got \(Message.quoted(text))")
                }
                options.seed = s
                options.seedFromCommandLine = true
            case "--check": options.check = true
            case "--check-tolerance":
                let text = try value(flag, inline: inline)
                guard let t = decimal(text), t <= 255 else {
                    throw UsageError(message: "--check-tolerance: expected an RMS from 0 to 255 (for example 1), got \(Message.quoted(text))")
                }
                options.checkTolerance = t
                options.check = true
            case "--quiet", "-q": options.quiet = true
            case "--progress": options.progress = true
            default:
                if flag.hasPrefix("-") { throw UsageError(message: "unknown option \(flag)") }
                throw UsageError(message: "unexpected argument \"\(flag)\" (options start with --)")
            }
            } catch let error as UsageError {
                guard start < origin.count, let field = origin[start], let configFile else { throw error }
                // "--format: unknown format …" from the config reads "c.json: format: unknown format …".
                var message = error.message
                if message.hasPrefix("\(flag): ") { message.removeFirst(flag.count + 2) }
                throw ReportError("\(configFile): \(field): \(message)")
            }
            k += 1
        }
        options.dialect = CSVDialect(delimiter: delimiter, missingMarkers: naMarkers)
        if options.watch && options.check {
            throw UsageError(message: "--watch renders the report again and again; --check compares it once: give one of them")
        }
        if options.noPage && options.singleFile {
            throw UsageError(message: "--no-page writes no page, so --single-file has nothing to do; give one of them")
        }
        if options.singleFile && formatGiven {
            throw UsageError(message: "--single-file writes only index.html (with the figures inlined as SVG) and report.json; drop --format, or drop --single-file to get figure files")
        }
        // Every figure is rendered in memory at once per format: keep each under a budget of
        // pixels so that no size and scale can take minutes and gigabytes.
        let pixels = (options.figureWidth * options.scale) * (options.figureHeight * options.scale)
        if pixels > CommandLineParser.maxPixels {
            let most = (CommandLineParser.maxPixels / (options.figureWidth * options.figureHeight)).squareRoot()
            throw UsageError(message: "--figure-size \(Int(options.figureWidth))x\(Int(options.figureHeight)) at --scale \(options.scale) makes figures of \(Int(options.figureWidth * options.scale))×\(Int(options.figureHeight * options.scale)) pixels; the most is \(Int(CommandLineParser.maxPixels / 1e6)) megapixels (at this size, --scale \(String(format: "%.2f", floor(most * 100) / 100)) or less)")
        }
        // Without a page nothing needs a format a browser shows: --format pdf --no-page is fine.
        if !options.noPage && !options.singleFile && !options.formats.contains(.png) && !options.formats.contains(.svg) {
            throw UsageError(message: "--format \(options.formats.map(\.rawValue).joined(separator: ",")): the page shows its figures as PNG or SVG, which browsers display; add one (for example --format pdf,svg)")
        }
        let penalty: PenaltyRequest?
        do { penalty = try PenaltyRequest.parse(penalty: penaltyText, lambda: lambdaText, alpha: alphaText) } catch let error as PenaltyRequestError {
            throw UsageError(message: error.message)
        }
        if let config {
            guard data == nil, x == nil, y == nil, models == nil, nu == nil, factors.isEmpty, references.isEmpty, positive == nil, pair == nil,
                  penalty == nil, referenceClass == nil, weights == nil, trials == nil, exposure == nil else {
                throw UsageError(message: "--config lists its own data; do not combine it with --data, --x, --y, --model, --nu, --factor, --reference, --positive, --pair, --penalty, --reference-class, --weights, --trials or --exposure (give them as a model's fields in the config)")
            }
            // A flag given on the command line wins over the config's value for it.
            let given = options
            try ConfigFile.apply(config, to: &options)
            if given.titleFromCommandLine { options.title = given.title }
            if given.compareFromCommandLine { options.compare = given.compare }
            if given.seedFromCommandLine { options.seed = given.seed }
            options.configPath = config
        } else if let data {
            let predictors = try CommandLineParser.predictors(x ?? "x")
            options.models = (models ?? [.linear]).map {
                var r = ModelRequest(kind: $0, dataPath: data, x: predictors[0], y: y ?? "y", nu: $0 == .studentT ? nu : nil)
                r.predictors = predictors
                r.factors = factors
                r.references = references
                r.positive = positive
                r.pair = pair
                r.penalty = penalty
                r.referenceClass = referenceClass
                r.weights = weights; r.trials = trials; r.exposure = exposure
                return r
            }
            for r in options.models { if let problem = r.severalProblem { throw UsageError(message: problem) } }
        } else {
            if x != nil || y != nil || !factors.isEmpty || !references.isEmpty || positive != nil || pair != nil || penalty != nil || referenceClass != nil
                || weights != nil || trials != nil || exposure != nil {
                throw UsageError(message: "--x, --y, --factor, --reference, --positive, --pair, --penalty, --weights, --trials and --exposure apply to the columns of --data FILE; give the file too")
            }
            if let models { options.models = models.map { ModelRequest(kind: $0, dataPath: nil, x: "x", y: "y", nu: $0 == .studentT ? nu : nil) } }
            for r in options.models { if let problem = r.severalProblem { throw UsageError(message: problem) } }
        }
        if options.watch && options.models.contains(where: { $0.dataPath == StandardInput.path }) {
            throw UsageError(message: "--watch renders again when a file changes; standard input (--data -) is read once and cannot be watched: write it to a file and watch that")
        }
        if nu != nil && !options.models.contains(where: { $0.kind == .studentT }) {
            throw UsageError(message: "--nu sets the degrees of freedom of the student-t model; add student-t to --model")
        }
        // Figure names depend on the models, known only now.
        if let patterns = options.figurePatterns {
            let names = options.figureNames
            for pattern in patterns where !names.contains(where: { ReportOptions.glob(pattern, matches: $0) }) {
                throw UsageError(message: "--figures: \(Message.quoted(pattern)) names no figure of this report; the figures are \(names.joined(separator: ", "))")
            }
        }
        return options
    }

    /// `--x a,b,c`: the predictor columns, each named once.
    static func predictors(_ text: String) throws -> [String] {
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard !names.contains(where: \.isEmpty) else {
            throw UsageError(message: "--x: expected column names separated by commas, got \(Message.quoted(text))")
        }
        if let twice = names.first(where: { n in names.filter { $0 == n }.count > 1 }) {
            throw UsageError(message: "--x: \(Message.quoted(twice)) is listed twice")
        }
        return names
    }

    /// A plain decimal number ("2", "1.5"): no sign, exponent, hexadecimal, "inf" or "nan".
    static func decimal(_ text: String) -> Double? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts.allSatisfy({ !$0.isEmpty || parts.count == 1 }),
              text.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || $0 == "." }) else { return nil }
        return Double(text)
    }

    static func parseModels(_ text: String, flag: String) throws -> [ModelKind] {
        var kinds: [ModelKind] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let kind = ModelKind(rawValue: part.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw UsageError(message: "\(flag): unknown model \"\(part)\" (known: \(ModelKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            if !kinds.contains(kind) { kinds.append(kind) }
        }
        return kinds
    }
}
