import Foundation
import Likelihood
import Mustache
import Plot

/// Laplace noise: the mean absolute error, fitted exactly (least absolute deviations), its
/// kinked surfaces, and a subgradient descent that shows why kinks need another method.
enum LaplaceReport: FamilyReport {
    static let kind = ModelKind.laplace
    static let summaryName = "Laplace (least absolute deviations)"
    static let jsonFamily = "laplace"
    static let derivation = Derivation(partial: "derivation-laplace", id: "laplace", title: "Laplace noise gives the mean absolute error")
    static let modelPartial = "model-laplace"
    static let figureKinds = ["fit", "likelihood", "contours"]
    static let isLocationFamily = true
    static let lossName = "mean absolute error"

    struct Details {
        var subgradient: OptimizerPath
        var budget: Int
        /// The optimality certificate's ratio (≤ 1 at an optimum; see `certificate`).
        var certificate: Double
        var standardisation: Standardisation
    }

    static func builtinData(seed: UInt64) -> Dataset { BuiltinData.outliers(seed: seed) }
    static func fitted(_ m: ModelAnalysis) -> LaplaceFit { m.fit as! LaplaceFit }
    static func details(_ m: ModelAnalysis) -> Details { m.details as! Details }

    /// Subgradient steps: 2,000 up to 10⁵ rows, then fewer so that the demonstration costs
    /// at most 2·10⁸ point evaluations (each step is a pass over the data).
    static func budget(n: Int) -> Int { n <= 100_000 ? 2000 : max(20, 200_000_000 / n) }

    /// Grid columns for an exact surface: each costs a pass over the data.
    static func resolution(n: Int) -> Int { max(60, min(240, 120_000_000 / max(n, 1))) }

    static func analyse(_ request: ModelRequest, x: [Double], y: [Double], name: String, source: String) throws -> ModelAnalysis {
        let fit = try LaplaceModel.fit(x: x, y: y)
        var m = ModelAnalysis(family: self, name: name, request: request, source: source, x: x, y: y, fit: fit)
        m.newton = fit.path
        // The 95 % likelihood-ratio region of the profile likelihood (s maximised out):
        // SAD(w, b) ≤ SAD̂·exp(χ²₂(0.95)/(2n)); traced as a contour of an exact grid over a
        // window three times the Wald ellipse.
        let depth = Distributions.chiSquared2Quantile(0.95) / 2
        let c = 2 * depth
        let hw = (c * fit.covariance.ww).squareRoot(), hb = (c * fit.covariance.bb).squareRoot()
        let corners = fit.optimalSet + [Parameters(w: fit.w.estimate - 3 * hw, b: fit.b.estimate - 3 * hb),
                                        Parameters(w: fit.w.estimate + 3 * hw, b: fit.b.estimate + 3 * hb)]
        let coarse = relativeProfile(m, window: ModelAnalysis.window(around: corners, padding: 0), resolution: min(120, resolution(n: m.n)))
        m.region = FigureFactory.regionBoundary(coarse, level: -depth, around: fit.line)
        m.regionDepth = depth
        let z = Standardisation(SufficientStatistics(x: x, y: y))
        m.details = Details(subgradient: LaplaceModel.subgradientPath(x: x, y: y, standardisation: z, steps: budget(n: x.count)),
                            budget: budget(n: x.count), certificate: certificate(fit, x: x, y: y), standardisation: z)
        return m
    }

    /// ℓₚ(w, b) − ℓ̂ = −n·log(SAD(w, b)/SAD̂) over a window, exactly.
    static func relativeProfile(_ m: ModelAnalysis, window r: (w: (Double, Double), b: (Double, Double)), resolution: Int) -> SurfaceGrid {
        let fit = fitted(m)
        var grid = LaplaceModel.sumAbsoluteGrid(x: m.x, y: m.y, w: SurfaceGrid.axis(r.w.0, r.w.1, count: resolution),
                                                b: SurfaceGrid.axis(r.b.0, r.b.1, count: resolution))
        let n = Double(m.n)
        grid.values = grid.values.map { -n * log(max($0, 1e-300) / fit.sumAbsoluteDeviations) }
        return grid
    }

