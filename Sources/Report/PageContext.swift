import Foundation
import Likelihood
import Mustache
import Plot

/// The data the page templates are rendered against.
enum PageContext {
    static func f(_ v: Double, _ digits: Int = 4) -> MustacheValue { .string(NumberFormat.significant(v, digits)) }

    static func model(_ m: ModelAnalysis, figures: [ReportFigure], firstFigureNumber: Int, formats: [ImageFormat],
                      inlineSVG: [String: String]?) -> MustacheValue {
        let c = m.coefficients
        func row(_ name: String, _ symbol: String, _ k: Coefficient) -> MustacheValue {
            ["name": .string(name), "symbol": .string(symbol), "estimate": f(k.estimate, 5), "se": f(k.standardError, 4),
             "statistic": .string(NumberFormat.fixed(k.statistic, 2)), "p": .string(NumberFormat.pValue(k.pValue)),
             "low": f(k.lower, 4), "high": f(k.upper, 4)]
        }
        var o: [String: MustacheValue] = [
            "name": .string(m.name), "n": .number(Double(m.n)), "x": .string(m.request.x), "y": .string(m.request.y),
            "source": .string(m.source),
            "coefficients": [row("slope", "w", c.w), row("intercept", "b", c.b)],
            "logL": f(m.logLikelihood, 6), "w": f(m.w, 5), "b": f(m.b, 5),
            "aic": f(m.aic, 6), "bic": f(m.bic, 6),
            "iterations": .number(Double(m.iterations)), "converged": .bool(m.converged),
        ]
        var checks: [MustacheValue] = []
        func check(_ what: String, _ left: String, _ right: String, _ a: Double, _ b: Double) {
            let relative = abs(a - b) / max(abs(a), abs(b), 1e-300)
            checks.append(["what": .string(what), "left": .string(left), "right": .string(right),
                           "leftValue": .string(NumberFormat.significant(a, 12)),
                           "rightValue": .string(NumberFormat.significant(b, 12)),
                           "difference": .string(relative == 0 ? "0" : NumberFormat.significant(relative, 2))])
        }
        let gd = m.gradientDescent
        switch m.fit {
        case let .linear(fit):
            o["statisticName"] = "t"
            o["sigma2"] = f(fit.sigma2MLE, 5)
            o["s2"] = f(fit.sigma2Unbiased, 5)
            o["rss"] = f(fit.rss, 6)
            o["rSquared"] = .string(NumberFormat.fixed(fit.rSquared, 4))
            o["df"] = .number(Double(fit.degreesOfFreedom))
            o["tQuantile"] = f(fit.tQuantile, 5)
            // −log L by summing the Gaussian densities point by point.
            var direct = 0.0
            for (xi, yi) in zip(m.x, m.y) {
                let r = yi - fit.w.estimate * xi - fit.b.estimate
                direct += 0.5 * log(2 * Double.pi * fit.sigma2MLE) + r * r / (2 * fit.sigma2MLE)
            }
            let n = Double(fit.n)
            check("−log L(ŵ, b̂) summed over the data, and the closed form n/2·log(2πσ̂²) + n/2",
                  "−Σ log N(yᵢ; ŵxᵢ + b̂, σ̂²)", "n/2·log(2πσ̂²) + n/2", direct, n / 2 * log(2 * Double.pi * fit.sigma2MLE) + n / 2)
            check("the mean squared error at the MLE is σ̂²", "MSE(ŵ, b̂)", "σ̂² = RSS/n",
                  LinearGaussianModel.meanSquaredError(w: fit.w.estimate, b: fit.b.estimate, statistics: fit.statistics), fit.sigma2MLE)
            check("gradient descent on the MSE ends at the closed-form slope", "w after gradient descent", "ŵ (closed form)", gd.end.w, fit.w.estimate)
            check("… and intercept", "b after gradient descent", "b̂ (closed form)", gd.end.b, fit.b.estimate)
        case let .logistic(fit):
            o["statisticName"] = "z"
            o["nullLogL"] = f(fit.nullLogLikelihood, 6)
            o["pseudoRSquared"] = .string(NumberFormat.fixed(fit.pseudoRSquared, 4))
            o["meanCrossEntropy"] = f(-fit.logLikelihood / Double(fit.n), 6)
            o["ones"] = .number(m.y.reduce(0, +))
            let theta = Parameters(w: fit.w.estimate, b: fit.b.estimate)
            check("the mean binary cross-entropy is −log L / n", "−(1/n) Σ [yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)]", "−log L(ŵ, b̂) / n",
                  LogisticBernoulliModel.meanCrossEntropy(theta, x: m.x, y: m.y), -fit.logLikelihood / Double(fit.n))
            check("gradient descent on the cross-entropy ends at Newton's slope", "w after gradient descent", "ŵ (Newton)", gd.end.w, fit.w.estimate)
            check("… and intercept", "b after gradient descent", "b̂ (Newton)", gd.end.b, fit.b.estimate)
        }
        o["isLinear"] = .bool(m.kind == .linear)
        o["isLogistic"] = .bool(m.kind == .logistic)
        o["checks"] = .array(checks)
        o["gdIterations"] = .number(Double(gd.iterations))
        o["gdRate"] = f(gd.learningRate, 4)
        o["gdConverged"] = .bool(gd.converged)
        var figureValues: [MustacheValue] = []
        for (k, fig) in figures.enumerated() {
            var v: [String: MustacheValue] = [
                "number": .number(Double(firstFigureNumber + k)), "name": .string(fig.name), "caption": .string(fig.caption),
                "alt": .string(fig.altText), "svg": .string("figures/\(fig.name).svg"), "png": .string("figures/\(fig.name).png"),
                "hasPNG": .bool(formats.contains(.png)), "hasSVG": .bool(formats.contains(.svg)), "hasPDF": .bool(formats.contains(.pdf)),
                "pdf": .string("figures/\(fig.name).pdf"),
                // The <img> shows the PNG, or the SVG when no PNG was asked for (PDF alone
                // leaves only the download link).
                "img": formats.contains(.png) ? .string("figures/\(fig.name).png")
                    : formats.contains(.svg) ? .string("figures/\(fig.name).svg") : .bool(false),
                "width": .number(fig.figure.width.rounded()), "height": .number(fig.figure.height.rounded()),
            ]
            v["inlineSVG"] = inlineSVG?[fig.name].map(MustacheValue.string) ?? .bool(false)
            figureValues.append(.object(v))
        }
        o["figures"] = .array(figureValues)
        return .object(o)
    }
}
