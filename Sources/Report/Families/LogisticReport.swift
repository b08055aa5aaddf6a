import Dispatch
import Foundation
import Likelihood
import Mustache
import Plot

/// Bernoulli labels: cross-entropy, Newton's method, likelihood-ratio inference, both
/// gradient descents and binned surfaces at large n.
enum LogisticReport: FamilyReport {
    static let kind = ModelKind.logistic
    static let summaryName = "Bernoulli (logistic)"
    static let jsonFamily = "bernoulli"
    static let derivation = Derivation(partial: "derivation-bernoulli", id: "bernoulli")
    static let modelPartial = "model-logistic"
    static let figureKinds = ["fit", "likelihood", "contours", "standardised"]

    struct Details {
        var inference: LogisticInference
        /// The data the surfaces, paths and intervals are evaluated on: grouped by distinct x
        /// when that is exact and cheaper, binned at large n.
        var data: LogisticData
        /// Newton's steps taken on the bins before the steps on every row (0 when exact).
        var binnedNewtonSteps = 0
    }

    static func builtinData(seed: UInt64) -> Dataset { BuiltinData.logistic(seed: seed &+ 1) }
    static func fitted(_ m: ModelAnalysis) -> LogisticFit { m.part("logistic fit") { if case let .logistic(fit, _) = $0 { return fit }; return nil } }
    static func details(_ m: ModelAnalysis) -> Details { m.part("logistic details") { if case let .logistic(_, details) = $0 { return details }; return nil } }

    static func analyse(_ request: ModelRequest, x: [Double], y: [Double], name: String, source: String) throws -> ModelAnalysis {
        try LogisticBernoulliModel.validate(x: x, y: y)
        let data = LogisticData(x: x, y: y)
        // Large data with continuous x: the paths, intervals and surfaces use bins (the fit
        // itself uses every row, continuing Newton's steps from the binned optimum). Their
        // reference point is the binned loss's own minimum, so "arrived" still means what it says.
        let surface = data.counts == nil && x.count > LogisticData.binningThreshold ? LogisticData.binned(x: x, y: y) : data
        let binnedFit = surface.isApproximate ? try LogisticBernoulliModel.fit(surface) : nil
        let fit = try LogisticBernoulliModel.fit(data, continuing: binnedFit)
        Timing.mark("\(name): Newton–Raphson on every row done")
        let surfaceFit = binnedFit ?? fit
        let z = Standardisation(SufficientStatistics(x: x, y: y))
        // The Hessian of the mean cross-entropy at the MLE: the observed information / n.
        let information = fit.covarianceMatrix.inverse
        let hessian = SymmetricMatrix2(a: information.a / Double(fit.n), c: information.c / Double(fit.n),
                                       d: information.d / Double(fit.n))
        // The plain descent, the standardised one and the likelihood-ratio inference are
        // independent: run them at once (each writes only its own result).
        var raw: OptimizerPath? = nil, standardised: OptimizerPath? = nil, traced: LogisticInference? = nil
        DispatchQueue.concurrentPerform(iterations: 3) { k in
            switch k {
            case 0: raw = GradientDescent.logistic(surface, standardised: false)
            case 1: standardised = GradientDescent.logistic(surface, standardised: true)
            default: traced = LogisticInference(surfaceFit, data: surface)
            }
        }
        Timing.mark("\(name): descents and likelihood-ratio inference done")
        var descent = Descent(raw: raw!, standardised: standardised!, hessian: hessian, standardisation: z,
                              mle: Parameters(w: surfaceFit.w.estimate, b: surfaceFit.b.estimate),
                              standardErrors: (fit.w.standardError, fit.b.standardError))
        if surface.isApproximate { descent.exactMLE = Parameters(w: fit.w.estimate, b: fit.b.estimate) }
        var inference = traced!
        // The test of w = 0 is always exact: both log-likelihoods come from every row.
        inference.likelihoodRatioStatistic = max(0, 2 * (fit.logLikelihood - fit.nullLogLikelihood))
        inference.likelihoodRatioPValue = Distributions.chiSquared1Survival(inference.likelihoodRatioStatistic)
        var m = ModelAnalysis(family: self, name: name, request: request, source: source, x: x, y: y, result: .logistic(fit, nil))
        m.descent = descent
        m.newton = fit.path
        m.region = inference.region
        m.regionDepth = surfaceFit.logLikelihood - inference.regionLevel
        m.surfaceMaximum = surfaceFit.logLikelihood
        m.result = .logistic(fit, Details(inference: inference, data: surface, binnedNewtonSteps: binnedFit?.iterations ?? 0))
        return m
    }

