import Foundation
import Likelihood
import Mustache
import Plot

/// Poisson counts with a log link: the Poisson deviance, Newton's method, and a rootogram
/// that shows whether the counts vary as much as the model says.
enum PoissonReport: FamilyReport {
    static let kind = ModelKind.poisson
    static let summaryName = "Poisson (log link)"
    static let jsonFamily = "poisson"
    static let derivation = Derivation(partial: "derivation-poisson", id: "poisson")
    static let modelPartial = "model-poisson"
    static let figureKinds = ["fit", "likelihood", "rootogram"]

    static func builtinData(seed: UInt64) -> Dataset { BuiltinData.counts(seed: seed) }
    static func fitted(_ m: ModelAnalysis) -> PoissonFit { m.part("poisson fit") { if case let .poisson(fit) = $0 { return fit }; return nil } }

    /// Grid columns for an exact surface (each costs a pass over the data).
    static func resolution(n: Int) -> Int { max(60, min(240, 120_000_000 / max(n, 1))) }

    static func analyse(_ request: ModelRequest, x: [Double], y: [Double], name: String, source: String) throws -> ModelAnalysis {
        let fit = try PoissonModel.fit(x: x, y: y)
        var m = ModelAnalysis(family: self, name: name, request: request, source: source, x: x, y: y, result: .poisson(fit))
        m.newton = fit.path
        let depth = Distributions.chiSquared2Quantile(0.95) / 2
        let hw = (2 * depth * fit.covariance.ww).squareRoot(), hb = (2 * depth * fit.covariance.bb).squareRoot()
        let box = ModelAnalysis.window(around: [Parameters(w: fit.w.estimate - 2 * hw, b: fit.b.estimate - 2 * hb),
                                                Parameters(w: fit.w.estimate + 2 * hw, b: fit.b.estimate + 2 * hb)], padding: 0)
        let r = min(120, resolution(n: x.count))
        let coarse = PoissonModel.relativeLogLikelihoodGrid(x: x, y: y, w: SurfaceGrid.axis(box.w.0, box.w.1, count: r),
                                                            b: SurfaceGrid.axis(box.b.0, box.b.1, count: r), fit: fit)
        m.region = FigureFactory.regionBoundary(coarse, level: -depth, around: fit.line)
        m.regionDepth = depth
        return m
    }

    static func figure(_ kind: String, _ m: ModelAnalysis, aspect: Double) -> ReportFigure {
        switch kind {
        case "fit": return fitFigure(m)
        case "likelihood": return likelihoodFigure(m)
        default: return rootogram(m)
        }
    }

    static func fitFigure(_ m: ModelAnalysis) -> ReportFigure {
        let fit = fitted(m)
        var (f, lo, hi, xs) = FigureFactory.dataFigure(m, title: m.label("fitTitle"))
        let curve = xs.map { fit.mean(at: $0) }
        if m.n > FigureFactory.densityThreshold {
            FigureFactory.addDensity(to: &f, m, x: m.x, y: m.y)
        } else {
            f.marks.append(.scatter(points: zip(m.x, m.y).map { Point($0, $1) }, color: Palette.blue.withAlpha(0.5), size: 5, shape: .circle,
                                    edge: nil, label: m.label("countsLegend", ["n": .string(String(m.n))])))
        }
        // Mean count in 8 equal-width bins of x, ± 1.96 standard errors of the bin mean (from
        // the bin's own spread, so overdispersion widens them).
        var bins: [(x: Double, mean: Double, half: Double)] = []
        let count = 8
        var n = [Double](repeating: 0, count: count), sx = n, sy = n, syy = n
        for (xi, yi) in zip(m.x, m.y) {
            let k = min(count - 1, max(0, Int((xi - lo) / (hi - lo) * Double(count))))
            n[k] += 1; sx[k] += xi; sy[k] += yi; syy[k] += yi * yi
        }
        for k in 0..<count where n[k] >= 3 {
            let mean = sy[k] / n[k]
            let variance = max(0, (syy[k] - n[k] * mean * mean) / (n[k] - 1))
            bins.append((sx[k] / n[k], mean, 1.96 * (variance / n[k]).squareRoot()))
        }
        f.marks.append(.line(points: zip(xs, curve).map { Point($0, $1) }, color: Palette.vermillion, width: 2, dash: [],
                             label: m.label("curveLegend", ["line": .string(FigureFactory.linearForm(fit.w.estimate, fit.b.estimate, markup: true))])))
        f.marks.append(.errorBars(points: bins.map { Point($0.x, $0.mean) }, lower: bins.map { $0.mean - $0.half }, upper: bins.map { $0.mean + $0.half },
                                  color: Palette.green, label: nil))
        f.marks.append(.scatter(points: bins.map { Point($0.x, $0.mean) }, color: Palette.green, size: 7, shape: .diamond, edge: .edge,
                                label: m.label("binsLegend")))
        let covered = bins.filter { abs(fit.mean(at: $0.x) - $0.mean) <= $0.half }.count
        f.accessibleTitle = m.text("fitAccessibleTitle", ["model": .string(m.name)])
        let alt = m.text("fitAlt", [
            "y": .string(m.request.y), "x": .string(m.request.x), "n": .string(String(m.n)),
            "line": .string(FigureFactory.linearForm(fit.w.estimate, fit.b.estimate, digits: 4, markup: false)),
            "rising": .bool(fit.mean(at: hi) >= fit.mean(at: lo)), "from": .string(s(fit.mean(at: lo))), "to": .string(s(fit.mean(at: hi))),
            "bins": .string(String(bins.count)), "covered": .string(String(covered)),
        ])
        return ReportFigure(name: "\(m.name)-fit", figure: f, caption: m.text("fitCaption"), altText: alt)
    }

