import Foundation

/// A figure with one set of axes (and an optional colour bar), drawn onto a `Canvas`.
public struct Figure {
    /// Size in points.
    public var width: Double = 640
    public var height: Double = 480
    /// Title (Pango markup).
    public var title: String?
    /// Axis labels (Pango markup: italic variables as `<i>w</i>`).
    public var xLabel: String = ""
    public var yLabel: String = ""
    /// Data limits; computed from the marks (with 4 % padding) when nil.
    public var xLimits: (Double, Double)?
    public var yLimits: (Double, Double)?
    public var marks: [Mark] = []
    public var colorbar: Colorbar?
    public var showsGrid = true
    /// One data unit has the same length on both axes (circles stay circles): the shorter
    /// range is widened about its centre to fit the plot's shape.
    public var equalAspect = false
    /// Light or dark paper and neutral colours.
    public var theme: Theme = .light
    /// Plain-text name and description for the SVG `<title>`/`<desc>`.
    public var accessibleTitle = ""
    public var accessibleDescription = ""
    /// Prefix of the ids in the SVG (unique per figure in a page).
    public var idPrefix = "fig"

    public init() {}

    /// Set, the figure is these panels, side by side (stacked with `stacksPanels`), each with
    /// its own axes, title and legend, drawn at this figure's text scale; the figure's own
    /// marks, labels and title are then unused.
    public var panels: [Figure] = []
    public var stacksPanels = false

    /// Set, the size of text, markers and margins relative to a default figure's, whatever
    /// the figure's size: a narrow rendering for phones keeps its text large.
    public var textScale: Double?

    /// Text, markers and margins grow and shrink with the figure's area (relative to the
    /// default 640 × 480), within limits that keep text legible on small figures and
    /// proportionate on large ones; `textScale` overrides it.
    var fontScale: Double { textScale ?? min(1.6, max(0.8, (width * height / (640 * 480)).squareRoot())) }

    /// The smallest text the figure draws, in points (ticks, labels, legend, contour labels):
    /// drawn on a vector canvas that is not encoded.
    public func smallestTextSize() -> Double { textMetrics().smallest }

    /// The smallest text the figure draws (points) and the box holding all its texts, from
    /// one drawing on a vector canvas that is not encoded: a layout check that every text
    /// lies on the figure.
    public func textMetrics() -> (smallest: Double, extent: Rect?) {
        let canvas = Canvas(width: width, height: height, format: .svg, scale: 1, theme: theme)
        draw(on: canvas)
        return (canvas.smallestTextSize, canvas.textExtent)
    }
    var tickSize: Double { 9 * fontScale }
    var labelSize: Double { 10.5 * fontScale }
    var titleSize: Double { 12 * fontScale }
    var pad: Double { 8 * fontScale }

    /// The title broken into lines at spaces so that each fits `maxWidth` (Pango markup tags
    /// in the titles hold no spaces, so a break never splits one).
    func wrappedTitle(on canvas: Canvas, maxWidth: Double) -> String? {
        title.map { Figure.wrap($0, size: titleSize, bold: true, maxWidth: maxWidth, on: canvas) }
    }

    /// `markup` broken into lines at spaces so that each fits `maxWidth` (a word wider than
    /// that keeps a line of its own).
    static func wrap(_ markup: String, size: Double, bold: Bool = false, maxWidth: Double, on canvas: Canvas) -> String {
        var lines: [String] = [], current = ""
        for word in markup.split(separator: " ", omittingEmptySubsequences: false) {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if !current.isEmpty && canvas.measure(candidate, size: size, bold: bold).width > maxWidth {
                lines.append(current)
                current = String(word)
            } else {
                current = candidate
            }
        }
        lines.append(current)
        return lines.joined(separator: "\n")
    }

