import Foundation
import Likelihood
import Mustache
import Plot

/// A figure of the report with its file name, caption and alt text.
public struct ReportFigure {
    /// `<model>-<kind>`, e.g. `linear-fit`.
    public var name: String
    public var figure: Figure
    public var caption: String
    public var altText: String
}

/// Builds the three teaching figures of a model.
enum FigureFactory {
    /// The model's figures in page order; a slot is nil when `--figures` leaves it out (and
    /// then it is not computed at all).
    static func figures(for m: ModelAnalysis, options: ReportOptions) -> [ReportFigure?] {
        m.family.figureKinds.map { figure($0, for: m, aspect: plotAspect(options), options: options) }
    }

    /// One figure of a model; nil when `--figures` leaves it out.
    static func figure(_ kind: String, for m: ModelAnalysis, aspect: Double, options: ReportOptions) -> ReportFigure? {
        guard options.wantsFigure("\(m.name)-\(kind)") else { return nil }
        return finished(m.family.figure(kind, m, aspect: aspect), options: options)
    }

    /// The plot area's height over its width: the figure less about 110 pt of margins across
    /// and 90 pt down.
    static func plotAspect(_ options: ReportOptions) -> Double {
        max(0.2, options.figureHeight - 90) / max(0.2, options.figureWidth - 110)
    }

    /// Sizes a figure as the options ask and gives it its ids and description.
    static func finished(_ made: ReportFigure, options: ReportOptions) -> ReportFigure {
        var figure = made
        figure.figure.width = options.figureWidth
        figure.figure.height = options.figureHeight
        figure.figure.idPrefix = figure.name
        figure.figure.accessibleDescription = figure.altText
        return figure
    }

    /// The figure's narrow rendering (for phones; `ReportOptions.narrowWidth`): the same
    /// marks on a smaller canvas with text kept large, and ids of its own (a page may inline
    /// it beside the main one).
    static func narrow(_ made: ReportFigure, options: ReportOptions) -> Figure {
        var figure = made.figure
        figure.width = ReportOptions.narrowWidth
        figure.height = options.narrowHeight
        figure.textScale = ReportOptions.narrowTextScale
        // Panels side by side would be 180 pt each: on a phone they stack.
        figure.stacksPanels = !figure.panels.isEmpty
        figure.height = narrowHeight(made.figure, oneFigure: options.narrowHeight)
        figure.idPrefix += "-narrow"
        return figure
    }

    /// The height of a narrow rendering: `oneFigure`, or for panels, which stack, each about
    /// that high less the room a one-panel figure keeps for a legend below.
    static func narrowHeight(_ figure: Figure, oneFigure: Double) -> Double {
        figure.panels.isEmpty ? oneFigure : (oneFigure - 40) * Double(figure.panels.count)
    }

    static func s(_ v: Double, _ digits: Int = 3) -> String { NumberFormat.significant(v, digits) }

    /// Above this many points a scatter becomes a density layer.
    static let densityThreshold = 4000
    /// How many points keep their residual segment (or jittered marker) then, and the seed
    /// that picks them.
    static let residualSample = 400
    static let sampleSeed: UInt64 = 7

    /// `count` of the points (x[k], y[k]), chosen by a seeded generator (the same every run),
    /// in their order.
    static func sample(x: [Double], y: [Double], count: Int) -> [Point] {
        guard x.count > count else { return zip(x, y).map { Point($0, $1) } }
        var random = RandomGenerator(seed: sampleSeed)
        // Selection sampling (Knuth's algorithm S): each point is kept with the probability
        // that leaves exactly `count` in all.
        var chosen: [Point] = []
        chosen.reserveCapacity(count)
        var needed = count
        for k in x.indices where needed > 0 {
            if random.nextUniform() * Double(x.count - k) < Double(needed) { chosen.append(Point(x[k], y[k])); needed -= 1 }
        }
        return chosen
    }

    /// Adds the points as counts per cell on a 240 × 180 grid over their range (or over
    /// `yRange` when given), coloured on a log scale, with a colorbar that says so.
    static func addDensity(to f: inout Figure, _ m: ModelAnalysis, x xs: [Double], y ys: [Double]) {
        addDensity(to: &f, x: xs, y: ys, label: m.label("densityLegend", common: true))
    }

