import Foundation
import Likelihood
import Mustache
import Plot

/// The size and format of the figures' narrow renderings (`ReportOptions.narrowFormat`).
struct NarrowRendering {
    var format: ImageFormat
    var width: Double
    /// A one-panel figure's height (`ReportOptions.narrowHeight`).
    var height: Double

    /// The height of `fig`'s narrow rendering: its panels stack.
    func height(of fig: ReportFigure) -> Double { FigureFactory.narrowHeight(fig.figure, oneFigure: height) }
}

/// The data the page templates are rendered against.
enum PageContext {
    static func f(_ v: Double, _ digits: Int = 4) -> MustacheValue { .string(NumberFormat.significant(v, digits)) }

    /// A model's name as a heading says it: a family's own name written as the family is
    /// ("the Laplace model", not "the laplace model"; the `familyName` piece of its text
    /// template); a name the user gave, as given.
    static func displayName(_ m: ModelAnalysis) -> String {
        m.name == m.request.kind.rawValue ? m.text("familyName") : m.name
    }

    static func model(_ m: ModelAnalysis, figures: [ReportFigure?], firstFigureNumber: Int, formats: [ImageFormat], themes: [Theme],
                      narrow: NarrowRendering?, inlineSVG: [String: String]?) -> MustacheValue {
        let c = m.coefficients
        func row(_ name: String, _ symbol: String, _ k: Coefficient) -> MustacheValue {
            ["name": .string(name), "symbol": .string(symbol), "estimate": f(k.estimate, 5), "se": f(k.standardError, 4),
             "statistic": .string(NumberFormat.fixed(k.statistic, 2)), "p": .string(NumberFormat.pValue(k.pValue).replacingOccurrences(of: "< ", with: "<\u{A0}")),   // "< 0.0001" on one line in a narrow column
             "low": f(k.lower, 4), "high": f(k.upper, 4)]
        }
        var o: [String: MustacheValue] = [
            "name": .string(m.name), "displayName": .string(displayName(m)), "n": .number(Double(m.n)), "x": .string(m.request.x), "y": .string(m.request.y),
            "source": .string(m.sourceText), "dropped": .number(Double(m.droppedRows)), "hasDropped": .bool(m.droppedRows > 0),
            "coefficients": [row(m.common("slopeName"), "w", c.w), row(m.common("interceptName"), "b", c.b)],
            "logL": f(m.logLikelihood, 6), "w": f(m.w, 5), "b": f(m.b, 5),
            "aic": f(m.aic, 6), "bic": f(m.bic, 6),
            "iterations": .number(Double(m.iterations)), "converged": .bool(m.converged),
        ]
        var page = ModelPage()
        page.values = o
        page.tex = ["w": .string(NumberFormat.tex(m.w, 5)), "bSigned": .string(NumberFormat.texSigned(m.b, 5))]
        page["statisticName"] = .string(m.family.statisticName)
        page["statisticsBefore"] = []
        page["statisticsAfter"] = []
        m.family.page(m, &page)
        o = page.values
        let checks = page.checks
        let tex = page.tex
        o["partial"] = .string(m.family.modelPartial)
        o["checks"] = .array(checks)
        o["tex"] = .object(tex)
        o["allChecksPass"] = .bool(checks.allSatisfy { $0["passed"] == .bool(true) })
        // One value per slot, false where --figures left the figure out, so that the templates'
        // `figures.N` keep their meaning; numbers count only the figures shown.
        var figureValues: [MustacheValue] = []
        var shown = 0
        for slot in figures {
            figureValues.append(figureValue(slot, number: firstFigureNumber + shown, formats: formats, themes: themes, narrow: narrow,
                                            inlineSVG: inlineSVG))
            if slot != nil { shown += 1 }
        }
        o["figures"] = .array(figureValues)
        return .object(o)
    }

