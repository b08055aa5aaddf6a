import Foundation
import Likelihood

/// `--config FILE`: a JSON object listing the models of one report.
///
///     {"title": "…", "seed": 7, "models": [{"data": "a.csv", "x": "dose", "y": "died", "model": "logistic"}]}
///
/// Data paths are relative to the config file. Errors name the file and the field.
public enum ConfigFile {
    /// The most models one config may list: each is a section of the page with its figures.
    public static let maxModels = 64
    /// The fields that stand for a command-line option of the report (run controls such as
    /// `--out`, `--check` and `--watch` stay on the command line).
    public static let optionFields = ["delimiter", "drop_missing", "figure_size", "figures", "format", "na", "page", "scale",
                                      "single_file", "templates", "theme", "transparent"]

    /// A config's option fields as the command-line arguments they stand for, each with its
    /// field (so that a bad value is reported at the config's field), in a fixed order. Given
    /// before the command line's own flags, so that those win. `templates` is relative to the
    /// config file, as data paths are.
    public static func optionArguments(_ path: String) throws -> [(field: String, arguments: [String])] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportError("\(Message.quoted(path)): cannot read the config file")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return [] }   // apply says why
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        func isBool(_ v: Any) -> Bool { (v as? NSNumber).map { String(cString: $0.objCType) == "c" } ?? false }
        var out: [(String, [String])] = []
        for field in optionFields {
            guard let value = object[field] else { continue }
            func flagOn(_ flag: String, when wanted: Bool) throws {
                guard isBool(value), let b = value as? Bool else { throw ReportError("\(path): \(field): expected true or false") }
                if b == wanted { out.append((field, [flag])) }
            }
            func text() throws -> String {
                if let t = value as? String { return t }
                if field == "scale", !isBool(value), let n = value as? NSNumber { return ReportOptions.number(n.doubleValue) }
                let lists = ["figures": "a list of names", "format": "a list of names", "na": "a list of missing markers"]
                if let list = value as? [String], lists[field] != nil {
                    // One marker with a comma would read as two once joined: refused by name.
                    if field == "na", let bad = list.first(where: { $0.contains(",") }) {
                        throw ReportError("\(path): na: \(Message.quoted(bad)): a marker holds no comma")
                    }
                    return list.joined(separator: ",")
                }
                throw ReportError("\(path): \(field): expected \(lists[field] ?? (field == "scale" ? "a number" : "a string"))")
            }
            switch field {
            case "drop_missing": try flagOn("--drop-missing", when: true)
            case "page": try flagOn("--no-page", when: false)
            case "single_file": try flagOn("--single-file", when: true)
            case "transparent": try flagOn("--transparent", when: true)
            case "templates":
                let t = try text()
                out.append((field, ["--templates", t.hasPrefix("/") ? t : base.appendingPathComponent(t).relativePathFromCurrent()]))
            default: out.append((field, ["--\(field.replacingOccurrences(of: "_", with: "-"))", try text()]))
            }
        }
        return out
    }

    /// Reads the config file at `path` into `options`.
    public static func apply(_ path: String, to options: inout ReportOptions) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportError("\(Message.quoted(path)): cannot read the config file")
        }
        try apply(data, path: path, to: &options)
    }

    /// Reads config text (`path` names it in messages and anchors its relative data paths).
    public static func apply(_ data: Data, path: String, to options: inout ReportOptions) throws {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            // The parser's own description can hold line breaks and quoted input: keep it on one line.
            let reason = (error as NSError).userInfo["NSDebugDescription"].map { "\($0)" } ?? "parse error"
            throw ReportError("\(path): not valid JSON (\(Message.escaped(reason, limit: 200)))")
        }
        guard let object = root as? [String: Any] else { throw ReportError("\(path): expected a JSON object at the top") }
        let known = Set(["title", "seed", "models", "compare"] + optionFields)
        for key in object.keys.sorted() where !known.contains(key) {
            throw ReportError("\(path): \(Message.quoted(key)): unknown field (known: \(known.sorted().joined(separator: ", ")))")
        }
        if let compare = object["compare"] {
            guard let flag = compare as? Bool, String(cString: (compare as! NSNumber).objCType) == "c" else {
                throw ReportError("\(path): compare: expected true or false")
            }
            options.compare = flag
        }
        if let title = object["title"] {
            guard let t = title as? String else { throw ReportError("\(path): title: expected a string") }
            options.title = t
        }
        if let seed = object["seed"] {
            // Exactly as written: an integer literal (not a boolean, not 7.0 or 1e3, which
            // pass through a Double and can lose digits above 2⁵³).
            let type = (seed as? NSNumber).map { String(cString: $0.objCType) } ?? ""
            guard !(seed is Bool), let n = seed as? NSNumber, ["q", "Q", "i", "l", "s", "L", "I", "S"].contains(type),
                  type == "Q" || n.int64Value >= 0 else {
                throw ReportError("\(path): seed: expected a whole number from 0 to 18446744073709551615, written without a decimal point or exponent")
            }
            options.seed = type == "Q" ? n.uint64Value : UInt64(n.int64Value)
        }
        guard let list = object["models"] as? [Any], !list.isEmpty else {
            throw ReportError("\(path): models: expected a non-empty array of models")
        }
        guard list.count <= ConfigFile.maxModels else {
            throw ReportError("\(path): models: \(list.count) models; a report holds at most \(ConfigFile.maxModels) (each is a section with its own figures), so split them over several reports")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        var requests: [ModelRequest] = []
        for (k, item) in list.enumerated() {
            let field = "models[\(k)]"
            guard let m = item as? [String: Any] else { throw ReportError("\(path): \(field): expected an object") }
            let known = ["data", "x", "y", "model", "name", "nu", "factor", "reference", "positive", "pair", "penalty", "lambda", "alpha", "reference_class",
                         "weights", "trials", "exposure"]
            for key in m.keys.sorted() where !known.contains(key) {
                throw ReportError("\(path): \(field).\(Message.quoted(key)): unknown field (known: \(known.joined(separator: ", ")))")
            }
            func string(_ key: String, default value: String?) throws -> String? {
                guard let v = m[key] else { return value }
                guard let s = v as? String, !s.isEmpty else { throw ReportError("\(path): \(field).\(key): expected a non-empty string") }
                return s
            }
            guard let kindText = try string("model", default: nil), let kind = ModelKind(rawValue: kindText) else {
                throw ReportError("\(path): \(field).model: expected one of \(ModelKind.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
            }
            var dataPath = try string("data", default: nil)
            if let d = dataPath, !d.hasPrefix("/"), d != StandardInput.path { dataPath = base.appendingPathComponent(d).relativePathFromCurrent() }
            let name = try string("name", default: nil)
            if let name {
                // The name becomes part of file names and page anchors: keep it to a safe alphabet.
                // The partials' alphabet (TemplateLoader.isValidName), starting with a letter.
                guard TemplateLoader.isValidName(name), name.count <= 64, name.first.map({ $0.isLetter }) == true else {
                    throw ReportError("\(path): \(field).name: expected a name of letters, digits, '-' and '_' that starts with a letter (at most 64), got \(String(reflecting: String(name.prefix(80))))")
                }
                if requests.contains(where: { $0.name == name }) {
                    throw ReportError("\(path): \(field).name: \(String(reflecting: name)) names another model already")
                }
            }
            var nu: Double? = nil
            if let value = m["nu"] {
                guard kind == .studentT else { throw ReportError("\(path): \(field).nu: only a student-t model has ν") }
                guard !(value is Bool), let number = value as? NSNumber, number.doubleValue > 0, number.doubleValue.isFinite else {
                    throw ReportError("\(path): \(field).nu: expected a positive number")
                }
                nu = number.doubleValue
            }
            // "x": one column name, or an array of them (several predictors).
            var predictors = ["x"]
            if let value = m["x"] {
                if let s = value as? String, !s.isEmpty { predictors = [s] }
                else if let list = value as? [Any], !list.isEmpty, list.allSatisfy({ ($0 as? String).map { !$0.isEmpty } == true }) {
                    predictors = list.map { $0 as! String }
                    if let twice = predictors.first(where: { n in predictors.filter { $0 == n }.count > 1 }) {
                        throw ReportError("\(path): \(field).x: \(Message.quoted(twice)) is listed twice")
                    }
                } else {
                    throw ReportError("\(path): \(field).x: expected a column name or a non-empty array of column names")
                }
            }
            var request = ModelRequest(kind: kind, dataPath: dataPath, x: predictors[0], y: try string("y", default: "y")!, name: name, nu: nu)
            request.predictors = predictors
            if let value = m["factor"] {
                guard let list = value as? [Any], list.allSatisfy({ ($0 as? String).map { !$0.isEmpty } == true }) else {
                    throw ReportError("\(path): \(field).factor: expected an array of column names")
                }
                request.factors = list.map { $0 as! String }
            }
            if let value = m["reference"] {
                guard let object = value as? [String: Any], object.values.allSatisfy({ ($0 as? String).map { !$0.isEmpty } == true }) else {
                    throw ReportError("\(path): \(field).reference: expected an object of column: level (for example {\"species\": \"Gentoo\"})")
                }
                request.references = object.mapValues { $0 as! String }
            }
            request.positive = try string("positive", default: nil)
            request.referenceClass = try string("reference_class", default: nil)
            request.weights = try string("weights", default: nil)
            request.trials = try string("trials", default: nil)
            request.exposure = try string("exposure", default: nil)
            if let value = m["pair"] {
                guard let list = value as? [Any], list.count == 2, list.allSatisfy({ ($0 as? String).map { !$0.isEmpty } == true }) else {
                    throw ReportError("\(path): \(field).pair: expected two term names, for example [\"flipper_length_mm\", \"(Intercept)\"]")
                }
                request.pair = list.map { $0 as! String }
            }
            // "lambda": a number or "auto"; "alpha": a number.
            func numberText(_ key: String) throws -> String? {
                guard let v = m[key] else { return nil }
                if let t = v as? String { return t }
                guard !(v is Bool), let n = v as? NSNumber, String(cString: n.objCType) != "c" else {
                    throw ReportError("\(path): \(field).\(key): expected a number\(key == "lambda" ? " or \"auto\"" : "")")
                }
                return n.stringValue
            }
            do {
                let penaltyName: String?
                if let v = m["penalty"] {
                    guard let t = v as? String else { throw ReportError("\(path): \(field).penalty: expected \"ridge\", \"lasso\" or \"elastic-net\"") }
                    penaltyName = t
                } else { penaltyName = nil }
                request.penalty = try PenaltyRequest.parse(penalty: penaltyName, lambda: try numberText("lambda"), alpha: try numberText("alpha"), prefix: "")
            } catch let error as PenaltyRequestError {
                // "lambda: expected …" reads "c.json: models[0].lambda: expected …".
                throw ReportError("\(path): \(field).\(error.message)")
            }
            if let problem = request.severalProblem { throw ReportError("\(path): \(field): \(problem)") }
            requests.append(request)
        }
        options.models = requests
    }
}

extension URL {
    /// The path relative to the working directory when it lies below it (so that messages and
    /// the page footer show no machine-specific prefix), else the absolute path.
    func relativePathFromCurrent() -> String {
        let cwd = FileManager.default.currentDirectoryPath
        let full = standardizedFileURL.path
        if full.hasPrefix(cwd + "/") { return String(full.dropFirst(cwd.count + 1)) }
        return full
    }
}
