/// A sampled surface drawn as colours: one embedded image, never one shape per cell.
public struct Heatmap: Sendable {
    /// Sample positions (cell centres), increasing.
    public var x: [Double]
    public var y: [Double]
    /// Row-major values, `values[j * x.count + i]` at `(x[i], y[j])`.
    public var values: [Double]
    public var colormap: Colormap
    /// Values mapped to the ends of the colormap; outside values are clamped.
    public var range: (Double, Double)
    /// A sampled smooth surface (drawn interpolated between the samples) rather than counts
    /// per cell (drawn as cells).
    public var smooth: Bool
    /// The drawn raster, made by the first canvas that draws the heatmap and shared by the
    /// copies of the mark (a copy changed afterwards gets a raster of its own).
    let cache = RasterCache()

    public init(x: [Double], y: [Double], values: [Double], colormap: Colormap = .viridis, range: (Double, Double),
                smooth: Bool = false) {
        self.x = x; self.y = y; self.values = values; self.colormap = colormap; self.range = range; self.smooth = smooth
    }

    /// A smooth surface sampled on fewer than `minimumPixels` cells across is drawn from an
    /// image that many times finer, its values interpolated bilinearly between the samples
    /// (held constant in the half cell beyond the outer ones), so that a coarse grid does not
    /// show as blocks. The image covers the same extent as the cells.
    public static let minimumPixels = 240

    /// The values to draw and their counts across and down.
    func drawnValues() -> (values: [Double], nx: Int, ny: Int) {
        let nx = x.count, ny = y.count
        guard smooth, nx >= 2, ny >= 2, nx < Heatmap.minimumPixels || ny < Heatmap.minimumPixels else { return (values, nx, ny) }
        let fx = (Heatmap.minimumPixels + nx - 1) / nx, fy = (Heatmap.minimumPixels + ny - 1) / ny
        let mx = nx * fx, my = ny * fy
        // Pixel centre k of m pixels over n cells lies at cell position (k + ½)/f − ½.
        func weights(_ k: Int, _ f: Int, _ n: Int) -> (Int, Double) {
            let position = min(max((Double(k) + 0.5) / Double(f) - 0.5, 0), Double(n - 1))
            let lower = min(Int(position), n - 2)
            return (lower, position - Double(lower))
        }
        let columns = (0..<mx).map { weights($0, fx, nx) }
        var out = [Double](repeating: 0, count: mx * my)
        for r in 0..<my {
            let (j, ty) = weights(r, fy, ny)
            for (c, (i, tx)) in columns.enumerated() {
                let v00 = values[j * nx + i], v10 = values[j * nx + i + 1]
                let v01 = values[(j + 1) * nx + i], v11 = values[(j + 1) * nx + i + 1]
                let bottom = v00 + (v10 - v00) * tx, top = v01 + (v11 - v01) * tx
                out[r * mx + c] = bottom + (top - bottom) * ty
            }
        }
        return (out, mx, my)
    }
}

/// Contour lines of one surface, with inline labels.
public struct ContourSet {
    public var lines: [ContourLine]
    public var color: Color
    public var width: Double
    /// Text of a level's inline label (nil: no labels).
    public var label: ((Double) -> String)?
    /// Levels drawn heavier and in `highlightColor` (for example the confidence region).
    public var highlighted: Set<Double> = []
    public var highlightColor: Color = .white
    /// Legend entry for the highlighted lines.
    public var highlightLegend: String?

    public init(lines: [ContourLine], color: Color, width: Double = 0.9, label: ((Double) -> String)? = nil) {
        self.lines = lines; self.color = color; self.width = width; self.label = label
    }
}

/// One thing drawn in data coordinates. Labels (Pango markup) appear in the legend.
public enum Mark {
    case scatter(points: [Point], color: Color, size: Double, shape: MarkerShape, edge: Color?, label: String?)
    case line(points: [Point], color: Color, width: Double, dash: [Double], label: String?)
    /// A filled region between two curves over the same x.
    case band(x: [Double], lower: [Double], upper: [Double], color: Color, label: String?)
    /// Vertical error bars with caps.
    case errorBars(points: [Point], lower: [Double], upper: [Double], color: Color, label: String?)
    /// Short vertical ticks at the top or bottom edge of the axes (a rug).
    case rug(x: [Double], atTop: Bool, color: Color, label: String?)
    case heatmap(Heatmap)
    case contours(ContourSet)
    /// An optimiser path: a polyline with small dots at the iterates and a marker at its start.
    /// `broad` draws it three times as wide, so that a thin path drawn over it where the two
    /// coincide leaves it showing on both sides.
    case path(points: [Point], color: Color, label: String?, broad: Bool = false)
    /// One emphasised point, such as the MLE.
    case point(Point, shape: MarkerShape, color: Color, size: Double, label: String?)
}

/// The colour scale beside a heatmap.
public struct Colorbar {
    public var colormap: Colormap
    public var range: (Double, Double)
    public var label: String
    /// Values marked across the bar, such as the confidence level.
    public var marks: [(value: Double, color: Color)]

    public init(colormap: Colormap = .viridis, range: (Double, Double), label: String, marks: [(value: Double, color: Color)] = []) {
        self.colormap = colormap; self.range = range; self.label = label; self.marks = marks
    }
}
