import Foundation
import Likelihood
import Mustache
import Plot

/// The figures of the derivation sections (issue 18, §6): each loss beside the noise density
/// it comes from, as every "why squared error, why cross-entropy" lecture draws them.
///
/// - `noise-losses`, in the Gaussian section: the Gaussian, Laplace and Student-t densities
///   (scale 1; ν as the page's Student-t fit estimated it, else 4) and their per-point
///   losses −log p(ε) + log p(0): ε²/2, |ε| and (ν + 1)/2 · log(1 + ε²/ν).
/// - `label-losses`, in the Bernoulli section: the logistic density of the latent noise (a
///   label is 1 when w·x + b + ε > 0) beside the Gaussian of the same variance (probit's), and
///   the cross-entropy log(1 + e^(−m)) against the margin m = (2y − 1)(w·x + b), with the 0–1
///   loss it bounds.
///
/// Each marks the page's own data along its loss axis when the page has them: the first
/// linear model's standardised residuals, the first logistic model's margins.
enum DerivationFigures {
    static let locationName = "noise-losses"
    static let bernoulliName = "label-losses"
    /// Their names in page order (they always appear: the two sections always do).
    static let names = [locationName, bernoulliName]

    /// The ε range the location figure draws, in units of scale.
    static let reach = 5.0
    /// The ν used when no Student-t fit is on the page.
    static let exampleNu = 4.0

    static func s(_ v: Double, _ digits: Int = 3) -> String { NumberFormat.significant(v, digits) }
    /// Three significant digits without trailing zeros: a bound or a closed-form value ("5",
    /// "12.5"), not a measurement.
    static func short(_ v: Double) -> String {
        var t = s(v)
        guard t.contains(".") else { return t }
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }

    /// The figures of a run, by derivation id (those two sections always appear), leaving
    /// out those `--figures` does not ask for.
    /// `ready`: figures already made (the Bernoulli one is drawn as soon as the first logistic
    /// fit is done, so that its renderings do not all wait for the last fit).
    static func make(analyses: [ModelAnalysis], comparisons: [ComparisonAnalysis], prose: Prose?, options: ReportOptions,
                     ready: [String: ReportFigure] = [:]) -> [String: ReportFigure] {
        var out = ready
        if options.wantsFigure(locationName) && out[Families.family(.linear).derivation.id] == nil {
            out[Families.family(.linear).derivation.id] = location(analyses: analyses, comparisons: comparisons, prose: prose, options: options)
        }
        if options.wantsFigure(bernoulliName) && out[Families.family(.logistic).derivation.id] == nil {
            out[Families.family(.logistic).derivation.id] = bernoulli(for: analyses.first { $0.kind == .logistic }, prose: prose, options: options)
        }
        return out
    }

    /// The location figure from the page's fits: ν from its first Student-t model that
    /// estimated it, else from its first comparison; the residuals of its first linear model.
    static func location(analyses: [ModelAnalysis], comparisons: [ComparisonAnalysis], prose: Prose?, options: ReportOptions) -> ReportFigure {
            var nu: (nu: Double, model: String, comparison: Bool)? = nil
            if let m = analyses.first(where: { ($0.fit as? StudentTFit)?.nuFixed == false }), let t = m.fit as? StudentTFit {
                nu = (t.nu, m.name, false)
            } else if let c = comparisons.first(where: { $0.rows.contains { $0.fit is StudentTFit } }),
                      let t = c.rows.compactMap({ $0.fit as? StudentTFit }).first, !t.nuFixed {
                nu = (t.nu, c.name, true)
            }
            var residuals: RowValues? = nil
            if let m = analyses.first(where: { $0.kind == .linear }), let fit = m.fit as? LinearFit, fit.sigma2MLE > 0 {
                let sigma = fit.sigma2MLE.squareRoot()
                let (x, y, w, b) = (m.x, m.y, m.w, m.b)
                residuals = RowValues(count: x.count, model: m.name) { (y[$0] - w * x[$0] - b) / sigma }
            }
            return location(nu: nu, residuals: residuals, prose: prose, options: options)
    }

    /// The Bernoulli figure with the margins of `m` (the page's first logistic model), if any.
    static func bernoulli(for m: ModelAnalysis?, prose: Prose?, options: ReportOptions) -> ReportFigure {
        var margins: RowValues? = nil
        if let m {
            let (x, y, w, b) = (m.x, m.y, m.w, m.b)
            margins = RowValues(count: x.count, model: m.name) { (y[$0] > 0.5 ? 1 : -1) * (w * x[$0] + b) }
        }
        return bernoulli(margins: margins, prose: prose, options: options)
    }

    // MARK: Densities and losses (closed forms; tested against hand-computed values)