    /// Grid resolution: 160 × 160, fewer when each point costs a pass over many rows or
    /// groups, keeping a grid near `budget` evaluations (never below 60 × 60). 2·10⁷ serves
    /// the heatmap (drawn interpolated between the samples, `Heatmap.smooth`); contours are
    /// straight within a cell, so the round standardised ones take 3.5·10⁷ and the raw
    /// contours' thin valley 5·10⁷.
    static func gridResolution(_ m: ModelAnalysis, budget: Double = 2e7) -> Int {
        max(60, min(160, Int((budget / Double(max(details(m).data.x.count, 1))).squareRoot())))
    }

    /// The mean cross-entropy at a row of grid points at once.
    static func loss(_ m: ModelAnalysis) -> ([Parameters]) -> [Double] {
        let data = details(m).data
        let n = Double(data.n)
        return { LogisticBernoulliModel.surfaceNegativeLogLikelihoods($0, data).map { $0 / n } }
    }

    static func figure(_ kind: String, _ m: ModelAnalysis, aspect: Double) -> ReportFigure {
        let minimum = fitted(m).logLikelihood / -Double(m.n)
        switch kind {
        case "fit": return fitFigure(m)
        case "likelihood": return likelihoodFigure(m)
        case "contours":
            return FigureFactory.contours(m, grid: m.lossGrid(standardised: false, resolution: gridResolution(m, budget: 5e7), batch: loss(m)),
                                          minimum: minimum, title: m.label("contoursTitle"))
        default:
            return FigureFactory.standardised(m, aspect: aspect,
                                              grid: m.lossGrid(standardised: true, aspect: aspect, resolution: gridResolution(m, budget: 3.5e7), batch: loss(m)),
                                              minimum: minimum, title: m.label("standardisedTitle"))
        }
    }

    /// The labels as two strips of counts per cell of x (240 cells), zeros below 0 and ones
    /// above 1, on one log colour scale with a colorbar that says so.
    static func addStrips(to f: inout Figure, _ m: ModelAnalysis, lo: Double, hi: Double) {
        let nx = 240
        let dx = hi > lo ? (hi - lo) / Double(nx) : 1
        var counts = [[Double]](repeating: [Double](repeating: 0, count: nx), count: 2)
        for (x, y) in zip(m.x, m.y) { counts[y == 1 ? 1 : 0][min(nx - 1, max(0, Int((x - lo) / dx)))] += 1 }
        let top = max(1, counts.flatMap { $0 }.max() ?? 1)
        let xs = (0..<nx).map { lo + (Double($0) + 0.5) * dx }
        for (label, rows) in [(0, [-0.045, -0.015]), (1, [1.015, 1.045])] {
            let values = counts[label].map { $0 > 0 ? log10($0) : .nan }
            f.marks.insert(.heatmap(Heatmap(x: xs, y: rows, values: values + values, range: (0, max(log10(top), 1e-9)))), at: 0)
        }
        f.colorbar = Colorbar(range: (0, max(log10(top), 1e-9)), label: m.label("stripsColorbar"))
    }