    /// Renders the figure as a file of `format`; `scale` is the PNG pixel density.
    public func render(_ format: ImageFormat, scale: Double = 2) throws -> [UInt8] {
        let canvas = Canvas(width: width, height: height, format: format, scale: scale, theme: theme)
        draw(on: canvas)
        let bytes = try canvas.encoded()
        if format == .png {
            // The figure's title and alt text travel with the file (PNG iTXt, UTF-8), for
            // writers who take the PNG alone into their documents.
            var png = bytes
            for (keyword, text) in [("Title", accessibleTitle), ("Description", accessibleDescription)] where !text.isEmpty {
                png = PNGCodec.insertText(into: png, keyword: keyword, text: text)
            }
            return png
        }
        guard format == .svg else { return bytes }
        var svg = String(decoding: bytes, as: UTF8.self)
        svg = SVGDocument.stabilizeIDs(svg, prefix: idPrefix)
        svg = SVGDocument.addAccessibility(svg, prefix: idPrefix, title: accessibleTitle, description: accessibleDescription)
        return Array(svg.utf8)
    }

    // MARK: Layout

    /// The computed geometry of the figure.
    struct Layout {
        var plot: Rect
        var x: LinearScale
        var y: LinearScale
        var xTicks: Ticks
        var yTicks: Ticks
        var colorbarRect: Rect?
        var colorbarTicks: Ticks?
        /// Space kept free under the x label for a legend placed outside the axes.
        var bottomReserve: Double
        var title: String?
    }

    func dataLimits() -> ((Double, Double), (Double, Double)) {
        var xs: [Double] = [], ys: [Double] = []
        var exactX: (Double, Double)? = nil, exactY: (Double, Double)? = nil
        for mark in marks {
            switch mark {
            case let .scatter(points, _, _, _, _, _), let .line(points, _, _, _, _), let .path(points, _, _, _):
                xs += points.map(\.x); ys += points.map(\.y)
            case let .band(x, lower, upper, _, _):
                xs += x; ys += lower + upper
            case let .errorBars(points, lower, upper, _, _):
                xs += points.map(\.x); ys += lower + upper
            case let .rug(x, _, _, _):
                xs += x
            case let .heatmap(h):
                exactX = (h.x.first ?? 0, h.x.last ?? 1); exactY = (h.y.first ?? 0, h.y.last ?? 1)
            case let .contours(set):
                for line in set.lines { xs += line.points.map(\.x); ys += line.points.map(\.y) }
            case let .point(p, _, _, _, _):
                xs.append(p.x); ys.append(p.y)
            }
        }
        func padded(_ values: [Double]) -> (Double, Double) {
            let finite = values.filter(\.isFinite)
            guard let lo = finite.min(), let hi = finite.max() else { return (0, 1) }
            let span = hi > lo ? hi - lo : max(abs(lo), 1)
            return (lo - 0.04 * span, hi + 0.04 * span)
        }
        return (xLimits ?? exactX ?? padded(xs), yLimits ?? exactY ?? padded(ys))
    }

    func layout(on canvas: Canvas) -> Layout {
        layout(on: canvas, bottomReserve: 0)
    }

    func layout(on canvas: Canvas, bottomReserve: Double) -> Layout {
        let (xr, yr) = dataLimits()
        let first = layout(on: canvas, xr: xr, yr: yr, bottomReserve: bottomReserve)
        guard equalAspect, first.plot.width > 0, first.plot.height > 0 else { return first }
        // Units per point on each axis; widen the axis that has fewer.
        let ux = (xr.1 - xr.0) / first.plot.width, uy = (yr.1 - yr.0) / first.plot.height
        guard ux > 0, uy > 0, ux.isFinite, uy.isFinite else { return first }
        func widened(_ r: (Double, Double), to span: Double) -> (Double, Double) {
            let c = (r.0 + r.1) / 2
            return (c - span / 2, c + span / 2)
        }
        if ux > uy { return layout(on: canvas, xr: xr, yr: widened(yr, to: ux * first.plot.height), bottomReserve: bottomReserve) }
        return layout(on: canvas, xr: widened(xr, to: uy * first.plot.width), yr: yr, bottomReserve: bottomReserve)
    }