    static func gaussianDensity(_ e: Double) -> Double { exp(-e * e / 2) / (2 * Double.pi).squareRoot() }
    static func laplaceDensity(_ e: Double) -> Double { exp(-abs(e)) / 2 }
    static func studentTDensity(_ e: Double, nu: Double) -> Double {
        exp(lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * log(nu * Double.pi) - (nu + 1) / 2 * log1p(e * e / nu))
    }
    static func squaredLoss(_ e: Double) -> Double { e * e / 2 }
    static func absoluteLoss(_ e: Double) -> Double { abs(e) }
    static func studentTLoss(_ e: Double, nu: Double) -> Double { (nu + 1) / 2 * log1p(e * e / nu) }
    /// The logistic distribution's density, σ(ε)(1 − σ(ε)), written to stay finite far out.
    static func logisticDensity(_ e: Double) -> Double {
        let t = exp(-abs(e))
        return t / ((1 + t) * (1 + t))
    }
    /// The Gaussian with the logistic's variance π²/3.
    static func matchedGaussianDensity(_ e: Double) -> Double {
        let sd = Double.pi / 3.0.squareRoot()
        return gaussianDensity(e / sd) / sd
    }
    /// −log σ(m), without overflow for any margin.
    static func crossEntropy(_ m: Double) -> Double { m > 0 ? log1p(exp(-m)) : -m + log1p(exp(m)) }

    // MARK: Figures

    static func curve(_ xs: [Double], _ f: (Double) -> Double, clip: Double = .infinity) -> [Point] {
        xs.map { Point($0, min(f($0), clip)) }
    }

    /// One panel's axes: titled and labelled, x from −reach to reach, y from 0 to `top`.
    static func panel(title: String, xLabel: String, yLabel: String, reach: Double, top: Double) -> Figure {
        var f = Figure()
        (f.title, f.xLabel, f.yLabel) = (title, xLabel, yLabel)
        f.xLimits = (-reach, reach)
        f.yLimits = (0, top)
        return f
    }

    /// A value per row of a model's data, computed when asked: at 10⁷ rows an array of them
    /// would cost 80 MB for a figure that draws at most 2000.
    struct RowValues {
        let count: Int
        let model: String
        let value: (Int) -> Double
    }

    /// Ticks along the bottom of `f` at the values within ±reach (at most 2000, chosen as
    /// `FigureFactory.sample` chooses among them: beyond that a rug is a solid bar either
    /// way); returns how many lie within. Two passes over the rows, no copy of them.
    static func addRug(to f: inout Figure, _ rows: RowValues, reach: Double, label: String) -> Int {
        var inside = 0
        for i in 0..<rows.count where abs(rows.value(i)) <= reach { inside += 1 }
        var ticks: [Double] = []
        ticks.reserveCapacity(min(inside, 2000))
        if inside <= 2000 {
            for i in 0..<rows.count { let v = rows.value(i); if abs(v) <= reach { ticks.append(v) } }
        } else {
            // Knuth's selection sampling with FigureFactory.sample's seed, over the rows inside.
            var random = RandomGenerator(seed: FigureFactory.sampleSeed)
            var seen = 0, needed = 2000
            for i in 0..<rows.count where needed > 0 {
                let v = rows.value(i)
                guard abs(v) <= reach else { continue }
                if random.nextUniform() * Double(inside - seen) < Double(needed) { ticks.append(v); needed -= 1 }
                seen += 1
            }
        }
        f.marks.append(.rug(x: ticks, atTop: false, color: Color.ink.withAlpha(0.45), label: label))
        return inside
    }

    /// The two panels as one page figure, with its words.
    static func finished(_ name: String, _ panels: [Figure], accessibleTitle: String, caption: String, alt: String,
                         options: ReportOptions) -> ReportFigure {
        var figure = Figure()
        figure.panels = panels
        figure.accessibleTitle = accessibleTitle
        return FigureFactory.finished(ReportFigure(name: name, figure: figure, caption: caption, altText: alt), options: options)
    }

