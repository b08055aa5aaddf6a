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
    static var files: [String] { ["text-common"] + Families.all.map { "text-" + $0.kind.rawValue } }

    private var templates: [String: Template] = [:]
    private var pieces: [String: [String]] = [:]
    private var paths: [String: String] = [:]
    private let lock = NSLock()
    private var problems: [(String, MustacheError)] = []

    /// Reads and parses every text template, the user's copy first.
    /// - Throws: `ReportError` naming the file, line and column of a template that does not parse.
    init(loader: TemplateLoader) throws {
        for file in Prose.files {
            guard let text = try loader.source(named: file) else {
                throw ReportError("\(loader.defaultDirectory)/\(file).mustache: missing from the templates")
            }
            let path = loader.path(of: file) ?? file
            do {
                let template = try Template(name: file, text: text)
                templates[file] = template
                pieces[file] = template.topLevelSections
                paths[file] = path
            } catch var error as MustacheError {
                error.template = path
                throw ReportError(error.description)
            }
        }
    }

    /// The default templates' words, for code that runs without a report (tests, the fuzzer).
    static func defaults() throws -> Prose {
        guard let dir = TemplateLoader.defaultDirectory() else { throw ReportError("cannot find the default templates") }
        return try Prose(loader: TemplateLoader(userDirectory: nil, defaultDirectory: dir))
    }

    /// The default words, for code paths that run without a report's own (tests, benchmarks).
    static let shared: Prose? = try? defaults()

    /// The pieces a text template holds.
    func pieceNames(_ file: String) -> [String] { pieces[file] ?? [] }

    /// The piece `piece` of `text-<file>` with `values`. A template error (a name the values do
    /// not have, a piece the user's copy lacks) is kept for `check()` and gives "".
    func text(_ file: String, _ piece: String, _ values: [String: MustacheValue] = [:], markup: Bool = false) -> String {
        let name = "text-" + file
        guard let template = templates[name], let names = pieces[name] else { return "" }
        guard names.contains(piece) else {
            record(name, MustacheError(template: name, line: 1, column: 1,
                                       message: "has no piece \"\(piece)\" ({{#\(piece)}}…{{/\(piece)}}), which the report needs; copy it from the default template"))
            return ""
        }
        var bottom: [String: MustacheValue] = [:]
        for other in names { bottom[other] = .bool(false) }
        bottom[piece] = .object(values)
        let renderer = Renderer(strictness: .strict)
        renderer.escape = markup ? markupEscaped : { $0 }
        do {
            return Prose.oneLine(try renderer.render(template, .object(bottom)))
        } catch let error as MustacheError {
            record(name, error)
            return ""
        } catch {
            record(name, MustacheError(template: name, line: 1, column: 1, message: "\(error)"))
            return ""
        }
    }

    private func record(_ file: String, _ error: MustacheError) {
        lock.lock()
        defer { lock.unlock() }
        var located = error
        located.template = paths[file] ?? file
        problems.append((file, located))
    }

    /// Throws the first template problem met (in file, line and column order, so that the
    /// same templates give the same message however the work was scheduled).
    func check() throws {
        lock.lock()
        defer { lock.unlock() }
        guard let first = problems.map(\.1).min(by: { ($0.template, $0.line, $0.column, $0.message) < ($1.template, $1.line, $1.column, $1.message) }) else { return }
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

    /// A number for a sentence, to `digits` significant digits.
    static func number(_ v: Double, _ digits: Int = 3) -> MustacheValue { .string(NumberFormat.significant(v, digits)) }
}
