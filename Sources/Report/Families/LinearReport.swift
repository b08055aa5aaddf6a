import Foundation
import Likelihood
import Mustache
import Plot

/// Gaussian noise: least squares, with its exact F region, both gradient descents and the
/// checks of the Gaussian assumption (Q–Q plot, residuals against fitted values, tests).
enum LinearReport: FamilyReport {
    static let kind = ModelKind.linear
    static let summaryName = "Gaussian (least squares)"
    static let jsonFamily = "gaussian"
    static let derivation = Derivation(partial: "derivation-gaussian", id: "gaussian")
    static let modelPartial = "model-linear"
    static let figureKinds = ["fit", "likelihood", "contours", "standardised", "qq", "residuals"]
    static let isLocationFamily = true
    static let statisticName = "t"

    struct Details {
        var region: LinearConfidenceRegion
        var diagnostics: ResidualDiagnostics
        var qq: ResidualDiagnostics.QQ
    }

    static func builtinData(seed: UInt64) -> Dataset { BuiltinData.linear(seed: seed) }

    static func fitted(_ m: ModelAnalysis) -> LinearFit { m.part("linear fit") { if case let .linear(fit, _) = $0 { return fit }; return nil } }
    static func details(_ m: ModelAnalysis) -> Details { m.part("linear details") { if case let .linear(_, details) = $0 { return details }; return nil } }

    static func analyse(_ request: ModelRequest, x: [Double], y: [Double], name: String, source: String) throws -> ModelAnalysis {
        let fit = try LinearGaussianModel.fit(x: x, y: y)
        var m = ModelAnalysis(family: self, name: name, request: request, source: source, x: x, y: y, result: .linear(fit, nil))
        m.descent = Descent(raw: GradientDescent.linear(fit.statistics, standardised: false),
                            standardised: GradientDescent.linear(fit.statistics, standardised: true),
                            hessian: GradientDescent.linearHessian(fit.statistics),
                            standardisation: Standardisation(fit.statistics),
                            mle: Parameters(w: fit.w.estimate, b: fit.b.estimate),
                            standardErrors: (fit.w.standardError, fit.b.standardError))
        let region = LinearConfidenceRegion(fit)
        m.region = region.boundary()
        m.regionDepth = fit.logLikelihood - region.profileLevel
        m.result = .linear(fit, Details(region: region, diagnostics: ResidualDiagnostics(fit: fit, x: x, y: y),
                            qq: ResidualDiagnostics.qq(fit: fit, x: x, y: y)))
        return m
    }

    static func loss(_ m: ModelAnalysis) -> (Parameters) -> Double {
        let s = fitted(m).statistics
        return { LinearGaussianModel.meanSquaredError(w: $0.w, b: $0.b, statistics: s) }
    }

    static func figure(_ kind: String, _ m: ModelAnalysis, aspect: Double) -> ReportFigure {
        let fit = fitted(m)
        switch kind {
        case "fit": return fitFigure(m)
        case "likelihood": return likelihoodFigure(m)
        case "contours":
            return FigureFactory.contours(m, grid: m.lossGrid(standardised: false, resolution: 320, loss: loss(m)), minimum: fit.sigma2MLE,
                                          title: m.label("contoursTitle"))
        case "standardised":
            return FigureFactory.standardised(m, aspect: aspect, grid: m.lossGrid(standardised: true, aspect: aspect, resolution: 320, loss: loss(m)),
                                              minimum: fit.sigma2MLE, title: m.label("standardisedTitle"))
        case "qq": return qqFigure(m)
        default: return residualFigure(m)
        }
    }