    static func likelihoodFigure(_ m: ModelAnalysis) -> ReportFigure {
        let fit = fitted(m)
        let r = m.likelihoodRanges()
        let k = resolution(n: m.n)
        let grid = PoissonModel.relativeLogLikelihoodGrid(x: m.x, y: m.y, w: SurfaceGrid.axis(r.w.0, r.w.1, count: k),
                                                          b: SurfaceGrid.axis(r.b.0, r.b.1, count: k), fit: fit)
        return FigureFactory.likelihood(m, FigureFactory.LikelihoodSpec(
            grid: grid, intervals: ((fit.w.lower, fit.w.upper), (fit.b.lower, fit.b.upper)),
            intervalLabel: m.label("intervalLegend"), title: m.label("likelihoodTitle"),
            what: m.label("likelihoodColorbar"), regionText: m.text("regionText"),
            caption: m.text("likelihoodCaption", ["depth": .string(s(m.regionDepth, 4))]),
            correlation: fit.covariance.wb / (fit.covariance.ww * fit.covariance.bb).squareRoot()))
    }

    /// The hanging rootogram of a one-predictor fit.
    static func rootogram(_ m: ModelAnalysis) -> ReportFigure {
        let fit = fitted(m)
        return rootogram(name: m.name, y: m.y, bars: PoissonModel.rootogramBars(fit, x: m.x, y: m.y),
                         expectedZeros: m.x.reduce(0.0) { $0 + exp(-fit.mean(at: $1)) },
                         label: { m.label($0, $1) }, text: { m.text($0, $1) })
    }