    /// `weights`: what each point counts for (frequency weights: the observations a row stands
    /// for); nil counts each once.
    static func addDensity(to f: inout Figure, x xs: [Double], y ys: [Double], label: String, weights: [Double]? = nil) {
        xs.withUnsafeBufferPointer { x in
            ys.withUnsafeBufferPointer { y in
                addDensity(to: &f, count: min(x.count, y.count), x: { x[$0] }, y: { y[$0] }, label: label, weight: weights.map { w in { w[$0] } })
            }
        }
    }

    /// A log-count density of `count` points (x(i), y(i)) on a 240 × 180 grid, read twice
    /// (the range, then the counts) with no array of the points made; each point counts
    /// `weight(i)` (1 without). Inlined where it is called, so that the closures are too (at
    /// 10⁷ rows a call per point was most of a figure's time).
    @inline(__always)
    static func addDensity(to f: inout Figure, count: Int, x: (Int) -> Double, y: (Int) -> Double, label: String,
                           weight: ((Int) -> Double)? = nil) {
        var x0 = Double.infinity, x1 = -Double.infinity, y0 = Double.infinity, y1 = -Double.infinity
        for i in 0..<count {
            let a = x(i), b = y(i)
            x0 = min(x0, a); x1 = max(x1, a); y0 = min(y0, b); y1 = max(y1, b)
        }
        let nx = 240, ny = 180
        let dx = x1 > x0 ? (x1 - x0) / Double(nx) : 1, dy = y1 > y0 ? (y1 - y0) / Double(ny) : 1
        // Cells per unit: a multiplication per point instead of a division (a point on a
        // cell's edge may fall on either side of it, which no picture shows).
        let perX = 1 / dx, perY = 1 / dy
        var counts = [Double](repeating: 0, count: nx * ny)
        counts.withUnsafeMutableBufferPointer { cells in
            @inline(__always) func cell(_ k: Int) -> Int {
                min(ny - 1, max(0, Int((y(k) - y0) * perY))) * nx + min(nx - 1, max(0, Int((x(k) - x0) * perX)))
            }
            // Two loops, so that the unweighted one makes no call per point for its 1.
            if let weight {
                for k in 0..<count { cells[cell(k)] += weight(k) }
            } else {
                for k in 0..<count { cells[cell(k)] += 1 }
            }
        }
        let top = max(1, counts.max() ?? 1)
        let values = counts.map { $0 > 0 ? log10($0) : .nan }
        let centres = { (lo: Double, step: Double, n: Int) in (0..<n).map { lo + (Double($0) + 0.5) * step } }
        f.marks.insert(.heatmap(Heatmap(x: centres(x0, dx, nx), y: centres(y0, dy, ny), values: values, range: (0, max(log10(top), 1e-9)))), at: 0)
        f.colorbar = Colorbar(range: (0, max(log10(top), 1e-9)), label: label)
    }

    /// `w·x + b` as "1.59 x − 0.202": the sign of b goes in the operator. With `markup`, x is
    /// set in italics for Pango; without, it is plain text for alt texts.
    static func linearForm(_ w: Double, _ b: Double, digits: Int = 3, markup: Bool) -> String {
        let x = markup ? "<i>x</i>" : "x"
        return "\(s(w, digits)) \(x) \(b < 0 ? "−" : "+") \(s(abs(b), digits))"
    }

    /// A figure of the data in the model's columns, titled, with the x range and 200 points
    /// across it for drawing a fitted line or curve.
    static func dataFigure(_ m: ModelAnalysis, title: String) -> (figure: Figure, lo: Double, hi: Double, xs: [Double]) {
        var f = Figure()
        (f.xLabel, f.yLabel) = labels(m)
        f.title = title
        let lo = m.x.min()!, hi = m.x.max()!
        return (f, lo, hi, SurfaceGrid.axis(lo, hi, count: 200))
    }

