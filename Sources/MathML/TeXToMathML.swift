import Foundation
/// Converts the TeX math used in teaching derivations to MathML Core.
///
/// Supported: letters, numbers and operators; `^` and `_` (limits under and over `\sum`,
/// `\prod`, `\max`, `\arg\max` … in display style); `\frac`, `\sqrt`, Greek letters, accents
/// (`\hat`, `\bar`, `\tilde`, …), `\mathcal`, `\mathbb`, `\mathrm`, `\text`, `\operatorname`,
/// `\left … \right` fences, `\{ \}`, relations and dots, spacing commands, and the `aligned`
/// and `cases` environments. Anything else is an error with its position, never guessed at.
public enum TeXToMathML {
    /// Converts `tex` to a `<math>` element; `display` selects block layout.
    public static func convert(_ tex: String, display: Bool) throws -> String {
        var parser = TeXParser(tex, display: display)
        let body = try parser.parseAll()
        let attribute = display ? " display=\"block\"" : ""
        return "<math xmlns=\"http://www.w3.org/1998/Math/MathML\"\(attribute)>\(row(body))</math>"
    }

    static func row(_ items: [String]) -> String {
        items.count == 1 ? items[0] : "<mrow>\(items.joined())</mrow>"
    }
}

func escapeXML(_ s: String) -> String {
    var out = ""
    for ch in s {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.append(ch)
        }
    }
    return out
}

struct TeXParser {
    enum Kind { case ordinary, largeOperator, limitFunction }

    let chars: [Character]
    var i = 0
    let display: Bool
    /// Nesting of lists and atoms under way. Every nested construct (braces, arguments,
    /// scripts, fences, environments) passes through `parseList` or `parseAtom`, so bounding
    /// this bounds the recursion: hostile input gets an error, not a stack overflow.
    var depth = 0
    static let maxDepth = 200

    mutating func enter() throws {
        depth += 1
        if depth > TeXParser.maxDepth { throw fail("the formula nests more than \(TeXParser.maxDepth / 2) levels deep") }
    }

    init(_ tex: String, display: Bool) {
        chars = Array(tex)
        self.display = display
    }

    func fail(_ message: String, at position: Int? = nil) -> TeXError {
        TeXError(column: (position ?? i) + 1, message: message)
    }

    mutating func skipSpace() {
        while i < chars.count, chars[i].isWhitespace { i += 1 }
    }

    mutating func parseAll() throws -> [String] {
        let items = try parseList(stopAt: [])
        if i < chars.count {
            if chars[i] == "}" { throw fail("unbalanced '}' with no matching '{'") }
            throw fail("unexpected '\(chars[i])'")
        }
        return items
    }

    /// Peeks at a command name at the current position without consuming it.
    func peekCommand() -> String? {
        guard i < chars.count, chars[i] == "\\" else { return nil }
        var k = i + 1
        var name = ""
        while k < chars.count, chars[k].isLetter { name.append(chars[k]); k += 1 }
        if name.isEmpty, k < chars.count { name = String(chars[k]) }
        return name
    }

    /// Items until end of input, a closing brace, or one of the stop commands or characters.
    mutating func parseList(stopAt stops: Set<String>) throws -> [String] {
        try enter()
        defer { depth -= 1 }
        var items: [String] = []
        while true {
            skipSpace()
            guard i < chars.count else { break }
            let c = chars[i]
            if c == "}" { break }
            if c == "&" && stops.contains("&") { break }
            if let command = peekCommand(), stops.contains("\\" + command) { break }
            items.append(try parseScripted())
        }
        return items
    }

    /// An atom with any `^`, `_` and primes after it.
    mutating func parseScripted() throws -> String {
        let start = i
        var (base, kind) = try parseAtom()
        var sub: String? = nil, sup: String? = nil
        var primes = 0
        while true {
            skipSpace()
            guard i < chars.count else { break }
            if chars[i] == "_" || chars[i] == "^" {
                let isSub = chars[i] == "_"
                i += 1
                let argument = try parseArgument(for: isSub ? "_" : "^")
                if isSub {
                    if sub != nil { throw fail("double subscript", at: start) }
                    sub = argument
                } else {
                    if sup != nil { throw fail("double superscript", at: start) }
                    sup = argument
                }
            } else if chars[i] == "'" {
                i += 1
                primes += 1
            } else {
                break
            }
        }
        if primes > 0 {
            let marks = String(repeating: "<mo>′</mo>", count: primes)
            sup = sup.map { "<mrow>\(marks)\($0)</mrow>" } ?? (primes > 1 ? "<mrow>\(marks)</mrow>" : marks)
        }
        let under = display && kind != .ordinary
        switch (sub, sup) {
        case (nil, nil): return base
        case let (s?, nil): return under ? "<munder>\(base)\(s)</munder>" : "<msub>\(base)\(s)</msub>"
        case let (nil, p?): return under ? "<mover>\(base)\(p)</mover>" : "<msup>\(base)\(p)</msup>"
        case let (s?, p?):
            if kind == .largeOperator && display { return "<munderover>\(base)\(s)\(p)</munderover>" }
            base = under ? "<munder>\(base)\(s)</munder>" : base
            return under ? "<mover>\(base)\(p)</mover>" : "<msubsup>\(base)\(s)\(p)</msubsup>"
        }
    }

