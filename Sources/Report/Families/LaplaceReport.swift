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
    static let derivation = Derivation(partial: "derivation-laplace", id: "laplace")
    static let modelPartial = "model-laplace"
    static let figureKinds = ["fit", "likelihood", "contours"]
    static let isLocationFamily = true

    struct Details {
        var subgradient: OptimizerPath
        var budget: Int
        var standardisation: Standardisation
    }

    static func builtinData(seed: UInt64) -> Dataset { BuiltinData.outliers(seed: seed) }
    static func fitted(_ m: ModelAnalysis) -> LaplaceFit { m.part("laplace fit") { if case let .laplace(fit, _) = $0 { return fit }; return nil } }
    static func details(_ m: ModelAnalysis) -> Details { m.part("laplace details") { if case let .laplace(_, details) = $0 { return details }; return nil } }

    /// Subgradient steps: 2,000 up to 10⁵ rows, then fewer so that the demonstration costs
    /// at most 2·10⁸ point evaluations (each step is a pass over the data).
    static func budget(n: Int) -> Int { n <= 100_000 ? 2000 : max(20, 200_000_000 / n) }

    /// Grid columns for an exact surface: each costs a pass over the data.
    static func resolution(n: Int) -> Int { max(60, min(240, 120_000_000 / max(n, 1))) }

    static func analyse(_ request: ModelRequest, x: [Double], y: [Double], name: String, source: String) throws -> ModelAnalysis {
        let fit = try LaplaceModel.fit(x: x, y: y)
        var m = ModelAnalysis(family: self, name: name, request: request, source: source, x: x, y: y, result: .laplace(fit, nil))
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
        m.result = .laplace(fit, Details(subgradient: LaplaceModel.subgradientPath(x: x, y: y, standardisation: z, steps: budget(n: x.count)),
                            budget: budget(n: x.count), standardisation: z))
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

    static func figure(_ kind: String, _ m: ModelAnalysis, aspect: Double) -> ReportFigure {
        switch kind {
        case "fit": return fitFigure(m)
        case "likelihood": return likelihoodFigure(m)
        default: return contoursFigure(m)
        }
    }

    static func fitFigure(_ m: ModelAnalysis) -> ReportFigure {
        let fit = fitted(m)
        var (f, _, _, xs) = FigureFactory.dataFigure(m, title: m.label("fitTitle"))
        // 95 % of Laplace(0, s) noise lies within ±s·ln 20.
        let half = fit.scale * log(20)
        let dense = m.n > FigureFactory.densityThreshold
        let (_, inside) = FigureFactory.addLineFit(to: &f, m, xs: xs, half: half, bandLabel: m.label("bandLegend"))
        let support = fit.support.map { Point(m.x[$0], m.y[$0]) }
        f.marks.append(.scatter(points: support, color: .ink, size: 11, shape: .diamond, edge: nil, label: m.label("supportLegend")))
        f.accessibleTitle = m.text("fitAccessibleTitle", ["model": .string(m.name)])
        let values: [String: MustacheValue] = [
            "dense": .bool(dense), "n": .string(String(m.n)), "rows": .string(Narrative.count(m.n)), "x": .string(m.request.x), "y": .string(m.request.y),
            "line": .string(FigureFactory.linearForm(fit.w.estimate, fit.b.estimate, digits: 4, markup: false)),
            "support": .array(support.enumerated().map { k, p in ["x": .string(s(p.x, 4)), "y": .string(s(p.y, 4)), "last": .bool(k == support.count - 1)] }),
            "half": .string(s(half)), "inside": Prose.count(inside), "scale": .string(s(fit.scale, 4)),
            "expected": .string(Narrative.percent(m, 0.95)), "share": .string(Narrative.percent(m, Double(inside) / Double(m.n))),
            "unique": .bool(fit.isUnique),
        ]
        return ReportFigure(name: "\(m.name)-fit", figure: f, caption: m.text("fitCaption", values), altText: m.text("fitAlt", values))
    }

    static func likelihoodFigure(_ m: ModelAnalysis) -> ReportFigure {
        let fit = fitted(m)
        let grid = relativeProfile(m, window: m.likelihoodRanges(), resolution: resolution(n: m.n))
        let corr = fit.covariance.wb / (fit.covariance.ww * fit.covariance.bb).squareRoot()
        let caption = m.text("likelihoodCaption", ["factor": .string(s(exp(Distributions.chiSquared2Quantile(0.95) / Double(2 * m.n)), 6))])
        var figure = FigureFactory.likelihood(m, FigureFactory.LikelihoodSpec(
            grid: grid, intervals: ((fit.w.lower, fit.w.upper), (fit.b.lower, fit.b.upper)),
            intervalLabel: m.label("intervalLegend"), title: m.label("likelihoodTitle"),
            what: m.label("likelihoodColorbar"), regionText: m.text("regionText"), caption: caption,
            correlation: corr))
        if !fit.isUnique {
            addOptimalSet(&figure.figure, m, fit)
            figure.altText += " " + optimalSetText(m, fit)
        }
        return figure
    }

    /// The corners of the set of optimal lines, for the sentences.
    static func corners(_ fit: LaplaceFit) -> MustacheValue {
        .array(fit.optimalSet.enumerated().map { k, p in ["w": .string(s(p.w, 4)), "b": .string(s(p.b, 4)), "last": .bool(k == fit.optimalSet.count - 1)] })
    }

    /// The set of optimal lines in words, for alt texts.
    static func optimalSetText(_ m: ModelAnalysis, _ fit: LaplaceFit) -> String {
        m.text("optimalSetText", ["segment": .bool(fit.optimalSet.count == 2), "corners": corners(fit)])
    }

    static func addOptimalSet(_ f: inout Figure, _ m: ModelAnalysis, _ fit: LaplaceFit) {
        let points = fit.optimalSet.map { Point($0.w, $0.b) }
        f.marks.append(.line(points: points + (points.count > 2 ? [points[0]] : []), color: .ink, width: 2.5, dash: [],
                             label: m.label("optimalSetLegend", ["segment": .bool(points.count == 2)])))
    }

    static func contoursFigure(_ m: ModelAnalysis) -> ReportFigure {
        let fit = fitted(m), d = details(m)
        let path = d.subgradient
        let window = ModelAnalysis.window(around: path.originalPoints + fit.path + m.region, padding: 0.08)
        var grid = LaplaceModel.sumAbsoluteGrid(x: m.x, y: m.y, w: SurfaceGrid.axis(window.w.0, window.w.1, count: resolution(n: m.n)),
                                                b: SurfaceGrid.axis(window.b.0, window.b.1, count: resolution(n: m.n)))
        grid.values = grid.values.map { $0 / Double(m.n) }
        var f = Figure()
        f.xLabel = m.label("slopeLabel", common: true)
        f.yLabel = m.label("interceptLabel", common: true)
        f.xLimits = window.w
        f.yLimits = window.b
        f.title = m.label("contoursTitle")
        f.marks.append(.contours(FigureFactory.lossContours(grid, minimum: fit.scale)))
        let distance = distanceInSE(fit, path.end)
        // The exact path first and broad, so that the subgradient steps along it stay visible.
        f.marks.append(.path(points: fit.path.map { Point($0.w, $0.b) }, color: Palette.vermillion,
                             label: m.label("exactPathLegend", ["pivots": .string(String(fit.iterations)), "one": .bool(fit.iterations == 1)]), broad: true))
        f.marks.append(.path(points: path.originalPoints.map { Point($0.w, $0.b) }, color: Palette.green,
                             label: m.label("subgradientLegend", ["steps": .string(Narrative.count(path.iterations)), "arrived": .bool(arrived(fit, path))])))
        if !fit.isUnique { addOptimalSet(&f, m, fit) }
        f.marks.append(.point(Point(m.w, m.b), shape: .star, color: .ink, size: 13, label: m.label("mleMarkLegend", common: true)))
        f.accessibleTitle = m.text("contoursAccessibleTitle", ["model": .string(m.name)])
        let values: [String: MustacheValue] = [
            "minimum": .string(s(fit.scale, 4)), "w": .string(s(m.w, 4)), "b": .string(s(m.b, 4)), "distance": .string(s(distance, 2)),
            "steps": .string(Narrative.count(path.iterations)), "pivots": .string(String(fit.iterations)), "one": .bool(fit.iterations == 1),
            "unique": .bool(fit.isUnique), "optimalSet": .string(fit.isUnique ? "" : optimalSetText(m, fit)), "arrived": .bool(arrived(fit, path)),
        ]
        return ReportFigure(name: "\(m.name)-contours", figure: f, caption: m.text("contoursCaption", values), altText: m.text("contoursAlt", values))
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
        let pivots: [String: MustacheValue] = ["pivots": .string(String(fit.iterations)), "one": .bool(fit.iterations == 1)]
        page["aicNote"] = .string(m.text("aicNote"))
        page["statisticsAfter"] = [["term": .string(m.text("scaleTerm")), "value": f(fit.scale, 6)],
                                   ["term": .string(m.text("methodTerm")), "value": .string(m.text("methodValue", pivots))]]
        page.tex["scale"] = .string(NumberFormat.tex(fit.scale, 5))
        page.tex["scaleHalf"] = .string(NumberFormat.tex(fit.scale * log(20), 4))
        var values = pivots
        values["support"] = .array(fit.support.enumerated().map { k, i in
            ["row": .string(Narrative.count(i + 1)), "x": .string(s(m.x[i], 5)), "y": .string(s(m.y[i], 5)), "last": .bool(k == fit.support.count - 1)]
        })
        values["unique"] = .bool(fit.isUnique)
        values["segment"] = .bool(fit.optimalSet.count == 2)
        values["corners"] = corners(fit)
        values["sad"] = .string(s(fit.sumAbsoluteDeviations, 6))
        page["supportText"] = .string(m.text("supportText", values))
        page["uniquenessText"] = .string(m.text("uniquenessText", values))
        let sub = d.subgradient
        let distance = distanceInSE(fit, sub.end)
        page["subgradientText"] = .string(m.text("subgradientText", [
            "step": .string(s(sub.learningRate, 3)), "arrived": .bool(arrived(fit, sub)), "steps": .string(Narrative.count(sub.iterations)),
            "budgeted": .bool(d.budget < 2000), "rows": .string(Narrative.count(m.n)), "end": .string(Narrative.point(sub.end)),
            "distance": .string(s(distance, 2)),
        ]))
        let n = Double(fit.n)
        page.check(m.text("checkSummedLogL"),
                   "−Σ log Laplace(yᵢ; ŵxᵢ + b̂, ŝ)", "n·log(2ŝ) + n", -fit.summedLogDensity(x: m.x, y: m.y), n * log(2 * fit.scale) + n)
        page.check(m.text("checkMAE"), "MAE(ŵ, b̂)", "ŝ = SAD/n",
                   LaplaceModel.meanAbsoluteError(fit.line, x: m.x, y: m.y), fit.scale)
        page.check(m.text("checkCertificate"), m.text("certificateLeft"), "1", fit.certificate, 1,
                   passes: fit.certificate <= 1 + 1e-9, failure: .fails, atMost: true)
        page.check(m.text("checkSubgradient"), m.text("afterSteps", ["steps": .string(Narrative.count(sub.iterations))]), "ŵ", sub.end.w, fit.w.estimate,
                   passes: arrived(fit, sub), failure: .didNotArrive)
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
        o["optimality_certificate"] = .number(f.certificate)
        o["subgradient_descent"] = .object([
            "w": .number(d.subgradient.end.w), "b": .number(d.subgradient.end.b), "iterations": .int(d.subgradient.iterations),
            "arrived": .bool(arrived(f, d.subgradient)), "distance_in_standard_errors": .number(distanceInSE(f, d.subgradient.end)),
            "step": .string("alpha0 / sqrt(t + 1) along -g/|g|, standardised x"), "alpha0": .number(d.subgradient.learningRate),
        ])
        o["confidence_region"] = .object(["kind": .string("likelihood-ratio (profile over s)"), "confidence": .number(0.95),
                                          "sum_absolute_deviations_level": .number(f.sumAbsoluteDeviations * exp(Distributions.chiSquared2Quantile(0.95) / Double(2 * m.n)))])
    }
}