    static func fitFigure(_ m: ModelAnalysis) -> ReportFigure {
        let fit = fitted(m)
        var (f, _, _, xs) = FigureFactory.dataFigure(m, title: m.label("fitTitle"))
        let dense = m.n > FigureFactory.densityThreshold
        let sigma = fit.sigma2MLE.squareRoot()
        let (shownCount, inside) = FigureFactory.addLineFit(to: &f, m, xs: xs, half: 2 * sigma, bandLabel: m.label("bandLegend"))
        f.accessibleTitle = m.text("fitAccessibleTitle", ["model": .string(m.name)])
        // Rows sharing a point (rounded data) are one marker each, sized by their number.
        let distinct = dense ? m.n : FigureFactory.ties(zip(m.x, m.y).map { Point($0, $1) }).count
        let values: [String: MustacheValue] = [
            "dense": .bool(dense), "n": .string(String(m.n)), "rows": .string(Narrative.count(m.n)), "x": .string(m.request.x), "y": .string(m.request.y),
            "line": .string(FigureFactory.linearForm(fit.w.estimate, fit.b.estimate, digits: 4, markup: false)),
            "shown": .string(String(shownCount)), "twoSigma": .string(s(2 * sigma)), "inside": Prose.count(inside),
            "seed": .string(String(FigureFactory.sampleSeed)), "sigma2": .string(s(fit.sigma2MLE, 4)),
            "ties": .bool(distinct < m.n), "distinct": .string(Narrative.count(distinct)),
        ]
        return ReportFigure(name: "\(m.name)-fit", figure: f, caption: m.text("fitCaption", values), altText: m.text("fitAlt", values))
    }

    static func likelihoodFigure(_ m: ModelAnalysis) -> ReportFigure {
        let fit = fitted(m)
        let region = details(m).region
        let top = fit.logLikelihood
        let grid = ModelAnalysis.grid(m.likelihoodRanges(), resolution: 320) {
            LinearGaussianModel.profileLogLikelihood(w: $0, b: $1, statistics: fit.statistics) - top
        }
        let c = m.coefficients
        let st = fit.statistics
        let caption = m.text("likelihoodCaption", [
            "rssFactor": .string(s(1 + 2 * region.fQuantile / Double(m.n - 2), 4)), "df": .string(String(m.n - 2)),
            "f": .string(s(region.fQuantile, 4)), "reach": .string(s((2 * region.fQuantile).squareRoot(), 3)),
            "t": .string(s(c.w.statistic == 0 ? 0 : (c.w.upper - m.w) / c.w.standardError, 3)),
        ])
        return FigureFactory.likelihood(m, FigureFactory.LikelihoodSpec(
            grid: grid, intervals: ((c.w.lower, c.w.upper), (c.b.lower, c.b.upper)),
            intervalLabel: m.label("intervalLegend"),
            title: m.label("likelihoodTitle"),
            what: m.label("likelihoodColorbar"),
            regionText: m.text("regionText", ["df": .string(String(m.n - 2))]),
            caption: caption,
            correlation: -st.meanX / (st.sxx / Double(st.n) + st.meanX * st.meanX).squareRoot()))
    }

    // MARK: Checks of the Gaussian assumption

    static func qqFigure(_ m: ModelAnalysis) -> ReportFigure {
        let d = details(m).diagnostics
        return qqFigure(name: m.name, qq: details(m).qq, skewness: d.skewness, kurtosis: d.excessKurtosis, rows: m.n,
                        label: { m.label($0, $1) }, text: { m.text($0, $1) })
    }

