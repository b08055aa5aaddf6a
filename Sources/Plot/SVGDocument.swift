import Foundation

/// Finishing touches on the SVG that Cairo writes.
enum SVGDocument {
    /// Renames every `id` (and each reference to it) to `prefix-1`, `prefix-2`, … in order of
    /// first appearance. Cairo numbers glyphs, images and clip paths with process-wide counters,
    /// so the same figure drawn twice would differ; after this it does not, and several figures
    /// can be inlined in one page without clashing ids.
    static func stabilizeIDs(_ svg: String, prefix: String) -> String {
        let pattern = try! NSRegularExpression(pattern: ##"(id="|href="#|url\(#)([^")]+)"##)
        let ns = svg as NSString
        let matches = pattern.matches(in: svg, range: NSRange(location: 0, length: ns.length))
        var names: [String: String] = [:]
        for match in matches {
            let kind = ns.substring(with: match.range(at: 1))
            let name = ns.substring(with: match.range(at: 2))
            if kind == "id=\"" && names[name] == nil { names[name] = "\(prefix)-\(names.count + 1)" }
        }
        var out = ""
        out.reserveCapacity(svg.utf8.count)
        var last = 0
        for match in matches {
            let nameRange = match.range(at: 2)
            out += ns.substring(with: NSRange(location: last, length: nameRange.location - last))
            let name = ns.substring(with: nameRange)
            out += names[name] ?? name
            last = nameRange.location + nameRange.length
        }
        out += ns.substring(from: last)
        return out
    }

    /// Adds an accessible name and description: `<title>` and `<desc>` as the first children
    /// of the root, referenced by `aria-labelledby`, with `role="img"`.
    static func addAccessibility(_ svg: String, prefix: String, title: String, description: String) -> String {
        guard let open = svg.range(of: "<svg"), let close = svg[open.upperBound...].range(of: ">") else { return svg }
        let head = svg[..<close.lowerBound]
        let selfClosing = head.hasSuffix("/")
        guard !selfClosing else { return svg }
        let titleID = "\(prefix)-title", descID = "\(prefix)-desc"
        let attributes = " role=\"img\" aria-labelledby=\"\(titleID) \(descID)\""
        let children = "\n<title id=\"\(titleID)\">\(markupEscaped(title))</title>\n<desc id=\"\(descID)\">\(markupEscaped(description))</desc>"
        return String(head) + attributes + ">" + children + String(svg[close.upperBound...])
    }
}