    /// The optimality certificate of least absolute deviations: 0 is a subgradient at
    /// (ŵ, b̂) when the points on the line can take weights aᵢ in [−1, 1] that cancel
    /// t = Σ sign(rᵢ)(xᵢ, 1) over the others, that is when −t lies in the zonotope
    /// {Σ aᵢ(xᵢ, 1)}. In the plane that holds exactly when u·(−t) ≤ Σ|u·(xᵢ, 1)| along every
    /// direction u normal to one of the (xᵢ, 1) (the kinks of the right side). Returns the
    /// largest ratio of the two sides: at most 1 at an optimum.
    static func certificate(_ fit: LaplaceFit, x: [Double], y: [Double]) -> Double {
        var onLine: [Double: Double] = [:]
        var g = (0.0, 0.0)
        let centre = fit.support.map { x[$0] }.reduce(0, +) / Double(max(fit.support.count, 1))
        for i in x.indices {
            let r = y[i] - fit.w.estimate * x[i] - fit.b.estimate
            let scale = max(abs(y[i]), abs(fit.w.estimate * x[i]), abs(fit.b.estimate), 1e-300)
            if abs(r) <= 1e-12 * scale {
                onLine[x[i] - centre, default: 0] += 1
            } else {
                let sign: Double = r > 0 ? 1 : -1
                g.0 += sign * (x[i] - centre); g.1 += sign
            }
        }
        let vectors = onLine.sorted { $0.key < $1.key }
        var directions: [(Double, Double)] = []
        for (v, _) in vectors { directions += [(-1, v), (1, -v), (v, 1), (-v, -1)] }
        var ratio = 0.0
        for u in directions {
            let push = u.0 * -g.0 + u.1 * -g.1
            let reach = vectors.reduce(0.0) { $0 + $1.value * abs(u.0 * $1.key + u.1) }
            if reach > 0 { ratio = max(ratio, push / reach) } else if push > 1e-9 * (abs(g.0) + abs(g.1)) { ratio = .infinity }
        }
        return ratio
    }

    static func figure(_ kind: String, _ m: ModelAnalysis, aspect: Double) -> ReportFigure {
        switch kind {
        case "fit": return fitFigure(m)
        case "likelihood": return likelihoodFigure(m)
        default: return contoursFigure(m)
        }
    }

    static func fitFigure(_ m: ModelAnalysis) -> ReportFigure {
        let fit = fitted(m)
        var (f, _, _, xs) = FigureFactory.dataFigure(m, title: "Least-absolute-deviations line = Laplace MLE")
        // 95 % of Laplace(0, s) noise lies within ±s·ln 20.
        let half = fit.scale * log(20)
        let dense = m.n > FigureFactory.densityThreshold
        let (_, inside) = FigureFactory.addLineFit(to: &f, m, xs: xs, half: half, bandLabel: "95 % of Laplace noise: ±ŝ·ln 20")
        let support = fit.support.map { Point(m.x[$0], m.y[$0]) }
        f.marks.append(.scatter(points: support, color: .ink, size: 11, shape: .diamond, edge: nil, label: "the two points the line passes through"))
        f.accessibleTitle = "\(m.name): data and the least-absolute-deviations line"
        let alt = "\(dense ? "Density of" : "Scatter plot of") \(m.n) points of \(m.request.y) against \(m.request.x) with the least-absolute-deviations line "
            + "y = \(FigureFactory.linearForm(fit.w.estimate, fit.b.estimate, digits: 4, markup: false)), which passes through the data points "
            + support.map { "(\(s($0.x, 4)), \(s($0.y, 4)))" }.joined(separator: " and ")
            + ", and a band of ±ŝ·ln 20 = ±\(s(half)) that holds \(Narrative.of(inside, m.n, "points"))."
        return ReportFigure(name: "\(m.name)-fit", figure: f,
                            caption: "The data with the line that minimises the sum of absolute residuals (grey). It passes exactly through two data points (diamonds), as every optimum of this loss does; the band holds 95 % of Laplace noise of scale ŝ = mean |r| = \(s(fit.scale, 4)), which would hold \(Narrative.percent(0.95)) of the points if the model were right (it holds \(Narrative.percent(Double(inside) / Double(m.n))))."
                                + (fit.isUnique ? "" : " The optimum is not unique: see below."),
                            altText: alt)
    }

