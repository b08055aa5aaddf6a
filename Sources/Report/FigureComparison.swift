import Foundation
import Plot

/// Compares two renderings of one figure by what they show (see `OutputFiles.differences`).
enum FigureComparison {
    /// nil when they agree within `tolerance`, else why they do not.
    static func compare(path: String, expected: [UInt8], found: [UInt8], tolerance: Double) -> String? {
        if path.hasSuffix(".png") {
            // The file on disk is anyone's: its claimed size is checked before a pixel is decoded.
            if let size = PNGCodec.dimensions(found), size.width * size.height > PNGCodec.maxDecodedPixels {
                return "changed: the PNG on disk claims \(size.width)×\(size.height) pixels, more than the 16-megapixel limit"
            }
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

    /// The SVG text with every decimal number (`-?digits.digits`) rounded to one decimal
    /// place. One linear scan (a regular expression over NSString was quadratic on the long
    /// lines of a path).
    static func normalisedSVG(_ bytes: [UInt8]) -> String {
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            let signed = c == UInt8(ascii: "-") && i + 1 < n && isDigit(bytes[i + 1])
            guard isDigit(c) || signed else { out.append(c); i += 1; continue }
            var j = signed ? i + 1 : i
            while j < n && isDigit(bytes[j]) { j += 1 }
            if j + 1 < n && bytes[j] == UInt8(ascii: ".") && isDigit(bytes[j + 1]) {
                var k = j + 1
                while k < n && isDigit(bytes[k]) { k += 1 }
                let value = Double(String(decoding: bytes[i..<k], as: UTF8.self)) ?? 0
                let rounded = (value * 10).rounded() / 10
                out += Array(String(format: "%.1f", rounded == 0 ? 0 : rounded).utf8)
                i = k
            } else {
                out += bytes[i..<j]
                i = j
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The PDF's bytes without its /Producer and date entries.
    static func normalisedPDF(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        let pattern = try! NSRegularExpression(pattern: #"/(Producer|CreationDate|ModDate) *\([^)]*\)"#)
        return pattern.stringByReplacingMatches(in: text, range: NSRange(location: 0, length: (text as NSString).length), withTemplate: "")
    }
}
