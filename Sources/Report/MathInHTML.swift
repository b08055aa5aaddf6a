import MathML

/// Replaces `$$…$$` (display) and `$…$` (inline) TeX in rendered HTML with MathML.
/// `\$` stands for a literal dollar sign. Errors name the rendered line and the formula.
enum MathInHTML {
    /// - Parameter locate: for an error, where the formula that starts with the given text was
    ///   written (a template's file and line), when that can be found.
    static func typeset(_ html: String, source: String, locate: (String) -> String? = { _ in nil }) throws -> String {
        let chars = Array(html)
        var out = ""
        out.reserveCapacity(html.utf8.count * 2)
        var k = 0, line = 1
        while k < chars.count {
            let c = chars[k]
            if c == "\\" && k + 1 < chars.count && chars[k + 1] == "$" {
                out.append("$"); k += 2; continue
            }
            guard c == "$" else {
                if c == "\n" { line += 1 }
                out.append(c); k += 1; continue
            }
            let display = k + 1 < chars.count && chars[k + 1] == "$"
            let open = display ? 2 : 1
            var end = k + open
            var tex = ""
            while end < chars.count {
                if chars[end] == "\\" && end + 1 < chars.count { tex.append(chars[end]); tex.append(chars[end + 1]); end += 2; continue }
                if chars[end] == "$" { break }
                tex.append(chars[end]); end += 1
            }
            guard end < chars.count, !display || (end + 1 < chars.count && chars[end + 1] == "$") else {
                let opened = String(chars[k..<min(chars.count, k + 80)])
                throw ReportError("\(locate(opened) ?? "\(source):\(line)"): formula opened with \(display ? "$$" : "$") is never closed")
            }
            let decoded = tex.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&amp;", with: "&")
            var resume = end + open
            do {
                // A display formula scrolls inside its own box on narrow screens (a <math>
                // element does not clip its overflow itself).
                let math = try TeXToMathML.convert(decoded, display: display)
                if display {
                    out += "<div class=\"math-scroll\">\(math)</div>"
                } else {
                    // Punctuation right after an inline formula stays on its line: a browser
                    // may break between a formula's box and the comma after it.
                    var tail = ""
                    var next = end + open
                    while next < chars.count, ",.;:!?)".contains(chars[next]) { tail.append(chars[next]); next += 1 }
                    // A long one (more than 40 characters of TeX) may not fit a phone's line: there
                    // it takes a line of its own and scrolls with a visible cue (style.css).
                    let inline = "<span class=\"math-inline\(decoded.count > 40 ? " math-long" : "")\">\(math)</span>"
                    out += tail.isEmpty ? inline : "<span class=\"math-tail\">\(inline)\(tail)</span>"
                    resume = next
                }
            } catch let error as TeXError {
                let snippet = decoded.count > 60 ? String(decoded.prefix(60)) + "…" : decoded
                let written = locate((display ? "$$" : "$") + tex) ?? "\(source):\(line)"
                throw ReportError("\(written): in formula \"\(snippet.replacingOccurrences(of: "\n", with: " "))\": \(error)")
            }
            line += tex.filter { $0 == "\n" }.count
            k = resume
        }
        return out
    }
}