    /// The normal Q–Q plot of a least-squares fit's studentised residuals (one predictor or
    /// several), with words from `label` and `text` (the linear family's pieces).
    static func qqFigure(name: String, qq: ResidualDiagnostics.QQ, skewness: Double, kurtosis: Double, rows: Int,
                         label: (String, [String: MustacheValue]) -> String, text: (String, [String: MustacheValue]) -> String) -> ReportFigure {
        var f = Figure()
        f.title = label("qqTitle", [:])
        f.xLabel = label("qqXLabel", [:])
        f.yLabel = label("qqYLabel", [:])
        f.marks.append(.band(x: qq.theoretical, lower: qq.lower, upper: qq.upper, color: Palette.blue.withAlpha(0.16),
                             label: label("envelopeLegend", ["simulated": .bool(qq.simulated), "simulations": .string(String(qq.simulations))])))
        let lo = qq.theoretical.first ?? -2, hi = qq.theoretical.last ?? 2
        f.marks.append(.line(points: [Point(lo, lo), Point(hi, hi)], color: .reference, width: 1, dash: [4, 3], label: label("diagonalLegend", [:])))
        let outside = zip(qq.theoretical, zip(qq.observed, zip(qq.lower, qq.upper))).filter { $1.0 < $1.1.0 || $1.0 > $1.1.1 }
        let inside = zip(qq.theoretical, zip(qq.observed, zip(qq.lower, qq.upper))).filter { !($1.0 < $1.1.0 || $1.0 > $1.1.1) }
        f.marks.append(.scatter(points: inside.map { Point($0.0, $0.1.0) }, color: Palette.blue, size: 5, shape: .circle, edge: .edge,
                                label: label("qqPointsLegend", ["thinned": .bool(rows > ResidualDiagnostics.maxPoints), "plotted": .string(String(qq.observed.count))])))
        if !outside.isEmpty {
            f.marks.append(.scatter(points: outside.map { Point($0.0, $0.1.0) }, color: Palette.vermillion, size: 6, shape: .diamond, edge: .edge,
                                    label: label("outsideLegend", ["outside": .string(String(outside.count))])))
        }
        f.accessibleTitle = text("qqAccessibleTitle", ["model": .string(name)])
        let values: [String: MustacheValue] = [
            "outside": Prose.count(qq.outside), "plotted": .string(Narrative.count(qq.observed.count)), "rows": .string(Narrative.count(rows)),
            "skewness": .string(s(skewness)), "kurtosis": .string(s(kurtosis)),
            "simulated": .bool(qq.simulated), "simulations": .string(String(qq.simulations)),
        ]
        return ReportFigure(name: "\(name)-qq", figure: f, caption: text("qqCaption", values), altText: text("qqAlt", values))
    }

    static func residualFigure(_ m: ModelAnalysis) -> ReportFigure {
        let fit = fitted(m)
        let w = fit.w.estimate, b = fit.b.estimate
        return m.x.withUnsafeBufferPointer { x in
            m.y.withUnsafeBufferPointer { y in
                residualFigure(name: m.name, rows: m.n, fitted: { w * x[$0] + b }, response: { y[$0] }, sigma: fit.sigma2MLE.squareRoot(),
                               breuschPaganP: details(m).diagnostics.breuschPaganP, label: { m.label($0, $1) }, text: { m.text($0, $1) },
                               densityLabel: m.label("densityLegend", common: true),
                               tiedLabel: { m.label("tiedDataLegend", ["data": .string($0), "distinct": .string($1)], common: true) })
            }
        }
    }

    /// Residuals against fitted values with the ±2σ̂ band, for a least-squares fit with one
    /// predictor or several: row i's fitted value and response come from the closures, so no
    /// array of residuals is kept beyond what the picture draws (at most the sample points,
    /// or a density grid above `FigureFactory.densityThreshold` rows). Inlined into its callers
    /// with their closures (three passes over every row at large n).
    @inline(__always)
    static func residualFigure(name: String, rows n: Int, fitted: (Int) -> Double, response: (Int) -> Double, sigma: Double,
                               breuschPaganP: Double, label: (String, [String: MustacheValue]) -> String,
                               text: (String, [String: MustacheValue]) -> String, densityLabel: String,
                               tiedLabel: (_ label: String, _ distinct: String) -> String) -> ReportFigure {
        var f = Figure()
        f.title = label("residualsTitle", [:])
        f.xLabel = label("residualsXLabel", [:])
        f.yLabel = label("residualsYLabel", [:])
        // One pass: the fitted values' range and the count outside ±2σ̂.
        var lo = Double.infinity, hi = -Double.infinity, outside = 0
        for i in 0..<n {
            let v = fitted(i)
            lo = min(lo, v)
            hi = max(hi, v)
            if abs(response(i) - v) > 2 * sigma { outside += 1 }
        }
        f.marks.append(.band(x: [lo, hi], lower: [-2 * sigma, -2 * sigma], upper: [2 * sigma, 2 * sigma],
                             color: Palette.vermillion.withAlpha(0.10), label: label("residualBandLegend", [:])))
        f.marks.append(.line(points: [Point(lo, 0), Point(hi, 0)], color: .reference, width: 1, dash: [4, 3], label: nil))
        if n > FigureFactory.densityThreshold {
            FigureFactory.addDensity(to: &f, count: n, x: fitted, y: { response($0) - fitted($0) }, label: densityLabel)
        } else {
            // Rounded data put many rows on one point: sized by how many, as the data figure does.
            FigureFactory.addTiedScatter(to: &f, (0..<n).map { Point(fitted($0), response($0) - fitted($0)) }, label: label("residualPointsLegend", [:]),
                                         plainSize: 5, tiedLabel: tiedLabel)
        }
        f.accessibleTitle = text("residualsAccessibleTitle", ["model": .string(name)])
        let alt = text("residualsAlt", ["from": .string(s(lo)), "to": .string(s(hi)), "twoSigma": .string(s(2 * sigma)),
                                        "outside": Prose.count(outside), "rows": .string(Narrative.count(n)),
                                        "bpP": .string(NumberFormat.pRelation(breuschPaganP))])
        return ReportFigure(name: "\(name)-residuals", figure: f, caption: text("residualsCaption", [:]), altText: alt)
    }

