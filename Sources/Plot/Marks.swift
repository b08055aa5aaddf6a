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

    public init(x: [Double], y: [Double], values: [Double], colormap: Colormap = .viridis, range: (Double, Double)) {
        self.x = x; self.y = y; self.values = values; self.colormap = colormap; self.range = range
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