    /// The fitted line over the data, in drawing order: a band of ±`half` around it, the
    /// residual segments (of a seeded sample above the density threshold), the line, and the
    /// points (or their density). Returns how many residuals are drawn and how many points lie
    /// inside the band.
    static func addLineFit(to f: inout Figure, _ m: ModelAnalysis, xs: [Double], half: Double, bandLabel: String) -> (shown: Int, inside: Int) {
        let w = m.w, b = m.b
        let line = xs.map { w * $0 + b }
        f.marks.append(.band(x: xs, lower: line.map { $0 - half }, upper: line.map { $0 + half },
                             color: Palette.vermillion.withAlpha(0.13), label: bandLabel))
        // Every point as a mark only when there are few: a million markers say less than a
        // density layer and weigh hundreds of megabytes.
        let dense = m.n > densityThreshold
        let shown = dense ? sample(x: m.x, y: m.y, count: residualSample) : zip(m.x, m.y).map { Point($0, $1) }
        for (k, p) in shown.enumerated() {
            f.marks.append(.line(points: [p, Point(p.x, w * p.x + b)], color: .muted, width: 0.8, dash: [],
                                 label: k == 0 ? m.label("residualsLegend", ["sampled": .bool(dense), "shown": .string(String(shown.count))], common: true) : nil))
        }
        f.marks.append(.line(points: zip(xs, line).map { Point($0, $1) }, color: Palette.vermillion, width: 2, dash: [],
                             label: m.label("fittedLineLegend", ["line": .string(linearForm(w, b, markup: true))], common: true)))
        if dense {
            addDensity(to: &f, m, x: m.x, y: m.y)
        } else {
            addTiedScatter(to: &f, shown, label: m.label("dataLegend", ["n": .string(String(m.n))], common: true),
                           tiedLabel: { data, distinct in m.label("tiedDataLegend", ["data": .string(data), "distinct": .string(distinct)], common: true) })
        }
        var inside = 0
        for (x, y) in zip(m.x, m.y) where abs(y - w * x - b) <= half { inside += 1 }
        return (shown.count, inside)
    }

    /// The rows at each distinct point, in the order the points first appear.
    static func ties(_ points: [Point], weights: [Double]? = nil) -> [(Point, Double)] {
        var index: [Point: Int] = [:], out: [(Point, Double)] = []
        for (i, p) in points.enumerated() {
            let w = weights?[i] ?? 1
            if let k = index[p] { out[k].1 += w } else { index[p] = out.count; out.append((p, w)) }
        }
        return out
    }

    /// Marker sizes by how many rows (or observations) a point stands for: 1, 2–3, 4–9, 10–29,
    /// 30 or more.
    static let sizeClasses: [(Range<Double>, Double)] = [(-.infinity..<1.5, 5), (1.5..<3.5, 7.5), (3.5..<9.5, 10), (9.5..<29.5, 13.5),
                                                         (29.5..<Double.infinity, 17.5)]

    /// Distinct points (with what each stands for, from `ties`) as markers sized by
    /// `sizeClasses` (times `scale`), one scatter mark per class; `label` on the first drawn.
    static func addSizedMarkers(to f: inout Figure, _ grouped: [(Point, Double)], color: Color, edge: Color?, scale: Double = 1,
                                label: String?) {
        var labelled = false
        for (range, size) in sizeClasses {
            let members = grouped.filter { range.contains($0.1) }.map(\.0)
            guard !members.isEmpty else { continue }
            f.marks.append(.scatter(points: members, color: color, size: size * scale, shape: .circle, edge: edge, label: labelled ? nil : label))
            labelled = true
        }
    }

    /// Points as markers; where rows share a point (rounded data), one marker stands for them
    /// all, larger the more it stands for (1, 2–3, 4–9, 10–29, 30 or more rows), and the
    /// legend says so: 928 rows drawn as 102 same-sized markers had shown no sign of it.
    /// With `weights` (frequency weights) a point stands for the observations of its rows, and
    /// the classes count those (a weight of 0.5 counts in the first).
    static func addTiedScatter(to f: inout Figure, _ points: [Point], label: String, weights: [Double]? = nil, plainSize: Double = 6,
                               tiedLabel: (_ label: String, _ distinct: String) -> String) {
        let grouped = ties(points, weights: weights)
        guard grouped.count < points.count || grouped.contains(where: { $0.1 >= 1.5 }) else {
            f.marks.append(.scatter(points: points, color: Palette.blue, size: plainSize, shape: .circle, edge: .edge, label: label))
            return
        }
        addSizedMarkers(to: &f, grouped, color: Palette.blue.withAlpha(0.85), edge: .edge, label: tiedLabel(label, Narrative.count(grouped.count)))
    }