    /// The location figure. `nu`: the page's estimated ν and where it came from (nil: the
    /// example ν = 4); `residuals`: the first linear model's residuals over σ̂.
    static func location(nu fitted: (nu: Double, model: String, comparison: Bool)?, residuals: RowValues?,
                         prose: Prose?, options: ReportOptions) -> ReportFigure {
        let p = prose ?? Prose.shared
        func label(_ piece: String, _ values: [String: MustacheValue] = [:]) -> String { p?.text("linear", piece, values, markup: true) ?? "" }
        func text(_ piece: String, _ values: [String: MustacheValue] = [:]) -> String { p?.text("linear", piece, values) ?? "" }
        let nu = fitted?.nu ?? exampleNu
        let nuText = fitted == nil ? short(nu) : s(nu)
        let xs = SurfaceGrid.axis(-reach, reach, count: 401)
        let lossTop = 6.0
        var densities = panel(title: label("densitiesTitle"), xLabel: label("residualAxisLabel"), yLabel: label("densityAxisLabel"),
                              reach: reach, top: 0.62)
        var losses = panel(title: label("lossesTitle"), xLabel: label("residualAxisLabel"), yLabel: label("lossAxisLabel"),
                           reach: reach, top: lossTop)
        let entries: [(Color, [Double], (Double) -> Double, (Double) -> Double, String, String)] = [
            (Palette.blue, [], gaussianDensity, squaredLoss, "gaussianDensityLegend", "squaredLossLegend"),
            (Palette.vermillion, [6, 3], laplaceDensity, absoluteLoss, "laplaceDensityLegend", "absoluteLossLegend"),
            (Palette.green, [2, 2], { studentTDensity($0, nu: nu) }, { studentTLoss($0, nu: nu) }, "studentTDensityLegend", "studentTLossLegend"),
        ]
        for (color, dash, density, loss, densityPiece, lossPiece) in entries {
            densities.marks.append(.line(points: curve(xs, density), color: color, width: 2, dash: dash,
                                         label: label(densityPiece, ["nu": .string(nuText)])))
            // Clipped just above the axes' top, so that a curve leaves the plot at its edge.
            losses.marks.append(.line(points: curve(xs, loss, clip: lossTop * 1.05), color: color, width: 2, dash: dash,
                                      label: label(lossPiece, ["nu": .string(nuText)])))
        }
        var inside = 0
        if let residuals {
            inside = addRug(to: &losses, residuals, reach: reach,
                            label: label("residualRugLegend", ["model": .string(residuals.model), "n": .string(String(residuals.count))]))
        }
        let values: [String: MustacheValue] = [
            "nu": .string(nuText), "fitted": .bool(fitted != nil), "nuModel": .string(fitted?.model ?? ""),
            "nuFromComparison": .bool(fitted?.comparison == true),
            "hasResiduals": .bool(residuals != nil), "residualModel": .string(residuals?.model ?? ""),
            "residuals": Prose.count(residuals?.count ?? 0), "inside": Prose.count(inside),
            "reach": .string(short(reach)), "tLossAtReach": .string(s(studentTLoss(reach, nu: nu))),
            "squaredAtReach": .string(short(squaredLoss(reach))), "absoluteAtReach": .string(short(absoluteLoss(reach))),
            "allInside": .bool(inside == (residuals?.count ?? 0)),
            "outside": Prose.count((residuals?.count ?? 0) - inside),
            "nuAtCap": .bool(fitted != nil && nu >= StudentTModel.nuRange.1 * (1 - 1e-9)),
        ]
        return finished(locationName, [densities, losses], accessibleTitle: text("noiseLossesAccessibleTitle"),
                        caption: text("noiseLossesCaption", values), alt: text("noiseLossesAlt", values), options: options)
    }

    /// The Bernoulli figure. `margins`: the first logistic model's (2y − 1)(ŵx + b̂).
    static func bernoulli(margins: RowValues?, prose: Prose?, options: ReportOptions) -> ReportFigure {
        let p = prose ?? Prose.shared
        func label(_ piece: String, _ values: [String: MustacheValue] = [:]) -> String { p?.text("logistic", piece, values, markup: true) ?? "" }
        func text(_ piece: String, _ values: [String: MustacheValue] = [:]) -> String { p?.text("logistic", piece, values) ?? "" }
        let reach = 6.0
        let xs = SurfaceGrid.axis(-reach, reach, count: 401)
        var densities = panel(title: label("latentTitle"), xLabel: label("latentAxisLabel"), yLabel: label("densityAxisLabel"),
                              reach: reach, top: 0.3)
        densities.marks.append(.line(points: curve(xs, logisticDensity), color: Palette.blue, width: 2, dash: [],
                                     label: label("logisticDensityLegend")))
        densities.marks.append(.line(points: curve(xs, matchedGaussianDensity), color: Palette.vermillion, width: 2, dash: [6, 3],
                                     label: label("probitDensityLegend")))
        var losses = panel(title: label("marginTitle"), xLabel: label("marginAxisLabel"), yLabel: label("lossAxisLabel"), reach: reach, top: 5)
        losses.marks.append(.line(points: curve(xs, crossEntropy, clip: 5.25), color: Palette.blue, width: 2, dash: [],
                                  label: label("crossEntropyLegend")))
        losses.marks.append(.line(points: [Point(-reach, 1), Point(0, 1), Point(0, 0), Point(reach, 0)], color: .muted, width: 1.4, dash: [6, 3],
                                  label: label("zeroOneLegend")))
        var wrong = 0, shown = 0
        if let margins {
            for i in 0..<margins.count where margins.value(i) < 0 { wrong += 1 }
            shown = addRug(to: &losses, margins, reach: reach,
                           label: label("marginRugLegend", ["model": .string(margins.model), "n": .string(String(margins.count))]))
        }
        let values: [String: MustacheValue] = [
            "hasMargins": .bool(margins != nil), "marginModel": .string(margins?.model ?? ""),
            "margins": Prose.count(margins?.count ?? 0), "shown": Prose.count(shown), "wrong": Prose.count(wrong),
            "allShown": .bool(shown == (margins?.count ?? 0)),
            "log2": .string(s(log(2.0))), "reach": .string(short(reach)),
        ]
        return finished(bernoulliName, [densities, losses], accessibleTitle: text("labelLossesAccessibleTitle"),
                        caption: text("labelLossesCaption", values), alt: text("labelLossesAlt", values), options: options)
    }
}
