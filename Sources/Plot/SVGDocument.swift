import Foundation

/// Finishing touches on the SVG that Cairo writes.
enum SVGDocument {
    /// Renames every `id` (and each reference to it) to `prefix-1`, `prefix-2`, … in order of
    /// first appearance. Cairo numbers glyphs, images and clip paths with process-wide counters,
    /// so the same figure drawn twice would differ; after this it does not, and several figures
    /// can be inlined in one page without clashing ids.
    static func stabilizeIDs(_ svg: String, prefix: String) -> String {
        // References are `id="NAME"`, `href="#NAME"` and `url(#NAME)`, found anywhere in the
        // text (as in `xlink:href`), left to right without overlap; NAME runs to the next `"`
        // or `)` and is not empty. Scanned as bytes: the names are ASCII, the rest is copied.
        let bytes = Array(svg.utf8)
        let openers: [[UInt8]] = [Array(#"id=""#.utf8), Array(##"href="#"##.utf8), Array("url(#".utf8)]
        /// (opener index, name start, name end) of every reference.
        var found: [(Int, Int, Int)] = []
        var i = 0
        let n = bytes.count
        scan: while i < n {
            for (k, opener) in openers.enumerated() where bytes[i] == opener[0] && i + opener.count < n {
                var matches = true
                for (j, b) in opener.enumerated() where bytes[i + j] != b { matches = false; break }
                guard matches else { continue }
                let start = i + opener.count
                var end = start
                while end < n && bytes[end] != 0x22 && bytes[end] != 0x29 { end += 1 }
                guard end > start else { continue }
                found.append((k, start, end))
                i = end
                continue scan
            }
            i += 1
        }
        var names: [ArraySlice<UInt8>: [UInt8]] = [:]
        for (k, start, end) in found where k == 0 && names[bytes[start..<end]] == nil {
            names[bytes[start..<end]] = Array("\(prefix)-\(names.count + 1)".utf8)
        }
        var out: [UInt8] = []
        out.reserveCapacity(n + n / 8)
        var last = 0
        for (_, start, end) in found {
            out += bytes[last..<start]
            if let renamed = names[bytes[start..<end]] { out += renamed } else { out += bytes[start..<end] }
            last = end
        }
        out += bytes[last...]
        return String(decoding: out, as: UTF8.self)
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