    /// The column names for axis labels, escaped for Pango markup.
    static func labels(_ m: ModelAnalysis) -> (x: String, y: String) {
        (markupEscaped(m.request.x), markupEscaped(m.request.y))
    }

    struct Bin { var x: Double; var p: Double; var low: Double; var high: Double; var count: Int }

    /// Share of ones in bins of x cut at its quantiles (up to `count` bins of at least 3 points
    /// each where the data allow; the quantiles of a seeded sample of 20,000 rows above that
    /// many), with Wilson score intervals, which stay inside [0, 1]. Every point is in a drawn
    /// bin: none is left out, and skewed x gets as many points per bin as even x. A value equal
    /// to a cut goes to the lower bin, so ties can make bins unequal (an empty one is skipped).
    static func binnedProportions(_ m: ModelAnalysis, count: Int = 8) -> [Bin] {
        let rows = m.x.count
        let k = max(1, min(count, rows / 3))
        var sample = rows > 20_000 ? RandomGenerator.onePerBlock(n: rows, stride: rows / 20_000, seed: 0xB1A5).map { m.x[$0] } : m.x
        sample.sort()
        let cuts = (1..<max(k, 1)).map { sample[$0 * sample.count / k] }
        var n = [Int](repeating: 0, count: k), ones = [Int](repeating: 0, count: k)
        var sums = [Double](repeating: 0, count: k)
        for (x, y) in zip(m.x, m.y) {
            var j = 0
            while j < cuts.count && cuts[j] < x { j += 1 }
            n[j] += 1; sums[j] += x
            if y == 1 { ones[j] += 1 }
        }
        return (0..<k).compactMap { j in
            guard n[j] > 0 else { return nil }
            let nn = Double(n[j]), p = Double(ones[j]) / nn
            let (low, high) = Distributions.wilson95(share: p, count: nn)
            return Bin(x: sums[j] / nn, p: p, low: low, high: high, count: n[j])
        }
    }

    // MARK: Likelihood surface

    /// The boundary of {surface ≥ level} around `centre`, traced as a contour of a grid: the
    /// longest contour line at that level (closed when the window holds the whole region).
    static func regionBoundary(_ grid: SurfaceGrid, level: Double, around centre: Parameters) -> [Parameters] {
        let lines = Contours.lines(x: grid.w, y: grid.b, values: grid.values, level: level)
        guard let longest = lines.max(by: { $0.points.count < $1.points.count }) else { return [centre] }
        return longest.points.map { Parameters(w: $0.x, b: $0.y) }
    }

    /// What a family's likelihood figure shows besides the common heatmap, region and MLE.
    struct LikelihoodSpec {
        /// log L − log L̂ (or its profile) over `m.likelihoodRanges()`.
        var grid: SurfaceGrid
        var intervals: (w: (Double, Double), b: (Double, Double))
        var intervalLabel: String
        var title: String
        /// The colorbar's label (Pango markup).
        var what: String
        /// The region in words, for the alt text.
        var regionText: String
        var caption: String
        /// The correlation of ŵ and b̂, which tilts the region.
        var correlation: Double
    }