    static func fitFigure(_ m: ModelAnalysis) -> ReportFigure {
        let fit = fitted(m)
        var (f, lo, hi, xs) = FigureFactory.dataFigure(m, title: m.label("fitTitle"))
        let dense = m.n > FigureFactory.densityThreshold
        let points = dense ? [] : zip(m.x, m.y).map { Point($0, $1) }
        // Labels are jittered off 0 and 1 so that ties show; observed proportions in bins
        // show calibration.
        let curve = xs.map { Numerics.sigmoid(fit.w.estimate * $0 + fit.b.estimate) }
        f.yLimits = (-0.06, 1.06)
        let boundary = -fit.b.estimate / fit.w.estimate
        if boundary > lo && boundary < hi {
            f.marks.append(.line(points: [Point(boundary, -0.06), Point(boundary, 1.06)], color: .reference,
                                 width: 1, dash: [4, 3], label: m.label("boundaryLegend", ["boundary": .string(s(boundary))])))
        }
        f.marks.append(.line(points: zip(xs, curve).map { Point($0, $1) }, color: Palette.vermillion, width: 2, dash: [],
                             label: m.label("curveLegend", ["line": .string(FigureFactory.linearForm(fit.w.estimate, fit.b.estimate, markup: true))])))
        if dense {
            // Many labels: a strip of counts per cell of x for each class, just outside 0 and 1.
            addStrips(to: &f, m, lo: lo, hi: hi)
        } else {
            var jitter = RandomGenerator(seed: 99)
            let jittered = points.map { Point($0.x, $0.y + ($0.y == 1 ? -1 : 1) * 0.035 * jitter.nextUniform()) }
            f.marks.append(.scatter(points: jittered, color: Palette.blue.withAlpha(0.55), size: 5, shape: .circle, edge: nil,
                                    label: m.label("labelsLegend", ["n": .string(String(m.n))])))
        }
        let bins = FigureFactory.binnedProportions(m)
        f.marks.append(.errorBars(points: bins.map { Point($0.x, $0.p) }, lower: bins.map(\.low), upper: bins.map(\.high),
                                  color: Palette.green, label: nil))
        f.marks.append(.scatter(points: bins.map { Point($0.x, $0.p) }, color: Palette.green, size: 7, shape: .diamond,
                                edge: .edge, label: m.label("binsLegend")))
        f.accessibleTitle = m.text("fitAccessibleTitle", ["model": .string(m.name)])
        let covered = bins.filter { bin in
            let p = Numerics.sigmoid(fit.w.estimate * bin.x + fit.b.estimate)
            return p >= bin.low && p <= bin.high
        }.count
        let values: [String: MustacheValue] = [
            "y": .string(m.request.y), "x": .string(m.request.x), "n": .string(String(m.n)), "dense": .bool(dense),
            "line": .string(FigureFactory.linearForm(fit.w.estimate, fit.b.estimate, digits: 4, markup: false)),
            "boundary": .string(s(boundary)), "outside": .bool(boundary < m.x.min()! || boundary > m.x.max()!),
            "from": .string(s(m.x.min()!)), "to": .string(s(m.x.max()!)), "bins": .string(Narrative.count(bins.count)),
            "covered": Prose.count(covered),
            "fewest": .string(bins.map(\.count).min().map { Narrative.count($0) } ?? "0"),
            "most": .string(bins.map(\.count).max().map { Narrative.count($0) } ?? "0"),
        ]
        return ReportFigure(name: "\(m.name)-fit", figure: f, caption: m.text("fitCaption", values), altText: m.text("fitAlt", values))
    }

    static func likelihoodFigure(_ m: ModelAnalysis) -> ReportFigure {
        let fit = fitted(m)
        let inference = details(m).inference, data = details(m).data
        let top = m.surfaceMaximum ?? fit.logLikelihood
        let grid = ModelAnalysis.grid(m.likelihoodRanges(), resolution: gridResolution(m)) { ws, b in
            LogisticBernoulliModel.surfaceNegativeLogLikelihoods(ws.map { Parameters(w: $0, b: b) }, data).map { -$0 - top }
        }
        let caption = m.text("likelihoodCaption", [
            "depth": .string(s(m.regionDepth, 4)), "wLow": .string(s(inference.profileW.lower, 4)), "wHigh": .string(s(inference.profileW.upper, 4)),
            "bLow": .string(s(inference.profileB.lower, 4)), "bHigh": .string(s(inference.profileB.upper, 4)), "wald": .bool(shape(m).waldTrustworthy),
        ])
        return FigureFactory.likelihood(m, FigureFactory.LikelihoodSpec(
            grid: grid, intervals: ((inference.profileW.lower, inference.profileW.upper), (inference.profileB.lower, inference.profileB.upper)),
            intervalLabel: m.label("intervalLegend"), title: m.label("likelihoodTitle"),
            what: m.label("likelihoodColorbar"), regionText: m.text("regionText"), caption: caption,
            correlation: fit.covariance.wb / (fit.covariance.ww * fit.covariance.bb).squareRoot()))
    }

