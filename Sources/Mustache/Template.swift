/// A parsed Mustache template.
///
/// Parsing happens once; rendering walks the tree against a context stack. Partials and
/// parents are looked up by name through a `PartialLoader` and parsed once each.
public struct Template {
    public let name: String
    let nodes: [Node]

    /// Parses `text`. - Throws: `MustacheError` with the line and column of a bad tag.
    public init(name: String, text: String) throws {
        self.name = name
        self.nodes = try Parser(name: name, text: text).parse()
    }

    /// The names of the sections at the top level, in order (each once): a template made of
    /// named pieces (`{{#caption}}…{{/caption}}`) lists its pieces.
    public var topLevelSections: [String] {
        var seen: Set<String> = [], out: [String] = []
        for case let .section(s) in nodes where !s.inverted && seen.insert(s.name).inserted { out.append(s.name) }
        return out
    }
}

/// Where partials and parents come from.
public protocol PartialLoader {
    /// The text of the template called `name`, or nil if there is none.
    func source(named name: String) throws -> String?
}

/// Partials held in memory.
public struct DictionaryLoader: PartialLoader {
    public var templates: [String: String]
    public init(_ templates: [String: String]) { self.templates = templates }
    public func source(named name: String) throws -> String? { templates[name] }
}

/// How missing names and partials are treated.
public enum Strictness: Sendable {
    /// The specification's behaviour: a missing name renders as empty, a missing partial as
    /// nothing.
    case lenient
    /// A missing name or partial is an error naming the template, line and column.
    case strict
}

/// Renders templates, caching parsed partials.
public final class Renderer {
    let loader: PartialLoader
    let strictness: Strictness
    /// Escapes interpolated text; HTML by default.
    public var escape: (String) -> String = Renderer.escapeHTML
    private var cache: [String: Template] = [:]
    private var depth = 0
    /// The budget of one render: nodes visited, bytes written and nesting (sections inside
    /// partials inside sections…). A template that would exceed it (40 nested loops over a
    /// list, partials that expand each other a billion times) ends with an error instead of
    /// running for hours or filling the memory.
    public var maxSteps = 2_000_000
    public var maxOutputBytes = 64 << 20
    public static let maxRenderDepth = 300
    /// Which names a partial or parent may have; nil allows any name the loader knows. A
    /// loader that reads files should allow only plain names (no `/`, no `..`), so that no
    /// template can include a file outside its folders.
    public var isValidPartialName: ((String) -> Bool)? = nil
    /// The names a dynamic partial (`{{>*key}}`) may resolve to; nil allows any. A program
    /// whose context holds user text (column names, titles) sets this to the partial names it
    /// put there itself, so that data can never choose which file is read.
    public var dynamicPartialNames: Set<String>? = nil
    private var steps = 0
    private var renderDepth = 0

    public init(loader: PartialLoader = DictionaryLoader([:]), strictness: Strictness = .strict) {
        self.loader = loader
        self.strictness = strictness
    }

    /// Renders a template with `data` as the bottom of the context stack.
    public func render(_ template: Template, _ data: MustacheValue) throws -> String {
        steps = 0
        renderDepth = 0
        var out = ""
        try render(template.nodes, template: template.name, stack: [data], overrides: [:], into: &out)
        return out
    }

    /// Parses and renders a template named `name` obtained from the loader.
    public func render(named name: String, _ data: MustacheValue) throws -> String {
        guard let template = try load(name) else {
            throw MustacheError(template: name, line: 1, column: 1, message: "no template named \"\(name)\"")
        }
        return try render(template, data)
    }