    func layout(on canvas: Canvas, xr: (Double, Double), yr: (Double, Double), bottomReserve: Double) -> Layout {
        let pad = pad
        let title = wrappedTitle(on: canvas, maxWidth: width - 2 * pad)
        let titleHeight = title.map { canvas.measure($0, size: titleSize, bold: true).height + 6 } ?? 0
        let xLabelHeight = xLabel.isEmpty ? 0 : canvas.measure(xLabel, size: labelSize).height + 4
        let yLabelHeight = yLabel.isEmpty ? 0 : canvas.measure(yLabel, size: labelSize).height + 4
        let tickHeight = canvas.measure("0", size: tickSize).height

        // Ticks depend on the axis length, which depends on the margins: start from an estimate.
        let estimateH = height - 60 - titleHeight
        let yTicks = Ticks.nice(lower: yr.0, upper: yr.1, maxCount: max(3, min(9, Int(estimateH / 55))))
        let yTickWidth = yTicks.labels.map { canvas.measure($0, size: tickSize).width }.max() ?? 0

        var colorbarWidth = 0.0
        var cbTicks: Ticks? = nil
        if let cb = colorbar {
            let ticks = Ticks.nice(lower: cb.range.0, upper: cb.range.1, maxCount: max(3, min(8, Int(estimateH / 60))))
            cbTicks = ticks
            let labelWidth = ticks.labels.map { canvas.measure($0, size: tickSize).width }.max() ?? 0
            let titleWidth = canvas.measure(cb.label, size: labelSize).height
            colorbarWidth = 14 + 14 + 4 + labelWidth + 6 + titleWidth
        }
        let left = pad + yLabelHeight + 4 + yTickWidth + 6
        let bottom = pad + xLabelHeight + 4 + tickHeight + 6 + bottomReserve
        let top = pad + titleHeight + 4
        let estimateW = width - left - 20 - colorbarWidth
        let xTicks = Ticks.nice(lower: xr.0, upper: xr.1, maxCount: max(3, min(9, Int(estimateW / 70))))
        let lastXLabelHalf = (xTicks.labels.last.map { canvas.measure($0, size: tickSize).width } ?? 0) / 2
        let right = pad + max(colorbarWidth, lastXLabelHalf, 6)
        let plot = Rect(x: left, y: top, width: max(10, width - left - right), height: max(10, height - top - bottom))
        var cbRect: Rect? = nil
        if colorbar != nil {
            cbRect = Rect(x: plot.maxX + 14, y: plot.minY, width: 14, height: plot.height)
        }
        return Layout(plot: plot,
                      x: LinearScale(domain: xr, range: (plot.minX, plot.maxX)),
                      y: LinearScale(domain: yr, range: (plot.maxY, plot.minY)),
                      xTicks: xTicks, yTicks: yTicks, colorbarRect: cbRect, colorbarTicks: cbTicks,
                      bottomReserve: bottomReserve, title: title)
    }

    /// An axis label with the ticks' "× 10ⁿ" after it, when they have one.
    static func label(_ text: String, _ ticks: Ticks) -> String {
        ticks.multiplier.isEmpty ? text : text + "  (" + ticks.multiplier + ")"
    }

    // MARK: Drawing

