import Foundation
import Likelihood
import Mustache
import Plot

/// The section, figure and report.json additions of a softmax model (issue 21): K classes,
/// categorical cross-entropy (`model-softmax.mustache`, words in `text-softmax.mustache`).
enum SoftmaxReport {
    static let partial = "model-softmax"
    static let figureKinds = ["probabilities"]

    static func s(_ v: Double, _ digits: Int = 4) -> String { NumberFormat.significant(v, digits) }

    static func text(_ m: SeveralAnalysis, _ piece: String, _ values: [String: MustacheValue] = [:]) -> String {
        (m.prose ?? Prose.shared)?.text("softmax", piece, values) ?? ""
    }
    static func label(_ m: SeveralAnalysis, _ piece: String, _ values: [String: MustacheValue] = [:]) -> String {
        (m.prose ?? Prose.shared)?.text("softmax", piece, values, markup: true) ?? ""
    }

    static func fit(_ m: SeveralAnalysis) -> SoftmaxFit? {
        if case let .softmax(f) = m.fit { return f }
        return nil
    }

    /// Each class's row count, in the fit's order (the reference first).
    static func counts(_ m: SeveralAnalysis, _ f: SoftmaxFit) -> [Int] {
        var c = [Int](repeating: 0, count: f.classNames.count)
        for y in m.y { c[Int(y)] += 1 }
        return c
    }

    /// The section's values.
    static func page(_ m: SeveralAnalysis, _ f: SoftmaxFit, figures: [ReportFigure?], firstFigureNumber: Int, formats: [ImageFormat],
                     themes: [Theme], narrow: NarrowRendering?, inlineSVG: [String: String]?) -> MustacheValue {
        let r = f.regression
        let k = f.classNames.count
        let counts = counts(m, f)
        let rows: [MustacheValue] = r.estimates.map { e in
            let c = e.coefficient
            return ["class": .string(f.classNames[e.classIndex]), "term": .string(m.design.terms[e.term].name),
                    "estimate": .string(s(c.estimate, 5)), "se": .string(s(c.standardError, 4)),
                    "statistic": .string(NumberFormat.fixed(c.statistic, 2)),
                    "p": .string(NumberFormat.pValue(c.pValue).replacingOccurrences(of: "< ", with: "<\u{A0}")),
                    "low": .string(s(c.lower, 4)), "high": .string(s(c.upper, 4)), "first": .bool(e.term == 0)]
        }
        let confusion = r.confusion(design: m.design, labels: m.y.map { Int($0) })
        let confusionRows: [MustacheValue] = confusion.enumerated().map { c, row in
            ["class": .string(f.classNames[c]), "cells": .array(row.map { .string(String($0)) }), "rows": .string(String(counts[c]))]
        }
        let right = (0..<k).reduce(0) { $0 + confusion[$1][$1] }
        let largest = counts.max() ?? 0
        let lr = r.likelihoodRatio
        let classList = zip(f.classNames, counts).map { "\($0.0) (\($0.1))" }
        var o: [String: MustacheValue] = [
            "name": .string(m.name), "partial": .string(partial), "n": .number(Double(m.n)), "y": .string(m.request.y),
            "predictors": .string(m.predictorList), "k": .number(Double(k)), "p": .number(Double(m.design.columns)),
            "coefficients": .array(rows), "classes": .array(f.classNames.map { ["name": .string($0)] }),
            "confusion": .array(confusionRows),
            "logL": .string(s(r.logLikelihood, 6)), "nullLogL": .string(s(r.nullLogLikelihood, 6)),
            "lr": .string(s(lr.statistic, 5)), "lrDF": .string(String(lr.degreesOfFreedom)),
            "lrP": .string(NumberFormat.pValue(lr.p)), "aic": .string(s(f.aic, 6)), "bic": .string(s(f.bic, 6)),
            "crossEntropy": .string(s(-r.logLikelihood / Double(m.n), 5)), "iterations": .string(String(r.iterations)),
            "parameters": .string(String(r.parameterCount)),
        ]
        o["sourceText"] = .string(text(m, "sourceText", [
            "source": .string(m.source), "rows": Prose.count(m.n), "y": .string(m.request.y), "k": .string(String(k)),
            "classes": .string(SeveralReport.list(m, classList)), "reference": .string(f.classNames[0]),
            "chosen": .bool(m.request.referenceClass != nil), "dropped": Prose.count(m.data.droppedRows), "hasDropped": .bool(m.data.droppedRows > 0),
        ]))
        o["codings"] = .array(m.design.codings.map { c in
            ["text": .string(m.text("codingText", [
                "column": .string(c.column), "levels": Prose.count(c.levels.count), "reference": .string(c.reference),
                "referenceRows": Prose.count(c.counts[c.levels.firstIndex(of: c.reference)!]), "dummies": Prose.count(c.levels.count - 1)]))]
        })
        o["hasCodings"] = .bool(!m.design.codings.isEmpty)
        o["termTests"] = .array(m.tests.map { t in
            t.statistic.isNaN ? ["term": .string(t.term), "df": .string(String(t.degreesOfFreedom)), "statistic": .string("—"), "p": .string("—")]
                : ["term": .string(t.term), "df": .string(String(t.degreesOfFreedom)), "statistic": .string(s(t.statistic, 4)),
                   "p": .string(NumberFormat.pValue(t.pValue).replacingOccurrences(of: "< ", with: "<\u{A0}"))]
        })
        o["testsText"] = .string(text(m, "testsText", [
            "hasUntested": .bool(m.tests.contains { $0.statistic.isNaN }),
            "untested": .string(SeveralReport.list(m, m.tests.filter { $0.statistic.isNaN }.map(\.term))),
            "clear": .string(SeveralReport.list(m, m.tests.filter { $0.pValue < 0.05 }.map(\.term))),
            "hasClear": .bool(m.tests.contains { $0.pValue < 0.05 }),
            "weak": .string(SeveralReport.list(m, m.tests.filter { $0.pValue >= 0.05 }.map(\.term))),
            "hasWeak": .bool(m.tests.contains { $0.pValue >= 0.05 }),
            "clearCount": Prose.count(m.tests.filter { $0.pValue < 0.05 }.count),
            "weakCount": Prose.count(m.tests.filter { $0.pValue >= 0.05 }.count),
            "k": .string(String(k)),
        ]))
        o["fitText"] = .string(text(m, "fitText", [
            "lr": .string(s(lr.statistic, 4)), "df": .string(String(lr.degreesOfFreedom)), "p": .string(NumberFormat.pRelation(lr.p)),
            "clear": .bool(lr.p < 0.05), "right": Prose.count(right), "rows": Prose.count(m.n),
            "share": .string(NumberFormat.fixed(100 * Double(right) / Double(m.n), 1)),
            "largest": .string(NumberFormat.fixed(100 * Double(largest) / Double(m.n), 1)), "better": .bool(right > largest),
            "largestClass": .string(f.classNames[counts.firstIndex(of: largest)!]), "two": .bool(k == 2),
            "steps": Prose.count(r.iterations), "parameters": .string(String(r.parameterCount)), "k": .string(String(k)),
            "terms": .string(String(m.design.columns)),
        ]))
        SeveralReport.addChecks(checks(m, f), into: &o)
        o["figures"] = .array(SeveralReport.values(of: figures, firstFigureNumber: firstFigureNumber, formats: formats, themes: themes,
                                                   narrow: narrow, inlineSVG: inlineSVG))
        return .object(o)
    }

