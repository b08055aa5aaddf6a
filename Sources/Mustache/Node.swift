/// A parsed template element. Sections, blocks and parents hold their children.
indirect enum Node {
    case text(String)
    case variable(name: String, escaped: Bool, at: Position)
    case section(Section)
    case partial(name: String, indent: String, standalone: Bool, at: Position)
    /// `{{<name}}…{{/name}}`: a partial whose blocks the enclosed `{{$…}}` tags override.
    case parent(name: String, indent: String, standalone: Bool, arguments: [String: [Node]], at: Position)
    case block(Block)

    struct Section {
        var name: String
        var inverted: Bool
        var children: [Node]
        var openStandalone: Bool
        var closeStandalone: Bool
        var at: Position
    }

    struct Block {
        var name: String
        var children: [Node]
        var openStandalone: Bool
        var closeStandalone: Bool
        /// Indentation given to an overriding argument where this block is expanded.
        var indent: String
        /// Whether that indentation also goes before the first line (true when the opening
        /// tag stood alone on its line, so nothing else is printed before it).
        var indentsFirstLine: Bool
        var at: Position
    }
}

extension Node {
    /// Shifts indentation at every template line start: `remove` is taken off (when present),
    /// `add` is put on. Lines removed as standalone carry their indentation in their tag
    /// (partials, parents, blocks), which is shifted the same way. The walk is in source order,
    /// so a line start is known across section boundaries; the effect equals editing the
    /// template text line by line, as the specification describes partial indentation.
    static func reindent(_ nodes: [Node], remove: String, add: String, firstLine: Bool = true) -> [Node] {
        var atLineStart = firstLine
        return reindent(nodes, remove: remove, add: add, atLineStart: &atLineStart)
    }

    private static func shifted(_ indent: String, remove: String, add: String) -> String {
        add + (indent.hasPrefix(remove) ? String(indent.dropFirst(remove.count)) : indent)
    }

    private static func reindent(_ nodes: [Node], remove: String, add: String, atLineStart: inout Bool) -> [Node] {
        if remove.isEmpty && add.isEmpty { return nodes }
        var out: [Node] = []
        func startInline() {
            if atLineStart && !add.isEmpty { out.append(.text(add)) }
            atLineStart = false
        }
        for node in nodes {
            switch node {
            case let .text(text):
                var result = ""
                for line in text.splitKeepingNewlines() {
                    var piece = Substring(line)
                    if atLineStart {
                        if !remove.isEmpty && piece.hasPrefix(remove) { piece = piece.dropFirst(remove.count) }
                        result += add
                    }
                    result += piece
                    atLineStart = String(piece).endsWithNewline
                }
                out.append(.text(result))
            case .variable:
                startInline()
                out.append(node)
            case var .section(s):
                if !s.openStandalone { startInline() }
                s.children = reindent(s.children, remove: remove, add: add, atLineStart: &atLineStart)
                if s.closeStandalone { atLineStart = true }
                out.append(.section(s))
            case let .partial(name, indent, standalone, at):
                if standalone {
                    out.append(.partial(name: name, indent: shifted(indent, remove: remove, add: add), standalone: true, at: at))
                } else {
                    startInline()
                    out.append(node)
                }
            case let .parent(name, indent, standalone, arguments, at):
                if standalone {
                    out.append(.parent(name: name, indent: shifted(indent, remove: remove, add: add), standalone: true,
                                       arguments: arguments, at: at))
                    atLineStart = true
                } else {
                    startInline()
                    out.append(node)
                }
            case var .block(b):
                if !b.openStandalone { startInline() }
                b.indent = shifted(b.indent, remove: remove, add: add)
                b.children = reindent(b.children, remove: remove, add: add, atLineStart: &atLineStart)
                if b.closeStandalone { atLineStart = true }
                out.append(.block(b))
            }
        }
        return out
    }
}

extension String {
    /// Lines with their terminators kept; the last piece may lack one. Works on Unicode
    /// scalars because Swift's `Character` fuses "\r\n" into one.
    func splitKeepingNewlines() -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            current.append(scalar)
            if scalar == "\n" { lines.append(String(current)); current = String.UnicodeScalarView() }
        }
        if !current.isEmpty { lines.append(String(current)) }
        return lines
    }

    var endsWithNewline: Bool { unicodeScalars.last == "\n" }
}

extension Node {
    /// Where the node's tag stands in its template (nil for plain text).
    var position: Position? {
        switch self {
        case .text: return nil
        case let .variable(_, _, at), let .partial(_, _, _, at), let .parent(_, _, _, _, at): return at
        case let .section(s): return s.at
        case let .block(b): return b.at
        }
    }
}