    public func draw(on canvas: Canvas) {
        if !panels.isEmpty { return drawPanels(on: canvas) }
        // The legend goes inside the axes where it hides nothing that matters; when every
        // place inside would, the axes shrink and it goes below them.
        var legend = Legend(entries: legendEntries(), textSize: 9 * fontScale)
        // An entry too long for the figure's width (a narrow rendering) takes two lines.
        let textRoom = width - 2 * pad - legend.sampleWidth - 6 - 2 * legend.padding
        for k in legend.entries.indices where canvas.measure(legend.entries[k].label, size: legend.textSize).width > textRoom {
            legend.entries[k].label = Figure.wrap(legend.entries[k].label, size: legend.textSize, maxWidth: textRoom, on: canvas)
        }
        var l = layout(on: canvas)
        var legendBox: Rect? = nil
        if !legend.isEmpty {
            let inside = legend.place(in: l.plot, avoiding: occupiedPoints { Point(l.x($0.x), l.y($0.y)) }, canvas: canvas)
            if inside.cost < 1 {
                legendBox = inside.box
            } else {
                let (w, h) = legend.size(on: canvas)
                l = layout(on: canvas, bottomReserve: h + pad)
                legendBox = Rect(x: max(pad, min(l.plot.center.x - w / 2, width - pad - w)), y: height - pad - h, width: w, height: h)
            }
        }
        let plot = l.plot
        func device(_ p: Point) -> Point { Point(l.x(p.x), l.y(p.y)) }
        let hasHeatmap = marks.contains { if case .heatmap = $0 { return true } else { return false } }

        // Grid under the data.
        if showsGrid && !hasHeatmap {
            for v in l.xTicks.values { canvas.stroke([Point(l.x(v), plot.minY), Point(l.x(v), plot.maxY)], .grid, width: 0.6) }
            for v in l.yTicks.values { canvas.stroke([Point(plot.minX, l.y(v)), Point(plot.maxX, l.y(v))], .grid, width: 0.6) }
        }

        canvas.save()
        canvas.clip(to: plot)
        for mark in marks { drawData(mark, canvas: canvas, layout: l, device: device, legendBox: legendBox) }
        canvas.restore()

        // Axes frame, ticks and labels.
        canvas.strokeRect(plot, .ink, width: 0.8)
        for (v, text) in zip(l.xTicks.values, l.xTicks.labels) {
            let x = l.x(v)
            canvas.stroke([Point(x, plot.maxY), Point(x, plot.maxY + 4)], .ink, width: 0.8)
            canvas.text(text, at: Point(x, plot.maxY + 6), size: tickSize, anchor: (0.5, 0))
        }
        for (v, text) in zip(l.yTicks.values, l.yTicks.labels) {
            let y = l.y(v)
            canvas.stroke([Point(plot.minX - 4, y), Point(plot.minX, y)], .ink, width: 0.8)
            canvas.text(text, at: Point(plot.minX - 6, y), size: tickSize, anchor: (1, 0.5))
        }
        if !xLabel.isEmpty {
            canvas.text(Figure.label(xLabel, l.xTicks), at: Point(plot.center.x, height - pad - l.bottomReserve), size: labelSize, anchor: (0.5, 1))
        }
        if !yLabel.isEmpty {
            canvas.text(Figure.label(yLabel, l.yTicks), at: Point(pad, plot.center.y), size: labelSize, anchor: (0.5, 0), angle: .pi / 2)
        }
        if let title = l.title {
            // Flush with the axes when it fits there, else with the figure's edge.
            let x = canvas.measure(title, size: titleSize, bold: true).width <= width - plot.minX - pad ? plot.minX : pad
            canvas.text(title, at: Point(x, pad), size: titleSize, anchor: (0, 0), bold: true)
        }
        if let box = legendBox { legend.draw(in: box, canvas: canvas) }
        if let cb = colorbar, let rect = l.colorbarRect, let ticks = l.colorbarTicks { drawColorbar(cb, rect, ticks, canvas) }
    }

    private func drawPanels(on canvas: Canvas) {
        let n = Double(panels.count)
        // A panel of a default-sized figure is drawn at the whole figure's text scale, not at
        // the smaller one its own area would give.
        let scale = fontScale
        for (k, panel) in panels.enumerated() {
            var p = panel
            p.theme = theme
            p.textScale = scale
            p.width = stacksPanels ? width : width / n
            p.height = stacksPanels ? height / n : height
            canvas.save()
            canvas.translate(stacksPanels ? 0 : Double(k) * p.width, stacksPanels ? Double(k) * p.height : 0)
            p.draw(on: canvas)
            canvas.restore()
        }
    }