    /// Whether the surface is close enough to quadratic for the Wald numbers, judged by
    /// comparing the Wald and profile-likelihood intervals of w and the two tests of w = 0.
    static func shape(_ m: ModelAnalysis) -> (sentence: String, waldTrustworthy: Bool) {
        let fit = fitted(m), inference = details(m).inference
        let wald = (fit.w.lower, fit.w.upper)
        let profile = inference.profileW
        let width = wald.1 - wald.0
        let shift = max(abs(profile.lower - wald.0), abs(profile.upper - wald.1))
        let mismatch = profile.lower.isFinite && profile.upper.isFinite ? shift / width : .infinity
        let waldP = fit.w.pValue, lrP = inference.likelihoodRatioPValue
        let disagree = (waldP < 0.05) != (lrP < 0.05)
        let far = disagree || mismatch > 0.1
        let sentence = m.text("shape", [
            "far": .bool(far), "disagree": .bool(disagree), "waldWeaker": .bool(waldP > lrP),
            "waldLow": .string(s(wald.0, 4)), "waldHigh": .string(s(wald.1, 4)),
            "profileLow": .string(s(profile.lower, 4)), "profileHigh": .string(s(profile.upper, 4)),
            "waldP": .string(NumberFormat.pRelation(waldP)), "lrP": .string(NumberFormat.pRelation(lrP)),
            "mismatch": .string(Narrative.percent(m, far ? min(mismatch, 9.99) : mismatch)),
        ])
        return (sentence, !far)
    }

    /// What is approximated at large n, with its bound; nil when everything is exact.
    static func approximation(_ m: ModelAnalysis) -> String? {
        let data = details(m).data
        guard data.isApproximate, let exact = m.descent?.exactMLE else { return nil }
        let window = m.likelihoodRanges()
        let bound = data.surfaceErrorBound(slope: max(abs(window.w.0), abs(window.w.1)))
        return m.text("approximation", [
            "rows": .string(Narrative.count(m.n)), "bins": .string(Narrative.count(data.x.count)), "bound": .string(s(bound, 2)),
            "binnedSteps": Prose.count(details(m).binnedNewtonSteps), "exactSteps": Prose.count(fitted(m).iterations - details(m).binnedNewtonSteps),
            "offset": .string(s(m.descent!.distance(exact), 2)),
        ])
    }

    static func summary(_ m: ModelAnalysis) -> [String] {
        let f = fitted(m)
        let p = { (v: Double) in NumberFormat.plain(v, 6) }
        return ["log-likelihood \(p(f.logLikelihood))  null \(p(f.nullLogLikelihood))  AIC \(p(f.aic))  BIC \(p(f.bic))  pseudo-R² \(NumberFormat.plain(f.pseudoRSquared, 6))",
                "Newton–Raphson: \(f.iterations) iterations, \(f.converged ? "converged" : "NOT converged")"]
    }

