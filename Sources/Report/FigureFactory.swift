import Foundation
import Likelihood
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
    static func figures(for m: ModelAnalysis, options: ReportOptions) -> [ReportFigure] {
        var list = [fit(m), likelihood(m), contours(m)]
        for k in list.indices {
            list[k].figure.width = options.figureWidth
            list[k].figure.height = options.figureHeight
            list[k].figure.idPrefix = list[k].name
            list[k].figure.accessibleDescription = list[k].altText
        }
        return list
    }

    static func s(_ v: Double, _ digits: Int = 3) -> String { NumberFormat.significant(v, digits) }

    /// `w·x + b` as "1.59 x − 0.202": the sign of b goes in the operator. With `markup`, x is
    /// set in italics for Pango; without, it is plain text for alt texts.
    static func linearForm(_ w: Double, _ b: Double, digits: Int = 3, markup: Bool) -> String {
        let x = markup ? "<i>x</i>" : "x"
        return "\(s(w, digits)) \(x) \(b < 0 ? "−" : "+") \(s(abs(b), digits))"
    }

    /// The column names for axis labels, escaped for Pango markup.
    static func labels(_ m: ModelAnalysis) -> (x: String, y: String) {
        (markupEscaped(m.request.x), markupEscaped(m.request.y))
    }

    // MARK: Fit

    static func fit(_ m: ModelAnalysis) -> ReportFigure {
        var f = Figure()
        let (xl, yl) = labels(m)
        f.xLabel = xl
        f.yLabel = yl
        let lo = m.x.min()!, hi = m.x.max()!
        let xs = SurfaceGrid.axis(lo, hi, count: 200)
        let points = zip(m.x, m.y).map { Point($0, $1) }
        switch m.fit {
        case let .linear(fit):
            let sigma = fit.sigma2MLE.squareRoot()
            let line = xs.map { fit.w.estimate * $0 + fit.b.estimate }
            f.title = "Least-squares line = Gaussian MLE"
            f.marks.append(.band(x: xs, lower: line.map { $0 - 2 * sigma }, upper: line.map { $0 + 2 * sigma },
                                 color: Palette.vermillion.withAlpha(0.13), label: "±2σ̂ predictive band"))
            for (k, p) in points.enumerated() {
                let fitted = fit.w.estimate * p.x + fit.b.estimate
                f.marks.append(.line(points: [p, Point(p.x, fitted)], color: Color(hex: 0x999999), width: 0.8, dash: [],
                                     label: k == 0 ? "residuals" : nil))
            }
            f.marks.append(.line(points: zip(xs, line).map { Point($0, $1) }, color: Palette.vermillion, width: 2, dash: [],
                                 label: "ŷ = \(linearForm(fit.w.estimate, fit.b.estimate, markup: true))"))
            f.marks.append(.scatter(points: points, color: Palette.blue, size: 6, shape: .circle, edge: .white,
                                    label: "data (<i>n</i> = \(m.n))"))
            f.accessibleTitle = "\(m.name): data and the maximum-likelihood line"
            let inside = points.filter { abs($0.y - fit.w.estimate * $0.x - fit.b.estimate) <= 2 * sigma }.count
            let alt = "Scatter plot of \(m.request.y) against \(m.request.x) for \(m.n) points, with the maximum-likelihood line "
                + "y = \(linearForm(fit.w.estimate, fit.b.estimate, digits: 4, markup: false)), grey residual segments from each "
                + "point to the line, and a shaded band of ±2σ̂ = ±\(s(2 * sigma)) around it that holds \(inside) of the \(m.n) points."
            return ReportFigure(name: "\(m.name)-fit", figure: f,
                                caption: "The data with the fitted line. Grey segments are the residuals whose squares the fit minimises; the band is ±2σ̂ with σ̂² = RSS/n = \(s(fit.sigma2MLE, 4)).",
                                altText: alt)
        case let .logistic(fit):
            f.title = "Logistic fit: P(<i>y</i> = 1 | <i>x</i>) = σ(<i>wx</i> + <i>b</i>)"
            // Labels are jittered off 0 and 1 so that ties show; observed proportions in bins
            // show calibration.
            let curve = xs.map { Numerics.sigmoid(fit.w.estimate * $0 + fit.b.estimate) }
            f.yLimits = (-0.06, 1.06)
            let boundary = -fit.b.estimate / fit.w.estimate
            if boundary > lo && boundary < hi {
                f.marks.append(.line(points: [Point(boundary, -0.06), Point(boundary, 1.06)], color: Color(hex: 0x888888),
                                     width: 1, dash: [4, 3], label: "σ = ½ at <i>x</i> = \(s(boundary))"))
            }
            f.marks.append(.line(points: zip(xs, curve).map { Point($0, $1) }, color: Palette.vermillion, width: 2, dash: [],
                                 label: "fitted σ(\(linearForm(fit.w.estimate, fit.b.estimate, markup: true)))"))
            var jitter = RandomGenerator(seed: 99)
            let jittered = points.map { Point($0.x, $0.y + ($0.y == 1 ? -1 : 1) * 0.035 * jitter.nextUniform()) }
            f.marks.append(.scatter(points: jittered, color: Palette.blue.withAlpha(0.55), size: 5, shape: .circle, edge: nil,
                                    label: "labels (jittered, <i>n</i> = \(m.n))"))
            let bins = binnedProportions(m, lo: lo, hi: hi)
            f.marks.append(.errorBars(points: bins.map { Point($0.x, $0.p) }, lower: bins.map(\.low), upper: bins.map(\.high),
                                      color: Palette.green, label: nil))
            f.marks.append(.scatter(points: bins.map { Point($0.x, $0.p) }, color: Palette.green, size: 7, shape: .diamond,
                                    edge: .white, label: "observed share of 1s per bin (95 % Wilson)"))
            f.accessibleTitle = "\(m.name): labels and the fitted logistic curve"
            let covered = bins.filter { bin in
                let p = Numerics.sigmoid(fit.w.estimate * bin.x + fit.b.estimate)
                return p >= bin.low && p <= bin.high
            }.count
            let alt = "Binary labels of \(m.request.y) against \(m.request.x) for \(m.n) points (jittered vertically), the fitted curve "
                + "P(y = 1) = σ(\(linearForm(fit.w.estimate, fit.b.estimate, digits: 4, markup: false))), which crosses one half at "
                + "x = \(s(boundary)), and the observed proportion of ones in \(bins.count) bins of x with 95 % intervals; "
                + "the curve passes through \(covered) of the \(bins.count) intervals."
            return ReportFigure(name: "\(m.name)-fit", figure: f,
                                caption: "The labels (jittered so that overlapping points show) and the fitted probability. Diamonds are the share of ones in equal-width bins of x with 95 % Wilson intervals: where they follow the curve, the model is calibrated.",
                                altText: alt)
        }
    }

    struct Bin { var x: Double; var p: Double; var low: Double; var high: Double }

    /// Share of ones in equal-width bins of x (bins with fewer than 3 points are left out), with
    /// Wilson score intervals, which stay inside [0, 1].
    static func binnedProportions(_ m: ModelAnalysis, lo: Double, hi: Double, count: Int = 8) -> [Bin] {
        var n = [Int](repeating: 0, count: count), ones = [Int](repeating: 0, count: count)
        var sums = [Double](repeating: 0, count: count)
        for (x, y) in zip(m.x, m.y) {
            let position = (x - lo) / (hi - lo) * Double(count)
            guard position.isFinite else { continue }
            let k = min(count - 1, max(0, Int(position)))
            n[k] += 1; sums[k] += x
            if y == 1 { ones[k] += 1 }
        }
        let z = Distributions.normalQuantile975
        return (0..<count).compactMap { k in
            guard n[k] >= 3 else { return nil }
            let nn = Double(n[k]), p = Double(ones[k]) / nn
            let centre = (p + z * z / (2 * nn)) / (1 + z * z / nn)
            let half = z / (1 + z * z / nn) * (p * (1 - p) / nn + z * z / (4 * nn * nn)).squareRoot()
            return Bin(x: sums[k] / nn, p: p, low: max(0, centre - half), high: min(1, centre + half))
        }
    }

    // MARK: Likelihood surface

    static func likelihood(_ m: ModelAnalysis) -> ReportFigure {
        let grid = m.logLikelihoodGrid()
        let top = m.logLikelihood
        let level = SurfaceGrid.likelihoodRatioLevel(maximum: top)
        var f = Figure()
        f.xLabel = "slope <i>w</i>"
        f.yLabel = "intercept <i>b</i>"
        f.showsGrid = false
        let low = grid.minimum
        f.marks.append(.heatmap(Heatmap(x: grid.w, y: grid.b, values: grid.values, range: (low, top))))
        var region = ContourSet(lines: Contours.lines(x: grid.w, y: grid.b, values: grid.values, level: level),
                                color: .white, width: 1.2)
        region.highlighted = [level]
        region.highlightColor = .white
        region.highlightLegend = "95 % likelihood-ratio region"
        f.marks.append(.contours(region))
        f.marks.append(.point(Point(m.w, m.b), shape: .star, color: Palette.vermillion, size: 13,
                              label: "MLE (ŵ, b̂) = (\(s(m.w)), \(s(m.b)))"))
        f.colorbar = Colorbar(range: (low, top), label: "log-likelihood  log <i>L</i>(<i>w</i>, <i>b</i>)",
                              marks: [(level, .white)])
        let sigmaNote: String
        switch m.fit {
        case let .linear(fit):
            f.title = "Gaussian log-likelihood, σ² fixed at σ̂² = \(s(fit.sigma2MLE))"
            sigmaNote = "with σ² fixed at its MLE σ̂² = \(s(fit.sigma2MLE, 4)) (not profiled out)"
        case .logistic:
            f.title = "Bernoulli log-likelihood"
            sigmaNote = "(the Bernoulli model has no noise parameter)"
        }
        f.accessibleTitle = "\(m.name): log-likelihood over slope and intercept"
        let alt = "Heatmap of the log-likelihood over slope w and intercept b \(sigmaNote), brightest at the maximum "
            + "log L = \(s(top, 5)) at w = \(s(m.w, 4)), b = \(s(m.b, 4)), marked by a star. A white contour "
            + "at log L = \(s(level, 5)) encloses the 95 % likelihood-ratio confidence region, a tilted ellipse because the estimates of w and b are correlated."
        return ReportFigure(name: "\(m.name)-likelihood", figure: f,
                            caption: "The log-likelihood of every line (w, b) \(sigmaNote). The white contour lies χ²₂(0.95)/2 = 2.996 below the maximum: the 95 % likelihood-ratio confidence region for (w, b).",
                            altText: alt)
    }

    // MARK: Loss contours

    static func contours(_ m: ModelAnalysis) -> ReportFigure {
        let grid = m.lossGrid()
        let minimum = m.lossAtMLE
        let span = grid.maximum - minimum
        // Levels in geometric progression above the minimum (each ring half as far above it
        // as the previous one, in loss): evenly spaced levels, matplotlib's default, put every
        // line out on the steep walls and leave the valley around the MLE empty.
        let levels = (1...10).map { k in minimum + span * pow(0.5, Double(k)) }
        var lines: [ContourLine] = []
        for level in levels { lines += Contours.lines(x: grid.w, y: grid.b, values: grid.values, level: level) }
        var f = Figure()
        f.xLabel = "slope <i>w</i>"
        f.yLabel = "intercept <i>b</i>"
        f.xLimits = (grid.w.first!, grid.w.last!)
        f.yLimits = (grid.b.first!, grid.b.last!)
        let lossName: String
        switch m.kind {
        case .linear: lossName = "mean squared error"; f.title = "MSE contours and gradient descent"
        case .logistic: lossName = "mean cross-entropy"; f.title = "Cross-entropy contours, gradient descent and Newton"
        }
        let digits = span > 0 ? max(2, Int(ceil(-log10(span * pow(0.5, 10))))) : 3
        var set = ContourSet(lines: lines, color: Color(hex: 0x6B6B6B), width: 0.8)
        set.label = { NumberFormat.fixed($0, min(6, max(0, digits))) }
        f.marks.append(.contours(set))
        let gd = m.gradientDescent
        f.marks.append(.path(points: gd.points.map { Point($0.w, $0.b) }, color: Palette.blue,
                             label: "gradient descent, η = \(s(gd.learningRate)) (\(gd.iterations) steps)"))
        if !m.newton.isEmpty {
            f.marks.append(.path(points: m.newton.map { Point($0.w, $0.b) }, color: Palette.vermillion,
                                 label: "Newton–Raphson (\(m.newton.count - 1) steps)"))
        }
        f.marks.append(.point(Point(m.w, m.b), shape: .star, color: Palette.orange, size: 13, label: "MLE"))
        f.accessibleTitle = "\(m.name): \(lossName) contours with optimiser paths"
        var alt = "Contour lines of the \(lossName) over slope w and intercept b, nested around the minimum \(s(minimum, 4)) at "
            + "w = \(s(m.w, 4)), b = \(s(m.b, 4)). Gradient descent starts at (0, 0) and takes \(gd.iterations) steps of size "
            + "\(s(gd.learningRate)) to end at the same point"
        if !m.newton.isEmpty { alt += "; Newton–Raphson gets there in \(m.newton.count - 1) steps" }
        alt += "."
        return ReportFigure(name: "\(m.name)-contours", figure: f,
                            caption: "The \(lossName) as contours (levels halve their height above the minimum from one ring to the next, so the valley around the MLE is drawn too), with the optimiser paths from (0, 0). The loss is the negative log-likelihood up to constants, so its minimum is the MLE.",
                            altText: alt)
    }
}
