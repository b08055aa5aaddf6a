import CCairo
import CPNG
import Foundation

/// PNG encoding and decoding through libpng's simplified API, which reports failures as
/// return values (the classic API needs `setjmp`, which Swift cannot use).
public enum PNGCodec {
    /// An 8-bit RGBA image, rows top to bottom.
    public struct Image: Equatable {
        public var width: Int
        public var height: Int
        public var rgba: [UInt8]

        public func pixel(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8, a: UInt8) {
            let k = 4 * (y * width + x)
            return (rgba[k], rgba[k + 1], rgba[k + 2], rgba[k + 3])
        }
    }

    /// Encodes a Cairo image surface, with a `pHYs` chunk with `dpi` when `physicalSize`: as
    /// 8-bit RGB when it is opaque, as straight (not premultiplied) RGBA when `alpha`
    /// (transparent paper). No `tIME` chunk is written, so identical pixels give identical files.
    static func encode(surface: OpaquePointer, dpi: Double, alpha: Bool, physicalSize: Bool = true) throws -> [UInt8] {
        let width = Int(cairo_image_surface_get_width(surface))
        let height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        guard let data = cairo_image_surface_get_data(surface) else { throw PlotError.png("no pixel data") }
        // Cairo stores premultiplied native-endian ARGB words. An opaque canvas has alpha 255
        // everywhere, so its colour channels are straight already; otherwise they are divided
        // back by alpha.
        let channels = alpha ? 4 : 3
        let pixels = [UInt8](unsafeUninitializedCapacity: width * height * channels) { out, count in
            count = width * height * channels
            for y in 0..<height {
                let row = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
                var k = channels * y * width
                if !alpha {
                    // Four pixels (0xAARRGGBB words) make three little-endian words of R G B
                    // bytes; the rest of the row one byte at a time.
                    var x = 0
                    if UInt32(littleEndian: 1) == 1 {
                        let words = UnsafeMutableRawPointer(out.baseAddress! + k)
                        var offset = 0
                        while x + 4 <= width {
                            let p0 = row[x].byteSwapped, p1 = row[x + 1].byteSwapped
                            let p2 = row[x + 2].byteSwapped, p3 = row[x + 3].byteSwapped
                            words.storeBytes(of: p0 >> 8 | p1 << 16 & 0xFF00_0000, toByteOffset: offset, as: UInt32.self)
                            words.storeBytes(of: p1 >> 16 | p2 << 8 & 0xFFFF_0000, toByteOffset: offset + 4, as: UInt32.self)
                            words.storeBytes(of: p2 >> 24 | p3 & 0xFFFF_FF00, toByteOffset: offset + 8, as: UInt32.self)
                            offset += 12
                            x += 4
                        }
                        k += offset
                    }
                    while x < width {
                        let v = row[x]
                        out[k] = UInt8(truncatingIfNeeded: v >> 16)
                        out[k + 1] = UInt8(truncatingIfNeeded: v >> 8)
                        out[k + 2] = UInt8(truncatingIfNeeded: v)
                        k += 3
                        x += 1
                    }
                    continue
                }
                for x in 0..<width {
                    let v = row[x]
                    let a = (v >> 24) & 0xFF
                    func straight(_ c: UInt32) -> UInt8 {
                        a == 0 ? 0 : UInt8(min(255, (c * 255 + a / 2) / a))
                    }
                    out[k] = straight((v >> 16) & 0xFF)
                    out[k + 1] = straight((v >> 8) & 0xFF)
                    out[k + 2] = straight(v & 0xFF)
                    out[k + 3] = UInt8(a)
                    k += 4
                }
            }
        }
        let format = alpha ? UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA) : UInt32(PNG_FORMAT_RGB)
        return try write(pixels, width: width, height: height, format: format, channels: channels, dpi: physicalSize ? dpi : nil)
    }

    /// Encodes 8-bit RGB pixels.
    public static func encode(rgb: [UInt8], width: Int, height: Int, dpi: Double) throws -> [UInt8] {
        try write(rgb, width: width, height: height, format: UInt32(PNG_FORMAT_RGB), channels: 3, dpi: dpi)
    }

    /// Encodes 8-bit pixels of `channels` per pixel in libpng's `format`, with the pHYs chunk.
    private static func write(_ pixels: [UInt8], width: Int, height: Int, format: UInt32, channels: Int, dpi: Double?) throws -> [UInt8] {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = format
        // Faster filter and compression choices: figures are mostly flat colour, so the files
        // grow little while encoding takes a fraction of the time.
        image.flags = UInt32(PNG_IMAGE_FLAG_FAST)
        let rowBytes = Int32(width * channels)
        // One compression pass into a buffer sized by zlib's bound on the filtered rows
        // (libpng's PNG_IMAGE_COMPRESSED_SIZE_MAX, a macro Swift cannot import) plus room for
        // the chunk headers. Asking libpng for the size first would compress everything twice.
        let filtered = (width * channels + 1) * height
        var capacity = filtered + (filtered + 7) / 8 + (filtered + 63) / 64 + 11 + 12 * (filtered / 4096 + 1) + 4096
        var out = [UInt8]()
        var size = 0
        var written: Int32 = 0
        for _ in 0..<2 {
            // Uninitialised: libpng writes the first `size` bytes and nothing else is kept.
            out = [UInt8](unsafeUninitializedCapacity: capacity) { _, count in count = capacity }
            size = capacity
            written = out.withUnsafeMutableBytes { dst in
                pixels.withUnsafeBytes { raw in
                    png_image_write_to_memory(&image, dst.baseAddress, &size, 0, raw.baseAddress, rowBytes, nil)
                }
            }
            // A false return with a larger size means only that the buffer was too small.
            if written != 0 || size <= capacity { break }
            capacity = size
        }
        png_image_free(&image)
        guard written != 0 else { throw PlotError.png(message(image)) }
        out.removeLast(out.count - size)
        return dpi.map { insertPhysicalSize(into: out, dpi: $0) } ?? out
    }

    private static func message(_ image: png_image) -> String {
        var copy = image
        return withUnsafeBytes(of: &copy.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }

    /// Inserts a `pHYs` chunk (pixels per metre, both axes) right after `IHDR`.
    static func insertPhysicalSize(into png: [UInt8], dpi: Double) -> [UInt8] {
        let headerEnd = 8 + 4 + 4 + 13 + 4
        guard png.count > headerEnd else { return png }
        let perMetre = UInt32((dpi / 0.0254).rounded())
        var body: [UInt8] = Array("pHYs".utf8)
        for _ in 0..<2 { body += bigEndian(perMetre) }
        body.append(1)   // unit: metre
        var chunk = bigEndian(UInt32(body.count - 4))
        chunk += body
        chunk += bigEndian(crc32(body))
        return Array(png[..<headerEnd]) + chunk + Array(png[headerEnd...])
    }

    /// Inserts an uncompressed international text chunk (`iTXt`: Latin-1 keyword, UTF-8 text,
    /// no language tag) right before `IEND`. Characters XML forbids and NUL are replaced, so the
    /// chunk stays well-formed for every reader.
    public static func insertText(into png: [UInt8], keyword: String, text: String) -> [UInt8] {
        guard png.count >= 8 + 12, Array(png[(png.count - 8)..<(png.count - 4)]) == Array("IEND".utf8) else { return png }
        let clean = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value == 0 || isForbiddenInXML($0) ? "\u{FFFD}" : $0 }))
        var body: [UInt8] = Array("iTXt".utf8) + Array(keyword.utf8.prefix(79)) + [0, 0, 0, 0, 0]
        body += Array(clean.utf8)
        var chunk = bigEndian(UInt32(body.count - 4))
        chunk += body
        chunk += bigEndian(crc32(body))
        let end = png.count - 12
        return Array(png[..<end]) + chunk + Array(png[end...])
    }

    /// The iTXt chunks of a PNG, keyword to text (for tests and tools).
    public static func texts(_ png: [UInt8]) -> [String: String] {
        var out: [String: String] = [:]
        var k = 8
        while k + 12 <= png.count {
            let length = Int(png[k]) << 24 | Int(png[k + 1]) << 16 | Int(png[k + 2]) << 8 | Int(png[k + 3])
            guard k + 12 + length <= png.count else { break }
            let type = String(decoding: png[(k + 4)..<(k + 8)], as: UTF8.self)
            if type == "iTXt" {
                let data = Array(png[(k + 8)..<(k + 8 + length)])
                if let zero = data.firstIndex(of: 0) {
                    let keyword = String(decoding: data[..<zero], as: UTF8.self)
                    // Compression flag, method, then two NUL-terminated fields.
                    var i = zero + 3
                    for _ in 0..<2 { while i < data.count && data[i] != 0 { i += 1 }; i += 1 }
                    if i <= data.count { out[keyword] = String(decoding: data[min(i, data.count)...], as: UTF8.self) }
                }
            }
            k += 12 + length
        }
        return out
    }

    private static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    private static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// The CRC-32 of PNG chunks (ISO 3309 polynomial).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    /// Decodes any PNG to 8-bit RGBA.
    /// The most pixels `decode` accepts (the figures' own budget: 16 megapixels).
    public static let maxDecodedPixels = 16 << 20

    /// The width and height an IHDR chunk claims, read from the header alone (nil if the
    /// bytes do not start like a PNG).
    public static func dimensions(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard bytes.count >= 24, Array(bytes[0..<8]) == signature, String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR" else { return nil }
        func u32(_ k: Int) -> Int { Int(bytes[k]) << 24 | Int(bytes[k + 1]) << 16 | Int(bytes[k + 2]) << 8 | Int(bytes[k + 3]) }
        return (u32(16), u32(20))
    }

    /// Decodes a PNG to RGBA; refuses one that claims more than `maxPixels` before allocating.
    public static func decode(_ bytes: [UInt8], maxPixels: Int = maxDecodedPixels) throws -> Image {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        let begun = bytes.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard begun != 0 else { throw PlotError.png(message(image)) }
        image.format = UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
        let width = Int(image.width), height = Int(image.height)
        guard width * height <= maxPixels else {
            png_image_free(&image)
            throw PlotError.png("the PNG claims \(width)×\(height) pixels, more than \(maxPixels >> 20) megapixels")
        }
        var rgba = [UInt8](repeating: 0, count: width * height * 4)
        let finished = rgba.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, Int32(width * 4), nil) }
        guard finished != 0 else { throw PlotError.png(message(image)) }
        return Image(width: width, height: height, rgba: rgba)
    }

    /// The chunk types of a PNG file, in order (for tests of what is written).
    public static func chunkTypes(_ png: [UInt8]) -> [String] {
        var types: [String] = []
        var k = 8
        while k + 8 <= png.count {
            let length = Int(png[k]) << 24 | Int(png[k + 1]) << 16 | Int(png[k + 2]) << 8 | Int(png[k + 3])
            types.append(String(decoding: png[(k + 4)..<(k + 8)], as: UTF8.self))
            k += 12 + length
        }
        return types
    }
}
