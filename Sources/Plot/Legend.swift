/// The legend box: entries with a sample of their mark, placed where it covers the least data.
struct Legend {
    enum Sample {
        case marker(MarkerShape, Color, Color?)
        case line(Color, Double, [Double])
        case patch(Color)
        case errorBar(Color)
    }

    struct Entry {
        var label: String
        var sample: Sample
    }

    var entries: [Entry]
    /// Text size in points; the sample, padding and gaps scale with it.
    var textSize = 9.0
    var isEmpty: Bool { entries.isEmpty }

    var unit: Double { textSize / 9 }
    var sampleWidth: Double { 22 * unit }
    var padding: Double { 6 * unit }
    var rowGap: Double { 3 * unit }

    func size(on canvas: Canvas) -> (Double, Double) {
        let measured = entries.map { canvas.measure($0.label, size: textSize) }
        let w = (measured.map(\.width).max() ?? 0) + sampleWidth + 6 + 2 * padding
        let h = measured.map(\.height).reduce(0, +) + Double(max(0, entries.count - 1)) * rowGap + 2 * padding
        return (w, h)
    }

    /// Tries the four corners and four edge midpoints inside `plot`, in matplotlib's "best"
    /// spirit: the box whose covered points weigh least wins, ties going to the earlier
    /// candidate (upper right first). Returns the box and what it covers.
    func place(in plot: Rect, avoiding points: [(Point, Double)], canvas: Canvas) -> (box: Rect, cost: Double) {
        let (w, h) = size(on: canvas)
        let inset = 8.0 * unit
        let xs = [plot.maxX - inset - w, plot.minX + inset, plot.center.x - w / 2]
        let ys = [plot.minY + inset, plot.maxY - inset - h, plot.center.y - h / 2]
        let order = [(0, 0), (1, 0), (0, 1), (1, 1), (2, 0), (2, 1), (0, 2), (1, 2)]
        var best = Rect(x: xs[0], y: ys[0], width: w, height: h)
        var bestCost = Double.infinity
        for (i, j) in order {
            let box = Rect(x: xs[i], y: ys[j], width: w, height: h)
            // A box that does not fit inside the axes is no place for the legend.
            guard box.minX >= plot.minX, box.maxX <= plot.maxX, box.minY >= plot.minY, box.maxY <= plot.maxY else { continue }
            let grown = box.insetBy(-4 * unit)
            let cost = points.reduce(0.0) { $0 + (grown.contains($1.0) ? $1.1 : 0) }
            if cost < bestCost - 1e-9 { best = box; bestCost = cost }
        }
        return (best, bestCost)
    }

    func draw(in box: Rect, canvas: Canvas) {
        canvas.fill(box, .legendFill)
        canvas.strokeRect(box, .legendEdge, width: 0.6)
        var y = box.minY + padding
        for entry in entries {
            let h = canvas.measure(entry.label, size: textSize).height
            let cy = y + h / 2
            let x0 = box.minX + padding
            switch entry.sample {
            case let .marker(shape, color, edge):
                canvas.marker(shape, at: Point(x0 + sampleWidth / 2, cy), size: 7 * unit, fill: color, edge: edge)
            case let .line(color, width, dash):
                // A line drawn light on a dark surface (a confidence region in white) would
                // vanish on the legend's own light fill: it gets a chip of ink behind it.
                let fill = canvas.theme.resolve(.legendFill).withAlpha(1)
                if Theme.contrast(canvas.theme.resolve(color), fill) < 1.6 {
                    canvas.fill(Rect(x: x0 - 1.5 * unit, y: cy - (width / 2 + 2.5 * unit), width: sampleWidth + 3 * unit, height: width + 5 * unit),
                                canvas.theme.resolve(.ink))
                }
                canvas.stroke([Point(x0, cy), Point(x0 + sampleWidth, cy)], color, width: width, dash: dash)
            case let .patch(color):
                canvas.fill(Rect(x: x0, y: cy - 5 * unit, width: sampleWidth, height: 10 * unit), color)
            case let .errorBar(color):
                let cx = x0 + sampleWidth / 2
                canvas.stroke([Point(cx, cy - 5), Point(cx, cy + 5)], color, width: 1.1)
                canvas.stroke([Point(cx - 3, cy - 5), Point(cx + 3, cy - 5)], color, width: 1.1)
                canvas.stroke([Point(cx - 3, cy + 5), Point(cx + 3, cy + 5)], color, width: 1.1)
            }
            canvas.text(entry.label, at: Point(x0 + sampleWidth + 6, y), size: textSize)
            y += h + rowGap
        }
    }
}
