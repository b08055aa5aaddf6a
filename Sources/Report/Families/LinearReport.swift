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
    static let derivation = Derivation(partial: "derivation-gaussian", id: "gaussian", title: "Gaussian noise gives least squares")
    static let modelPartial = "model-linear"
    static let figureKinds = ["fit", "likelihood", "contours", "standardised", "qq", "residuals"]
    static let isLocationFamily = true
    static let statisticName = "t"
    static let lossName = "mean squared error"

    struct Details {
        var region: LinearConfidenceRegion
        var diagnostics: ResidualDiagnostics
        var qq: ResidualDiagnostics.QQ
    }

    static func builtinData(seed: UInt64) -> Dataset { BuiltinData.linear(seed: seed) }

    static func fitted(_ m: ModelAnalysis) -> LinearFit { m.fit as! LinearFit }
    static func details(_ m: ModelAnalysis) -> Details { m.details as! Details }

    static func analyse(_ request: ModelRequest, x: [Double], y: [Double], name: String, source: String) throws -> ModelAnalysis {
        let fit = try LinearGaussianModel.fit(x: x, y: y)
        var m = ModelAnalysis(family: self, name: name, request: request, source: source, x: x, y: y, fit: fit)
        m.descent = Descent(raw: GradientDescent.linear(fit.statistics, standardised: false),
                            standardised: GradientDescent.linear(fit.statistics, standardised: true),
                            hessian: GradientDescent.linearHessian(fit.statistics),
                            standardisation: Standardisation(fit.statistics),
                            mle: Parameters(w: fit.w.estimate, b: fit.b.estimate),
                            standardErrors: (fit.w.standardError, fit.b.standardError))
        let region = LinearConfidenceRegion(fit)
        m.region = region.boundary()
        m.regionDepth = fit.logLikelihood - region.profileLevel
        m.details = Details(region: region, diagnostics: ResidualDiagnostics(fit: fit, x: x, y: y),
                            qq: ResidualDiagnostics.qq(fit: fit, x: x, y: y))
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
                                          lossName: lossName, title: "MSE contours: gradient descent on the raw scale")
        case "standardised":
            return FigureFactory.standardised(m, aspect: aspect, grid: m.lossGrid(standardised: true, aspect: aspect, resolution: 320, loss: loss(m)),
                                              minimum: fit.sigma2MLE, lossName: lossName, title: "The same MSE after standardising x")
        case "qq": return qqFigure(m)
        default: return residualFigure(m)
        }
    }

    static func fitFigure(_ m: ModelAnalysis) -> ReportFigure {
        let fit = fitted(m)
        var (f, _, _, xs) = FigureFactory.dataFigure(m, title: "Least-squares line = Gaussian MLE")
        let dense = m.n > FigureFactory.densityThreshold
        let sigma = fit.sigma2MLE.squareRoot()
        let (shownCount, inside) = FigureFactory.addLineFit(to: &f, m, xs: xs, half: 2 * sigma, bandLabel: "±2σ̂: the noise alone")
        f.accessibleTitle = "\(m.name): data and the maximum-likelihood line"
        let alt = (dense ? "Density of \(m.n) points of \(m.request.y) against \(m.request.x), shown as counts per cell, " : "Scatter plot of \(m.request.y) against \(m.request.x) for \(m.n) points, ")
            + "with the maximum-likelihood line "
            + "y = \(FigureFactory.linearForm(fit.w.estimate, fit.b.estimate, digits: 4, markup: false)), grey residual segments from \(dense ? "\(shownCount) randomly chosen points" : "each point") "
            + "to the line, and a shaded band of ±2σ̂ = ±\(s(2 * sigma)) around it that holds \(Narrative.of(inside, m.n, "points"))."
        // Rows sharing a point (rounded data) are one marker each, sized by their number.
        let distinct = dense ? m.n : FigureFactory.ties(zip(m.x, m.y).map { Point($0, $1) }).count
        let tiesText = distinct < m.n
            ? " Many rows share a point (\(Narrative.count(m.n)) rows at \(Narrative.count(distinct)) distinct points): a marker grows with the rows it stands for (1, 2–3, 4–9, 10–29, 30 or more)."
            : ""
        let residuals = dense
            ? "Grey segments are the residuals, whose squares the fit minimises, of \(shownCount) points drawn at random (seed \(FigureFactory.sampleSeed)) from the \(Narrative.count(m.n)); the colours count the points in each cell"
            : "Grey segments are the residuals whose squares the fit minimises"
        return ReportFigure(name: "\(m.name)-fit", figure: f,
                            caption: "The data with the fitted line. \(residuals); the band is ±2σ̂ with σ̂² = RSS/n = \(s(fit.sigma2MLE, 4))." + tiesText,
                            altText: alt)
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
        let caption = "The profile log-likelihood of every line (w, b), with σ² set to its best value RSS(w, b)/n for that line, "
            + "relative to its maximum. The white ellipse is the exact 95 % joint confidence region for (w, b): the lines whose "
            + "residual sum of squares is at most 1 + 2F/(n − 2) = \(s(1 + 2 * region.fQuantile / Double(m.n - 2), 4)) times the least one, "
            + "F = F(0.95; 2, \(m.n - 2)) = \(s(region.fQuantile, 4)). It reaches √(2F) = \(s((2 * region.fQuantile).squareRoot(), 3)) standard errors along each axis, "
            + "beyond the dashed 95 % t intervals of the table (t = \(s(c.w.statistic == 0 ? 0 : (c.w.upper - m.w) / c.w.standardError, 3)) standard errors), because it covers both parameters at once."
        return FigureFactory.likelihood(m, FigureFactory.LikelihoodSpec(
            grid: grid, intervals: ((c.w.lower, c.w.upper), (c.b.lower, c.b.upper)),
            intervalLabel: "95 % <i>t</i> intervals (table)",
            title: "Gaussian profile log-likelihood (σ² maximised out)",
            what: "log <i>L</i>ₚ(<i>w</i>, <i>b</i>) − log <i>L̂</i>ₚ",
            regionText: "the exact 95 % joint confidence region (F with 2 and \(m.n - 2) degrees of freedom, σ² unknown)",
            caption: caption,
            correlation: -st.meanX / (st.sxx / Double(st.n) + st.meanX * st.meanX).squareRoot()))
    }

    // MARK: Checks of the Gaussian assumption

    static func qqFigure(_ m: ModelAnalysis) -> ReportFigure {
        let qq = details(m).qq
        var f = Figure()
        f.title = "Normal Q–Q plot of the studentised residuals"
        f.xLabel = "standard normal quantile"
        f.yLabel = "studentised residual"
        f.marks.append(.band(x: qq.theoretical, lower: qq.lower, upper: qq.upper, color: Palette.blue.withAlpha(0.16),
                             label: qq.simulated ? "95 % envelope (\(qq.simulations) simulations)" : "95 % envelope (large-sample)"))
        let lo = qq.theoretical.first ?? -2, hi = qq.theoretical.last ?? 2
        f.marks.append(.line(points: [Point(lo, lo), Point(hi, hi)], color: .reference, width: 1, dash: [4, 3], label: "y = x (normal residuals)"))
        let outside = zip(qq.theoretical, zip(qq.observed, zip(qq.lower, qq.upper))).filter { $1.0 < $1.1.0 || $1.0 > $1.1.1 }
        let inside = zip(qq.theoretical, zip(qq.observed, zip(qq.lower, qq.upper))).filter { !($1.0 < $1.1.0 || $1.0 > $1.1.1) }
        f.marks.append(.scatter(points: inside.map { Point($0.0, $0.1.0) }, color: Palette.blue, size: 5, shape: .circle, edge: .edge,
                                label: m.n > ResidualDiagnostics.maxPoints ? "\(qq.observed.count) evenly spaced order statistics" : "residuals"))
        if !outside.isEmpty {
            f.marks.append(.scatter(points: outside.map { Point($0.0, $0.1.0) }, color: Palette.vermillion, size: 6, shape: .diamond, edge: .edge,
                                    label: "outside the envelope (\(outside.count))"))
        }
        let d = details(m).diagnostics
        f.accessibleTitle = "\(m.name): normal Q–Q plot of the residuals"
        let alt = "Sorted studentised residuals of the least-squares fit against standard normal quantiles, with a shaded 95 % envelope and the line y = x. "
            + "\(Narrative.of(qq.outside, qq.observed.count, "points plotted", capital: true)) \(Narrative.verb(qq.outside, "lies", "lie")) outside the envelope; the residuals have skewness \(s(d.skewness)) and excess kurtosis \(s(d.excessKurtosis))."
        let envelope = qq.simulated
            ? "The band is a pointwise 95 % envelope from \(qq.simulations) seeded simulations of Gaussian noise fitted the same way (Atkinson 1985)"
            : "With \(Narrative.count(m.n)) residuals, \(qq.observed.count) evenly spaced order statistics are drawn and the band is the large-sample pointwise 95 % band of a normal quantile, q ± 1.96·√(p(1 − p)/n)/φ(q)"
        return ReportFigure(name: "\(m.name)-qq", figure: f,
                            caption: "If the noise is Gaussian the studentised residuals rᵢ/(s√(1 − hᵢᵢ)) lie along y = x. \(envelope). "
                                + "Points bending away at both ends mean heavier tails than Gaussian (an outlier-prone noise, where MSE is fragile); an S the other way, lighter tails; a curve, skewness.",
                            altText: alt)
    }

    static func residualFigure(_ m: ModelAnalysis) -> ReportFigure {
        let fit = fitted(m)
        var f = Figure()
        f.title = "Residuals against fitted values"
        f.xLabel = "fitted value ŷ"
        f.yLabel = "residual <i>y</i> − ŷ"
        let sigma = fit.sigma2MLE.squareRoot()
        // One pass: fitted values, residuals, their range and the count outside ±2σ̂.
        let n = m.n, w = fit.w.estimate, b = fit.b.estimate
        var lo = Double.infinity, hi = -Double.infinity, outside = 0
        var residuals = [Double]()
        let fittedValues = [Double](unsafeUninitializedCapacity: n) { fv, count in
            residuals = [Double](unsafeUninitializedCapacity: n) { r, rCount in
                m.x.withUnsafeBufferPointer { x in
                    m.y.withUnsafeBufferPointer { y in
                        for i in 0..<n {
                            let v = w * x[i] + b, e = y[i] - v
                            fv[i] = v
                            r[i] = e
                            lo = min(lo, v)
                            hi = max(hi, v)
                            if abs(e) > 2 * sigma { outside += 1 }
                        }
                    }
                }
                rCount = n
            }
            count = n
        }
        f.marks.append(.band(x: [lo, hi], lower: [-2 * sigma, -2 * sigma], upper: [2 * sigma, 2 * sigma],
                             color: Palette.vermillion.withAlpha(0.10), label: "±2σ̂"))
        f.marks.append(.line(points: [Point(lo, 0), Point(hi, 0)], color: .reference, width: 1, dash: [4, 3], label: nil))
        if m.n > FigureFactory.densityThreshold {
            FigureFactory.addDensity(to: &f, x: fittedValues, y: residuals)
        } else {
            f.marks.append(.scatter(points: zip(fittedValues, residuals).map { Point($0, $1) }, color: Palette.blue, size: 5,
                                    shape: .circle, edge: .edge, label: "residuals"))
        }
        let d = details(m).diagnostics
        f.accessibleTitle = "\(m.name): residuals against fitted values"
        let alt = "Residuals of the least-squares fit against the fitted values from \(s(lo)) to \(s(hi)), with a band of ±2σ̂ = ±\(s(2 * sigma)); "
            + "\(Narrative.of(outside, m.n, "residuals", capital: true)) \(Narrative.verb(outside, "lies", "lie")) outside it. The Breusch–Pagan test of constant variance gives p \(NumberFormat.pRelation(d.breuschPaganP))."
        return ReportFigure(name: "\(m.name)-residuals", figure: f,
                            caption: "Gaussian noise of one variance leaves a level band of residuals around 0. A funnel means the spread grows with the mean (the Breusch–Pagan test of this section measures that); a curve means the line misses the shape of the data.",
                            altText: alt)
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
        page["aicNote"] = "AIC = 2k − 2 log L with k = 3 parameters (w, b and σ²), as R's AIC(lm(…)) counts them"
        page["statisticsAfter"] = [["term": "$R^2$", "value": .string(NumberFormat.fixed(fit.rSquared, 4))],
                                   ["term": "method", "value": .string("closed form, $t$ with \(fit.degreesOfFreedom) df")]]
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
        page["rawDescentText"] = .string(Narrative.rawDescent(m, lossName: lossName))
        page["standardisedDescentText"] = .string(Narrative.standardisedDescent(m,
            effect: "makes the Hessian 2·I (condition number 1): a round bowl, where the steepest direction points straight at the minimum and one step of η = 1/2 lands on it. "))
        let d = details(m).diagnostics
        page["diagnostics"] = [
            "skewness": .string(NumberFormat.significant(d.skewness, 3)), "kurtosis": .string(NumberFormat.significant(d.excessKurtosis, 3)),
            "jb": f(d.jarqueBera, 4), "jbP": .string(NumberFormat.pValue(d.jarqueBeraP)),
            "bp": f(d.breuschPagan, 4), "bpP": .string(NumberFormat.pValue(d.breuschPaganP)),
            // Ties are counted exactly up to 200,000 rows (a set of the responses).
            "text": .string(Narrative.gaussianDiagnostics(d, qq: details(m).qq, n: m.n, distinctY: m.n <= 200_000 ? Set(m.y).count : nil)),
        ]
        // −log L by summing the Gaussian densities point by point.
        let n = Double(fit.n)
        page.check("−log L(ŵ, b̂) summed over the data, and the closed form n/2·log(2πσ̂²) + n/2",
                   "−Σ log N(yᵢ; ŵxᵢ + b̂, σ̂²)", "n/2·log(2πσ̂²) + n/2", -fit.summedLogDensity(x: m.x, y: m.y),
                   n / 2 * log(2 * Double.pi * fit.sigma2MLE) + n / 2)
        page.check("the mean squared error at the MLE is σ̂²", "MSE(ŵ, b̂)", "σ̂² = RSS/n",
                   LinearGaussianModel.meanSquaredError(w: fit.w.estimate, b: fit.b.estimate, statistics: fit.statistics), fit.sigma2MLE)
        PageContext.descentChecks(m, &page, reference: "closed-form")
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
