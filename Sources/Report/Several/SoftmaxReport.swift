import Foundation
import Likelihood
import Mustache
import Plot

/// The section, figure and report.json additions of a softmax model (issue 21): K classes,
/// categorical cross-entropy (`model-softmax.mustache`, words in `text-softmax.mustache`).
enum SoftmaxReport {
    static let partial = "model-softmax"
    static let figureKinds = ["probabilities", "regions", "likelihood", "descent"]

    static func s(_ v: Double, _ digits: Int = 4) -> String { NumberFormat.significant(v, digits) }

    /// One colour per class (Okabe–Ito without black, which a dark page would hide); from the
    /// eighth class on they repeat, dashed or square.
    static let classColors: [Color] = [Palette.blue, Palette.vermillion, Palette.green, Palette.orange, Palette.purple, Palette.skyBlue,
                                       Palette.yellow]

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
        // Weighted rows count their weight (rounded sums).
        var weighted = [Double](repeating: 0, count: c.count)
        for (i, y) in m.y.enumerated() { weighted[Int(y)] += m.data.frequencyWeights?[i] ?? 1 }
        for k in c.indices { c[k] = Int(weighted[k].rounded()) }
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
        let confusion = m.classConfusion
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
            "crossEntropy": .string(s(-r.logLikelihood / m.data.observations, 5)), "iterations": .string(String(r.iterations)),
            "parameters": .string(String(r.parameterCount)),
        ]
        o["sourceText"] = .string(text(m, "sourceText", [
            "source": .string(m.source), "rows": Prose.count(m.n), "y": .string(m.request.y), "k": .string(String(k)),
            "classes": .string(SeveralReport.list(m, classList)), "reference": .string(f.classNames[0]),
            "chosen": .bool(m.request.referenceClass != nil), "dropped": Prose.count(m.data.droppedRows), "hasDropped": .bool(m.data.droppedRows > 0),
            "weighted": .bool(m.data.frequencyWeights != nil), "weightsColumn": .string(m.request.weights ?? ""),
            "observations": .string(Narrative.count(Int(m.data.observations.rounded()))),
            "zero": Prose.count(m.data.zeroWeightRows), "hasZero": .bool(m.data.zeroWeightRows > 0),
        ]))
        o["codings"] = .array(m.design.codings.map { c in
            ["text": .string(SeveralReport.codingText(m, c))]
        })
        o["hasCodings"] = .bool(!m.design.codings.isEmpty)
        func bound(_ v: Double?) -> String { v.map { $0.isFinite ? s($0, 4) : ($0 < 0 ? "−∞" : "∞") } ?? "—" }
        let p = m.design.columns
        o["profiles"] = .array(m.classProfiles.map { e in
            let c = r.estimates[e.index].coefficient
            return ["class": .string(f.classNames[e.index / p + 1]), "estimate": .string(s(c.estimate, 5)),
                    "wald": .string("[\(s(c.lower, 4)), \(s(c.upper, 4))]"), "profile": .string("[\(bound(e.lower)), \(bound(e.upper))]")]
        })
        o["hasProfiles"] = .bool(!m.classProfiles.isEmpty)
        // Each complete interval's width over its Wald interval's.
        let ratios = m.classProfiles.compactMap { e -> Double? in
            guard let lo = e.lower, let hi = e.upper, lo.isFinite, hi.isFinite else { return nil }
            let c = r.estimates[e.index].coefficient
            return (hi - lo) / (c.upper - c.lower)
        }
        o["profileText"] = .string(m.classProfiles.isEmpty ? "" : text(m, "profileText", [
            "term": .string(m.design.terms[m.classProfiles[0].index % p].name),
            "unknown": .bool(m.classProfiles.contains { $0.lower == nil || $0.upper == nil }),
            "unbounded": .bool(m.classProfiles.contains { ($0.lower.map { !$0.isFinite } ?? false) || ($0.upper.map { !$0.isFinite } ?? false) }),
            "widest": .string(NumberFormat.fixed(ratios.max() ?? 1, 2)), "hasRatio": .bool(!ratios.isEmpty),
        ]))
        o["termTests"] = .array(m.tests.map { t in
            t.statistic.isNaN ? ["term": .string(t.term), "df": .string(String(t.degreesOfFreedom)), "statistic": .string("—"), "p": .string("—")]
                : ["term": .string(t.term), "df": .string(String(t.degreesOfFreedom)), "statistic": .string(s(t.statistic, 4)),
                   "p": .string(NumberFormat.pValue(t.pValue).replacingOccurrences(of: "< ", with: "<\u{A0}"))]
        })
        o["hasTermTests"] = .bool(!m.tests.isEmpty)
        o["testsSkippedText"] = .string(m.tests.isEmpty ? text(m, "testsSkipped", ["rows": Prose.count(m.n),
                                                                                   "parameters": .string(String(r.parameterCount))]) : "")
        o["testsText"] = .string(m.tests.isEmpty ? "" : text(m, "testsText", [
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
            "clear": .bool(lr.p < 0.05), "right": Prose.count(right), "rows": Prose.count(Int(m.data.observations.rounded())),
            "weighted": .bool(m.data.frequencyWeights != nil),
            "share": .string(NumberFormat.fixed(100 * Double(right) / m.data.observations, 1)),
            "largest": .string(NumberFormat.fixed(100 * Double(largest) / m.data.observations, 1)), "better": .bool(right > largest),
            "largestClass": .string(f.classNames[counts.firstIndex(of: largest)!]), "two": .bool(k == 2),
            "steps": Prose.count(r.iterations), "parameters": .string(String(r.parameterCount)), "k": .string(String(k)),
            "terms": .string(String(m.design.columns)),
        ]))
        o["hasDescent"] = .bool(m.descents != nil)
        o["descentText"] = .string(SeveralReport.descentText(m))
        o["descentSkippedText"] = .string(m.descents != nil ? "" : text(m, "descentSkipped", [
            "rows": Prose.count(m.n), "parameters": .string(String(r.parameterCount))]))
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
        let beta = r.parameters
        let w = m.data.frequencyWeights
        let e = SoftmaxRegression.evaluate(beta, m.design, labels, k, derivatives: true, hessian: false, weights: w)
        // Each score component over the size of the sum it is: Σ|xᵢⱼ| (rows of that class and
        // all rows' probabilities), so that units do not decide.
        var worst = 0.0
        for j in 0..<p {
            let x = m.design.column(j)
            var total = 0.0
            var byClass = [Double](repeating: 0, count: k)
            for i in 0..<m.n { let a = (w?[i] ?? 1) * abs(x[i]); total += a; byClass[labels[i]] += a }
            for c in 1..<k where total + byClass[c] > 0 { worst = max(worst, abs(e.g[(c - 1) * p + j]) / (total + byClass[c])) }
        }
        page.check(text(m, "scoreCheck"), text(m, "scoreLeft"), "0", worst, 0, passes: worst <= 1e-9)
        let pi = SoftmaxRegression.probabilities(beta, m.design, k)
        var ce = 0.0
        for (i, c) in labels.enumerated() { ce -= (w?[i] ?? 1) * log(pi[i * k + c]) }
        page.check(text(m, "crossEntropyCheck"), "−Σᵢ log p̂ᵢ,yᵢ", "−log L", ce, -r.logLikelihood)
        if k == 2, let logistic = try? GeneralizedLinearFit(design: m.design, y: m.y, family: BernoulliLogit(), weights: w, observations: w.map { $0.reduce(0, +) }) {
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
        let p = m.design.columns
        o["coefficients"] = .array(r.estimates.map { e in
            let c = e.coefficient
            var row: [String: JSON] = ["class": .string(f.classNames[e.classIndex]), "term": .string(m.design.terms[e.term].name),
                                       "estimate": .number(c.estimate), "se": .number(c.standardError), "statistic": .number(c.statistic),
                                       "p": .number(c.pValue), "ci": .array([.number(c.lower), .number(c.upper)])]
            if let profile = m.classProfiles.first(where: { $0.index == (e.classIndex - 1) * p + e.term }) {
                func end(_ v: Double?) -> JSON { v.map { $0.isFinite ? .number($0) : .null } ?? .null }
                row["profile_ci"] = .array([end(profile.lower), end(profile.upper)])
            }
            return .object(row)
        })
        o["null_log_likelihood"] = .number(r.nullLogLikelihood)
        let lr = r.likelihoodRatio
        o["likelihood_ratio"] = .object(["statistic": .number(lr.statistic), "df": .int(lr.degreesOfFreedom), "p": .number(lr.p)])
        o["confusion"] = .array(m.classConfusion.map { .array($0.map(JSON.int)) })
        o["mean_cross_entropy"] = .number(-r.logLikelihood / m.data.observations)
    }

    /// The two numeric predictors with the largest |z| over the classes, strongest first.
    static func strongest(_ m: SeveralAnalysis, _ f: SoftmaxFit) -> [Int] {
        let numeric = m.design.terms.indices.filter { m.design.terms[$0].column != nil && m.design.terms[$0].level == nil }
        let z = f.regression.estimates
        func strength(_ j: Int) -> Double { z.filter { $0.term == j }.map { abs($0.coefficient.statistic) }.max() ?? 0 }
        return numeric.sorted { strength($0) > strength($1) || (strength($0) == strength($1) && $0 < $1) }
    }

    /// The linear scores of every class at one point of the design, the reference's 0 first.
    static func scores(_ r: SoftmaxRegression, _ x: [Double]) -> [Double] {
        var eta = [Double](repeating: 0, count: r.classes)
        for c in 1..<r.classes { for t in x.indices { eta[c] += x[t] * r.coefficients[t, c - 1] } }
        return eta
    }

    /// With two or more numeric predictors: the class the model finds most probable over the
    /// plane of the two strongest (the others at their means and reference levels), shaded in
    /// the class's colour, with the rows (a seeded sample of 2,000 above that) coloured by class.
    static func regions(_ m: SeveralAnalysis) -> ReportFigure? {
        guard let f = fit(m) else { return nil }
        let pair = strongest(m, f)
        guard pair.count >= 2 else { return nil }
        let (a, b) = (pair[0], pair[1])
        let r = f.regression, k = f.classNames.count
        let xa = m.design.column(a), xb = m.design.column(b)
        let (loA, hiA) = (xa.min()!, xa.max()!), (loB, hiB) = (xb.min()!, xb.max()!)
        let padA = 0.03 * (hiA - loA), padB = 0.03 * (hiB - loB)
        let grid = 241
        let us = SeveralFigures.axis(loA - padA, hiA + padA, count: grid), vs = SeveralFigures.axis(loB - padB, hiB + padB, count: grid)
        var point = m.typicalRow
        var predicted: [Double] = []
        predicted.reserveCapacity(grid * grid)
        var shown = Set<Int>()
        for v in vs {
            for u in us {
                point[a] = u; point[b] = v
                let eta = scores(r, point)
                let c = eta.indices.max { eta[$0] < eta[$1] }!
                shown.insert(c)
                predicted.append(k > 1 ? Double(c) / Double(k - 1) : 0)
            }
        }
        let colors = classColors
        let stops = (0..<k).map { colors[$0 % colors.count].withAlpha(0.22) }
        var fig = Figure()
        fig.showsGrid = false
        fig.xLabel = markupEscaped(m.design.terms[a].name)
        fig.yLabel = markupEscaped(m.design.terms[b].name)
        fig.title = label(m, "regionsTitle")
        fig.marks.append(.heatmap(Heatmap(x: us, y: vs, values: predicted, colormap: Colormap(name: "classes", stops: stops), range: (0, 1), smooth: false)))
        // The rows, a seeded sample above 2,000 (Knuth's selection sampling keeps their order).
        var random = RandomGenerator(seed: FigureFactory.sampleSeed)
        var needed = min(2000, m.n)
        var rows: [Int] = []
        for i in 0..<m.n where needed > 0 {
            if random.nextUniform() * Double(m.n - i) < Double(needed) { rows.append(i); needed -= 1 }
        }
        for c in 0..<k {
            let mine = rows.filter { Int(m.y[$0]) == c }
            fig.marks.append(.scatter(points: mine.map { Point(xa[$0], xb[$0]) }, color: colors[c % colors.count], size: 4.5,
                                      shape: c < colors.count ? .circle : .square, edge: nil, label: markupEscaped(f.classNames[c])))
        }
        fig.xLimits = (us.first!, us.last!)
        fig.yLimits = (vs.first!, vs.last!)
        fig.accessibleTitle = text(m, "regionsAccessibleTitle", ["model": .string(m.name)])
        let never = (0..<k).filter { !shown.contains($0) }.map { f.classNames[$0] }
        let values: [String: MustacheValue] = [
            "a": .string(m.design.terms[a].name), "b": .string(m.design.terms[b].name), "others": Prose.count(m.design.columns - 3),
            "sampled": .bool(m.n > 2000), "rows": Prose.count(m.n), "hasNever": .bool(!never.isEmpty),
            "never": .string(SeveralReport.list(m, never)), "neverCount": Prose.count(never.count),
        ]
        return ReportFigure(name: "\(m.name)-regions", figure: fig, caption: text(m, "regionsCaption", values), altText: text(m, "regionsAlt", values))
    }

    /// The pair the profile and descent figures show: the strongest numeric predictor's
    /// coefficient and the intercept, in the class where that predictor's |z| is largest, as
    /// parameter indices (a, b), with the class c, the design column j and the intercept's.
    static func pair(_ m: SeveralAnalysis, _ f: SoftmaxFit) -> (a: Int, b: Int, c: Int, j: Int, intercept: Int)? {
        guard let j = strongest(m, f).first,
              let intercept = m.design.terms.firstIndex(where: { $0.column == nil && $0.level == nil }) else { return nil }
        let p = m.design.columns, k = f.classNames.count
        let estimates = f.regression.estimates
        let c = (1..<k).max { abs(estimates[($0 - 1) * p + j].coefficient.statistic) < abs(estimates[($1 - 1) * p + j].coefficient.statistic) }!
        return ((c - 1) * p + j, (c - 1) * p + intercept, c, j, intercept)
    }

    /// Points per side of a profile grid: 25, or 15 when 625 refits would cost over 4·10⁹.
    static func gridCount(_ m: SeveralAnalysis, _ f: SoftmaxFit) -> Int {
        m.n * f.regression.parameterCount * f.regression.parameterCount * 625 <= 4_000_000_000 ? 25 : 15
    }

    /// The profile log-likelihood over parameters a and b on the grid `us` × `vs` (row-major by
    /// `vs`): every other coefficient refitted at each point, row by row from the middle
    /// outwards, each point warm-started from its neighbour towards the middle; NaN where a
    /// refit does not converge.
    static func profileGrid(_ m: SeveralAnalysis, _ f: SoftmaxFit, a: Int, b: Int, us: [Double], vs: [Double]) -> [Double] {
        let r = f.regression
        let labels = m.y.map { Int($0) }
        let hat = r.parameters
        let nu = us.count, nv = vs.count
        var values = [Double](repeating: .nan, count: nu * nv)
        var starts = [[Double]?](repeating: nil, count: nu * nv)
        // The middle: the grid point nearest the estimate.
        let mu = us.indices.min { abs(us[$0] - hat[a]) < abs(us[$1] - hat[a]) } ?? nu / 2
        let mv = vs.indices.min { abs(vs[$0] - hat[b]) < abs(vs[$1] - hat[b]) } ?? nv / 2
        let orderU = (0..<nu).sorted { abs($0 - mu) < abs($1 - mu) }, orderV = (0..<nv).sorted { abs($0 - mv) < abs($1 - mv) }
        for iv in orderV {
            for iu in orderU {
                let neighbour = [(iu + (iu < mu ? 1 : iu > mu ? -1 : 0), iv), (iu, iv + (iv < mv ? 1 : iv > mv ? -1 : 0))]
                    .compactMap { starts[$0.1 * nu + $0.0] }.first ?? hat
                if let pr = r.profile(fixing: [a, b], values: [us[iu], vs[iv]], from: neighbour, design: m.design, labels: labels) {
                    values[iv * nu + iu] = pr.logL
                    starts[iv * nu + iu] = pr.beta
                }
            }
        }
        return values
    }

    /// The optimisers over the categorical cross-entropy in all p(K − 1) dimensions, seen
    /// through the likelihood figure's pair over the profile mean cross-entropy (a refit at
    /// each grid point, within the profile budget), and the loss above its minimum against
    /// the iteration.
    static func descent(_ m: SeveralAnalysis) -> ReportFigure? {
        guard let d = m.descents, let f = fit(m), let (a, b, c, j, intercept) = pair(m, f) else { return nil }
        let r = f.regression
        let n = m.data.observations
        let nameA = label(m, "pairAxis", ["class": .string(f.classNames[c]), "term": .string(m.design.terms[j].name)])
        let nameB = label(m, "pairAxis", ["class": .string(f.classNames[c]), "term": .string(m.design.terms[intercept].name)])
        let mle = (r.parameters[a], r.parameters[b])
        let profiled = m.n * r.parameterCount * r.parameterCount <= SeveralAnalysis.classProfileWork
        // Contours need fewer points than the region's boundary: 17 a side (or 15).
        let count = min(17, gridCount(m, f))
        var fig = SeveralFigures.descentPanels(m, d, a: a, b: b, nameA: nameA, nameB: nameB, mle: mle, minimumLoss: -r.logLikelihood / n) { xr, yr in
            guard profiled else { return nil }
            let us = SurfaceGrid.axis(xr.0, xr.1, count: count), vs = SurfaceGrid.axis(yr.0, yr.1, count: count)
            let loss = profileGrid(m, f, a: a, b: b, us: us, vs: vs).map { -$0 / n }
            let top = loss.filter(\.isFinite).max() ?? 1
            return FigureFactory.lossContours(SurfaceGrid(w: us, b: vs, values: loss.map { $0.isFinite ? $0 : top }), minimum: -r.logLikelihood / n)
        }
        fig.accessibleTitle = m.text("descentAccessibleTitle", ["model": .string(m.name)])
        let values: [String: MustacheValue] = [
            "a": .string(text(m, "pairAxis", ["class": .string(f.classNames[c]), "term": .string(m.design.terms[j].name)])),
            "b": .string(text(m, "pairAxis", ["class": .string(f.classNames[c]), "term": .string(m.design.terms[intercept].name)])),
            "linear": .bool(false), "p": .string(String(r.parameterCount)),
            "rawSteps": Prose.count(d.raw.iterations), "rawArrived": .bool(d.raw.arrived), "zSteps": Prose.count(d.standardised.iterations),
            "zArrived": .bool(d.standardised.arrived), "newtonSteps": d.newton.map { Prose.count($0.iterations) } ?? .bool(false),
            "newtonArrived": .bool(d.newton?.arrived ?? false), "subgradient": .bool(false),
            "count": .string(m.text("three")), "studentT": .bool(false), "profiled": .bool(profiled), "loss": .string(m.lossName),
        ]
        return ReportFigure(name: "\(m.name)-descent", figure: fig, caption: m.text("descentCaption", values), altText: m.text("descentAlt", values))
    }

    /// The profile log-likelihood over a pair of coefficients of one class — the strongest
    /// numeric predictor's and the intercept, in the class where that predictor's |z| is
    /// largest — every other coefficient refitted at each point (Newton, warm-started from a
    /// neighbour), with the 95 % likelihood-ratio region (2(ℓ̂ − ℓₚ) ≤ χ²₂(0.95)). Up to the
    /// same budget as the profile intervals, on a grid of 25 × 25 (fewer on many rows).
    static func likelihood(_ m: SeveralAnalysis) -> ReportFigure? {
        guard let f = fit(m), let (a, b, c, j, intercept) = pair(m, f) else { return nil }
        let r = f.regression
        let work = m.n * r.parameterCount * r.parameterCount
        guard work <= SeveralAnalysis.classProfileWork else { return nil }
        let estimates = r.estimates
        let ea = estimates[a].coefficient, eb = estimates[b].coefficient
        let depth = Distributions.chiSquared2Quantile(0.95) / 2
        let count = gridCount(m, f)
        let reach = 3.0
        let us = SurfaceGrid.axis(ea.estimate - reach * ea.standardError, ea.estimate + reach * ea.standardError, count: count)
        let vs = SurfaceGrid.axis(eb.estimate - reach * eb.standardError, eb.estimate + reach * eb.standardError, count: count)
        let values = profileGrid(m, f, a: a, b: b, us: us, vs: vs).map { $0 - r.logLikelihood }
        let floor = max(values.filter(\.isFinite).min() ?? -4 * depth, -4 * depth)
        let grid = SurfaceGrid(w: us, b: vs, values: values.map { $0.isFinite ? $0 : floor })
        var fig = Figure()
        let nameA = m.design.terms[j].name
        fig.xLabel = label(m, "pairAxis", ["class": .string(f.classNames[c]), "term": .string(nameA)])
        fig.yLabel = label(m, "pairAxis", ["class": .string(f.classNames[c]), "term": .string(m.design.terms[intercept].name)])
        fig.showsGrid = false
        fig.title = label(m, "likelihoodTitle", ["class": .string(f.classNames[c])])
        fig.marks.append(.heatmap(Heatmap(x: us, y: vs, values: grid.values, range: (floor, 0), smooth: true)))
        let boundary = FigureFactory.regionBoundary(grid, level: -depth, around: Parameters(w: ea.estimate, b: eb.estimate))
        fig.marks.append(.line(points: boundary.map { Point($0.w, $0.b) }, color: .white, width: 2.2, dash: [], label: label(m, "regionLegend")))
        fig.marks.append(.point(Point(ea.estimate, eb.estimate), shape: .star, color: Palette.vermillion, size: 13, label: label(m, "mleLegend")))
        fig.xLimits = (us.first!, us.last!)
        fig.yLimits = (vs.first!, vs.last!)
        fig.colorbar = Colorbar(range: (floor, 0), label: label(m, "likelihoodColorbar"), marks: [(-depth, .white)])
        fig.accessibleTitle = text(m, "likelihoodAccessibleTitle", ["model": .string(m.name)])
        let cov = r.covariance
        let correlation = cov[a, b] / (cov[a, a] * cov[b, b]).squareRoot()
        let values2: [String: MustacheValue] = [
            "class": .string(f.classNames[c]), "reference": .string(f.classNames[0]), "a": .string(nameA),
            "grid": .string(String(count)), "others": Prose.count(r.parameterCount - 2), "depth": .string(s(depth, 4)),
            "correlation": .string(Narrative.correlation(correlation)), "tilted": .bool(abs(correlation) > 0.3),
            "blank": .bool(values.contains { !$0.isFinite }),
            "open": .bool((0..<(count * count)).contains { i in
                (i % count == 0 || i % count == count - 1 || i / count == 0 || i / count == count - 1) && values[i] > -depth }),
        ]
        return ReportFigure(name: "\(m.name)-likelihood", figure: fig, caption: text(m, "likelihoodCaption", values2),
                            altText: text(m, "likelihoodAlt", values2))
    }

    /// The class probabilities against the strongest numeric predictor (largest |z| over the
    /// classes), the others at their means and reference levels: K lines that sum to one, with
    /// each class's share in bins of that predictor and its Wilson interval.
    static func probabilities(_ m: SeveralAnalysis) -> ReportFigure? {
        guard let f = fit(m) else { return nil }
        let r = f.regression
        let k = f.classNames.count, p = m.design.columns
        guard let j = strongest(m, f).first else { return nil }
        let x = m.design.column(j)
        let lo = x.min()!, hi = x.max()!
        let xs = SeveralFigures.axis(lo, hi)
        // Each class's probability along x, the other predictors held at the typical row.
        var point = m.typicalRow
        let probabilities: [[Double]] = xs.map { v in
            point[j] = v
            let eta = scores(r, point)
            let top = eta.max()!
            let w = eta.map { exp($0 - top) }
            let total = w.reduce(0, +)
            return w.map { $0 / total }
        }
        var fig = Figure()
        let name = m.design.terms[j].name
        fig.xLabel = markupEscaped(name)
        fig.yLabel = label(m, "probabilityAxis")
        fig.title = label(m, "probabilitiesTitle", ["x": .string(name)])
        let colors = classColors
        for c in 0..<k {
            let color = colors[c % colors.count]
            fig.marks.append(.line(points: zip(xs, probabilities).map { Point($0, $1[c]) }, color: color, width: 1.8, dash: c < colors.count ? [] : [5, 3],
                                   label: markupEscaped(f.classNames[c])))
            let bins = SeveralFigures.bins(x: x, y: m.y.map { Int($0) == c ? 1 : 0 }, count: 8, kind: .logistic, weights: m.data.frequencyWeights)
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