    private func drawData(_ mark: Mark, canvas: Canvas, layout l: Layout, device: (Point) -> Point, legendBox: Rect?) {
        switch mark {
        case let .heatmap(h):
            drawHeatmap(h, canvas: canvas, layout: l)
        case let .band(x, lower, upper, color, _):
            let top = zip(x, upper).map { device(Point($0, $1)) }
            let bottom = zip(x, lower).map { device(Point($0, $1)) }.reversed()
            canvas.fill(polygon: top + bottom, color)
        case let .line(points, color, width, dash, _):
            canvas.stroke(points.map(device), color, width: width, dash: dash)
        case let .scatter(points, color, size, shape, edge, _):
            for p in points { canvas.marker(shape, at: device(p), size: size * fontScale, fill: color, edge: edge) }
        case let .errorBars(points, lower, upper, color, _):
            for (k, p) in points.enumerated() {
                let a = device(Point(p.x, lower[k])), b = device(Point(p.x, upper[k]))
                canvas.stroke([a, b], color, width: 1.1)
                canvas.stroke([Point(a.x - 3, a.y), Point(a.x + 3, a.y)], color, width: 1.1)
                canvas.stroke([Point(b.x - 3, b.y), Point(b.x + 3, b.y)], color, width: 1.1)
            }
        case let .rug(x, atTop, color, _):
            // Ticks within the same half point (a pixel of the PNG) are one stroke, as dark as
            // they would be laid over each other, 1 − (1 − α)ᵏ: the picture is the same and a
            // rug of 2000 ticks is hundreds of strokes, not 2000 (a megabyte of SVG).
            var ticks: [Double: Int] = [:]
            for v in x { ticks[(2 * l.x(v)).rounded() / 2, default: 0] += 1 }
            let y0 = atTop ? l.plot.minY : l.plot.maxY
            for (px, k) in ticks.sorted(by: { $0.key < $1.key }) {
                let shade = k == 1 ? color : color.withAlpha(1 - pow(1 - color.alpha, Double(k)))
                canvas.stroke([Point(px, y0), Point(px, atTop ? y0 + 7 : y0 - 7)], shade, width: 0.7)
            }
        case let .contours(set):
            drawContours(set, canvas: canvas, layout: l, device: device, legendBox: legendBox)
        case let .path(points, color, _, broad):
            let d = points.map(device)
            canvas.stroke(d, Color.edge.withAlpha(0.8), width: broad ? 6.4 : 3.2)
            canvas.stroke(d, color, width: broad ? 4.8 : 1.6)
            // Dots mark iterates, but not closer than 6 pt to the previous dot: near the end
            // gradient descent takes thousands of tiny steps that would merge into a smear.
            var last = d.first
            for p in d.dropFirst().dropLast() {
                if let l = last, hypot(p.x - l.x, p.y - l.y) < 6 { continue }
                if broad {
                    canvas.marker(.circle, at: p, size: 7.5 * fontScale, fill: color, edge: .edge)
                } else {
                    canvas.marker(.circle, at: p, size: 3.4 * fontScale, fill: color, edge: nil)
                }
                last = p
            }
            if let first = d.first { canvas.marker(.square, at: first, size: 7 * fontScale, fill: color, edge: .edge) }
        case let .point(p, shape, color, size, _):
            canvas.marker(shape, at: device(p), size: size * fontScale, fill: color, edge: .edge, edgeWidth: 1)
        }
    }

