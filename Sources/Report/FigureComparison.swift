import Foundation
import Plot

/// Compares two renderings of one figure by what they show (see `OutputFiles.differences`).
enum FigureComparison {
    /// nil when they agree within `tolerance`, else why they do not.
    static func compare(path: String, expected: [UInt8], found: [UInt8], tolerance: Double) -> String? {
        if path.hasSuffix(".png") {
            guard let a = try? PNGCodec.decode(expected), let b = try? PNGCodec.decode(found) else { return "changed: not a readable PNG" }
            guard a.width == b.width, a.height == b.height else {
                return "changed: \(b.width)×\(b.height) pixels on disk, \(a.width)×\(a.height) now"
            }
            let rms = rootMeanSquare(a.rgba, b.rgba)
            return rms <= tolerance ? nil : "changed: RMS \(String(format: "%.3g", rms)) > \(String(format: "%g", tolerance))"
        }
        if path.hasSuffix(".svg") {
            return normalisedSVG(expected) == normalisedSVG(found) ? nil : "changed: the SVG differs beyond rounding"
        }
        if path.hasSuffix(".pdf") {
            return normalisedPDF(expected) == normalisedPDF(found) ? nil : "changed: the PDF differs beyond its producer and dates"
        }
        return "changed"
    }

    /// √(mean of squared differences) over every channel of every pixel, on the 0–255 scale.
    static func rootMeanSquare(_ a: [UInt8], _ b: [UInt8]) -> Double {
        guard !a.isEmpty, a.count == b.count else { return .infinity }
        var total = 0.0
        for k in a.indices {
            let d = Double(a[k]) - Double(b[k])
            total += d * d
        }
        return (total / Double(a.count)).squareRoot()
    }

    /// The SVG text with every decimal number rounded to one decimal place.
    static func normalisedSVG(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        let pattern = try! NSRegularExpression(pattern: #"-?\d+\.\d+"#)
        let ns = text as NSString
        var out = ""
        var last = 0
        for match in pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            out += ns.substring(with: NSRange(location: last, length: match.range.location - last))
            let value = Double(ns.substring(with: match.range)) ?? 0
            let rounded = (value * 10).rounded() / 10
            out += String(format: "%.1f", rounded == 0 ? 0 : rounded)
            last = match.range.location + match.range.length
        }
        return out + ns.substring(from: last)
    }

    /// The PDF's bytes without its /Producer and date entries.
    static func normalisedPDF(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        let pattern = try! NSRegularExpression(pattern: #"/(Producer|CreationDate|ModDate) *\([^)]*\)"#)
        return pattern.stringByReplacingMatches(in: text, range: NSRange(location: 0, length: (text as NSString).length), withTemplate: "")
    }
}