    /// The derivation checked on the numbers: the score is 0 at the fit; the summed
    /// categorical cross-entropy is −log L; with two classes, the logistic fit's log L.
    static func checks(_ m: SeveralAnalysis, _ f: SoftmaxFit) -> [MustacheValue] {
        var page = ModelPage()
        let r = f.regression
        let labels = m.y.map { Int($0) }
        let k = f.classNames.count, p = m.design.columns
        let beta = (0..<(k - 1)).flatMap { r.coefficients.column($0) }
        let e = SoftmaxRegression.evaluate(beta, m.design, labels, k, derivatives: true)
        // Each score component over the size of the sum it is: Σ|xᵢⱼ| (rows of that class and
        // all rows' probabilities), so that units do not decide.
        var worst = 0.0
        for c in 1..<k {
            for j in 0..<p {
                let x = m.design.column(j)
                var size = 0.0
                for i in 0..<m.n { size += abs(x[i]) * (labels[i] == c ? 2 : 1) }
                if size > 0 { worst = max(worst, abs(e.g[(c - 1) * p + j]) / size) }
            }
        }
        page.check(text(m, "scoreCheck"), text(m, "scoreLeft"), "0", worst, 0, passes: worst <= 1e-9)
        let pi = SoftmaxRegression.probabilities(beta, m.design, k)
        var ce = 0.0
        for (i, c) in labels.enumerated() { ce -= log(pi[i * k + c]) }
        page.check(text(m, "crossEntropyCheck"), "−Σᵢ log p̂ᵢ,yᵢ", "−log L", ce, -r.logLikelihood)
        if k == 2, let logistic = try? GeneralizedLinearFit(design: m.design, y: m.y, family: BernoulliLogit()) {
            page.check(text(m, "twoClassCheck"), text(m, "twoClassLeft"), text(m, "twoClassRight"), r.logLikelihood, logistic.logLikelihood,
                       passes: abs(r.logLikelihood - logistic.logLikelihood) <= 1e-10 * abs(logistic.logLikelihood))
        }
        return page.checks
    }