    // MARK: Page, summary, report.json

    static func summary(_ m: ModelAnalysis) -> [String] {
        let f = fitted(m)
        let p = { (v: Double) in NumberFormat.plain(v, 6) }
        let d = details(m).diagnostics
        return ["log-likelihood \(p(f.logLikelihood))  AIC \(p(f.aic))  BIC \(p(f.bic))  R² \(NumberFormat.plain(f.rSquared, 6))",
                "σ̂² (MLE, RSS/n) \(p(f.sigma2MLE))  s² (RSS/(n−2)) \(p(f.sigma2Unbiased))  closed form, converged",
                "residuals: skewness \(NumberFormat.plain(d.skewness, 4))  excess kurtosis \(NumberFormat.plain(d.excessKurtosis, 4))  Jarque–Bera p \(NumberFormat.pValue(d.jarqueBeraP))  Breusch–Pagan p \(NumberFormat.pValue(d.breuschPaganP))"]
    }

    static func page(_ m: ModelAnalysis, _ page: inout ModelPage) {
        let fit = fitted(m)
        let f = PageContext.f
        page["aicNote"] = .string(m.text("aicNote"))
        page["statisticsAfter"] = [["term": "$R^2$", "value": .string(NumberFormat.fixed(fit.rSquared, 4))],
                                   ["term": .string(m.text("methodTerm")), "value": .string(m.text("methodValue", ["df": .string(String(fit.degreesOfFreedom))]))]]
        page["sigma2"] = f(fit.sigma2MLE, 5)
        page["s2"] = f(fit.sigma2Unbiased, 5)
        page.tex["sigma2"] = .string(NumberFormat.tex(fit.sigma2MLE, 5))
        page.tex["s2"] = .string(NumberFormat.tex(fit.sigma2Unbiased, 5))
        page["rss"] = f(fit.rss, 6)
        page["rSquared"] = .string(NumberFormat.fixed(fit.rSquared, 4))
        page["df"] = .number(Double(fit.degreesOfFreedom))
        page["tQuantile"] = f(fit.tQuantile, 5)
        let region = details(m).region
        page["fQuantile"] = f(region.fQuantile, 5)
        page["regionReach"] = f((2 * region.fQuantile).squareRoot(), 4)
        page.tex["fQuantile"] = .string(NumberFormat.tex(region.fQuantile, 5))
        page.tex["rssFactor"] = .string(NumberFormat.tex(1 + 2 * region.fQuantile / Double(fit.degreesOfFreedom), 5))
        page["rawDescentText"] = .string(Narrative.rawDescent(m))
        page["standardisedDescentText"] = .string(Narrative.standardisedDescent(m, effect: m.text("standardisedEffect")))
        let d = details(m).diagnostics
        page["diagnostics"] = [
            "skewness": .string(NumberFormat.significant(d.skewness, 3)), "kurtosis": .string(NumberFormat.significant(d.excessKurtosis, 3)),
            "jb": f(d.jarqueBera, 4), "jbP": .string(NumberFormat.pValue(d.jarqueBeraP)),
            "bp": f(d.breuschPagan, 4), "bpP": .string(NumberFormat.pValue(d.breuschPaganP)),
            // Ties are counted exactly up to 200,000 rows (a set of the responses).
            "text": .string(diagnosticsText(m, d, qq: details(m).qq, distinctY: m.n <= 200_000 ? Set(m.y).count : nil)),
        ]
        // −log L by summing the Gaussian densities point by point.
        let n = Double(fit.n)
        page.check(m.text("checkSummedLogL"),
                   "−Σ log N(yᵢ; ŵxᵢ + b̂, σ̂²)", "n/2·log(2πσ̂²) + n/2", -fit.summedLogDensity(x: m.x, y: m.y),
                   n / 2 * log(2 * Double.pi * fit.sigma2MLE) + n / 2)
        page.check(m.text("checkMSE"), "MSE(ŵ, b̂)", "σ̂² = RSS/n",
                   LinearGaussianModel.meanSquaredError(w: fit.w.estimate, b: fit.b.estimate, x: m.x, y: m.y), fit.sigma2MLE)
        PageContext.descentChecks(m, &page, reference: "closedFormReference")
    }

