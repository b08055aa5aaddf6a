import Foundation
import Likelihood
import Mustache
import Plot

/// The data the page templates are rendered against.
enum PageContext {
    static func f(_ v: Double, _ digits: Int = 4) -> MustacheValue { .string(NumberFormat.significant(v, digits)) }

    static func model(_ m: ModelAnalysis, figures: [ReportFigure?], firstFigureNumber: Int, formats: [ImageFormat], themes: [Theme],
                      inlineSVG: [String: String]?) -> MustacheValue {
        let c = m.coefficients
        func row(_ name: String, _ symbol: String, _ k: Coefficient) -> MustacheValue {
            ["name": .string(name), "symbol": .string(symbol), "estimate": f(k.estimate, 5), "se": f(k.standardError, 4),
             "statistic": .string(NumberFormat.fixed(k.statistic, 2)), "p": .string(NumberFormat.pValue(k.pValue)),
             "low": f(k.lower, 4), "high": f(k.upper, 4)]
        }
        var o: [String: MustacheValue] = [
            "name": .string(m.name), "n": .number(Double(m.n)), "x": .string(m.request.x), "y": .string(m.request.y),
            "source": .string(m.source), "dropped": .number(Double(m.droppedRows)), "hasDropped": .bool(m.droppedRows > 0),
            "coefficients": [row("slope", "w", c.w), row("intercept", "b", c.b)],
            "logL": f(m.logLikelihood, 6), "w": f(m.w, 5), "b": f(m.b, 5),
            "aic": f(m.aic, 6), "bic": f(m.bic, 6),
            "iterations": .number(Double(m.iterations)), "converged": .bool(m.converged),
        ]
        var checks: [MustacheValue] = []
        /// A row of the checks table. `passes` decides the verdict; by default the two agree to
        /// 1e-9 relative (every derivation identity holds to rounding, about 1e-15).
        func check(_ what: String, _ left: String, _ right: String, _ a: Double, _ b: Double, passes: Bool? = nil,
                   failure: String = "fails") {
            let relative = abs(a - b) / max(abs(a), abs(b), 1e-300)
            let ok = passes ?? (relative <= 1e-9)
            checks.append(["what": .string(what), "left": .string(left), "right": .string(right),
                           "leftValue": .string(NumberFormat.significant(a, 12)),
                           "rightValue": .string(NumberFormat.significant(b, 12)),
                           "difference": .string(relative == 0 ? "0" : NumberFormat.significant(relative, 2)),
                           "passed": .bool(ok), "verdict": .string(ok ? "holds" : failure)])
        }
        let d = m.descent
        func descentChecks(_ reference: String) {
            // On binned data the descents aim at the binned loss's minimum (found by Newton);
            // a last row says how far that lies from the exact MLE.
            let target = d.exactMLE == nil ? reference : "binned loss's minimum (Newton on the bins)"
            let symbols = d.exactMLE == nil ? ("ŵ", "b̂") : ("ŵ (bins)", "b̂ (bins)")
            for (path, label) in [(d.raw, "gradient descent on x"), (d.standardised, "gradient descent on standardised x, mapped back,")] {
                let arrived = d.arrived(path)
                check("\(label) ends at the \(target) slope", "w after \(Narrative.count(path.iterations)) steps", symbols.0,
                      path.end.w, d.mle.w, passes: arrived, failure: "did not arrive")
                check("… and intercept", "b after \(Narrative.count(path.iterations)) steps", symbols.1,
                      path.end.b, d.mle.b, passes: arrived, failure: "did not arrive")
            }
            if let exact = d.exactMLE {
                let offset = d.distance(exact)
                check("the binned loss's minimum lies within 0.01 standard errors of the exact MLE (here \(NumberFormat.significant(offset, 2)))",
                      "ŵ (bins)", "ŵ (every row)", d.mle.w, exact.w, passes: offset <= 0.01, failure: "too far")
            }
        }
        var tex: [String: MustacheValue] = [
            "w": .string(NumberFormat.tex(m.w, 5)),
            "bSigned": .string(NumberFormat.texSigned(m.b, 5)),
        ]
        o["rawDescentText"] = .string(Narrative.rawDescent(m))
        o["standardisedDescentText"] = .string(Narrative.standardisedDescent(m))
        o["rawArrived"] = .bool(d.arrived(d.raw))
        o["stepBudget"] = .string(Narrative.count(GradientDescent.stepBudget))
        switch m.fit {
        case let .linear(fit):
            o["statisticName"] = "t"
            o["aicNote"] = "AIC = 2k − 2 log L with k = 3 parameters (w, b and σ²), as R's AIC(lm(…)) counts them"
            o["sigma2"] = f(fit.sigma2MLE, 5)
            o["s2"] = f(fit.sigma2Unbiased, 5)
            tex["sigma2"] = .string(NumberFormat.tex(fit.sigma2MLE, 5))
            tex["s2"] = .string(NumberFormat.tex(fit.sigma2Unbiased, 5))
            o["rss"] = f(fit.rss, 6)
            o["rSquared"] = .string(NumberFormat.fixed(fit.rSquared, 4))
            o["df"] = .number(Double(fit.degreesOfFreedom))
            o["tQuantile"] = f(fit.tQuantile, 5)
            if case let .linear(region) = m.inference {
                o["fQuantile"] = f(region.fQuantile, 5)
                o["regionReach"] = f((2 * region.fQuantile).squareRoot(), 4)
                tex["fQuantile"] = .string(NumberFormat.tex(region.fQuantile, 5))
                tex["rssFactor"] = .string(NumberFormat.tex(1 + 2 * region.fQuantile / Double(fit.degreesOfFreedom), 5))
            }
            // −log L by summing the Gaussian densities point by point.
            var direct = 0.0
            let logNormaliser = 0.5 * log(2 * Double.pi * fit.sigma2MLE)
            for (xi, yi) in zip(m.x, m.y) {
                let r = yi - fit.w.estimate * xi - fit.b.estimate
                direct += logNormaliser + r * r / (2 * fit.sigma2MLE)
            }
            let n = Double(fit.n)
            check("−log L(ŵ, b̂) summed over the data, and the closed form n/2·log(2πσ̂²) + n/2",
                  "−Σ log N(yᵢ; ŵxᵢ + b̂, σ̂²)", "n/2·log(2πσ̂²) + n/2", direct, n / 2 * log(2 * Double.pi * fit.sigma2MLE) + n / 2)
            check("the mean squared error at the MLE is σ̂²", "MSE(ŵ, b̂)", "σ̂² = RSS/n",
                  LinearGaussianModel.meanSquaredError(w: fit.w.estimate, b: fit.b.estimate, statistics: fit.statistics), fit.sigma2MLE)
            descentChecks("closed-form")
        case let .logistic(fit):
            o["statisticName"] = "z"
            o["aicNote"] = "AIC = 2k − 2 log L with k = 2 parameters (w and b; the Bernoulli model has no noise parameter)"
            o["nullLogL"] = f(fit.nullLogLikelihood, 6)
            o["pseudoRSquared"] = .string(NumberFormat.fixed(fit.pseudoRSquared, 4))
            o["meanCrossEntropy"] = f(-fit.logLikelihood / Double(fit.n), 6)
            tex["meanCrossEntropy"] = .string(NumberFormat.tex(-fit.logLikelihood / Double(fit.n), 6))
            o["ones"] = .number(m.y.reduce(0, +))
            if case let .logistic(inference) = m.inference {
                o["lrStatistic"] = f(inference.likelihoodRatioStatistic, 5)
                o["lrP"] = .string(NumberFormat.pValue(inference.likelihoodRatioPValue))
                o["waldP"] = .string(NumberFormat.pValue(fit.w.pValue))
                o["profile"] = [
                    ["symbol": "w", "name": "slope", "low": f(inference.profileW.lower, 4), "high": f(inference.profileW.upper, 4),
                     "waldLow": f(fit.w.lower, 4), "waldHigh": f(fit.w.upper, 4)],
                    ["symbol": "b", "name": "intercept", "low": f(inference.profileB.lower, 4), "high": f(inference.profileB.upper, 4),
                     "waldLow": f(fit.b.lower, 4), "waldHigh": f(fit.b.upper, 4)],
                ]
            }
            o["approximation"] = Narrative.approximation(m).map(MustacheValue.string) ?? .bool(false)
            if let shape = Narrative.logisticShape(m) {
                o["surfaceText"] = .string(shape.sentence)
                o["waldTrustworthy"] = .bool(shape.waldTrustworthy)
            }
            let theta = Parameters(w: fit.w.estimate, b: fit.b.estimate)
            check("the mean binary cross-entropy is −log L / n", "−(1/n) Σ [yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)]", "−log L(ŵ, b̂) / n",
                  LogisticBernoulliModel.meanCrossEntropy(theta, x: m.x, y: m.y), -fit.logLikelihood / Double(fit.n))
            descentChecks("Newton")
        }
        o["isLinear"] = .bool(m.kind == .linear)
        o["isLogistic"] = .bool(m.kind == .logistic)
        o["checks"] = .array(checks)
        o["tex"] = .object(tex)
        o["allChecksPass"] = .bool(checks.allSatisfy { $0["passed"] == .bool(true) })
        // One value per slot, false where --figures left the figure out, so that the templates'
        // `figures.N` keep their meaning; numbers count only the figures shown.
        var figureValues: [MustacheValue] = []
        var shown = 0
        for slot in figures {
            guard let fig = slot else { figureValues.append(.bool(false)); continue }
            shown += 1
            // The primary rendering is the light one (the dark one alone with --theme dark);
            // with both, the page offers the dark one to readers whose system is dark.
            let primary = themes.first { $0.name == "light" } ?? themes[0]
            let hasDark = themes.count > 1
            func file(_ theme: Theme, _ ext: String) -> String { "figures/" + ReportOptions.fileName(fig.name, theme: theme, format: ext) }
            var v: [String: MustacheValue] = [
                "number": .number(Double(firstFigureNumber + shown - 1)), "name": .string(fig.name), "caption": .string(fig.caption),
                "alt": .string(fig.altText), "svg": .string(file(primary, "svg")), "png": .string(file(primary, "png")),
                "hasPNG": .bool(formats.contains(.png)), "hasSVG": .bool(formats.contains(.svg)), "hasPDF": .bool(formats.contains(.pdf)),
                "pdf": .string(file(primary, "pdf")),
                "darkSVG": hasDark && formats.contains(.svg) ? .string(file(.dark, "svg")) : .bool(false),
                "darkPNG": hasDark && !formats.contains(.svg) && formats.contains(.png) ? .string(file(.dark, "png")) : .bool(false),
                // The <img> shows the PNG, or the SVG when no PNG was asked for (PDF alone
                // leaves only the download link).
                "img": formats.contains(.png) ? .string(file(primary, "png"))
                    : formats.contains(.svg) ? .string(file(primary, "svg")) : .bool(false),
                "width": .number(fig.figure.width.rounded()), "height": .number(fig.figure.height.rounded()),
            ]
            v["inlineSVG"] = inlineSVG?[ReportOptions.fileName(fig.name, theme: primary, format: "svg")].map(MustacheValue.string) ?? .bool(false)
            v["inlineDarkSVG"] = hasDark ? (inlineSVG?[ReportOptions.fileName(fig.name, theme: .dark, format: "svg")].map(MustacheValue.string) ?? .bool(false)) : .bool(false)
            figureValues.append(.object(v))
        }
        o["figures"] = .array(figureValues)
        return .object(o)
    }
}