    static func likelihood(_ m: ModelAnalysis, _ spec: LikelihoodSpec) -> ReportFigure {
        let grid = spec.grid
        let depth = m.regionDepth
        // Colour ℓ − ℓ̂ from 0 down to four times the region's depth: the region takes the
        // bright upper quarter of the scale wherever the data put it; lower values share the
        // darkest colour.
        let floor = max(grid.minimum, -4 * depth)
        var f = Figure()
        f.xLabel = m.label("slopeLabel", common: true)
        f.yLabel = m.label("interceptLabel", common: true)
        f.showsGrid = false
        f.title = spec.title
        f.marks.append(.heatmap(Heatmap(x: grid.w, y: grid.b, values: grid.values, range: (floor, 0), smooth: true)))
        let boundary = m.region.map { Point($0.w, $0.b) }
        f.marks.append(.line(points: boundary, color: .white, width: 2.2, dash: [], label: m.label("regionLegend", common: true)))
        let r = m.likelihoodRanges()
        let dash: [Double] = [4, 3]
        let intervalColor = Color.white.withAlpha(0.75)
        for (k, v) in [spec.intervals.w.0, spec.intervals.w.1].enumerated() where v.isFinite {
            f.marks.append(.line(points: [Point(v, r.b.0), Point(v, r.b.1)], color: intervalColor, width: 1, dash: dash,
                                 label: k == 0 ? spec.intervalLabel : nil))
        }
        for v in [spec.intervals.b.0, spec.intervals.b.1] where v.isFinite {
            f.marks.append(.line(points: [Point(r.w.0, v), Point(r.w.1, v)], color: intervalColor, width: 1, dash: dash, label: nil))
        }
        f.marks.append(.point(Point(m.w, m.b), shape: .star, color: Palette.vermillion, size: 13,
                              label: m.label("mleLegend", ["w": .string(s(m.w)), "b": .string(s(m.b))], common: true)))
        f.xLimits = r.w
        f.yLimits = r.b
        let clipped = grid.minimum < floor
        f.colorbar = Colorbar(range: (floor, 0), label: spec.what, marks: [(-depth, .white)])
        f.accessibleTitle = m.common("likelihoodAccessibleTitle", ["model": .string(m.name)])
        let (wFrom, wTo) = Narrative.range(r.w.0, r.w.1), (bFrom, bTo) = Narrative.range(r.b.0, r.b.1)
        let alt = m.common("likelihoodAlt", [
            "wFrom": .string(wFrom), "wTo": .string(wTo), "bFrom": .string(bFrom), "bTo": .string(bTo),
            "logL": .string(s(m.logLikelihood, 5)), "w": .string(s(m.w, 4)), "b": .string(s(m.b, 4)), "depth": .string(s(depth, 3)),
            "region": .string(spec.regionText), "tilted": .bool(abs(spec.correlation) > 0.3),
            "correlation": .string(Narrative.correlation(spec.correlation)), "clipped": .bool(clipped), "floor": .string(s(-floor, 3)),
        ])
        return ReportFigure(name: "\(m.name)-likelihood", figure: f, caption: spec.caption, altText: alt)
    }

    // MARK: Loss contours

    /// Contour levels in geometric progression above the minimum (each ring half as far above
    /// it as the previous one): evenly spaced levels, matplotlib's default, put every line out
    /// on the steep walls and leave the valley around the MLE empty.
    static func lossContours(_ grid: SurfaceGrid, minimum: Double) -> ContourSet {
        let span = grid.maximum - minimum
        let levels = (1...10).map { k in minimum + span * pow(0.5, Double(k)) }
        var lines: [ContourLine] = []
        for level in levels { lines += Contours.lines(x: grid.w, y: grid.b, values: grid.values, level: level) }
        var set = ContourSet(lines: lines, color: .contour, width: 0.8)
        set.label = LevelFormat.labeler(levels)
        return set
    }

    /// A path's legend entry: the piece `piece` with its steps and whether it arrived.
    static func pathLabel(_ piece: String, _ m: ModelAnalysis, _ path: OptimizerPath) -> String {
        m.label(piece, ["steps": Prose.count(path.iterations), "arrived": .bool(m.descent!.arrived(path))], common: true)
    }