    /// report.json's additions: the coefficients with their class and term, the classes, the
    /// null log L, the likelihood-ratio test, the confusion counts, the mean cross-entropy.
    static func json(_ m: SeveralAnalysis, _ f: SoftmaxFit, into o: inout [String: JSON]) {
        let r = f.regression
        o["family"] = .string("categorical")
        o["classes"] = .array(f.classNames.map(JSON.string))
        o["reference_class"] = .string(f.classNames[0])
        o["class_counts"] = .array(counts(m, f).map(JSON.int))
        o["coefficients"] = .array(r.estimates.map { e in
            let c = e.coefficient
            return .object(["class": .string(f.classNames[e.classIndex]), "term": .string(m.design.terms[e.term].name),
                            "estimate": .number(c.estimate), "se": .number(c.standardError), "statistic": .number(c.statistic),
                            "p": .number(c.pValue), "ci": .array([.number(c.lower), .number(c.upper)])])
        })
        o["null_log_likelihood"] = .number(r.nullLogLikelihood)
        let lr = r.likelihoodRatio
        o["likelihood_ratio"] = .object(["statistic": .number(lr.statistic), "df": .int(lr.degreesOfFreedom), "p": .number(lr.p)])
        o["confusion"] = .array(r.confusion(design: m.design, labels: m.y.map { Int($0) }).map { .array($0.map(JSON.int)) })
        o["mean_cross_entropy"] = .number(-r.logLikelihood / Double(m.n))
    }

    /// The class probabilities against the strongest numeric predictor (largest |z| over the
    /// classes), the others at their means and reference levels: K lines that sum to one, with
    /// each class's share in bins of that predictor and its Wilson interval.
    static func probabilities(_ m: SeveralAnalysis) -> ReportFigure? {
        guard let f = fit(m) else { return nil }
        let r = f.regression
        let k = f.classNames.count, p = m.design.columns
        let numeric = m.design.terms.indices.filter { m.design.terms[$0].column != nil && m.design.terms[$0].level == nil }
        let z = r.estimates
        guard let j = numeric.max(by: { a, b in
            (z.filter { $0.term == a }.map { abs($0.coefficient.statistic) }.max() ?? 0) < (z.filter { $0.term == b }.map { abs($0.coefficient.statistic) }.max() ?? 0)
        }) else { return nil }
        let x = m.design.column(j)
        let lo = x.min()!, hi = x.max()!
        let xs = SeveralFigures.axis(lo, hi)
        // The others at their means (numeric) or 0 (a dummy: the reference level).
        var base = [Double](repeating: 0, count: p)
        for t in 0..<p where t != j {
            let term = m.design.terms[t]
            base[t] = term.column == nil ? 1 : term.level != nil ? 0 : m.design.column(t).reduce(0, +) / Double(m.n)
        }
        var fig = Figure()
        let name = m.design.terms[j].name
        fig.xLabel = markupEscaped(name)
        fig.yLabel = label(m, "probabilityAxis")
        fig.title = label(m, "probabilitiesTitle", ["x": .string(name)])
        let colors = Palette.lines
        for c in 0..<k {
            let color = colors[c % colors.count]
            let ys: [Double] = xs.map { v in
                var eta = [Double](repeating: 0, count: k)
                for cc in 1..<k {
                    for t in 0..<p { eta[cc] += (t == j ? v : base[t]) * r.coefficients[t, cc - 1] }
                }
                let top = eta.max()!
                let w = eta.map { exp($0 - top) }
                return w[c] / w.reduce(0, +)
            }
            fig.marks.append(.line(points: zip(xs, ys).map { Point($0, $1) }, color: color, width: 1.8, dash: c < colors.count ? [] : [5, 3],
                                   label: markupEscaped(f.classNames[c])))
            let bins = SeveralFigures.bins(x: x, y: m.y.map { Int($0) == c ? 1 : 0 }, count: 8, kind: .logistic)
            fig.marks.append(.errorBars(points: bins.map { Point($0.x, $0.mean) }, lower: bins.map(\.low), upper: bins.map(\.high),
                                        color: color.withAlpha(0.8), label: nil))
            fig.marks.append(.scatter(points: bins.map { Point($0.x, $0.mean) }, color: color, size: 6, shape: .circle, edge: nil, label: nil))
        }
        fig.yLimits = (0, 1)
        fig.accessibleTitle = text(m, "probabilitiesAccessibleTitle", ["model": .string(m.name)])
        let values: [String: MustacheValue] = ["x": .string(name), "k": .string(String(k)), "classes": .string(SeveralReport.list(m, f.classNames)),
                                               "others": Prose.count(p - 2), "bins": .string("8")]
        return ReportFigure(name: "\(m.name)-probabilities", figure: fig, caption: text(m, "probabilitiesCaption", values),
                            altText: text(m, "probabilitiesAlt", values))
    }
}