    static func likelihoodFigure(_ m: ModelAnalysis) -> ReportFigure {
        let fit = fitted(m)
        let grid = relativeProfile(m, window: m.likelihoodRanges(), resolution: resolution(n: m.n))
        let corr = fit.covariance.wb / (fit.covariance.ww * fit.covariance.bb).squareRoot()
        let caption = "The Laplace profile log-likelihood of every line (w, b), with the scale set to its best value SAD(w, b)/n for that line, relative to its maximum: "
            + "−n·log(SAD(w, b)/SAD̂). Its level sets are polygons, because the sum of absolute deviations is piecewise linear. The white curve bounds the 95 % likelihood-ratio region, "
            + "where SAD is at most exp(χ²₂(0.95)/(2n)) = \(s(exp(Distributions.chiSquared2Quantile(0.95) / Double(2 * m.n)), 6)) times the least. The dashed lines are the 95 % intervals of the table (ŝ²(XᵀX)⁻¹, the Laplace model's information)."
        var figure = FigureFactory.likelihood(m, FigureFactory.LikelihoodSpec(
            grid: grid, intervals: ((fit.w.lower, fit.w.upper), (fit.b.lower, fit.b.upper)),
            intervalLabel: "95 % intervals (table)", title: "Laplace profile log-likelihood (s maximised out)",
            what: "log <i>L</i>ₚ(<i>w</i>, <i>b</i>) − log <i>L̂</i>ₚ", regionText: "the 95 % likelihood-ratio region", caption: caption,
            correlation: corr))
        if !fit.isUnique {
            addOptimalSet(&figure.figure, fit)
            figure.altText += " " + optimalSetText(fit)
        }
        return figure
    }

    /// The set of optimal lines in words, for alt texts.
    static func optimalSetText(_ fit: LaplaceFit) -> String {
        "The optimum is not unique: a black \(fit.optimalSet.count == 2 ? "segment" : "polygon") with corners "
            + fit.optimalSet.map { "(\(s($0.w, 4)), \(s($0.b, 4)))" }.joined(separator: ", ") + " marks every optimal line."
    }

    static func addOptimalSet(_ f: inout Figure, _ fit: LaplaceFit) {
        let points = fit.optimalSet.map { Point($0.w, $0.b) }
        f.marks.append(.line(points: points + (points.count > 2 ? [points[0]] : []), color: .ink, width: 2.5, dash: [],
                             label: "every optimal line (\(points.count == 2 ? "a segment" : "a polygon"))"))
    }

    static func contoursFigure(_ m: ModelAnalysis) -> ReportFigure {
        let fit = fitted(m), d = details(m)
        let path = d.subgradient
        let window = ModelAnalysis.window(around: path.originalPoints + fit.path + m.region, padding: 0.08)
        var grid = LaplaceModel.sumAbsoluteGrid(x: m.x, y: m.y, w: SurfaceGrid.axis(window.w.0, window.w.1, count: resolution(n: m.n)),
                                                b: SurfaceGrid.axis(window.b.0, window.b.1, count: resolution(n: m.n)))
        grid.values = grid.values.map { $0 / Double(m.n) }
        var f = Figure()
        f.xLabel = "slope <i>w</i>"
        f.yLabel = "intercept <i>b</i>"
        f.xLimits = window.w
        f.yLimits = window.b
        f.title = "MAE contours: subgradient steps and the exact method"
        f.marks.append(.contours(FigureFactory.lossContours(grid, minimum: fit.scale)))
        let distance = distanceInSE(fit, path.end)
        // The exact path first and broad, so that the subgradient steps along it stay visible.
        f.marks.append(.path(points: fit.path.map { Point($0.w, $0.b) }, color: Palette.vermillion,
                             label: "weighted-median descent (\(fit.iterations) pivot\(fit.iterations == 1 ? "" : "s"), exact)", broad: true))
        f.marks.append(.path(points: path.originalPoints.map { Point($0.w, $0.b) }, color: Palette.green,
                             label: "subgradient descent (\(Narrative.count(path.iterations)) steps, \(arrived(fit, path) ? "arrived" : "did not arrive"))"))
        if !fit.isUnique { addOptimalSet(&f, fit) }
        f.marks.append(.point(Point(m.w, m.b), shape: .star, color: .ink, size: 13, label: "MLE"))
        f.accessibleTitle = "\(m.name): mean absolute error contours with the subgradient and exact paths"
        let alt = "Contour lines of the mean absolute error over slope w and intercept b, polygons around the minimum \(s(fit.scale, 4)) at w = \(s(m.w, 4)), b = \(s(m.b, 4)). "
            + "Subgradient descent from (0, 0) with a shrinking step ends \(s(distance, 2)) standard errors from the optimum after \(Narrative.count(path.iterations)) steps; "
            + "the weighted-median descent reaches it exactly in \(fit.iterations) pivot\(fit.iterations == 1 ? "" : "s")."
            + (fit.isUnique ? "" : " " + optimalSetText(fit))
        return ReportFigure(name: "\(m.name)-contours", figure: f,
                            caption: "The mean absolute error over (w, b) (levels halve their height above the minimum from ring to ring). Its contours have corners: the loss is piecewise linear, with a kink wherever a residual changes sign, so the gradient jumps and plain gradient descent has no step that works. "
                                + "Subgradient descent with a step shrinking as 1/√t (green, on standardised x, mapped back) zig-zags and \(arrived(fit, path) ? "arrives" : "does not arrive: after \(Narrative.count(path.iterations)) steps its best point is \(s(distance, 2)) standard errors away"). "
                                + "The exact method (red), from \(fit.start), moves from one line through two data points to a better one and stops at the optimum.",
                            altText: alt)
    }

