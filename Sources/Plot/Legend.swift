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
    var isEmpty: Bool { entries.isEmpty }

    static let textSize = 9.0
    static let sampleWidth = 22.0
    static let padding = 6.0
    static let rowGap = 3.0

    func size(on canvas: Canvas) -> (Double, Double) {
        let measured = entries.map { canvas.measure($0.label, size: Legend.textSize) }
        let w = (measured.map(\.width).max() ?? 0) + Legend.sampleWidth + 6 + 2 * Legend.padding
        let h = measured.map(\.height).reduce(0, +) + Double(max(0, entries.count - 1)) * Legend.rowGap + 2 * Legend.padding
        return (w, h)
    }

    /// Tries the four corners and four edge midpoints inside `plot`, in matplotlib's "best"
    /// spirit: the box that covers the fewest data points wins, ties going to the earlier
    /// candidate (upper right first).
    func place(in plot: Rect, avoiding points: [Point], canvas: Canvas) -> Rect {
        let (w, h) = size(on: canvas)
        let inset = 8.0
        let xs = [plot.maxX - inset - w, plot.minX + inset, plot.center.x - w / 2]
        let ys = [plot.minY + inset, plot.maxY - inset - h, plot.center.y - h / 2]
        let order = [(0, 0), (1, 0), (0, 1), (1, 1), (2, 0), (2, 1), (0, 2), (1, 2)]
        var best: Rect? = nil
        var bestCount = Int.max
        for (i, j) in order {
            let box = Rect(x: xs[i], y: ys[j], width: w, height: h)
            let count = points.reduce(0) { $0 + (box.insetBy(-4).contains($1) ? 1 : 0) }
            if count < bestCount { best = box; bestCount = count }
        }
        return best!
    }

    func draw(in box: Rect, canvas: Canvas) {
        canvas.fill(box, Color.white.withAlpha(0.88))
        canvas.strokeRect(box, Color(hex: 0xBBBBBB), width: 0.6)
        var y = box.minY + Legend.padding
        for entry in entries {
            let h = canvas.measure(entry.label, size: Legend.textSize).height
            let cy = y + h / 2
            let x0 = box.minX + Legend.padding
            switch entry.sample {
            case let .marker(shape, color, edge):
                canvas.marker(shape, at: Point(x0 + Legend.sampleWidth / 2, cy), size: 7, fill: color, edge: edge)
            case let .line(color, width, dash):
                canvas.stroke([Point(x0, cy), Point(x0 + Legend.sampleWidth, cy)], color, width: width, dash: dash)
            case let .patch(color):
                canvas.fill(Rect(x: x0, y: cy - 5, width: Legend.sampleWidth, height: 10), color)
            case let .errorBar(color):
                let cx = x0 + Legend.sampleWidth / 2
                canvas.stroke([Point(cx, cy - 5), Point(cx, cy + 5)], color, width: 1.1)
                canvas.stroke([Point(cx - 3, cy - 5), Point(cx + 3, cy - 5)], color, width: 1.1)
                canvas.stroke([Point(cx - 3, cy + 5), Point(cx + 3, cy + 5)], color, width: 1.1)
            }
            canvas.text(entry.label, at: Point(x0 + Legend.sampleWidth + 6, y), size: Legend.textSize)
            y += h + Legend.rowGap
        }
    }
}