    /// Tukey's hanging rootogram of any Poisson fit (one predictor or several): each bar the
    /// square root of a count's observed frequency, hung from the square root of the frequency
    /// the fit expects; the words are text-poisson.mustache's pieces (`label` gives them as
    /// figure markup, `text` as page text).
    static func rootogram(name: String, y: [Double], bars r: PoissonModel.RootogramBars, expectedZeros: Double,
                          label: (String, [String: MustacheValue]) -> String, text: (String, [String: MustacheValue]) -> String) -> ReportFigure {
        let w = Double(r.width)
        // Inner bars sit over their counts; the pooled end bars one bar's width beyond.
        func centre(_ j: Int) -> Double {
            let (first, last) = r.ranges[j]
            if j == r.ranges.count - 1 { return Double(r.hi) + 0.5 + w / 2 + (r.width == 1 ? 0.5 : 0) }
            if r.pooledBelow && j == 0 { return Double(r.lo) - 0.5 - w / 2 - (r.width == 1 ? 0.5 : 0) }
            return (Double(first) + Double(last)) / 2
        }
        var f = Figure()
        f.title = label("rootogramTitle", [:])
        f.xLabel = label("rootogramXLabel", ["wide": .bool(r.width != 1), "width": .string(String(r.width))])
        f.yLabel = label("rootogramYLabel", [:])
        let ends = Set(r.pooledBelow ? [0, r.ranges.count - 1] : [r.ranges.count - 1])
        var labelled = (inner: false, pooled: false)
        for j in r.ranges.indices {
            let e = r.expected[j].squareRoot(), o = r.observed[j].squareRoot(), c = centre(j)
            let pooled = ends.contains(j)
            var legend: String?
            if pooled && !labelled.pooled {
                legend = label("pooledLegend", ["below": .bool(r.pooledBelow), "lo": .string(String(r.lo)), "hi": .string(String(r.hi))])
                labelled.pooled = true
            } else if !pooled && !labelled.inner {
                legend = label("observedLegend", [:])
                labelled.inner = true
            }
            f.marks.append(.band(x: [c - 0.4 * w, c + 0.4 * w], lower: [e - o, e - o], upper: [e, e],
                                 color: (pooled ? Palette.orange : Palette.blue).withAlpha(0.55), label: legend))
        }
        let inner = r.ranges.indices.filter { !ends.contains($0) }
        f.marks.append(.line(points: inner.map { Point(centre($0), r.expected[$0].squareRoot()) }, color: Palette.vermillion, width: 2, dash: [],
                             label: label("expectedLegend", [:])))
        f.marks.append(.line(points: [Point(centre(0) - 0.6 * w, 0), Point(centre(r.ranges.count - 1) + 0.6 * w, 0)], color: .reference, width: 1, dash: [4, 3], label: nil))
        let zerosObserved = Double(y.filter { $0 == 0 }.count)
        f.accessibleTitle = text("rootogramAccessibleTitle", ["model": .string(name)])
        let misses = r.ranges.indices.filter { abs(r.expected[$0].squareRoot() - r.observed[$0].squareRoot()) > 1 }.count
        let below = r.pooledBelow ? Int(r.observed[0]) : 0, above = Int(r.observed[r.ranges.count - 1])
        let values: [String: MustacheValue] = [
            "wide": .bool(r.width != 1), "width": .string(String(r.width)), "lo": .string(String(r.lo)), "hi": .string(String(r.hi)),
            "below": r.pooledBelow ? ["rows": .string(Narrative.count(below))] : .bool(false), "above": .string(Narrative.count(above)),
            "zeros": .string(String(Int(zerosObserved))), "expectedZeros": .string(s(expectedZeros)),
            "misses": Prose.count(misses), "bars": .string(Narrative.count(r.ranges.count)),
        ]
        return ReportFigure(name: "\(name)-rootogram", figure: f, caption: text("rootogramCaption", values), altText: text("rootogramAlt", values))
    }

    /// What the slope means for the mean count, per a round step of x large enough to show:
    /// "each increase of 10 000 in INCOME multiplies the expected count by e^(10 000·ŵ) = 0.900".
    static func rateText(_ m: ModelAnalysis, _ w: Double, x: String) -> String {
        var values: [String: MustacheValue] = ["x": .string(x), "flat": false, "unit": false, "tiny": false, "step": false,
                                               "factor": .string(s(exp(w), 4)), "perUnit": .string(s(exp(w), 8))]
        let k = w != 0 && w.isFinite ? Int((log10(0.5 / abs(w))).rounded()) : 0
        if w == 0 || !w.isFinite {
            values["flat"] = true
        } else if k <= 0 {
            values["unit"] = true
        } else if k >= 16 {
            values["tiny"] = true
        } else {
            let step = pow(10, Double(k))
            values["step"] = .string(Narrative.count(Int(step)))
            values["factor"] = .string(s(exp(step * w), 4))
        }
        return m.text("rate", values)
    }

    static func dispersionText(_ m: ModelAnalysis, _ fit: PoissonFit) -> String {
        let phi = fit.dispersion
        return m.text("dispersion", ["phi": .string(s(phi, 3)), "phi2": .string(s(phi, 2)), "root": .string(s(phi.squareRoot(), 2)),
                                     "over": .bool(phi > 1.5), "under": .bool(phi < 0.67), "fine": .bool(phi <= 1.5 && phi >= 0.67)])
    }