    static func distanceInSE(_ fit: LaplaceFit, _ p: Parameters) -> Double {
        max(abs(p.w - fit.w.estimate) / fit.w.standardError, abs(p.b - fit.b.estimate) / fit.b.standardError)
    }

    static func arrived(_ fit: LaplaceFit, _ path: OptimizerPath) -> Bool {
        distanceInSE(fit, path.end) <= Descent.arrivalTolerance
    }

    static func summary(_ m: ModelAnalysis) -> [String] {
        let f = fitted(m), d = details(m)
        let p = { (v: Double) in NumberFormat.plain(v, 6) }
        return ["log-likelihood \(p(f.logLikelihood))  AIC \(p(f.aic))  BIC \(p(f.bic))  ŝ (mean |r|) \(p(f.scale))",
                "exact: \(f.iterations) pivot\(f.iterations == 1 ? "" : "s"), the line passes through rows \(f.support.map { String($0 + 1) }.joined(separator: " and "))\(f.isUnique ? "" : "; NOT unique (\(f.optimalSet.count) optimal corner lines)")",
                "subgradient descent: \(d.subgradient.iterations) steps, ended \(NumberFormat.plain(distanceInSE(f, d.subgradient.end), 3)) standard errors away"]
    }

    static func page(_ m: ModelAnalysis, _ page: inout ModelPage) {
        let fit = fitted(m), d = details(m)
        let f = PageContext.f
        page["aicNote"] = "AIC = 2k − 2 log L with k = 3 parameters (w, b and the scale s)"
        page["statisticsAfter"] = [["term": "mean absolute error $\\hat s$", "value": f(fit.scale, 6)],
                                   ["term": "method", "value": .string("exact (\(fit.iterations) pivot\(fit.iterations == 1 ? "" : "s"))")]]
        page.tex["scale"] = .string(NumberFormat.tex(fit.scale, 5))
        page.tex["scaleHalf"] = .string(NumberFormat.tex(fit.scale * log(20), 4))
        let rows = fit.support.map { "row \(Narrative.count($0 + 1)) (x = \(s(m.x[$0], 5)), y = \(s(m.y[$0], 5)))" }
        page["supportText"] = .string("The optimal line passes exactly through \(rows.joined(separator: " and ")) of the data: the exact method stopped there after \(fit.iterations) pivot\(fit.iterations == 1 ? "" : "s"), because no rotation about either point lowers the sum.")
        if fit.isUnique {
            page["uniquenessText"] = .string("The optimum is unique: every rotation about the two points, and every shift of the line, raises the sum.")
        } else {
            let corners = fit.optimalSet.map { "(\(s($0.w, 4)), \(s($0.b, 4)))" }.joined(separator: ", ")
            page["uniquenessText"] = .string("The optimum is not unique: every line in the \(fit.optimalSet.count == 2 ? "segment" : "polygon") with corners \(corners) in (w, b) has the same sum of absolute deviations, \(s(fit.sumAbsoluteDeviations, 6)); the tool reports the corner it reached, and the figures draw the whole set. Any of them is a maximum-likelihood line.")
        }
        let sub = d.subgradient
        let distance = distanceInSE(fit, sub.end)
        page["subgradientText"] = .string("Subgradient descent from (0, 0), on standardised x, with the step \(s(sub.learningRate, 3))/√(t + 1) along the negative subgradient, "
            + (arrived(fit, sub) ? "arrived within \(Narrative.count(sub.iterations)) steps." : "did not arrive: after \(Narrative.count(sub.iterations)) steps\(d.budget < 2000 ? " (its budget at this n: each step is a pass over \(Narrative.count(m.n)) rows)" : "") its best point, (w, b) = \(Narrative.point(sub.end)), is \(s(distance, 2)) standard errors from the optimum. At a kink the subgradient does not shrink as the optimum nears, so only the shrinking step brings it closer, at a rate of about 1/√t."))
        let n = Double(fit.n)
        page.check("−log L(ŵ, b̂, ŝ) summed over the data, and the closed form n·log(2ŝ) + n",
                   "−Σ log Laplace(yᵢ; ŵxᵢ + b̂, ŝ)", "n·log(2ŝ) + n", -fit.summedLogDensity(x: m.x, y: m.y), n * log(2 * fit.scale) + n)
        page.check("the mean absolute error at the MLE is ŝ", "MAE(ŵ, b̂)", "ŝ = SAD/n",
                   LaplaceModel.meanAbsoluteError(fit.line, x: m.x, y: m.y), fit.scale)
        page.check("0 is a subgradient at (ŵ, b̂): the points on the line can balance the signs of all the others with weights in [−1, 1] (a proof of the global minimum)",
                   "largest pull of the others / what the points on the line can hold", "1", d.certificate, 1,
                   passes: d.certificate <= 1 + 1e-9, failure: "fails", atMost: true)
        page.check("subgradient descent ends at the exact slope", "w after \(Narrative.count(sub.iterations)) steps", "ŵ", sub.end.w, fit.w.estimate,
                   passes: arrived(fit, sub), failure: "did not arrive")
    }

