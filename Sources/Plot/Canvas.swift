import CCairo
import CPango
import Foundation

/// The file formats a figure can be written in.
public enum ImageFormat: String, CaseIterable, Sendable {
    case png, svg, pdf
}

/// Errors from drawing or encoding.
public enum PlotError: Error, CustomStringConvertible, Equatable {
    case cairo(String)
    case png(String)

    public var description: String {
        switch self {
        case let .cairo(message): return "drawing failed: \(message)"
        case let .png(message): return "PNG encoding failed: \(message)"
        }
    }
}

/// Collects the bytes Cairo streams out for SVG and PDF surfaces.
final class ByteSink {
    var bytes: [UInt8] = []
}

private let sinkWrite: cairo_write_func_t = { closure, data, length in
    guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
    let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
    sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
    return CAIRO_STATUS_SUCCESS
}

/// A drawing surface in points: a Cairo context over an image (PNG), SVG or PDF surface.
/// The only type in `Plot` that talks to Cairo and Pango; it owns both and frees them.
public final class Canvas {
    public let width: Double
    public let height: Double
    public let format: ImageFormat
    /// Device pixels per point for PNG.
    public let scale: Double

    let surface: OpaquePointer
    /// The image surface's pixels when they are ours (freed after the surface).
    private var pixels: UnsafeMutableRawPointer?
    let cr: OpaquePointer
    private let sink = ByteSink()
    private var finished = false

    /// Family used for all text.
    public var fontFamily = "DejaVu Sans"
    /// The smallest size of any text drawn so far, in points (infinity before any).
    public private(set) var smallestTextSize = Double.infinity
    /// The box holding every text drawn so far (its logical extents), nil before any.
    public private(set) var textExtent: Rect?

    /// The theme that resolves role colours and paints the paper.
    public let theme: Theme