    /// `&`, `<`, `>`, `"` and `'` as entities: safe in element content and in quoted attributes.
    public static func escapeHTML(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private func load(_ name: String) throws -> Template? {
        if let cached = cache[name] { return cached }
        guard let text = try loader.source(named: name) else { return nil }
        let template = try Template(name: name, text: text)
        cache[name] = template
        return template
    }

    private func lookup(_ name: String, _ stack: [MustacheValue]) -> MustacheValue? {
        if name == "." { return stack.last }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard var value = stack.reversed().lazy.compactMap({ $0[parts[0]] }).first else { return nil }
        for part in parts.dropFirst() {
            guard let next = value[part] else { return nil }
            value = next
        }
        return value
    }

    private func resolve(_ name: String, _ stack: [MustacheValue], template: String, at: Position) throws -> MustacheValue {
        if let value = lookup(name, stack) { return value }
        // Strict mode catches names the data lack, not paths that end early: `items.0` of an
        // empty list is simply false.
        let head = String(name.prefix(while: { $0 != "." }))
        if strictness == .strict && (name == "." || lookup(head, stack) == nil) {
            throw MustacheError(template: template, line: at.line, column: at.column,
                                message: "\"\(name)\" is not in the data given to the template; \(Renderer.namesHere(stack))")
        }
        return .null
    }

    /// The names a template could use where a lookup failed, innermost first, for the error:
    /// "names here: caption, n, x (and 12 more further out)".
    static func namesHere(_ stack: [MustacheValue]) -> String {
        let frames: [[String: MustacheValue]] = stack.reversed().compactMap { if case let .object(o) = $0 { return o } else { return nil } }
        guard let innermost = frames.first, !innermost.isEmpty else { return "no names are given here" }
        let inner = innermost.keys.sorted()
        let outer = Set(frames.dropFirst().flatMap { $0.keys }).subtracting(inner).count
        let shown = inner.prefix(30).joined(separator: ", ") + (inner.count > 30 ? ", …" : "")
        return "names here: \(shown)" + (outer > 0 ? " (and \(outer) more further out)" : "")
    }

    private func partial(_ name: String, template: String, at: Position) throws -> Template? {
        if let valid = isValidPartialName, !valid(name) {
            throw MustacheError(template: template, line: at.line, column: at.column,
                                message: "\"\(name)\" is not a partial name: names are letters, digits, '-' and '_', "
                                    + "and name a .mustache file directly inside a templates folder")
        }
        if let t = try load(name) { return t }
        if strictness == .strict {
            throw MustacheError(template: template, line: at.line, column: at.column, message: "no partial named \"\(name)\"")
        }
        return nil
    }

    private func render(_ nodes: [Node], template: String, stack: [MustacheValue],
                        overrides: [String: [Node]], into out: inout String) throws {
        renderDepth += 1
        defer { renderDepth -= 1 }
        for node in nodes {
            steps += 1
            if steps > maxSteps || out.utf8.count > maxOutputBytes || renderDepth > Renderer.maxRenderDepth {
                let at = node.position ?? Position(line: 1, column: 1)
                let what = renderDepth > Renderer.maxRenderDepth ? "nests more than \(Renderer.maxRenderDepth) sections and partials deep"
                    : steps > maxSteps ? "needs more than \(maxSteps) steps to expand" : "expands to more than \(maxOutputBytes >> 20) MiB"
                throw MustacheError(template: template, line: at.line, column: at.column,
                                    message: "the template \(what); is a loop or a partial repeated far more than intended?")
            }
            switch node {
            case let .text(text):
                out += text
            case let .variable(name, escaped, at):
                let text = try resolve(name, stack, template: template, at: at).text
                out += escaped ? escape(text) : text
            case let .section(s):
                let value = try resolve(s.name, stack, template: template, at: s.at)
                if s.inverted {
                    if !value.isTruthy { try render(s.children, template: template, stack: stack, overrides: overrides, into: &out) }
                } else if case let .array(items) = value {
                    for item in items {
                        try render(s.children, template: template, stack: stack + [item], overrides: overrides, into: &out)
                    }
                } else if value.isTruthy {
                    try render(s.children, template: template, stack: stack + [value], overrides: overrides, into: &out)
                }
            case let .partial(name, indent, _, at):
                var target = name
                if name.hasPrefix("*") {
                    // A dynamic name (the specification's optional module): the partial named by
                    // the value of `name` in the context.
                    let key = String(name.dropFirst().drop(while: { $0 == " " }))
                    guard case let .string(resolved) = try resolve(key, stack, template: template, at: at) else {
                        if strictness == .strict {
                            throw MustacheError(template: template, line: at.line, column: at.column,
                                                message: "the dynamic partial name \"\(key)\" is not a string")
                        }
                        continue
                    }
                    if let allowed = dynamicPartialNames, !allowed.contains(resolved) {
                        throw MustacheError(template: template, line: at.line, column: at.column,
                                            message: "the dynamic partial \"\(key)\" names \"\(resolved)\", which is not one of the "
                                                + "report's own partials (\(allowed.sorted().joined(separator: ", "))); dynamic names come only from the report's values")
                    }
                    target = resolved
                }
                try include(target, indent: indent, arguments: [:], template: template, at: at, stack: stack,
                            overrides: overrides, into: &out)
            case let .parent(name, indent, _, arguments, at):
                try include(name, indent: indent, arguments: arguments, template: template, at: at, stack: stack,
                            overrides: overrides, into: &out)
            case let .block(b):
                if let replacement = overrides[b.name] {
                    let shifted = Node.reindent(replacement, remove: "", add: b.indent, firstLine: b.indentsFirstLine)
                    try render(shifted, template: template, stack: stack, overrides: overrides, into: &out)
                } else {
                    try render(b.children, template: template, stack: stack, overrides: overrides, into: &out)
                }
            }
        }
    }

    private func include(_ name: String, indent: String, arguments: [String: [Node]], template: String, at: Position,
                         stack: [MustacheValue], overrides: [String: [Node]], into out: inout String) throws {
        guard let t = try partial(name, template: template, at: at) else { return }
        depth += 1
        defer { depth -= 1 }
        guard depth < 100 else {
            throw MustacheError(template: template, line: at.line, column: at.column,
                                message: "partials nest more than 100 deep (\"\(name)\" includes itself?)")
        }
        let nodes = indent.isEmpty ? t.nodes : Node.reindent(t.nodes, remove: "", add: indent)
        // Arguments given further out win over those given here.
        let merged = overrides.merging(arguments) { outer, _ in outer }
        try render(nodes, template: t.name, stack: stack, overrides: merged, into: &out)
    }
}
