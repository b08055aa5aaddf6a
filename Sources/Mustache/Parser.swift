/// Turns template text into a tree of nodes, handling delimiters and standalone lines.
struct Parser {
    let name: String
    let source: [Unicode.Scalar]

    init(name: String, text: String) {
        self.name = name
        self.source = Array(text.unicodeScalars)
    }

    /// A scanned piece: text (split so that a newline only ends a piece) or a tag.
    struct Token {
        enum Kind { case text, tag }
        var kind: Kind
        var text: String            // text, or the tag's content (trimmed)
        var sigil: Unicode.Scalar?  // # ^ / ! > < $ = { &, or nil for a plain variable
        var at: Position
        var standalone = false
        var indent = ""             // leading whitespace of a standalone line
        var precededByWhitespaceOnly = false
    }

    func error(_ message: String, _ at: Position) -> MustacheError {
        MustacheError(template: name, line: at.line, column: at.column, message: message)
    }

    // MARK: Scanning

    func scan() throws -> [Token] {
        var tokens: [Token] = []
        var open: [Unicode.Scalar] = ["{", "{"], close: [Unicode.Scalar] = ["}", "}"]
        var i = 0, line = 1, column = 1
        var text = String.UnicodeScalarView()
        var textStart = Position(line: 1, column: 1)

        func matches(_ pattern: [Unicode.Scalar], at k: Int) -> Bool {
            guard k + pattern.count <= source.count else { return false }
            for (offset, s) in pattern.enumerated() where source[k + offset] != s { return false }
            return true
        }
        func flushText() {
            if !text.isEmpty { tokens.append(Token(kind: .text, text: String(text), sigil: nil, at: textStart)) }
            text = String.UnicodeScalarView()
        }
        func advance(_ n: Int) {
            for _ in 0..<n {
                if source[i] == "\n" { line += 1; column = 1 } else { column += 1 }
                i += 1
            }
        }

        while i < source.count {
            if matches(open, at: i) {
                flushText()
                let at = Position(line: line, column: column)
                advance(open.count)
                var sigil: Unicode.Scalar? = nil
                var closing = close
                if i < source.count, "#^/!><$={&".unicodeScalars.contains(source[i]) {
                    sigil = source[i]
                    if sigil == "{" { closing = ["}"] + close }
                    if sigil == "=" { closing = ["="] + close }
                    advance(1)
                }
                var content = String.UnicodeScalarView()
                while i < source.count && !matches(closing, at: i) {
                    content.append(source[i])
                    advance(1)
                }
                guard i < source.count else {
                    throw error("tag is never closed (expected \"\(String(String.UnicodeScalarView(closing)))\")", at)
                }
                advance(closing.count)
                let trimmed = String(content).trimmingWhitespace()
                if sigil == "=" {
                    let parts = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                    guard parts.count == 2, !parts[0].contains("="), !parts[1].contains("=") else {
                        throw error("bad delimiter change \"\(trimmed)\": expected two delimiters separated by a space", at)
                    }
                    open = Array(parts[0].unicodeScalars)
                    close = Array(parts[1].unicodeScalars)
                } else if sigil != "!" && trimmed.isEmpty {
                    throw error("empty tag", at)
                }
                if sigil == "&" || sigil == "{" {
                    tokens.append(Token(kind: .tag, text: trimmed, sigil: "&", at: at))
                } else {
                    tokens.append(Token(kind: .tag, text: trimmed, sigil: sigil, at: at))
                }
                textStart = Position(line: line, column: column)
                continue
            }
            if text.isEmpty { textStart = Position(line: line, column: column) }
            let scalar = source[i]
            text.append(scalar)
            advance(1)
            if scalar == "\n" { flushText(); textStart = Position(line: line, column: column) }
        }
        flushText()
        return tokens
    }

    // MARK: Standalone lines