    static func page(_ m: ModelAnalysis, _ page: inout ModelPage) {
        let fit = fitted(m), inference = details(m).inference
        let f = PageContext.f
        page["aicNote"] = .string(m.text("aicNote"))
        page["statisticsBefore"] = [["term": .string(m.text("nullTerm")), "value": f(fit.nullLogLikelihood, 6)]]
        page["statisticsAfter"] = [["term": .string(m.text("pseudoTerm")), "value": .string(NumberFormat.fixed(fit.pseudoRSquared, 4))],
                                   ["term": .string(m.text("newtonTerm")),
                                    "value": .string(m.text("newtonValue", ["iterations": .string(String(fit.iterations)), "converged": .bool(fit.converged)]))]]
        page["nullLogL"] = f(fit.nullLogLikelihood, 6)
        page["pseudoRSquared"] = .string(NumberFormat.fixed(fit.pseudoRSquared, 4))
        page["meanCrossEntropy"] = f(-fit.logLikelihood / Double(fit.n), 6)
        page.tex["meanCrossEntropy"] = .string(NumberFormat.tex(-fit.logLikelihood / Double(fit.n), 6))
        page["ones"] = .number(m.y.reduce(0, +))
        page["lrStatistic"] = f(inference.likelihoodRatioStatistic, 5)
        page["lrP"] = .string(NumberFormat.pValue(inference.likelihoodRatioPValue))
        page["waldP"] = .string(NumberFormat.pValue(fit.w.pValue))
        // With the relation, for formulas: "= 0.012" or "< 0.0001".
        page["lrPRelation"] = .string(NumberFormat.pRelation(inference.likelihoodRatioPValue))
        page["waldPRelation"] = .string(NumberFormat.pRelation(fit.w.pValue))
        page["profile"] = [
            ["symbol": "w", "name": .string(m.common("slopeName")), "low": f(inference.profileW.lower, 4), "high": f(inference.profileW.upper, 4),
             "waldLow": f(fit.w.lower, 4), "waldHigh": f(fit.w.upper, 4)],
            ["symbol": "b", "name": .string(m.common("interceptName")), "low": f(inference.profileB.lower, 4), "high": f(inference.profileB.upper, 4),
             "waldLow": f(fit.b.lower, 4), "waldHigh": f(fit.b.upper, 4)],
        ]
        page["approximation"] = approximation(m).map(MustacheValue.string) ?? .bool(false)
        let shape = shape(m)
        page["surfaceText"] = .string(shape.sentence)
        page["waldTrustworthy"] = .bool(shape.waldTrustworthy)
        page["rawDescentText"] = .string(Narrative.rawDescent(m))
        page["standardisedDescentText"] = .string(Narrative.standardisedDescent(m, effect: nil))
        let theta = Parameters(w: fit.w.estimate, b: fit.b.estimate)
        page.check(m.text("checkCrossEntropy"), "−(1/n) Σ [yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)]", "−log L(ŵ, b̂) / n",
                   LogisticBernoulliModel.meanCrossEntropy(theta, x: m.x, y: m.y), -fit.logLikelihood / Double(fit.n))
        PageContext.descentChecks(m, &page, reference: "newtonReference")
    }

    static func json(_ m: ModelAnalysis, _ o: inout [String: JSON]) {
        let f = fitted(m), r = details(m).inference
        o["method"] = .string("Newton-Raphson with step-halving")
        o["null_log_likelihood"] = .number(f.nullLogLikelihood)
        o["pseudo_r_squared"] = .number(f.pseudoRSquared)
        o["mean_cross_entropy"] = .number(-f.logLikelihood / Double(f.n))
        o["gradient_descent"] = ReportJSON.gradientDescent(m)
        o["likelihood_ratio_test"] = .object(["statistic": .number(r.likelihoodRatioStatistic), "p_value": .number(r.likelihoodRatioPValue)])
        o["w_profile_interval"] = .array([.number(r.profileW.lower), .number(r.profileW.upper)])
        o["b_profile_interval"] = .array([.number(r.profileB.lower), .number(r.profileB.upper)])
        o["confidence_region"] = .object(["kind": .string("likelihood-ratio"), "confidence": .number(r.confidence),
                                          "log_likelihood_level": .number(r.regionLevel)])
        let data = details(m).data
        if data.isApproximate {
            let window = m.likelihoodRanges()
            o["approximation"] = .object([
                "applies_to": .array(["figures", "gradient_descent", "w_profile_interval", "b_profile_interval", "confidence_region"].map(JSON.string)),
                "method": .string("x binned by class; each bin holds its count, mean and sum of squares of x; softplus taken to second order within each bin; the figures' grids evaluate softplus from a cubic table (error under 7.6e-14 per bin)"),
                "groups": .int(data.x.count),
                "newton_steps_on_bins": .int(details(m).binnedNewtonSteps),
                "max_log_likelihood_error": .number(data.surfaceErrorBound(slope: max(abs(window.w.0), abs(window.w.1)))),
            ])
        }
    }

    static func warnings(_ m: ModelAnalysis) -> [String] {
        var out = PageContext.descentWarnings(m)
        let f = fitted(m)
        if !f.converged {
            out.append(m.text("newtonWarning", ["model": .string(m.name), "iterations": .string(String(f.iterations))]))
        }
        return out
    }
}