    /// The argument of a script or command: a braced group or a single atom.
    mutating func parseArgument(for owner: String) throws -> String {
        skipSpace()
        guard i < chars.count else { throw fail("\(owner) needs an argument") }
        if chars[i] == "{" { return try parseGroup() }
        if chars[i] == "}" || chars[i] == "^" || chars[i] == "_" { throw fail("\(owner) needs an argument") }
        return try parseAtom().0
    }

    mutating func parseGroup() throws -> String {
        let open = i
        i += 1
        let items = try parseList(stopAt: [])
        guard i < chars.count, chars[i] == "}" else { throw fail("'{' is never closed", at: open) }
        i += 1
        return items.isEmpty ? "<mrow></mrow>" : TeXToMathML.row(items)
    }

    /// The raw text of a braced argument (for `\text`, `\operatorname`, environment names).
    mutating func rawGroup(for owner: String) throws -> String {
        skipSpace()
        guard i < chars.count, chars[i] == "{" else { throw fail("\\\(owner) needs a braced argument") }
        let open = i
        i += 1
        var depth = 1, text = ""
        while i < chars.count {
            if chars[i] == "{" { depth += 1 }
            if chars[i] == "}" { depth -= 1; if depth == 0 { break } }
            text.append(chars[i])
            i += 1
        }
        guard i < chars.count else { throw fail("'{' is never closed", at: open) }
        i += 1
        return text
    }