    private func drawHeatmap(_ h: Heatmap, canvas: Canvas, layout l: Layout) {
        let nx = h.x.count, ny = h.y.count
        guard nx >= 2, ny >= 2, h.values.count == nx * ny else { return }
        var hasher = Hasher()
        hasher.combine(h.x)
        hasher.combine(h.y)
        hasher.combine(h.values)
        hasher.combine(h.range.0)
        hasher.combine(h.range.1)
        hasher.combine(h.smooth)
        hasher.combine(h.colormap.name)
        let key = hasher.finalize()
        let raster = h.cache.raster(key: key) {
            let span = h.range.1 - h.range.0
            let (values, mx, my) = h.drawnValues()
            var pixels = [Color](repeating: .white, count: mx * my)
            for j in 0..<my {
                for i in 0..<mx {
                    let v = values[j * mx + i]
                    // Row 0 of the image is the top, the largest y.
                    pixels[(my - 1 - j) * mx + i] = h.colormap.color(at: span > 0 ? (v - h.range.0) / span : 0.5)
                }
            }
            return Raster(width: mx, height: my, pixels: pixels)
        }
        // Samples are cell centres: the image extends half a cell beyond the first and last.
        let dx = (h.x[nx - 1] - h.x[0]) / Double(nx - 1), dy = (h.y[ny - 1] - h.y[0]) / Double(ny - 1)
        let x0 = l.x(h.x[0] - dx / 2), x1 = l.x(h.x[nx - 1] + dx / 2)
        let y0 = l.y(h.y[ny - 1] + dy / 2), y1 = l.y(h.y[0] - dy / 2)
        canvas.image(raster, in: Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0), cache: (h.cache, key))
    }

    private func drawContours(_ set: ContourSet, canvas: Canvas, layout l: Layout, device: (Point) -> Point, legendBox: Rect?) {
        let lines = set.lines.map { $0.points.map { device(Point($0.x, $0.y)) } }
        let texts = set.label.map { label in set.lines.map { label($0.level) } } ?? []
        var placements: [Int: LabelPlacement] = [:]
        if !texts.isEmpty {
            var obstacles: [Rect] = legendBox.map { [$0] } ?? []
            var obstacleLines: [[Point]] = []
            for mark in marks {
                switch mark {
                case let .point(p, _, _, size, _):
                    let d = device(p)
                    obstacles.append(Rect(x: d.x - size, y: d.y - size, width: 2 * size, height: 2 * size))
                case let .path(points, _, _, _):
                    obstacleLines.append(points.map(device))
                default: break
                }
            }
            for p in ContourLabeler.place(lines: lines, labelSizes: texts.map { canvas.measure($0, size: 8 * fontScale) },
                                          bounds: l.plot.insetBy(2), obstacles: obstacles, obstacleLines: obstacleLines) {
                placements[p.line] = p
            }
        }
        for (k, line) in lines.enumerated() {
            let highlighted = set.highlighted.contains(set.lines[k].level)
            let color = highlighted ? set.highlightColor : set.color
            let pieces = placements[k].map { ContourLabeler.cut(line, removing: $0.gap) } ?? [line]
            for piece in pieces { canvas.stroke(piece, color, width: highlighted ? set.width * 2 : set.width) }
            if let p = placements[k] {
                canvas.text(texts[k], at: p.center, size: 8 * fontScale, color: color, anchor: (0.5, 0.5), angle: p.angle)
            }
        }
    }

    private func drawColorbar(_ cb: Colorbar, _ rect: Rect, _ ticks: Ticks, _ canvas: Canvas) {
        let steps = 256
        let pixels = (0..<steps).map { k in cb.colormap.color(at: 1 - Double(k) / Double(steps - 1)) }
        canvas.image(width: 1, height: steps, pixels: pixels, in: rect)
        let scale = LinearScale(domain: cb.range, range: (rect.maxY, rect.minY))
        for mark in cb.marks {
            let y = scale(mark.value)
            canvas.stroke([Point(rect.minX, y), Point(rect.maxX, y)], mark.color, width: 2)
        }
        canvas.strokeRect(rect, .ink, width: 0.8)
        var widest = 0.0
        for (v, text) in zip(ticks.values, ticks.labels) {
            let y = scale(v)
            canvas.stroke([Point(rect.maxX, y), Point(rect.maxX + 4, y)], .ink, width: 0.8)
            canvas.text(text, at: Point(rect.maxX + 6, y), size: tickSize, anchor: (0, 0.5))
            widest = max(widest, canvas.measure(text, size: tickSize).width)
        }
        canvas.text(Figure.label(cb.label, ticks), at: Point(rect.maxX + 6 + widest + 6, rect.center.y), size: labelSize,
                    anchor: (0.5, 1), angle: -.pi / 2)
    }

    // MARK: Legend

    /// Every text the figure draws besides its tick numbers: the title, the axis labels, the
    /// colorbar's label and the legend's entries (Pango markup), for checks of the words.
    public var texts: [String] {
        [title ?? "", xLabel, yLabel, colorbar?.label ?? ""] + legendEntries().map(\.label) + panels.flatMap(\.texts)
    }

    private func legendEntries() -> [Legend.Entry] {
        var entries: [Legend.Entry] = []
        for mark in marks {
            switch mark {
            case let .scatter(_, color, _, shape, edge, label?):
                entries.append(.init(label: label, sample: .marker(shape, color, edge)))
            case let .line(_, color, width, dash, label?):
                entries.append(.init(label: label, sample: .line(color, width, dash)))
            case let .band(_, _, _, color, label?):
                entries.append(.init(label: label, sample: .patch(color)))
            case let .errorBars(_, _, _, color, label?):
                entries.append(.init(label: label, sample: .errorBar(color)))
            case let .rug(_, _, color, label?):
                entries.append(.init(label: label, sample: .line(color, 0.7, [])))
            case let .path(_, color, label?, broad):
                entries.append(.init(label: label, sample: .line(color, broad ? 4.8 : 1.6, [])))
            case let .point(_, shape, color, _, label?):
                entries.append(.init(label: label, sample: .marker(shape, color, .edge)))
            case let .contours(set):
                if let label = set.highlightLegend {
                    entries.append(.init(label: label, sample: .line(set.highlightColor, set.width * 2, [])))
                }
            default: break
            }
        }
        return entries
    }

    /// A polyline with extra points every 8 pt, so that a long straight segment counts as
    /// data all along its length.
    private func densified(_ line: [Point]) -> [Point] {
        guard var previous = line.first else { return [] }
        var out = [previous]
        for p in line.dropFirst() {
            let steps = Int(hypot(p.x - previous.x, p.y - previous.y) / 8)
            if steps > 1 {
                for k in 1..<steps {
                    let t = Double(k) / Double(steps)
                    out.append(Point(previous.x + (p.x - previous.x) * t, previous.y + (p.y - previous.y) * t))
                }
            }
            out.append(p)
            previous = p
        }
        return out
    }

    /// Device positions of the data with how much hiding each would cost, for choosing where
    /// the legend goes. Data points, error bars, optimiser paths and their starts, and the
    /// emphasised points cost the most; solid curves less; dashed reference lines, bands and
    /// contour lines (which the eye follows past a gap) almost nothing. A place whose total is
    /// below 1 hides nothing that matters.
    private func occupiedPoints(_ device: (Point) -> Point) -> [(Point, Double)] {
        var points: [(Point, Double)] = []
        func add(_ p: [Point], _ weight: Double) { points += p.map { ($0, weight) } }
        for mark in marks {
            switch mark {
            case let .scatter(p, _, _, _, _, _):
                add(p.map(device), 1)
            case let .line(p, _, _, dash, _):
                add(densified(p.map(device)), dash.isEmpty ? 0.2 : 0.02)
            case let .path(p, _, _, _):
                add(densified(p.map(device)), 1)
                if let first = p.first { add([device(first)], 20) }
            case let .band(x, lower, upper, _, _):
                for k in x.indices {
                    let a = device(Point(x[k], lower[k])), b = device(Point(x[k], upper[k]))
                    for t in stride(from: 0.0, through: 1.0, by: 0.25) { add([Point(a.x, a.y + (b.y - a.y) * t)], 0.02) }
                }
            case let .errorBars(p, _, _, _, _):
                add(p.map(device), 1)
            case let .point(p, _, _, _, _):
                add([device(p)], 20)
            case let .contours(set):
                for line in set.lines { add(line.points.map { device(Point($0.x, $0.y)) }, 0.01) }
            default: break
            }
        }
        return points
    }
}