    static func summary(_ m: ModelAnalysis) -> [String] {
        let f = fitted(m)
        let p = { (v: Double) in NumberFormat.plain(v, 6) }
        return ["log-likelihood \(p(f.logLikelihood))  AIC \(p(f.aic))  BIC \(p(f.bic))  deviance \(p(f.deviance)) (null \(p(f.nullDeviance)))  Pearson χ² \(p(f.pearsonChiSquared))",
                "Newton–Raphson: \(f.iterations) iterations, \(f.converged ? "converged" : "NOT converged"); dispersion \(NumberFormat.plain(f.dispersion, 4))"]
    }

    static func page(_ m: ModelAnalysis, _ page: inout ModelPage) {
        let fit = fitted(m)
        let f = PageContext.f
        page["aicNote"] = .string(m.text("aicNote"))
        page["statisticsBefore"] = [["term": .string(m.text("nullTerm")), "value": f(fit.nullLogLikelihood, 6)]]
        page["statisticsAfter"] = [["term": .string(m.text("devianceTerm")), "value": .string("\(NumberFormat.significant(fit.deviance, 6)) (\(NumberFormat.significant(fit.nullDeviance, 6)))")],
                                   ["term": .string(m.text("pearsonTerm")), "value": f(fit.pearsonChiSquared, 6)],
                                   ["term": .string(m.text("newtonTerm")),
                                    "value": .string(m.text("newtonValue", ["iterations": .string(String(fit.iterations)), "converged": .bool(fit.converged)]))]]
        page["total"] = .number(m.y.reduce(0, +))
        page["deviance"] = f(fit.deviance, 6)
        page["nullDeviance"] = f(fit.nullDeviance, 6)
        page["lrStatistic"] = f(fit.likelihoodRatioStatistic, 5)
        page["lrP"] = .string(NumberFormat.pValue(fit.likelihoodRatioPValue))
        page["lrPRelation"] = .string(NumberFormat.pRelation(fit.likelihoodRatioPValue))
        page["dispersionText"] = .string(dispersionText(m, fit))
        page.tex["meanDeviance"] = .string(NumberFormat.tex(fit.deviance / Double(fit.n), 6))
        page["rate"] = .string(rateText(m, fit.w.estimate, x: m.request.x))
        page.check(m.text("checkSummedLogL"), "Σ log Pois(yᵢ; μ̂ᵢ)", "log L",
                   fit.summedLogDensity(x: m.x, y: m.y), fit.logLikelihood)
        var fittedTotal = 0.0, score = 0.0, scale = 0.0, saturated = 0.0
        for (xi, yi) in zip(m.x, m.y) {
            let mu = fit.mean(at: xi)
            fittedTotal += mu
            score += (yi - mu) * xi
            scale += abs(yi * xi)
            saturated += yi > 0 ? yi * log(yi) - yi - lgamma(yi + 1) : 0
        }
        let total = m.y.reduce(0, +)
        page.check(m.text("checkTotal"), "Σ μ̂ᵢ", "Σ yᵢ", fittedTotal, total)
        page.check(m.text("checkScore"), "|Σ (yᵢ − μ̂ᵢ) xᵢ| / Σ |yᵢ xᵢ|", "0",
                   abs(score) / max(scale, 1e-300), 0, passes: abs(score) <= 1e-8 * max(scale, 1e-300))
        page.check(m.text("checkDeviance"), "2 (log L_sat − log L̂)", "D",
                   2 * (saturated - fit.logLikelihood), fit.deviance)
    }

    static func json(_ m: ModelAnalysis, _ o: inout [String: JSON]) {
        let f = fitted(m)
        o["method"] = .string("Newton-Raphson (= IRLS for the canonical log link) with step-halving")
        o["null_log_likelihood"] = .number(f.nullLogLikelihood)
        o["deviance"] = .number(f.deviance)
        o["null_deviance"] = .number(f.nullDeviance)
        o["pearson_chi2"] = .number(f.pearsonChiSquared)
        o["dispersion"] = .number(f.dispersion)
        o["mean_deviance"] = .number(f.deviance / Double(f.n))
        o["likelihood_ratio_test"] = .object(["statistic": .number(f.likelihoodRatioStatistic), "p_value": .number(f.likelihoodRatioPValue)])
        o["confidence_region"] = .object(["kind": .string("likelihood-ratio"), "confidence": .number(0.95)])
    }

    static func warnings(_ m: ModelAnalysis) -> [String] {
        let f = fitted(m)
        return f.converged ? [] : [m.text("newtonWarning", ["model": .string(m.name), "iterations": .string(String(f.iterations))])]
    }
}