    /// A line holding only whitespace and tags that print nothing is removed, but for the tags.
    /// One such tag per line, as the specification says; or several when all of them open or
    /// close parents and blocks (the inheritance module allows `{{<parent}}{{$block}}` on one
    /// line), except a block's opening tag followed directly by its end (an inline, empty block).
    func markStandalone(_ tokens: inout [Token]) {
        let capable: Set<Unicode.Scalar> = ["#", "^", "/", "!", ">", "<", "$", "="]
        var openKinds: [Unicode.Scalar] = []   // stack of # ^ < $ for telling what / closes
        var k = 0
        while k < tokens.count {
            // A line: tokens up to and including a text piece that ends with a newline.
            var end = k
            while end < tokens.count && !(tokens[end].kind == .text && tokens[end].text.endsWithNewline) { end += 1 }
            let last = min(end, tokens.count - 1)
            let range = k...last
            var tags: [Int] = []
            var blank = true
            var kinds: [(Unicode.Scalar, Unicode.Scalar?)] = []  // (sigil, closed kind for "/")
            var precededByText = false
            for t in range {
                let token = tokens[t]
                if token.kind == .text {
                    if !token.text.unicodeScalars.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
                        blank = false
                        if tags.isEmpty { precededByText = true }
                    }
                } else {
                    tokens[t].precededByWhitespaceOnly = !precededByText && tags.isEmpty
                    tags.append(t)
                    let sigil = token.sigil
                    var closedKind: Unicode.Scalar? = nil
                    if let s = sigil, "#^<$".unicodeScalars.contains(s) { openKinds.append(s) }
                    if sigil == "/" { closedKind = openKinds.popLast() }
                    kinds.append((sigil ?? "x", closedKind))
                }
            }
            let allCapable = tags.allSatisfy { tokens[$0].sigil.map(capable.contains) ?? false }
            var standalone = blank && allCapable && !tags.isEmpty
            if standalone && tags.count > 1 {
                let inheritance = kinds.allSatisfy { $0.0 == "<" || $0.0 == "$" || ($0.0 == "/" && ($0.1 == "<" || $0.1 == "$")) }
                let inlineBlock = tags.count == 2 && kinds[0].0 == "$" && kinds[1].0 == "/"
                    && tokens[tags[0]].text == tokens[tags[1]].text
                standalone = inheritance && !inlineBlock
            }
            if standalone {
                let indent = range.first.map { tokens[$0].kind == .text && $0 < tags[0] ? tokens[$0].text : "" } ?? ""
                for t in tags { tokens[t].standalone = true; tokens[t].indent = tags.first == t ? indent : "" }
                for t in range where tokens[t].kind == .text { tokens[t].text = "" }
            }
            k = last + 1
        }
        tokens.removeAll { $0.kind == .text && $0.text.isEmpty }
    }

    // MARK: Tree

    func parse() throws -> [Node] {
        var tokens = try scan()
        markStandalone(&tokens)
        var index = 0
        var previousText = ""
        return try build(&index, &tokens, closing: nil, previousText: &previousText, depth: 0)
    }

    /// Sections, blocks and parents may nest this deep in one template; deeper nesting is an
    /// error at the opening tag rather than a stack overflow.
    static let maxNesting = 100

    private func build(_ index: inout Int, _ tokens: inout [Token], closing: Token?, previousText: inout String,
                       depth: Int) throws -> [Node] {
        if depth > Parser.maxNesting, let opener = closing {
            throw error("sections nest more than \(Parser.maxNesting) deep", opener.at)
        }
        var nodes: [Node] = []
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            if token.kind == .text {
                nodes.append(.text(token.text))
                previousText = token.text
                continue
            }
            switch token.sigil {
            case nil, "&":
                nodes.append(.variable(name: token.text, escaped: token.sigil == nil, at: token.at))
            case "!", "=":
                break
            case ">":
                nodes.append(.partial(name: token.text, indent: token.indent, standalone: token.standalone, at: token.at))
            case "#", "^", "$", "<":
                let lineIndent = token.precededByWhitespaceOnly ? leadingWhitespaceOfLastLine(previousText) : ""
                let children = try build(&index, &tokens, closing: token, previousText: &previousText, depth: depth + 1)
                let end = tokens[index - 1]
                switch token.sigil! {
                case "$":
                    var indent = token.standalone ? token.indent : lineIndent
                    if token.standalone, case let .text(first)? = children.first {
                        indent = leadingWhitespace(first)
                    }
                    nodes.append(.block(Node.Block(name: token.text, children: children, openStandalone: token.standalone,
                                                   closeStandalone: end.standalone, indent: indent,
                                                   indentsFirstLine: token.standalone, at: token.at)))
                case "<":
                    var arguments: [String: [Node]] = [:]
                    for child in children {
                        guard case let .block(b) = child, arguments[b.name] == nil else { continue }
                        arguments[b.name] = b.openStandalone ? Node.reindent(b.children, remove: b.indent, add: "") : b.children
                    }
                    nodes.append(.parent(name: token.text, indent: token.indent, standalone: token.standalone,
                                         arguments: arguments, at: token.at))
                default:
                    nodes.append(.section(Node.Section(name: token.text, inverted: token.sigil == "^", children: children,
                                                       openStandalone: token.standalone, closeStandalone: end.standalone,
                                                       at: token.at)))
                }
            case "/":
                guard let opener = closing else {
                    throw error("\"{{/\(token.text)}}\" closes a section that was never opened", token.at)
                }
                guard opener.text == token.text else {
                    throw error("\"{{/\(token.text)}}\" does not match \"\(opener.text)\" opened at line \(opener.at.line), column \(opener.at.column)", token.at)
                }
                return nodes
            default:
                break
            }
        }
        if let opener = closing {
            throw error("section \"\(opener.text)\" is never closed", opener.at)
        }
        return nodes
    }

    private func leadingWhitespace(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.prefix(while: { $0 == " " || $0 == "\t" })))
    }

    private func leadingWhitespaceOfLastLine(_ text: String) -> String {
        let last = text.splitKeepingNewlines().last ?? ""
        if last.endsWithNewline { return "" }
        return last.unicodeScalars.allSatisfy({ $0 == " " || $0 == "\t" }) ? last : ""
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let f = scalars.first, f == " " || f == "\t" || f == "\n" || f == "\r" { scalars = scalars.dropFirst() }
        while let l = scalars.last, l == " " || l == "\t" || l == "\n" || l == "\r" { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
