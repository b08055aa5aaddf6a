import Foundation
import Mustache
import Plot

/// The words of the report. Every caption, alt text, figure title, axis and legend label and
/// computed sentence is a named piece of a text template: `text-common.mustache` for what all
/// families share, `text-<family>.mustache` for each family's own. A piece is a top-level
/// section, `{{#fitCaption}}…{{/fitCaption}}`; the code supplies its values (numbers already
/// formatted, booleans for every choice of wording, counts with their plural cases) and the
/// template holds every word, so that a teacher can reword or translate the report with
/// `--templates` alone.
///
/// A piece renders as one line: runs of spaces and line breaks become one space, so a template
/// may wrap its sentences freely. Values go in as they are (the page escapes the finished text
/// where it lands); in a figure's labels, which Pango reads as markup, `{{name}}` escapes for
/// markup and the template's own `<i>…</i>` stays markup.
final class Prose: @unchecked Sendable {
    /// The template files the report reads its words from.
    static var files: [String] { ["text-common"] + Families.all.map { "text-" + $0.kind.rawValue } + ["text-several", "text-penalty", "text-softmax"] }

    /// Per file, the user's copy (when there is one) and the default, each with its pieces:
    /// a user's file needs only the pieces it changes, the rest come from the default.
    private var layers: [String: [(template: Template, pieces: [String], path: String)]] = [:]
    private let lock = NSLock()
    private var problems: [MustacheError] = []

    /// Reads and parses every text template, the user's copy and the default.
    /// - Throws: `ReportError` naming the file, line and column of a template that does not parse.
    init(loader: TemplateLoader) throws {
        for file in Prose.files {
            var found: [(Template, [String], String)] = []
            for directory in [loader.userDirectory, loader.defaultDirectory].compactMap({ $0 }) {
                let path = directory + "/" + file + ".mustache"
                guard FileManager.default.fileExists(atPath: path) else { continue }
                guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                    throw ReportError("\(path): cannot read the template as UTF-8")
                }
                do {
                    let template = try Template(name: file, text: text)
                    found.append((template, template.topLevelSections, path))
                } catch var error as MustacheError {
                    error.template = path
                    throw ReportError(error.description)
                }
            }
            guard !found.isEmpty else { throw ReportError("\(loader.defaultDirectory)/\(file).mustache: missing from the templates") }
            layers[file] = found.map { (template: $0.0, pieces: $0.1, path: $0.2) }
        }
    }

    /// The default templates' words, for code that runs without a report (tests, the fuzzer).
    static func defaults() throws -> Prose {
        guard let dir = TemplateLoader.defaultDirectory() else { throw ReportError("cannot find the default templates") }
        return try Prose(loader: TemplateLoader(userDirectory: nil, defaultDirectory: dir))
    }

    /// The default words, for code paths that run without a report's own (tests, benchmarks).
    static let shared: Prose? = try? defaults()

    /// The piece `piece` of `text-<file>` with `values`, from the user's copy if it has the
    /// piece, else from the default. A template error (a name the values do not have) is kept
    /// for `check()` and gives "".
    func text(_ file: String, _ piece: String, _ values: [String: MustacheValue] = [:], markup: Bool = false) -> String {
        let name = "text-" + file
        guard let layer = layers[name]?.first(where: { $0.pieces.contains(piece) }) else {
            record(MustacheError(template: name, line: 1, column: 1, message: "no text template has the piece \"\(piece)\", which the report needs"))
            return ""
        }
        var bottom: [String: MustacheValue] = [:]
        for other in layer.pieces { bottom[other] = .bool(false) }
        bottom[piece] = .object(values)
        let renderer = Renderer(strictness: .strict)
        renderer.escape = markup ? markupEscaped : { $0 }
        do {
            return Prose.oneLine(try renderer.render(layer.template, .object(bottom)))
        } catch var error as MustacheError {
            error.template = layer.path
            record(error)
            return ""
        } catch {
            record(MustacheError(template: layer.path, line: 1, column: 1, message: "\(error)"))
            return ""
        }
    }

    private func record(_ error: MustacheError) {
        lock.lock()
        defer { lock.unlock() }
        problems.append(error)
    }

    /// Throws the first template problem met (in file, line and column order, so that the
    /// same templates give the same message however the work was scheduled).
    func check() throws {
        lock.lock()
        defer { lock.unlock() }
        guard let first = problems.min(by: { ($0.template, $0.line, $0.column, $0.message) < ($1.template, $1.line, $1.column, $1.message) }) else { return }
        throw ReportError(first.description)
    }

    /// Runs of spaces, tabs and line breaks as one space, without any at either end.
    static func oneLine(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar == " " || scalar == "\n" || scalar == "\t" || scalar == "\r" {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(scalar)
            }
        }
        return String(out)
    }

    // MARK: Values

    /// A count for a sentence: `n` as written (thin spaces between thousands from 10,000),
    /// and `zero`, `one`, `many` for the wording that depends on it.
    static func count(_ k: Int) -> MustacheValue {
        ["n": .string(Narrative.count(k)), "zero": .bool(k == 0), "one": .bool(k == 1), "many": .bool(k > 1)]
    }

    /// A built-in data set's generator, for the `builtinSource` piece.
    static func builtin(_ b: (kind: String, seed: UInt64, outliers: Int)) -> [String: MustacheValue] {
        ["linear": .bool(b.kind == "linear"), "logistic": .bool(b.kind == "logistic"), "counts": .bool(b.kind == "counts"),
         "outliers": b.kind == "outliers" ? .string(String(b.outliers)) : .bool(false), "seed": .string(String(b.seed))]
    }
}