    mutating func parseAtom() throws -> (String, Kind) {
        try enter()
        defer { depth -= 1 }
        skipSpace()
        guard i < chars.count else { throw fail("unexpected end of formula") }
        let c = chars[i]
        if c == "{" { return (try parseGroup(), .ordinary) }
        if c == "\\" { return try parseCommand() }
        if c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isNumber) {
            var number = ""
            while i < chars.count, chars[i].isNumber || (chars[i] == "." && i + 1 < chars.count && chars[i + 1].isNumber) {
                number.append(chars[i]); i += 1
            }
            return ("<mn>\(number)</mn>", .ordinary)
        }
        i += 1
        if c.isLetter { return ("<mi>\(escapeXML(String(c)))</mi>", .ordinary) }
        switch c {
        case "-", "−": return ("<mo>−</mo>", .ordinary)
        case "+", "=", "<", ">", ",", ".", ";", ":", "!", "?", "/", "*", "|", "(", ")", "[", "]", "·", "×", "∣", "≤", "≥":
            let stretch = "()[]|".contains(c) ? " stretchy=\"false\"" : ""
            return ("<mo\(stretch)>\(escapeXML(String(c)))</mo>", .ordinary)
        case "}": throw fail("unbalanced '}' with no matching '{'", at: i - 1)
        case "&": throw fail("'&' outside an aligned environment", at: i - 1)
        case "^", "_": throw fail("'\(c)' needs something before it", at: i - 1)
        case "~": return ("<mspace width=\"0.25em\"></mspace>", .ordinary)
        default:
            if c.isASCII { throw fail("unexpected '\(c)'", at: i - 1) }
            // Other Unicode symbols (σ typed directly, say) stand for themselves.
            return c.isLetter ? ("<mi>\(c)</mi>", .ordinary) : ("<mo>\(escapeXML(String(c)))</mo>", .ordinary)
        }
    }

    mutating func parseCommand() throws -> (String, Kind) {
        let start = i
        i += 1
        guard i < chars.count else { throw fail("'\\' at the end of the formula", at: start) }
        var name = ""
        if chars[i].isLetter {
            while i < chars.count, chars[i].isLetter { name.append(chars[i]); i += 1 }
        } else {
            name = String(chars[i]); i += 1
        }
        if let s = Symbols.greek[name] {
            // Capital Greek letters are upright by convention.
            let upright = name.first!.isUppercase ? " mathvariant=\"normal\"" : ""
            return ("<mi\(upright)>\(s)</mi>", .ordinary)
        }
        if let s = Symbols.operators[name] { return ("<mo>\(escapeXML(s))</mo>", .ordinary) }
        if let s = Symbols.largeOperators[name] {
            return ("<mo largeop=\"true\" movablelimits=\"true\">\(s)</mo>", .largeOperator)
        }
        if let width = Symbols.spaces[name] { return ("<mspace width=\"\(width)\"></mspace>", .ordinary) }
        if Symbols.functions.contains(name) {
            // TeX sets a thin space between an operator name and its argument (\log L), but
            // none before an opening delimiter (\log(x)); MathML's function application adds
            // neither by itself.
            var k = i
            while k < chars.count && chars[k].isWhitespace { k += 1 }
            let rest = String(chars[k..<min(chars.count, k + 6)])
            // (Before a sub- or superscript the space would land between the name and its
            // script, so it is left out there.)
            let opens = k < chars.count && ("([_^".contains(chars[k]) || rest.hasPrefix("\\left") || rest.hasPrefix("\\{"))
            let space = opens || k >= chars.count ? "" : "<mspace width=\"0.1667em\"></mspace>"
            return ("<mrow><mi mathvariant=\"normal\">\(name)</mi><mo>\u{2061}</mo>\(space)</mrow>", .ordinary)
        }
        if Symbols.limitFunctions.contains(name) {
            return ("<mo movablelimits=\"true\" form=\"prefix\">\(name)</mo>", .limitFunction)
        }
        if let accent = Symbols.accents[name] {
            let base = try parseArgument(for: "\\" + name)
            return ("<mover accent=\"true\">\(base)<mo stretchy=\"false\">\(accent)</mo></mover>", .ordinary)
        }
        switch name {
        case "{": return ("<mo>{</mo>", .ordinary)
        case "}": return ("<mo>}</mo>", .ordinary)
        case "|": return ("<mo>‖</mo>", .ordinary)
        case "%", "$", "#", "_", "&": return ("<mo>\(escapeXML(name))</mo>", .ordinary)
        case "arg":
            skipSpace()
            if let next = peekCommand(), next == "max" || next == "min" {
                i += 1 + next.count
                return ("<mo movablelimits=\"true\" form=\"prefix\">arg\u{2009}\(next)</mo>", .limitFunction)
            }
            return ("<mrow><mi mathvariant=\"normal\">arg</mi><mo>\u{2061}</mo></mrow>", .ordinary)
        case "frac", "dfrac", "tfrac":
            let numerator = try parseArgument(for: "\\" + name)
            let denominator = try parseArgument(for: "\\" + name)
            return ("<mfrac>\(numerator)\(denominator)</mfrac>", .ordinary)
        case "binom":
            let top = try parseArgument(for: "\\binom"), bottom = try parseArgument(for: "\\binom")
            return ("<mrow><mo>(</mo><mfrac linethickness=\"0\">\(top)\(bottom)</mfrac><mo>)</mo></mrow>", .ordinary)
        case "sqrt":
            skipSpace()
            if i < chars.count, chars[i] == "[" {
                i += 1
                let open = i
                var index: [String] = []
                while i < chars.count, chars[i] != "]" { index.append(try parseScripted()); skipSpace() }
                guard i < chars.count else { throw fail("'[' of \\sqrt is never closed", at: open - 1) }
                i += 1
                let radicand = try parseArgument(for: "\\sqrt")
                return ("<mroot>\(radicand)\(TeXToMathML.row(index))</mroot>", .ordinary)
            }
            return ("<msqrt>\(try parseArgument(for: "\\sqrt"))</msqrt>", .ordinary)
        case "mathcal", "mathbb":
            let text = try rawGroup(for: name)
            var out = ""
            for ch in text where !ch.isWhitespace {
                guard let styled = Symbols.styled(ch, name) else { throw fail("\\\(name) takes capital letters, not '\(ch)'", at: start) }
                out += "<mi>\(styled)</mi>"
            }
            return (text.filter { !$0.isWhitespace }.count == 1 ? out : "<mrow>\(out)</mrow>", .ordinary)
        case "mathrm", "operatorname":
            let text = try rawGroup(for: name)
            let upright = "<mi mathvariant=\"normal\">\(escapeXML(text))</mi>"
            return (name == "operatorname" ? "<mrow>\(upright)<mo>\u{2061}</mo></mrow>" : upright, .ordinary)
        case "mathbf", "boldsymbol":
            let text = try rawGroup(for: name)
            return ("<mi mathvariant=\"bold\">\(escapeXML(text))</mi>", .ordinary)
        case "text", "textrm", "mbox":
            // Spaces at the ends of \text{…} are kept, as TeX keeps them (a browser would drop
            // them at the edge of <mtext>).
            let raw = try rawGroup(for: name)
            let inner = raw.trimmingCharacters(in: .whitespaces)
            let before = raw.first?.isWhitespace == true ? "<mspace width=\"0.3333em\"></mspace>" : ""
            let after = raw.last?.isWhitespace == true && !inner.isEmpty ? "<mspace width=\"0.3333em\"></mspace>" : ""
            let text = "<mtext>\(escapeXML(inner))</mtext>"
            return (before.isEmpty && after.isEmpty ? text : "<mrow>\(before)\(text)\(after)</mrow>", .ordinary)
        case "displaystyle", "textstyle", "limits", "nolimits":
            return ("", .ordinary)
        case "left":
            let open = try fence(after: "\\left")
            let inner = try parseList(stopAt: ["\\right"])
            guard peekCommand() == "right" else { throw fail("\\left has no matching \\right", at: start) }
            i += 6
            let close = try fence(after: "\\right")
            return ("<mrow>\(open)\(inner.joined())\(close)</mrow>", .ordinary)
        case "right":
            throw fail("\\right without \\left", at: start)
        case "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr":
            return (try fence(after: "\\" + name, stretchy: false), .ordinary)
        case "begin":
            let environment = try rawGroup(for: "begin")
            return (try parseEnvironment(environment, at: start), .ordinary)
        case "end":
            throw fail("\\end without \\begin", at: start)
        case "\\":
            throw fail("line break '\\\\' outside an aligned environment", at: start)
        default:
            throw fail("unknown command \\\(name)", at: start)
        }
    }

    /// The delimiter after `\left`, `\right` or `\big`: a character, `\{`, `\}`, `\langle`…, or
    /// `.` for none.
    mutating func fence(after owner: String, stretchy: Bool = true) throws -> String {
        skipSpace()
        guard i < chars.count else { throw fail("\(owner) needs a delimiter") }
        var symbol: String
        if chars[i] == "\\" {
            let name = peekCommand() ?? ""
            i += 1 + name.count
            switch name {
            case "{": symbol = "{"
            case "}": symbol = "}"
            case "|": symbol = "‖"
            case "langle": symbol = "⟨"
            case "rangle": symbol = "⟩"
            case "lvert", "rvert", "vert": symbol = "|"
            default: throw fail("\(owner) cannot use \\\(name) as a delimiter")
            }
        } else {
            symbol = String(chars[i])
            i += 1
            guard "()[]|./".contains(symbol) else { throw fail("\(owner) cannot use '\(symbol)' as a delimiter", at: i - 1) }
        }
        if symbol == "." { return "" }
        return "<mo stretchy=\"\(stretchy)\">\(escapeXML(symbol))</mo>"
    }

    mutating func parseEnvironment(_ name: String, at start: Int) throws -> String {
        guard ["aligned", "align", "align*", "cases", "matrix", "pmatrix", "gathered"].contains(name) else {
            throw fail("unknown environment \"\(name)\"", at: start)
        }
        var rows: [[String]] = []
        var cells: [String] = []
        while true {
            let items = try parseList(stopAt: ["&", "\\\\", "\\end"])
            cells.append(TeXToMathML.row(items.isEmpty ? ["<mrow></mrow>"] : items))
            guard i < chars.count else { throw fail("\\begin{\(name)} is never ended", at: start) }
            if chars[i] == "&" { i += 1; continue }
            if chars[i] == "}" { throw fail("unbalanced '}' inside \\begin{\(name)}") }
            let command = peekCommand()
            if command == "\\" { i += 2; rows.append(cells); cells = []; continue }
            // \end
            i += 4
            let closing = try rawGroup(for: "end")
            guard closing == name else { throw fail("\\begin{\(name)} is ended by \\end{\(closing)}", at: start) }
            rows.append(cells)
            break
        }
        if rows.count > 1, rows.last!.count == 1, rows.last![0] == "<mrow></mrow>" { rows.removeLast() }
        let alignment: (Int) -> String = { column in
            switch name {
            case "aligned", "align", "align*": return column % 2 == 0 ? "right" : "left"
            case "cases": return "left"
            default: return "center"
            }
        }
        var table = "<mtable displaystyle=\"true\">"
        for row in rows {
            table += "<mtr>"
            for (k, cell) in row.enumerated() {
                // Aligned pairs: the right-hand column starts with the relation, flush left.
                table += "<mtd style=\"text-align: \(alignment(k)); padding: 0.2em 0\">\(cell)</mtd>"
            }
            table += "</mtr>"
        }
        table += "</mtable>"
        switch name {
        case "cases": return "<mrow><mo stretchy=\"true\">{</mo>\(table)</mrow>"
        case "pmatrix": return "<mrow><mo stretchy=\"true\">(</mo>\(table)<mo stretchy=\"true\">)</mo></mrow>"
        default: return table
        }
    }
}