    /// The loss over the original (w, b) with both gradient descents and Newton's path.
    static func contours(_ m: ModelAnalysis, grid: SurfaceGrid, minimum: Double, title: String) -> ReportFigure {
        let lossName = m.text("lossName")
        var f = Figure()
        f.xLabel = m.label("slopeLabel", common: true)
        f.yLabel = m.label("interceptLabel", common: true)
        f.xLimits = (grid.w.first!, grid.w.last!)
        f.yLimits = (grid.b.first!, grid.b.last!)
        f.title = title
        f.marks.append(.contours(lossContours(grid, minimum: minimum)))
        let d = m.descent!
        // Newton's path first and broad: the descents often run along it (the standardised one
        // mapped back nearly always does), and drawn thin on top they leave it visible.
        if !m.newton.isEmpty {
            f.marks.append(.path(points: m.newton.map { Point($0.w, $0.b) }, color: Palette.vermillion,
                                 label: m.label("newtonLegend", ["steps": .string(String(m.newton.count - 1))], common: true), broad: true))
        }
        f.marks.append(.path(points: d.raw.points.map { Point($0.w, $0.b) }, color: Palette.blue,
                             label: pathLabel("rawPathLegend", m, d.raw)))
        f.marks.append(.path(points: d.standardised.originalPoints.map { Point($0.w, $0.b) }, color: Palette.green,
                             label: pathLabel("mappedPathLegend", m, d.standardised)))
        f.marks.append(.point(Point(m.w, m.b), shape: .star, color: .ink, size: 13, label: m.label("mleMarkLegend", common: true)))
        f.accessibleTitle = m.common("contoursAccessibleTitle", ["model": .string(m.name), "lossName": .string(lossName)])
        let alt = m.common("contoursAlt", [
            "lossName": .string(lossName), "minimum": .string(s(minimum, 4)), "w": .string(s(m.w, 4)), "b": .string(s(m.b, 4)),
            "raw": .object(Narrative.pathValues(m, d.raw)), "mapped": .object(Narrative.pathValues(m, d.standardised)),
            "newton": m.newton.isEmpty ? .bool(false) : .string(String(m.newton.count - 1)),
        ])
        return ReportFigure(name: "\(m.name)-contours", figure: f,
                            caption: m.common("contoursCaption", ["lossName": .string(lossName), "meanNLL": .bool(m.kind == .logistic)]),
                            altText: alt)
    }

    /// The same loss over standardised (v, c) with the standardised descent.
    static func standardised(_ m: ModelAnalysis, aspect: Double, grid: SurfaceGrid, minimum: Double, title: String) -> ReportFigure {
        let lossName = m.text("lossName")
        let window = m.standardisedRanges(aspect: aspect)
        let d = m.descent!, z = d.standardisation
        var f = Figure()
        f.equalAspect = true
        f.xLabel = m.label("standardisedSlopeLabel", ["scale": .string(s(z.scale, 4))], common: true)
        f.yLabel = m.label("standardisedInterceptLabel", common: true)
        f.xLimits = window.w
        f.yLimits = window.b
        f.title = title
        f.marks.append(.contours(lossContours(grid, minimum: minimum)))
        f.marks.append(.path(points: d.standardised.points.map { Point($0.w, $0.b) }, color: Palette.green,
                             label: pathLabel("standardisedPathLegend", m, d.standardised)))
        let top = z.standardised(Parameters(w: m.w, b: m.b))
        f.marks.append(.point(Point(top.w, top.b), shape: .star, color: .ink, size: 13, label: m.label("mleMarkLegend", common: true)))
        f.accessibleTitle = m.common("standardisedAccessibleTitle", ["model": .string(m.name), "lossName": .string(lossName)])
        let kappa = d.standardisedHessian.conditionNumber, before = d.hessian.conditionNumber
        var values = Narrative.pathValues(m, d.standardised)
        values["lossName"] = .string(lossName)
        values["kappa"] = .string(s(kappa))
        values["v"] = .string(s(top.w, 4))
        values["c"] = .string(s(top.b, 4))
        let alt = m.common("standardisedAlt", values)
        // How the contours look after standardising, from the condition numbers before and after.
        let circles = kappa < 1.5, rounder = !circles && kappa < before / 2, longer = !circles && !rounder && kappa > 1.5 * before
        values["scale"] = .string(s(z.scale, 4))
        values["mean"] = .string(s(z.mean, 4))
        values["after"] = .string(s(kappa))
        values["before"] = .string(s(before))
        values["circles"] = .bool(circles)
        values["rounder"] = .bool(rounder)
        values["longer"] = .bool(longer)
        values["same"] = .bool(!circles && !rounder && !longer)
        return ReportFigure(name: "\(m.name)-standardised", figure: f, caption: m.common("standardisedCaption", values), altText: alt)
    }
}