    public init(width: Double, height: Double, format: ImageFormat, scale: Double = 2, theme: Theme = .light) {
        self.theme = theme
        self.width = width
        self.height = height
        self.format = format
        self.scale = scale
        let closure = Unmanaged.passUnretained(sink).toOpaque()
        switch format {
        case .png:
            // Pixels of our own, not zeroed when the paper will cover them: Cairo's own
            // buffer is cleared first and then painted over, two passes over ~5 MB.
            let w = Int32((width * scale).rounded()), h = Int32((height * scale).rounded())
            let stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, w)
            let count = Int(stride) * Int(max(h, 0))
            if stride > 0, count > 0, let buffer = theme.transparent ? calloc(count, 1) : malloc(count) {
                pixels = buffer
                surface = cairo_image_surface_create_for_data(buffer.assumingMemoryBound(to: UInt8.self), CAIRO_FORMAT_ARGB32, w, h, stride)
            } else {
                surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h)
            }
        case .svg:
            surface = cairo_svg_surface_create_for_stream(sinkWrite, closure, width, height)
            cairo_svg_surface_restrict_to_version(surface, CAIRO_SVG_VERSION_1_1)
        case .pdf:
            surface = cairo_pdf_surface_create_for_stream(sinkWrite, closure, width, height)
            // No wall-clock date in the file: honour SOURCE_DATE_EPOCH, else the epoch.
            let date = Canvas.reproducibleDate()
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date)
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, date)
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "mle-report")
        }
        cr = cairo_create(surface)
        if format == .png { cairo_scale(cr, scale, scale) }
        // The theme's paper (none when transparent, for slides).
        if !theme.transparent {
            setColor(theme.background)
            cairo_paint(cr)
        }
    }

    deinit {
        for layout in layouts.values { g_object_unref(UnsafeMutableRawPointer(layout)) }
        if let pangoContext { g_object_unref(UnsafeMutableRawPointer(pangoContext)) }
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
        free(pixels)
    }

    static func reproducibleDate() -> String {
        let seconds = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(Double.init) ?? 0
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }

    // MARK: Paths and paint

    public func setColor(_ c: Color) {
        let c = theme.resolve(c)
        cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha)
    }

    public func save() {
        cairo_save(cr)
        offsets.append(offsets.last!)
    }
    public func restore() {
        cairo_restore(cr)
        if offsets.count > 1 { offsets.removeLast() }
    }

    /// Moves the origin by (dx, dy) until the matching `restore` (a figure's panel draws in
    /// its own coordinates).
    public func translate(_ dx: Double, _ dy: Double) {
        cairo_translate(cr, dx, dy)
        let o = offsets.removeLast()
        offsets.append(Point(o.x + dx, o.y + dy))
    }
    /// The origin's place on the page, one entry per `save` (translations only).
    private var offsets = [Point(0, 0)]

    public func clip(to r: Rect) {
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        cairo_clip(cr)
    }

    public func fill(_ r: Rect, _ color: Color) {
        setColor(color)
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        cairo_fill(cr)
    }

    public func strokeRect(_ r: Rect, _ color: Color, width: Double) {
        setColor(color)
        cairo_set_line_width(cr, width)
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        cairo_stroke(cr)
    }

    /// How far (points) a drawn line or outline may move when its polyline is simplified:
    /// 0.02 pt, a twenty-fifth of a pixel at the default PNG density.
    static let pathTolerance = 0.02

    /// Strokes a polyline; `dash` is a pattern in points (empty for solid).
    public func stroke(_ points: [Point], _ color: Color, width: Double, dash: [Double] = [], closed: Bool = false) {
        guard points.count >= 2 else { return }
        setColor(color)
        cairo_set_line_width(cr, width)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
        dash.withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, Int32(dash.count), 0) }
        let points = simplified(points, tolerance: Canvas.pathTolerance)
        cairo_move_to(cr, points[0].x, points[0].y)
        for p in points.dropFirst() { cairo_line_to(cr, p.x, p.y) }
        if closed { cairo_close_path(cr) }
        cairo_stroke(cr)
        cairo_set_dash(cr, nil, 0, 0)
    }

    /// Fills a polygon.
    public func fill(polygon points: [Point], _ color: Color) {
        guard points.count >= 3 else { return }
        setColor(color)
        let points = simplified(points, tolerance: Canvas.pathTolerance)
        cairo_move_to(cr, points[0].x, points[0].y)
        for p in points.dropFirst() { cairo_line_to(cr, p.x, p.y) }
        cairo_close_path(cr)
        cairo_fill(cr)
    }

    /// A marker centred at `p`.
    public func marker(_ shape: MarkerShape, at p: Point, size: Double, fill: Color, edge: Color?, edgeWidth: Double = 0.8) {
        let r = size / 2
        switch shape {
        case .circle:
            cairo_new_sub_path(cr)
            cairo_arc(cr, p.x, p.y, r, 0, 2 * .pi)
        case .square:
            cairo_rectangle(cr, p.x - r, p.y - r, size, size)
        case .diamond:
            cairo_move_to(cr, p.x, p.y - r * 1.2); cairo_line_to(cr, p.x + r, p.y)
            cairo_line_to(cr, p.x, p.y + r * 1.2); cairo_line_to(cr, p.x - r, p.y); cairo_close_path(cr)
        case .star:
            for k in 0..<10 {
                let angle = -Double.pi / 2 + Double(k) * .pi / 5
                let radius = k % 2 == 0 ? r * 1.3 : r * 0.55
                let q = Point(p.x + radius * cos(angle), p.y + radius * sin(angle))
                if k == 0 { cairo_move_to(cr, q.x, q.y) } else { cairo_line_to(cr, q.x, q.y) }
            }
            cairo_close_path(cr)
        case .cross:
            cairo_set_line_width(cr, max(1.2, size / 4))
            setColor(fill)
            cairo_move_to(cr, p.x - r, p.y - r); cairo_line_to(cr, p.x + r, p.y + r)
            cairo_move_to(cr, p.x - r, p.y + r); cairo_line_to(cr, p.x + r, p.y - r)
            cairo_stroke(cr)
            return
        }
        setColor(fill)
        if let edge {
            cairo_fill_preserve(cr)
            setColor(edge)
            cairo_set_line_width(cr, edgeWidth)
            cairo_stroke(cr)
        } else {
            cairo_fill(cr)
        }
    }

    /// Draws an RGBA raster (row-major, top row first, straight alpha) stretched over `rect`,
    /// as one embedded image with nearest-neighbour sampling, so a heatmap of any size is one
    /// image element in SVG and PDF rather than one rectangle per cell.
    public func image(width w: Int, height h: Int, pixels: [Color], in rect: Rect) {
        guard w > 0, h > 0, pixels.count == w * h else { return }
        image(Raster(width: w, height: h, pixels: pixels), in: rect, cache: nil)
    }

    /// Draws `raster` stretched over `rect` (as above). With a `cache` (and the raster's key in
    /// it), the PNG an SVG embeds is encoded once for every canvas that draws the same raster.
    func image(_ raster: Raster, in rect: Rect, cache: (RasterCache, key: Int)?) {
        let w = raster.width, h = raster.height
        guard w > 0, h > 0, raster.argb.count == w * h,
              let image = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(w), Int32(h)) else { return }
        defer { cairo_surface_destroy(image) }
        cairo_surface_flush(image)
        let stride = Int(cairo_image_surface_get_stride(image))
        if let data = cairo_image_surface_get_data(image) {
            raster.argb.withUnsafeBytes { source in
                let rowBytes = w * 4
                for row in 0..<h {
                    let target = UnsafeMutableRawPointer(data + row * stride)
                    target.copyMemory(from: source.baseAddress! + row * rowBytes, byteCount: rowBytes)
                }
            }
        }
        cairo_surface_mark_dirty(image)
        if format == .svg {
            // Our own PNG encoding, which the SVG surface embeds as it is. Without it, Cairo
            // encodes the image itself with libpng's slowest settings (every filter tried,
            // zlib level 6): a third of the time of an SVG with a heatmap.
            let encode = { try? PNGCodec.encode(surface: image, dpi: 72, alpha: !raster.opaque, physicalSize: false) }
            if let png = cache.map({ $0.0.png(key: $0.key, encode) }) ?? encode(), let copy = malloc(png.count) {
                png.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: png.count) }
                let status = cairo_surface_set_mime_data(image, "image/png", copy.assumingMemoryBound(to: UInt8.self),
                                                         UInt(png.count), { free($0) }, copy)
                if status != CAIRO_STATUS_SUCCESS { free(copy) }
            }
        }
        save()
        cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
        cairo_clip(cr)
        cairo_translate(cr, rect.x, rect.y)
        cairo_scale(cr, rect.width / Double(w), rect.height / Double(h))
        cairo_set_source_surface(cr, image, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST)
        cairo_paint(cr)
        restore()
    }

    // MARK: Text through Pango

    /// The size of `markup` (Pango markup) set at `size` points.
    public func measure(_ markup: String, size: Double, bold: Bool = false) -> (width: Double, height: Double) {
        // Sizes are remembered across canvases (a figure is drawn in two themes, and tick
        // labels recur): keyed by everything the layout depends on, so the answer is the one
        // this canvas would compute, whichever canvas computed it first.
        var matrix = cairo_matrix_t()
        cairo_get_matrix(cr, &matrix)
        let key = MeasuredText(markup: markup, size: size, bold: bold, family: fontFamily, format: format,
                               matrix: [matrix.xx, matrix.yx, matrix.xy, matrix.yy])
        if let known = MeasuredText.cache.withLock({ $0[key] }) { return known }
        let layout = self.layout(markup, size: size, bold: bold)
        var ink = PangoRectangle(), logical = PangoRectangle()
        pango_layout_get_extents(layout, &ink, &logical)
        let measured = (width: Double(logical.width) / Double(PANGO_SCALE), height: Double(logical.height) / Double(PANGO_SCALE))
        MeasuredText.cache.withLock { cache in
            // Bounded, so that a long `--watch` session does not grow without end; a size is the
            // same whoever measures it, so forgetting them changes no output.
            if cache.count >= MeasuredText.capacity { cache.removeAll(keepingCapacity: true) }
            cache[key] = measured
        }
        return measured
    }

    /// Draws `markup` with its anchor at `p`: `anchor` (0…1, 0…1) is the fraction of the text's
    /// width and height that lies left of and above `p`; `angle` rotates about `p` (radians,
    /// counter-clockwise on the page).
    public func text(_ markup: String, at p: Point, size: Double, color: Color = .ink, anchor: (Double, Double) = (0, 0),
                     angle: Double = 0, bold: Bool = false) {
        if !markup.isEmpty { smallestTextSize = min(smallestTextSize, size) }
        let layout = self.layout(markup, size: size, bold: bold)
        var ink = PangoRectangle(), logical = PangoRectangle()
        pango_layout_get_extents(layout, &ink, &logical)
        let w = Double(logical.width) / Double(PANGO_SCALE), h = Double(logical.height) / Double(PANGO_SCALE)
        if !markup.isEmpty {
            // The text's box on the page: its corners turned by `angle` about `p`.
            let (c, sn) = (cos(angle), sin(angle))
            for (dx, dy) in [(0.0, 0.0), (w, 0), (0, h), (w, h)] {
                let u = dx - anchor.0 * w, v = dy - anchor.1 * h
                let o = offsets.last!
                let q = Point(o.x + p.x + u * c + v * sn, o.y + p.y - u * sn + v * c)
                textExtent = textExtent.map { Rect(x: min($0.minX, q.x), y: min($0.minY, q.y), width: max($0.maxX, q.x) - min($0.minX, q.x),
                                                   height: max($0.maxY, q.y) - min($0.minY, q.y)) } ?? Rect(x: q.x, y: q.y, width: 0, height: 0)
            }
        }
        save()
        cairo_translate(cr, p.x, p.y)
        // The layout stays set for the unrotated canvas: with unhinted metrics a rotation
        // changes no advance, and Cairo turns the glyphs itself. (Updating the layout to the
        // rotated transformation made Pango load the font anew, through fontconfig, for every
        // angle a contour label takes.)
        if angle != 0 { cairo_rotate(cr, -angle) }
        cairo_move_to(cr, -anchor.0 * w, -anchor.1 * h)
        setColor(color)
        pango_cairo_show_layout(cr, layout)
        restore()
    }

    /// The canvas's one Pango context (made on first use) and its laid-out texts, so that a
    /// text measured and then drawn is set once, and no text pays for a context of its own.
    private var pangoContext: OpaquePointer?
    private struct LayoutKey: Hashable {
        var markup: String
        var size: Double
        var bold: Bool
    }
    private var layouts: [LayoutKey: OpaquePointer] = [:]

    /// The layout of `markup`, its context set to the canvas's current transformation (without
    /// its translation), as each text's own context used to be.
    private func layout(_ markup: String, size: Double, bold: Bool) -> OpaquePointer {
        let context: OpaquePointer
        if let pangoContext {
            context = pangoContext
        } else {
            context = pango_cairo_create_context(cr)!
            // Unhinted metrics: text is laid out the same on image, SVG and PDF surfaces.
            let options = cairo_font_options_create()
            cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
            cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
            cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
            pango_cairo_context_set_font_options(context, options)
            cairo_font_options_destroy(options)
            pangoContext = context
        }
        pango_cairo_update_context(cr, context)
        let key = LayoutKey(markup: markup, size: size, bold: bold)
        if let layout = layouts[key] { return layout }
        let layout = pango_layout_new(context)!
        let description = pango_font_description_new()
        pango_font_description_set_family(description, fontFamily)
        pango_font_description_set_absolute_size(description, size * Double(PANGO_SCALE))
        if bold { pango_font_description_set_weight(description, PANGO_WEIGHT_BOLD) }
        pango_layout_set_font_description(layout, description)
        pango_font_description_free(description)
        pango_layout_set_markup(layout, markup, -1)
        layouts[key] = layout
        return layout
    }

    // MARK: Output

    /// Finishes the surface and returns the encoded file.
    public func encoded() throws -> [UInt8] {
        precondition(!finished, "a canvas is encoded once")
        finished = true
        switch format {
        case .png:
            cairo_surface_flush(surface)
            return try PNGCodec.encode(surface: surface, dpi: 72 * scale, alpha: theme.transparent)
        case .svg, .pdf:
            cairo_surface_finish(surface)
            let status = cairo_surface_status(surface)
            guard status == CAIRO_STATUS_SUCCESS else {
                throw PlotError.cairo(String(cString: cairo_status_to_string(status)))
            }
            return sink.bytes
        }
    }
}