    /// What the residual checks say about the Gaussian assumption, from the numbers.
    /// - Parameter distinctY: how many different responses the rows hold (nil: not counted);
    ///   few of them (rounded heights, counts) make tied residuals that step outside an
    ///   envelope drawn for continuous noise, and the text says so.
    static func diagnosticsText(_ m: ModelAnalysis, _ d: ResidualDiagnostics, qq: ResidualDiagnostics.QQ, distinctY: Int?) -> String {
        let expected = max(1, Int((0.05 * Double(qq.observed.count)).rounded()))
        let rounded = distinctY.map { 2 * $0 <= m.n && qq.outside > 2 * expected } ?? false
        return m.text("diagnostics", [
            "skewed": .bool(abs(d.skewness) > 0.5), "skewness": .string(s(d.skewness)),
            "heavy": .bool(d.excessKurtosis > 1), "light": .bool(d.excessKurtosis < -0.5),
            "normalTails": .bool(d.excessKurtosis <= 1 && d.excessKurtosis >= -0.5), "kurtosis": .string(s(d.excessKurtosis)),
            "jbRejects": .bool(d.jarqueBeraP < 0.05), "jb": .string(s(d.jarqueBera, 4)), "jbP": .string(NumberFormat.pRelation(d.jarqueBeraP)),
            "bpRejects": .bool(d.breuschPaganP < 0.05), "bp": .string(s(d.breuschPagan, 4)), "bpP": .string(NumberFormat.pRelation(d.breuschPaganP)),
            "outside": Prose.count(qq.outside), "plotted": .string(Narrative.count(qq.observed.count)), "expected": .string(String(expected)),
            "rounded": .bool(rounded), "distinct": .string(Narrative.count(distinctY ?? 0)), "rows": .string(Narrative.count(m.n)),
            "few": .bool(m.n < 30), "n": .string(String(m.n)),
        ])
    }

    static func json(_ m: ModelAnalysis, _ o: inout [String: JSON]) {
        let f = fitted(m)
        o["method"] = .string("closed-form least squares (centred sums)")
        o["sigma2_mle"] = .number(f.sigma2MLE)
        o["sigma2_unbiased"] = .number(f.sigma2Unbiased)
        o["r_squared"] = .number(f.rSquared)
        o["mse"] = .number(f.sigma2MLE)
        o["gradient_descent"] = ReportJSON.gradientDescent(m)
        let r = details(m).region
        o["confidence_region"] = .object([
            "kind": .string("F"), "confidence": .number(r.confidence), "f_quantile": .number(r.fQuantile),
            "half_width_w": .number(r.halfWidthW), "half_width_b": .number(r.halfWidthB),
        ])
        let d = details(m).diagnostics
        o["residual_diagnostics"] = .object([
            "skewness": .number(d.skewness), "excess_kurtosis": .number(d.excessKurtosis),
            "jarque_bera": .object(["statistic": .number(d.jarqueBera), "p_value": .number(d.jarqueBeraP)]),
            "breusch_pagan": .object(["statistic": .number(d.breuschPagan), "p_value": .number(d.breuschPaganP), "form": .string("Koenker (studentised)")]),
            "qq_points_outside_envelope": .int(details(m).qq.outside),
        ])
    }

    static func warnings(_ m: ModelAnalysis) -> [String] { PageContext.descentWarnings(m) }
}