    static func json(_ m: ModelAnalysis, _ o: inout [String: JSON]) {
        let f = fitted(m), d = details(m)
        o["method"] = .string("exact least absolute deviations (Wesolowsky's weighted-median descent)")
        o["scale"] = .number(f.scale)
        o["mae"] = .number(f.scale)
        o["sum_absolute_deviations"] = .number(f.sumAbsoluteDeviations)
        o["standard_errors"] = .string("Laplace information: s^2 (X'X)^-1 with s = mean |r| (= Koenker-Bassett 1/(4 f(0)^2) (X'X)^-1 at the Laplace density)")
        o["support_rows"] = .array(f.support.map { .int($0 + 1) })
        o["unique"] = .bool(f.isUnique)
        o["optimal_set"] = .array(f.optimalSet.map { .array([.number($0.w), .number($0.b)]) })
        o["optimality_certificate"] = .number(d.certificate)
        o["subgradient_descent"] = .object([
            "w": .number(d.subgradient.end.w), "b": .number(d.subgradient.end.b), "iterations": .int(d.subgradient.iterations),
            "arrived": .bool(arrived(f, d.subgradient)), "distance_in_standard_errors": .number(distanceInSE(f, d.subgradient.end)),
            "step": .string("alpha0 / sqrt(t + 1) along -g/|g|, standardised x"), "alpha0": .number(d.subgradient.learningRate),
        ])
        o["confidence_region"] = .object(["kind": .string("likelihood-ratio (profile over s)"), "confidence": .number(0.95),
                                          "sum_absolute_deviations_level": .number(f.sumAbsoluteDeviations * exp(Distributions.chiSquared2Quantile(0.95) / Double(2 * m.n)))])
    }
}