/// Marker shapes for scatter plots and highlighted points.
public enum MarkerShape: Sendable {
    case circle, square, diamond, star, cross
}

/// Escapes text for Pango markup (and XML generally).
public func markupEscaped(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default:
            // Characters XML forbids (C0 controls other than tab and line breaks, U+FFFE,
            // U+FFFF) would make the SVG ill-formed and Pango's markup unparsable.
            out.unicodeScalars.append(isForbiddenInXML(scalar) ? "\u{FFFD}" : scalar)
        }
    }
    return out
}

/// Whether XML 1.0 forbids the scalar in a document: C0 controls other than tab, line feed
/// and carriage return, and the noncharacters U+FFFE and U+FFFF. (Lone surrogates cannot occur
/// in a Swift string.)
public func isForbiddenInXML(_ scalar: Unicode.Scalar) -> Bool {
    let v = scalar.value
    return (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || v == 0xFFFE || v == 0xFFFF
}

/// What a measured text's size depends on: the text, its font, the surface type (whose font
/// options Pango merges in) and the linear part of the transformation it is measured under.
struct MeasuredText: Hashable {
    var markup: String
    var size: Double
    var bold: Bool
    var family: String
    var format: ImageFormat
    var matrix: [Double]

    /// Sizes measured so far in this process (at most `capacity`; emptied when full).
    static let cache = Locked<[MeasuredText: (width: Double, height: Double)]>([:])
    /// A default run measures about 2,000 texts.
    static let capacity = 20_000
}

/// A value behind a lock.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

/// Pixels as Cairo holds them: premultiplied ARGB words, row-major, top row first.
struct Raster {
    var width: Int
    var height: Int
    var argb: [UInt32]
    /// Whether every pixel is opaque.
    var opaque: Bool

    /// From straight-alpha colours, each channel clamped to [0, 1] and rounded to 8 bits.
    init(width: Int, height: Int, pixels: [Color]) {
        self.width = width
        self.height = height
        var opaque = true
        argb = pixels.map { c in
            let a = min(max(c.alpha, 0), 1)
            if a < 1 { opaque = false }
            // x + ½ truncated: x rounded half up, the same as rounded() for x ≥ 0.
            func channel(_ v: Double) -> UInt32 { UInt32(min(max(v, 0), 1) * a * 255 + 0.5) }
            return UInt32(a * 255 + 0.5) << 24 | channel(c.red) << 16 | channel(c.green) << 8 | channel(c.blue)
        }
        self.opaque = opaque
    }
}

/// A heatmap's raster and its PNG encoding, made once however many canvases (themes, formats)
/// draw it; shared by the copies of the mark. Both are kept with the key (a hash of everything
/// the raster is made from) they were made for: a changed copy of the mark gets its own.
final class RasterCache: Sendable {
    private let state = Locked<(key: Int, raster: Raster, png: [UInt8]??)?>(nil)

    func raster(key: Int, _ make: () -> Raster) -> Raster {
        state.withLock { state in
            if let state, state.key == key { return state.raster }
            let made = make()
            state = (key, made, nil)
            return made
        }
    }

    /// The PNG of the raster made for `key` (nil when it cannot be encoded).
    func png(key: Int, _ make: () -> [UInt8]?) -> [UInt8]? {
        state.withLock { state in
            if let current = state, current.key == key, let png = current.png { return png }
            let made = make()
            if let current = state, current.key == key { state = (key, current.raster, .some(made)) }
            return made
        }
    }
}