    /// One figure's values for `figure.mustache`: false where `--figures` left it out.
    static func figureValue(_ slot: ReportFigure?, number: Int, formats: [ImageFormat], themes: [Theme], narrow: NarrowRendering?,
                            inlineSVG: [String: String]?) -> MustacheValue {
        guard let fig = slot else { return .bool(false) }
        // The primary rendering is the light one (the dark one alone with --theme dark);
        // with both, the page offers the dark one to readers whose system is dark.
        let primary = themes.first { $0.name == "light" } ?? themes[0]
        let hasDark = themes.count > 1
        func file(_ theme: Theme, _ ext: String) -> String { "figures/" + ReportOptions.fileName(fig.name, theme: theme, format: ext) }
        var v: [String: MustacheValue] = [
            "number": .number(Double(number)), "name": .string(fig.name), "caption": .string(fig.caption),
            "alt": .string(fig.altText), "svg": .string(file(primary, "svg")), "png": .string(file(primary, "png")),
            "hasPNG": .bool(formats.contains(.png)), "hasSVG": .bool(formats.contains(.svg)), "hasPDF": .bool(formats.contains(.pdf)),
            "pdf": .string(file(primary, "pdf")),
            "darkSVG": hasDark && formats.contains(.svg) ? .string(file(.dark, "svg")) : .bool(false),
            "darkPNG": hasDark && !formats.contains(.svg) && formats.contains(.png) ? .string(file(.dark, "png")) : .bool(false),
            // The <img> shows the PNG, or the SVG when no PNG was asked for (PDF alone leaves
            // only the download link).
            "img": formats.contains(.png) ? .string(file(primary, "png"))
                : formats.contains(.svg) ? .string(file(primary, "svg")) : .bool(false),
            "width": .number(fig.figure.width.rounded()), "height": .number(fig.figure.height.rounded()),
        ]
        v["inlineSVG"] = inlineSVG?[ReportOptions.fileName(fig.name, theme: primary, format: "svg")].map(MustacheValue.string) ?? .bool(false)
        v["inlineDarkSVG"] = hasDark ? (inlineSVG?[ReportOptions.fileName(fig.name, theme: .dark, format: "svg")].map(MustacheValue.string) ?? .bool(false)) : .bool(false)
        // The narrow renderings, which a phone's screen gets instead (each picture's source
        // for narrow screens; inlined, a second SVG that the stylesheet swaps in).
        v["narrow"] = .bool(false)
        v["narrowDark"] = .bool(false)
        v["inlineNarrowSVG"] = .bool(false)
        v["inlineNarrowDarkSVG"] = .bool(false)
        if let narrow {
            func narrowFile(_ theme: Theme) -> String {
                ReportOptions.fileName(fig.name, theme: theme, format: narrow.format.rawValue, narrow: true)
            }
            // A PNG source says its density, as the main one does; an SVG its type.
            let descriptor = narrow.format == .png ? " 2x" : ""
            v["narrowWidth"] = .number(narrow.width.rounded())
            v["narrowHeight"] = .number(narrow.height(of: fig).rounded())
            v["narrowType"] = .string(narrow.format == .svg ? "image/svg+xml" : "image/png")
            if let inlineSVG {
                v["inlineNarrowSVG"] = inlineSVG[narrowFile(primary)].map(MustacheValue.string) ?? .bool(false)
                v["inlineNarrowDarkSVG"] = hasDark ? (inlineSVG[narrowFile(.dark)].map(MustacheValue.string) ?? .bool(false)) : .bool(false)
            } else {
                v["narrow"] = .string("figures/" + narrowFile(primary) + descriptor)
                v["narrowDark"] = hasDark ? .string("figures/" + narrowFile(.dark) + descriptor) : .bool(false)
            }
        }
        return .object(v)
    }

    /// The checks that both gradient descents end at the MLE (at the binned loss's minimum on
    /// binned data, with a last row for how far that lies from the exact MLE). `reference`
    /// names the piece of text-common that says how the MLE was found.
    static func descentChecks(_ m: ModelAnalysis, _ page: inout ModelPage, reference: String) {
        guard let d = m.descent else { return }
        let binned = d.exactMLE != nil
        let symbols = binned ? (m.common("binnedSymbol", ["symbol": "ŵ"]), m.common("binnedSymbol", ["symbol": "b̂"])) : ("ŵ", "b̂")
        for (path, raw) in [(d.raw, true), (d.standardised, false)] {
            let arrived = d.arrived(path)
            let steps = MustacheValue.string(Narrative.count(path.iterations))
            page.check(m.common("descentCheckSlope", ["raw": .bool(raw), "binned": .bool(binned), "reference": .string(m.common(reference))]),
                       m.common("afterSteps", ["symbol": "w", "steps": steps]), symbols.0,
                       path.end.w, d.mle.w, passes: arrived, failure: .didNotArrive)
            page.check(m.common("descentCheckIntercept"), m.common("afterSteps", ["symbol": "b", "steps": steps]), symbols.1,
                       path.end.b, d.mle.b, passes: arrived, failure: .didNotArrive)
        }
        if let exact = d.exactMLE {
            let offset = d.distance(exact)
            page.check(m.common("binnedCheck", ["offset": .string(NumberFormat.significant(offset, 2))]),
                       symbols.0, m.common("everyRowSymbol"), d.mle.w, exact.w, passes: offset <= 0.01, failure: .tooFar)
        }
    }

    /// The warning when even the standardised descent did not arrive.
    static func descentWarnings(_ m: ModelAnalysis) -> [String] {
        guard let d = m.descent, !d.arrived(d.standardised) else { return [] }
        return [m.common("descentWarning", ["model": .string(m.name), "budget": .string(String(GradientDescent.stepBudget)),
                                            "distance": .string(NumberFormat.plain(d.distance(d.standardised.end), 3))])]
    }
}
