import Foundation
import Likelihood
import Mustache
import Plot

/// The page section, stdout summary and report.json entry of a several-predictor model
/// (`model-several.mustache`, words in `text-several.mustache`).
enum SeveralReport {
    /// The figure kinds of a several-predictor model, in page order: the fit against the
    /// linear predictor, and the effect of the strongest numeric predictor.
    static func figureKinds(_ request: ModelRequest) -> [String] {
        if request.kind == .softmax { return SoftmaxReport.figureKinds }
        let own: [String]
        switch request.kind {
        case .linear: own = ["fitted", "effect", "likelihood", "descent", "qq", "residuals"]
        case .poisson: own = ["fitted", "effect", "likelihood", "descent", "rootogram"]
        default: own = ["fitted", "effect", "likelihood", "descent"]
        }
        // A penalty's figures come last, in its own part of the section.
        return own + (request.penalty == nil ? [] : PenaltyReport.figureKinds)
    }

    static let partial = "model-several"

    static func f(_ v: Double, _ digits: Int = 4) -> MustacheValue { .string(NumberFormat.significant(v, digits)) }
    static func s(_ v: Double, _ digits: Int = 3) -> String { NumberFormat.significant(v, digits) }
    static func p(_ v: Double) -> String { NumberFormat.pValue(v) }

    /// The model's values for its section.
    static func page(_ m: SeveralAnalysis, figures: [ReportFigure?], firstFigureNumber: Int, formats: [ImageFormat], themes: [Theme],
                     narrow: NarrowRendering?, inlineSVG: [String: String]?) -> MustacheValue {
        if let f = SoftmaxReport.fit(m) {
            return SoftmaxReport.page(m, f, figures: figures, firstFigureNumber: firstFigureNumber, formats: formats, themes: themes,
                                      narrow: narrow, inlineSVG: inlineSVG)
        }
        let statistic = m.kind == .linear ? "t" : "z"
        func bound(_ v: Double) -> MustacheValue { v.isFinite ? f(v, 4) : .string(v < 0 ? "−∞" : "∞") }
        let rows: [MustacheValue] = m.estimates.enumerated().map { j, e in
            let k = e.coefficient
            var row: [String: MustacheValue] = ["term": .string(e.term), "estimate": f(k.estimate, 5), "se": f(k.standardError, 4),
                    "statistic": .string(NumberFormat.fixed(k.statistic, 2)),
                    "p": .string(p(k.pValue).replacingOccurrences(of: "< ", with: "<\u{A0}")),
                    "low": f(k.lower, 4), "high": f(k.upper, 4), "profileLow": .bool(false), "profileHigh": .bool(false)]
            if let pi = m.profile?[j] { row["profileLow"] = bound(pi.lower); row["profileHigh"] = bound(pi.upper) }
            return .object(row)
        }
        let codings: [MustacheValue] = m.design.codings.map { c in
            let levels: [MustacheValue] = zip(c.levels, c.counts).map { ["level": .string($0.0), "rows": .string(String($0.1)),
                                                                          "reference": .bool($0.0 == c.reference)] }
            return ["column": .string(c.column), "text": .string(codingText(m, c)), "levels": .array(levels)]
        }
        let tests: [MustacheValue] = m.tests.map { t in
            t.statistic.isNaN ? ["term": .string(t.term), "df": .string(String(t.degreesOfFreedom)), "statistic": .string("—"), "p": .string("—")]
                : ["term": .string(t.term), "df": .string(String(t.degreesOfFreedom)), "statistic": f(t.statistic, 4),
                   "p": .string(p(t.pValue).replacingOccurrences(of: "< ", with: "<\u{A0}"))]
        }
        let vifRows: [MustacheValue] = m.design.terms.indices.dropFirst().map { j in
            ["term": .string(m.design.terms[j].name), "vif": f(m.vif[j - 1], 4),
             "seFactor": f(m.vif[j - 1].squareRoot(), 3)]
        }
        var o: [String: MustacheValue] = [
            "name": .string(m.name), "displayName": .string(displayName(m)), "partial": .string(partial),
            "n": .number(Double(m.n)), "y": .string(m.request.y), "predictors": .string(m.predictorList),
            "source": .string(m.source), "dropped": .number(Double(m.data.droppedRows)), "hasDropped": .bool(m.data.droppedRows > 0),
            "statisticName": .string(statistic), "coefficients": .array(rows), "codings": .array(codings),
            "hasProfile": .bool(m.profile != nil), "profileText": .string(profileText(m)),
            "hasCodings": .bool(!codings.isEmpty), "termTests": .array(tests), "vif": .array(vifRows), "hasVIF": .bool(vifRows.count > 1),
            "testStatisticName": .string(m.kind == .linear ? "F" : "χ²"),
            "logL": f(m.logLikelihood, 6), "aic": f(m.aic, 6), "bic": f(m.bic, 6), "k": .number(Double(m.parameterCount)),
            "p": .number(Double(m.design.columns)), "iterations": .number(Double(m.iterations)),
            "linear": .bool(m.kind == .linear), "logistic": .bool(m.kind == .logistic), "poisson": .bool(m.kind == .poisson),
            "laplace": .bool(m.kind == .laplace), "studentT": .bool(m.kind == .studentT),
        ]
        o["sourceText"] = .string(m.text("sourceText", [
            "source": .string(m.source), "rows": Prose.count(m.n), "y": .string(m.request.y),
            "dropped": Prose.count(m.data.droppedRows), "hasDropped": .bool(m.data.droppedRows > 0),
            "binary": .bool(m.data.responseLevels != nil), "one": .string(m.data.responseLevels?.one ?? ""),
            "zero": .string(m.data.responseLevels?.zero ?? ""), "chosen": .bool(m.request.positive != nil),
            "ones": Prose.count(Int(m.y.reduce(0, +))), "logistic": .bool(m.kind == .logistic),
            "weighted": .bool(m.data.frequencyWeights != nil), "trials": .bool(m.data.trials != nil), "trialsColumn": .string(m.request.trials ?? ""),
            "observations": .string(Narrative.count(Int(m.data.observations.rounded()))),
            // Σ wᵢyᵢ: the successes (a group's share times its trials), or the weighted ones.
            "successes": .string(Narrative.count(Int((m.weights.map { zip($0, m.y).reduce(0) { $0 + $1.0 * $1.1 } } ?? m.y.reduce(0, +)).rounded()))),
            "trialCount": .string(Narrative.count(Int(m.data.likelihoodWeightTotal.rounded()))),
        ]))
        o["testsText"] = .string(testsText(m))
        o["residualText"] = .string(m.residualChecks.map { d in
            m.text("residualText", [
                "skewed": .bool(abs(d.shape.skewness) > 0.5), "skewness": .string(s(d.shape.skewness)),
                "heavy": .bool(d.shape.excessKurtosis > 1), "light": .bool(d.shape.excessKurtosis < -0.5),
                "normalTails": .bool(d.shape.excessKurtosis <= 1 && d.shape.excessKurtosis >= -0.5), "kurtosis": .string(s(d.shape.excessKurtosis)),
                "jb": .string(s(d.shape.jarqueBera)), "jbP": .string(NumberFormat.pRelation(d.shape.jarqueBeraP)), "jbRejects": .bool(d.shape.jarqueBeraP < 0.05),
                "bp": .string(s(d.breuschPagan)), "bpP": .string(NumberFormat.pRelation(d.breuschPaganP)), "bpRejects": .bool(d.breuschPaganP < 0.05),
                "df": .string(String(d.degreesOfFreedom)),
            ])
        } ?? (m.kind == .linear && m.data.frequencyWeights != nil
              ? m.text("residualsWeighted", ["fractional": .bool(m.data.frequencyWeights!.contains { $0 != $0.rounded() }),
                                             "observations": .string(Narrative.count(Int(m.data.observations.rounded()))),
                                             "limit": .string(Narrative.count(GroupedReport.expansionLimit))]) : ""))
        o["hasDescent"] = .bool(m.descents != nil)
        o["residualFiguresText"] = .string(residualFiguresText(m))
        o["skippedText"] = .string(m.drawsGLMPictures ? "" : m.text("picturesSkipped", ["rows": Prose.count(m.n)]))
        o["descentText"] = .string(descentText(m))
        o["collinearityText"] = .string(collinearityText(m))
        o["dispersionText"] = .bool(false)
        if let phi = m.dispersion, m.kind == .poisson, !m.request.isGrouped {
            o["dispersionText"] = .string(m.text("dispersionText", [
                "phi": .string(s(phi, 3)), "phi2": .string(s(phi, 2)), "root": .string(s(phi.squareRoot(), 2)),
                "p": Prose.count(m.design.columns), "rootogram": .bool(figures.count > 4 && figures[4] != nil), "over": .bool(phi > 1.5), "under": .bool(phi < 0.67), "fine": .bool(phi <= 1.5 && phi >= 0.67),
            ]))
        }
        var statistics: [MustacheValue] = []
        switch m.fit {
        case .softmax: break
        case let .linear(f):
            statistics.append(["term": .string("σ̂² = RSS/n"), "value": .string(NumberFormat.significant(f.sigma2MLE, 6))])
            statistics.append(["term": .string("R²"), "value": .string(NumberFormat.significant(f.rSquared, 4))])
            statistics.append(["term": .string(m.text("methodTerm")), "value": .string(m.text("linearMethod", ["df": .string(String(f.degreesOfFreedom))]))])
        case let .glm(f):
            statistics.append(["term": .string(m.text("devianceTerm")), "value": .string(NumberFormat.significant(f.deviance, 6))])
            if let chi2 = m.pearsonChiSquared {
                statistics.append(["term": .string(m.text(m.data.trials != nil ? "binomialPearsonTerm" : "pearsonTerm")),
                                   "value": .string(NumberFormat.significant(chi2, 6))])
            }
            if m.kind == .logistic {
                statistics.append(["term": .string(m.text("pseudoTerm")), "value": .string(NumberFormat.significant(pseudoRSquared(f), 4))])
            }
            statistics.append(["term": .string(m.text("methodTerm")), "value": .string(m.text("newtonMethod", ["steps": Prose.count(f.iterations)]))])
        case let .laplace(f):
            let weighted = f.weights != nil
            statistics.append(["term": .string(weighted ? "ŝ = Σwᵢ|rᵢ|/Σwᵢ" : "ŝ = Σ|rᵢ|/n"), "value": .string(NumberFormat.significant(f.scale, 6))])
            statistics.append(["term": .string(weighted ? "Σwᵢ|rᵢ|" : "Σ|rᵢ|"), "value": .string(NumberFormat.significant(f.sumAbsoluteDeviations, 8))])
            statistics.append(["term": .string(m.text("methodTerm")), "value": .string(m.text(f.line == nil ? "simplexMethod" : "lineMethod", ["pivots": Prose.count(f.pivots)]))])
        case let .studentT(f):
            statistics.append(["term": .string("ŝ"), "value": .string(NumberFormat.significant(f.scale, 6))])
            statistics.append(["term": .string("ν̂"), "value": .string(m.text("nuValue", ["nu": .string(NumberFormat.significant(f.nu, 4)),
                                                                                        "capped": .bool(f.nuAtCap), "fixed": .bool(f.nuFixed),
                                                                                        "floor": .bool(f.nuAtFloor)]))])
            statistics.append(["term": .string(m.text("methodTerm")), "value": .string(m.text("studentTMethod", [
                "starts": Prose.count(f.starts), "maxima": Prose.count(f.maxima.count), "steps": Prose.count(f.iterations)]))])
        }
        o["statistics"] = .array(statistics)
        for (key, value) in GroupedReport.values(m) { o[key] = value }
        o["aicNote"] = .string(m.text("aicNote", ["k": .string(String(m.parameterCount)), "p": .string(String(m.design.columns)),
                                                 "linear": .bool(m.kind == .linear), "laplace": .bool(m.kind == .laplace),
                                                 "studentT": .bool(m.kind == .studentT),
                                                 "nuEstimated": .bool({ if case let .studentT(f) = m.fit { return !f.nuFixed }; return false }())]))
        o["fitText"] = .string(fitText(m))
        noiseComparison(m, into: &o)
        addChecks(Timing.measure("checks") { self.checks(m) }, into: &o)
        let figureValues = values(of: figures, firstFigureNumber: firstFigureNumber, formats: formats, themes: themes, narrow: narrow,
                                  inlineSVG: inlineSVG)
        let penaltySlots = m.penalty == nil ? 0 : PenaltyReport.figureKinds.count
        o["figures"] = .array(Array(figureValues.dropLast(penaltySlots)))
        o["penalty"] = PenaltyReport.page(m, figures: Array(figureValues.suffix(penaltySlots)))
        return .object(o)
    }

    static func displayName(_ m: SeveralAnalysis) -> String {
        m.name == m.request.kind.rawValue ? (m.prose ?? Prose.shared)?.text(m.kind.rawValue, "familyName") ?? m.name : m.name
    }

    /// What the Q–Q and residual plots show, counted: points outside the envelope against the
    /// about 5 % expected by chance, residuals beyond ±2σ̂, and a warning when few distinct
    /// responses (rounded data) make tied residuals step outside an envelope drawn for
    /// continuous noise.
    static func residualFiguresText(_ m: SeveralAnalysis) -> String {
        guard let qq = m.qq, case let .linear(fit) = m.fit else { return "" }
        let expected = max(1, Int((0.05 * Double(qq.observed.count)).rounded()))
        let sigma = (fit.rss / fit.observations).squareRoot()
        // With frequency weights, the observations written out.
        let (ys, fs) = m.residualData
        let n = ys.count
        var beyond = 0
        for (y, f) in zip(ys, fs) where abs(y - f) > 2 * sigma { beyond += 1 }
        let distinct = n <= 200_000 ? Set(ys).count : nil
        let rounded = distinct.map { 2 * $0 <= n && qq.outside > 2 * expected } ?? false
        return m.text("residualFiguresText", [
            "outside": Prose.count(qq.outside), "plotted": .string(Narrative.count(qq.observed.count)), "expected": .string(String(expected)),
            "beyond": Prose.count(beyond), "rows": .string(Narrative.count(n)), "twoSigma": .string(s(2 * sigma)),
            "share": .string(NumberFormat.fixed(100 * Double(beyond) / Double(n), 1)),
            "rounded": .bool(rounded), "distinct": .string(Narrative.count(distinct ?? 0)),
            "writtenOut": .bool(m.residualRows != nil), "fileRows": .string(Narrative.count(m.n)),
        ])
    }

    /// The conditioning lesson over the whole Hessian, computed.
    static func descentText(_ m: SeveralAnalysis) -> String {
        guard let d = m.descents else { return "" }
        // The columns that move together: the flattest direction's large components.
        // Parameter names: the design's terms, or for a softmax each term of each non-reference class.
        let terms = SoftmaxReport.fit(m).map { f in
            (1..<f.classNames.count).flatMap { c in m.design.terms.map { SoftmaxReport.text(m, "pairAxis", ["class": .string(f.classNames[c]), "term": .string($0.name)]) } }
        } ?? m.design.terms.map(\.name)
        let together = d.flattest.indices.filter { abs(d.flattest[$0]) >= 0.3 }.map { terms[$0] }
        func steps(_ path: SeveralPath) -> MustacheValue { Prose.count(path.iterations) }
        return m.text("descentText", [
            "kappa": .string(s(d.rawCondition, 3)), "kappaZ": .string(s(d.standardisedCondition, 3)),
            "beyond": .bool(d.rawCondition > 1e15),
            "p": .string(String(d.flattest.count)), "together": .string(list(m, together)), "someTogether": .bool(together.count >= 2),
            "rawSteps": steps(d.raw), "rawArrived": .bool(d.raw.arrived), "rawDistance": .string(s(d.raw.distance, 2)),
            "rawStalled": .bool(!d.raw.arrived && d.raw.iterations < d.stepBudget),
            "zStalled": .bool(!d.standardised.arrived && d.standardised.iterations < d.stepBudget),
            "zSteps": steps(d.standardised), "zArrived": .bool(d.standardised.arrived), "zDistance": .string(s(d.standardised.distance, 2)),
            "newtonSteps": d.newton.map(steps) ?? .bool(false), "newtonArrived": .bool(d.newton?.arrived ?? false),
            "newtonDistance": .string(s(d.newton?.distance ?? 0, 2)), "budget": Prose.count(d.stepBudget),
            "loss": .string(m.lossName),
            "fixed": .bool(d.rule == .fixed), "lineSearch": .bool(d.rule == .lineSearch), "subgradient": .bool(d.rule == .subgradient),
            "studentT": .bool(m.kind == .studentT), "alpha": .string(s(d.raw.learningRate, 3)),
            "softmax": .bool(m.kind == .softmax), "two": .bool((SoftmaxReport.fit(m)?.classNames.count ?? 0) == 2),
            "startDistance": .string(s(d.startDistance, 2)),
            "rounder": .bool(d.standardisedCondition < d.rawCondition),
        ])
    }

    /// Where the profile intervals part from the Wald ones, in words.
    static func profileText(_ m: SeveralAnalysis) -> String {
        guard m.kind != .linear else { return "" }
        guard let profile = m.profile else {
            return m.text("profileSkipped", ["rows": Prose.count(m.n), "limit": Prose.count(SeveralAnalysis.profileRowLimit)])
        }
        // The largest shift of an end, in standard errors.
        var worst = 0.0, term = ""
        for (j, e) in m.estimates.enumerated() {
            let se = e.coefficient.standardError
            let shift = max(abs(profile[j].lower - e.coefficient.lower), abs(profile[j].upper - e.coefficient.upper)) / se
            if shift > worst { worst = shift; term = e.term }
        }
        let unbounded = profile.contains { !$0.lower.isFinite || !$0.upper.isFinite }
        return m.text("profileText", ["shift": .string(s(worst, 2)), "term": .string(term), "close": .bool(worst < 0.1),
                                      "unbounded": .bool(unbounded)])
    }

    /// How a categorical column was coded, in words: its levels, the reference and its rows (and,
    /// with frequency weights or trials, the observations they stand for: all of them less those
    /// of the other levels, each a dummy column).
    static func codingText(_ m: SeveralAnalysis, _ c: CategoricalCoding) -> String {
        var referenceObservations = m.data.likelihoodWeightTotal
        if let w = m.data.likelihoodWeights {
            for j in m.design.terms.indices where m.design.terms[j].column == c.column && m.design.terms[j].level != nil {
                let d = m.design.column(j)
                for i in d.indices where d[i] != 0 { referenceObservations -= w[i] }
            }
        }
        return m.text("codingText", [
            "column": .string(c.column), "levels": Prose.count(c.levels.count), "reference": .string(c.reference),
            "referenceRows": Prose.count(c.counts[c.levels.firstIndex(of: c.reference)!]),
            "dummies": Prose.count(c.levels.count - 1), "weighted": .bool(m.data.likelihoodWeights != nil),
            "referenceObservations": .string(GroupedReport.trimmed((referenceObservations * 1e6).rounded() / 1e6)),
        ])
    }

    /// What the term tests find, in words: which columns matter at the 5 % level.
    static func testsText(_ m: SeveralAnalysis) -> String {
        let clear = m.tests.filter { $0.pValue < 0.05 }.map(\.term)
        let weak = m.tests.filter { $0.pValue >= 0.05 }
        let untested = m.tests.filter { $0.pValue.isNaN }.map(\.term)
        return m.text("testsText", [
            "untested": .string(list(m, untested)), "hasUntested": .bool(!untested.isEmpty), "untestedCount": Prose.count(untested.count),
            "hasClear": .bool(!clear.isEmpty), "hasWeak": .bool(!weak.isEmpty),
            "linear": .bool(m.kind == .linear), "all": .bool(weak.isEmpty && untested.isEmpty && !clear.isEmpty),
            "none": .bool(clear.isEmpty && !weak.isEmpty),
            "clear": .string(list(m, clear)), "clearCount": Prose.count(clear.count), "weak": .string(list(m, weak.map(\.term))), "weakCount": Prose.count(weak.count),
            "weakP": .string(weak.first.map { NumberFormat.pRelation($0.pValue) } ?? ""),
        ])
    }

    /// `a, b and c`, with the template's word for "and".
    static func list(_ m: SeveralAnalysis, _ names: [String]) -> String {
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " " + m.text("and") + " " + names.last!
    }

    /// What collinearity does to the standard errors, computed.
    static func collinearityText(_ m: SeveralAnalysis) -> String {
        let terms = m.design.terms.dropFirst().map(\.name)
        guard !terms.isEmpty else { return "" }
        let worst = m.vif.indices.max { m.vif[$0] < m.vif[$1] }!
        let v = m.vif[worst]
        return m.text("collinearityText", [
            "kappa": .string(s(m.conditionNumber, 4)), "harmful": .bool(m.conditionNumber >= 30), "mild": .bool(m.conditionNumber >= 10 && m.conditionNumber < 30),
            "one": .bool(terms.count == 1), "worst": .string(terms[worst]), "vif": .string(s(v, 4)), "factor": .string(s(v.squareRoot(), 3)),
            "large": .bool(v >= 10), "moderate": .bool(v >= 2.5 && v < 10),
        ])
    }

    /// The derivation's identities, checked on the data.
    /// The figure slots' values, numbered from `firstFigureNumber` in order (a left-out slot
    /// takes no number).
    static func values(of figures: [ReportFigure?], firstFigureNumber: Int, formats: [ImageFormat], themes: [Theme],
                       narrow: NarrowRendering?, inlineSVG: [String: String]?) -> [MustacheValue] {
        var out: [MustacheValue] = []
        var shown = 0
        for slot in figures {
            out.append(PageContext.figureValue(slot, number: firstFigureNumber + shown, formats: formats, themes: themes, narrow: narrow,
                                               inlineSVG: inlineSVG))
            if slot != nil { shown += 1 }
        }
        return out
    }

    /// The section's checks and whether all of them hold.
    static func addChecks(_ checks: [MustacheValue], into o: inout [String: MustacheValue]) {
        o["checks"] = .array(checks)
        o["allChecksPass"] = .bool(checks.allSatisfy { $0["passed"] == .bool(true) })
    }

    static func checks(_ m: SeveralAnalysis) -> [MustacheValue] {
        var page = ModelPage()
        let x = m.design
        // The residuals, as an array only for the exact small-data fits (Laplace, Student-t).
        let residual = m.kind == .linear || !m.continuous ? [] : zip(m.y, m.fitted).map { $0 - $1 }
        // The score Xᵀ(y − μ̂) at β̂: each component over the size of the two sums it is the
        // difference of (Σ|xᵢⱼ|(|yᵢ| + |μ̂ᵢ|)), the scale of its rounding, free of the columns'
        // units. (Over Σ|xᵢⱼ(yᵢ − μ̂ᵢ)| a dummy of one row, whose residual is rounding alone,
        // would read 1: Bikeshare's single hour of heavy rain.)
        // Weighted rows: Xᵀ W (y − μ̂), the score of the weighted likelihood.
        let (score, scales) = m.weights.map { w in x.transposeTimes(zip(w, m.y).map(*), minus: zip(w, m.fitted).map(*)) }
            ?? x.transposeTimes(m.y, minus: m.fitted)
        var worst = 0.0
        for j in 0..<x.columns where scales[j] > 0 { worst = max(worst, abs(score[j]) / scales[j]) }
        if m.kind == .linear || !m.continuous {
            page.check(m.text(m.kind == .linear ? "normalEquationsCheck" : "scoreCheck"), m.text(m.kind == .linear ? "residualLeft" : "scoreLeft"), "0", worst, 0,
                       passes: worst <= 1e-9)
        }
        switch m.fit {
        case .softmax: break
        case let .linear(f):
            // −log L = n/2·log(2πσ̂²) + n/2, against the Gaussian density summed point by point.
            let sigma2 = f.sigma2MLE
            var sum = 0.0
            for (i, (y, fitted)) in zip(m.y, m.fitted).enumerated() {
                let r = y - fitted
                sum += (m.weights?[i] ?? 1) * (-0.5 * log(2 * Double.pi * sigma2) - r * r / (2 * sigma2))
            }
            page.check(m.text("gaussianLogLCheck"), "Σ log p(yᵢ | xᵢ)", "−n/2 · (log 2πσ̂² + 1)", sum, f.logLikelihood)
        case let .glm(f):
            // Newton's next step at β̂, in standard errors: the fit is at the maximum.
            let family: any CanonicalFamily = m.kind == .poisson ? PoissonLog() : BernoulliLogit()
            let (g, h) = f.derivatives(at: f.coefficients, y: m.y, family: family)
            let step = Cholesky(h).map { $0.solve(g) } ?? g.map { _ in Double.infinity }
            let moved = zip(step, f.estimates).map { abs($0) / $1.coefficient.standardError }.max() ?? 0
            page.check(m.text("newtonStepCheck"), m.text("newtonStepLeft"), "10⁻⁶", moved, 1e-6, atMost: true)
            if m.kind == .logistic {
                // Weighted rows (groups of trials, frequencies) count wᵢ times; a group's share yᵢ
                // of successes weighs log p̂ᵢ and its failures log(1 − p̂ᵢ).
                var ce = 0.0, total = 0.0
                for (i, (y, p)) in zip(m.y, m.fitted).enumerated() {
                    let w = m.weights?[i] ?? 1
                    ce -= w * ((y > 0 ? y * log(p) : 0) + (y < 1 ? (1 - y) * log1p(-p) : 0))
                    total += w
                }
                page.check(m.text("crossEntropyCheck"), "−(1/n) Σ [yᵢ log p̂ᵢ + (1 − yᵢ) log(1 − p̂ᵢ)]", "−log L / n",
                           ce / total, -(f.logLikelihood - f.constant) / total)
            } else {
                var d = 0.0
                for (i, (y, mu)) in zip(m.y, m.fitted).enumerated() { d += 2 * (m.weights?[i] ?? 1) * ((y > 0 ? y * log(y / mu) : 0) - (y - mu)) }
                page.check(m.text("devianceCheck"), "2 Σ [yᵢ log(yᵢ/μ̂ᵢ) − (yᵢ − μ̂ᵢ)]", "2 (ℓ_saturated − ℓ̂)", d, f.deviance)
            }
        case let .laplace(f):
            // The certificate: multipliers within [−1, 1] prove no β has a smaller Σ|rᵢ|.
            page.check(m.text("certificateCheck"), m.text("certificateLeft"), "1", f.largestMultiplier, 1, atMost: true)
            // A coordinate nudge either way raises Σwᵢ|rᵢ| (a check of the certificate by brute force).
            let w = f.weights, weighted = w != nil
            var rise = Double.infinity
            for j in 0..<x.columns {
                let h = 1e-6 * max(f.estimates[j].coefficient.standardError, 1e-300)
                let c = x.column(j)
                for sign in [-1.0, 1.0] {
                    var sum = 0.0
                    for i in 0..<x.rows { sum += (w?[i] ?? 1) * abs(residual[i] - sign * h * c[i]) }
                    rise = min(rise, sum - f.sumAbsoluteDeviations)
                }
            }
            page.check(m.text("nudgeCheck", ["weighted": .bool(weighted)]), m.text("nudgeLeft", ["weighted": .bool(weighted)]), "0", rise, 0,
                       passes: rise >= -1e-9 * f.sumAbsoluteDeviations)
            var sum = 0.0
            for (i, r) in residual.enumerated() { sum += (w?[i] ?? 1) * (-log(2 * f.scale) - abs(r) / f.scale) }
            page.check(m.text("laplaceLogLCheck", ["weighted": .bool(weighted)]), weighted ? "Σ wᵢ log p(yᵢ | xᵢ)" : "Σ log p(yᵢ | xᵢ)",
                       weighted ? "−Σwᵢ · (log 2ŝ + 1)" : "−n · (log 2ŝ + 1)", sum, f.logLikelihood)
        case let .studentT(f):
            // Newton's next step at the maximum, in standard errors.
            let (_, moved) = f.checkMaximum(y: m.y)
            // The Student-t density summed over the residuals, written out.
            var value = 0.0
            for (i, r) in residual.enumerated() {
                let z = r / f.scale
                value += (f.frequencyWeights?[i] ?? 1)
                    * (lgamma((f.nu + 1) / 2) - lgamma(f.nu / 2) - 0.5 * log(f.nu * Double.pi) - log(f.scale) - (f.nu + 1) / 2 * log1p(z * z / f.nu))
            }
            page.check(m.text("newtonStepCheck"), m.text("newtonStepLeft"), "10⁻⁶", moved, 1e-6, atMost: true)
            page.check(m.text("studentTLogLCheck"), f.frequencyWeights != nil ? "Σ wᵢ log p(yᵢ | xᵢ)" : "Σ log p(yᵢ | xᵢ)", "log L", value, f.logLikelihood)
        }
        PenaltyReport.check(m, into: &page)
        GroupedReport.checks(m, into: &page)
        return page.checks
    }

    /// The comparison of noise models on this design: its table rows and computed sentence.
    static func noiseComparison(_ m: SeveralAnalysis, into o: inout [String: MustacheValue]) {
        o["hasNoiseComparison"] = .bool(m.noiseComparison != nil)
        o["noiseTitle"] = .string(m.text("noiseTitle"))
        o["noiseSkippedText"] = .string(m.comparisonSkipped ? m.text("noiseSkipped", ["rows": Prose.count(m.n),
                                                                                       "limit": Prose.count(SeveralNoiseComparison.rowLimit)]) : "")
        guard let c = m.noiseComparison, let bestA = c.bestByAIC, let bestB = c.bestByBIC else { return }
        let prose = m.prose ?? Prose.shared
        func noise(_ kind: ModelKind) -> String { prose?.text(kind.rawValue, "noiseName") ?? kind.rawValue }
        o["noiseRows"] = .array(c.rows.map { r -> MustacheValue in
            var row: [String: MustacheValue] = ["noise": .string(noise(r.kind)), "note": .bool(false)]
            if let error = r.error {
                row["note"] = .string(m.text("noiseNotFitted", ["error": .string(error)]))
                return .object(row)
            }
            var loss = prose?.text(r.kind.rawValue, "lossName") ?? ""
            if let nu = r.nu {
                loss += r.nuAtCap ? " (" + m.text("noiseNuCapped") + ")"
                    : ", ν̂ = " + NumberFormat.significant(nu, 3) + (r.nuAtFloor ? " (" + m.text("noiseNuFloor") + ")" : "")
            }
            row["loss"] = .string(loss)
            row["logL"] = f(r.logLikelihood, 7); row["k"] = .string(String(r.parameters))
            row["aic"] = f(r.aic, 7); row["bic"] = f(r.bic, 7)
            row["deltaAIC"] = .string(NumberFormat.fixed(r.aic - bestA.aic, 2)); row["deltaBIC"] = .string(NumberFormat.fixed(r.bic - bestB.bic, 2))
            return .object(row)
        })
        let ranked = c.fitted.sorted { $0.aic < $1.aic }
        let gaussian = c.rows.first { $0.kind == .linear && $0.error == nil }
        let gap = gaussian.map { $0.aic - bestA.aic } ?? 0
        let t = c.rows.first { $0.kind == .studentT && $0.error == nil }
        o["noiseComparisonText"] = .string(m.text("noiseComparisonText", [
            "aicBest": .string(noise(bestA.kind)), "bicBest": .string(noise(bestB.kind)), "sameBest": .bool(bestA.kind == bestB.kind),
            "aicRunnerUp": .string(ranked.count > 1 ? noise(ranked[1].kind) : ""),
            "aicGap": .string(ranked.count > 1 ? NumberFormat.fixed(ranked[1].aic - ranked[0].aic, 2) : ""),
            "n": Prose.count(m.n), "weighted": .bool(m.data.frequencyWeights != nil),
            "observations": .string(Narrative.count(Int(m.data.observations.rounded()))), "gaussianLoses": .bool(gaussian != nil && gap > 2),
            "gaussianGap": .string(NumberFormat.fixed(gap, 1)),
            "outliers": .bool(t.map { !$0.nuAtCap && ($0.nu ?? 1000) < 30 } ?? false),
        ]))
    }

    /// The noise family's name in report.json.
    static func family(_ m: SeveralAnalysis) -> String {
        switch m.kind {
        case .linear: return "gaussian"
        case .logistic: return "bernoulli"
        case .laplace: return "laplace"
        case .studentT: return "student-t"
        case .softmax: return "categorical"
        default: return "poisson"
        }
    }

    static func method(_ m: SeveralAnalysis) -> String {
        switch m.fit {
        case .softmax: return "Newton-Raphson with the exact block Hessian and step-halving"
        case .linear: return "Householder QR least squares"
        case .glm: return "Newton-Raphson (IRLS) with step-halving"
        case let .laplace(f) where f.line != nil:
            return "weighted-median descent on the least-absolute-deviations linear programme in the plane (an intercept and one column), ending on a vertex with its subgradient certificate"
        case .laplace: return "simplex on the least-absolute-deviations linear programme (weighted-median long steps), ending on a vertex with its subgradient certificate"
        case let .studentT(f): return "Newton-Raphson on (beta, log s, log nu) with Levenberg-Marquardt damping, from \(f.starts) starts"
        }
    }

    /// What the fit of a Laplace or Student-t model did, in words (empty for the others).
    static func fitText(_ m: SeveralAnalysis) -> String {
        switch m.fit {
        case let .laplace(f):
            return m.text("laplaceFitText", ["p": Prose.count(f.p), "onFit": Prose.count(f.rowsOnFit), "pivots": Prose.count(f.pivots),
                                             "noPivots": .bool(f.pivots == 0),
                                             "multiplier": .string(s(f.largestMultiplier, 4)), "unique": .bool(f.unique),
                                             "flat": Prose.count(f.flatEdges), "extra": .bool(f.rowsOnFit > f.p),
                                             "weighted": .bool(f.weights != nil)])
        case let .studentT(f):
            let second = f.maxima.dropFirst().first
            let w = f.weights(y: m.y)
            return m.text("studentTFitText", ["starts": Prose.count(f.starts), "maxima": Prose.count(f.maxima.count),
                                              "several": .bool(f.maxima.count > 1),
                                              "reached": Prose.count(f.maxima.first?.reachedBy ?? 0),
                                              "gap": .string(second.map { s(f.logLikelihood - $0.logLikelihood, 3) } ?? ""),
                                              "nu": .string(s(f.nu, 3)), "capped": .bool(f.nuAtCap), "fixed": .bool(f.nuFixed),
                                              "floor": .bool(f.nuAtFloor), "p": Prose.count(f.p),
                                              "n": .string(GroupedReport.trimmed(f.observations)),
                                              "floorNu": .string(s(f.nuFloor, 3)),
                                              "rowsBound": .bool(f.nuFloor > StudentTModel.nuRange.0 && !f.nuFloorFromHeaviestFit),
                                              "heavy": f.nuFloorFromHeaviestFit ? .string(GroupedReport.trimmed(f.heaviestFit)) : .bool(false),
                                              "discounted": Prose.count(w.filter { $0 < 0.5 }.count),
                                              "lightest": .string(s(w.min() ?? 1, 2))])
        default:
            return ""
        }
    }

    // MARK: report.json

    static func json(_ m: SeveralAnalysis) -> JSON {
        var o: [String: JSON] = [
            "name": .string(m.name), "model": .string(m.kind.rawValue),
            "family": .string(family(m)),
            "n": .int(m.n), "dropped_rows": .int(m.data.droppedRows), "data": .string(m.source),
            "x": .array(m.request.predictors.map(JSON.string)), "y": .string(m.request.y),
            "log_likelihood": .number(m.logLikelihood), "aic": .number(m.aic), "bic": .number(m.bic), "aic_parameters": .int(m.parameterCount),
            "converged": .bool(true), "iterations": .int(m.iterations),
            "method": .string(method(m)),
            "coefficients": .array(m.estimates.map { e -> JSON in
                var o: [String: JSON] = ["term": .string(e.term), "estimate": .number(e.coefficient.estimate), "se": .number(e.coefficient.standardError),
                         "statistic": .number(e.coefficient.statistic), "p": .number(e.coefficient.pValue),
                         "ci": .array([.number(e.coefficient.lower), .number(e.coefficient.upper)])]
                if let pi = m.profile?[m.estimates.firstIndex { $0.term == e.term }!] {
                    o["profile_ci"] = .array([pi.lower.isFinite ? .number(pi.lower) : .null, pi.upper.isFinite ? .number(pi.upper) : .null])
                }
                return .object(o)
            }),
            "term_tests": .array(m.tests.map { t in
                .object(["term": .string(t.term), "df": .int(t.degreesOfFreedom), "statistic": .number(t.statistic),
                         "distribution": .string(t.distribution), "p": .number(t.pValue)])
            }),
            "design": .object([
                "columns": .array(m.design.terms.map { .string($0.name) }),
                "predictors": .array(m.request.predictors.map { name in
                    if let c = m.design.codings.first(where: { $0.column == name }) {
                        return .object(["name": .string(name), "kind": .string("categorical"), "coding": .string("treatment"),
                                        "levels": .array(c.levels.map(JSON.string)), "counts": .array(c.counts.map(JSON.int)),
                                        "reference": .string(c.reference)])
                    }
                    return .object(["name": .string(name), "kind": .string("numeric")])
                }),
                "condition_number": .number(m.conditionNumber),
                "vif": .object(Dictionary(uniqueKeysWithValues: m.design.terms.indices.dropFirst().map { (m.design.terms[$0].name, JSON.number(m.vif[$0 - 1])) })),
            ]),
        ]
        if let d = m.residualChecks {
            var checks: [String: JSON] = ["skewness": .number(d.shape.skewness), "excess_kurtosis": .number(d.shape.excessKurtosis),
                                          "jarque_bera": .number(d.shape.jarqueBera), "jarque_bera_p": .number(d.shape.jarqueBeraP),
                                          "breusch_pagan": .number(d.breuschPagan), "breusch_pagan_p": .number(d.breuschPaganP),
                                          "breusch_pagan_df": .int(d.degreesOfFreedom)]
            if let qq = m.qq {
                checks["qq_points_plotted"] = .int(qq.observed.count)
                checks["qq_points_outside_envelope"] = .int(qq.outside)
                checks["qq_envelope"] = .string(qq.simulated ? "simulated (\(qq.simulations) seeded samples)" : "large-sample")
            }
            o["residual_checks"] = .object(checks)
        }
        if let levels = m.data.responseLevels { o["response_levels"] = .object(["zero": .string(levels.zero), "one": .string(levels.one)]) }
        if let d = m.descents {
            func path(_ p: SeveralPath, _ parametrisation: String) -> JSON {
                .object(["iterations": .int(p.iterations), "arrived": .bool(p.arrived), "learning_rate": .number(p.learningRate),
                         "distance_in_standard_errors": .number(p.distance), "end": .array(p.end.map(JSON.number)),
                         "parametrisation": .string(parametrisation)])
            }
            var g: [String: JSON] = ["original": path(d.raw, "original"), "standardised": path(d.standardised, "standardised"),
                                     "newton": d.newton.map { path($0, "original") } ?? .null, "step_budget": .int(d.stepBudget),
                                     "step_rule": .string(d.rule.rawValue), "condition_number": .number(d.rawCondition),
                                     "standardised_condition_number": .number(d.standardisedCondition)]
            if d.rule == .subgradient { g["condition_of"] = .string("XᵀX/n") }
            o["gradient_descent"] = .object(g)
        }
        if let c = m.noiseComparison {
            o["noise_comparison"] = .array(c.rows.map { r in
                var e: [String: JSON] = ["model": .string(r.kind.rawValue)]
                if let error = r.error {
                    e["error"] = .string(error)
                } else {
                    e["log_likelihood"] = .number(r.logLikelihood); e["aic"] = .number(r.aic); e["bic"] = .number(r.bic)
                    e["aic_parameters"] = .int(r.parameters)
                    if let nu = r.nu { e["nu"] = .number(nu); e["nu_at_cap"] = .bool(r.nuAtCap); e["nu_at_floor"] = .bool(r.nuAtFloor) }
                }
                return .object(e)
            })
        }
        switch m.fit {
        case .softmax: break
        case let .laplace(f):
            o["scale"] = .number(f.scale)
            o["sum_absolute_deviations"] = .number(f.sumAbsoluteDeviations)
            o["certificate"] = .object(["largest_multiplier": .number(f.largestMultiplier), "rows_on_fit": .int(f.rowsOnFit),
                                        "basis_rows": .array(f.basis.map { .int(m.data.dataRow($0) + 1) }),
                                        "unique": .bool(f.unique), "pivots": .int(f.pivots), "degenerate_pivots": .int(f.degeneratePivots)])
        case let .studentT(f):
            o["scale"] = .number(f.scale)
            o["nu"] = .number(f.nu)
            o["nu_fixed"] = .bool(f.nuFixed)
            o["nu_at_cap"] = .bool(f.nuAtCap)
            o["nu_at_floor"] = .bool(f.nuAtFloor)
            o["nu_floor"] = .number(f.nuFloor)
            o["heaviest_fit_observations"] = .number(f.heaviestFit)
            o["global_search"] = .object(["starts": .int(f.starts), "maxima": .array(f.maxima.map { x in
                .object(["log_likelihood": .number(x.logLikelihood), "nu": .number(x.nu), "scale": .number(x.scale),
                         "coefficients": .array(x.coefficients.map(JSON.number)), "reached_by": .int(x.reachedBy)])
            })])
        case let .linear(f):
            o["sigma2_mle"] = .number(f.sigma2MLE)
            o["sigma2_unbiased"] = .number(f.sigma2Unbiased)
            o["r_squared"] = .number(f.rSquared)
            o["mse"] = .number(f.sigma2MLE)
        case let .glm(f):
            o["deviance"] = .number(f.deviance)
            o["null_log_likelihood"] = .number(f.nullLogLikelihood)
            if m.kind == .logistic {
                o["pseudo_r_squared"] = .number(pseudoRSquared(f))
                o["mean_cross_entropy"] = .number(-(f.logLikelihood - f.constant) / m.data.likelihoodWeightTotal)
            } else {
                if let chi2 = m.pearsonChiSquared, let phi = m.dispersion {
                    o["pearson_chi2"] = .number(chi2)
                    o["dispersion"] = .number(phi)
                }
                // The intercept-only model's deviance: 2 (ℓ_saturated − ℓ₀), from the fit's own
                // deviance and log-likelihoods (so weights and exposures are taken alike).
                o["null_deviance"] = .number(f.deviance + 2 * (f.logLikelihood - f.nullLogLikelihood))
            }
        }
        if let grouped = GroupedReport.json(m) { o["grouped"] = grouped }
        if let penalty = PenaltyReport.json(m) { o["penalty"] = penalty }
        if let f = SoftmaxReport.fit(m) { SoftmaxReport.json(m, f, into: &o) }
        return .object(o)
    }

    // MARK: stdout

    /// McFadden's 1 − ℓ/ℓ₀ of the trials one by one (the binomial coefficients, a constant of
    /// grouped data, left out of both: grouped and expanded data give the same value).
    static func pseudoRSquared(_ f: GeneralizedLinearFit) -> Double {
        1 - (f.logLikelihood - f.constant) / (f.nullLogLikelihood - f.constant)
    }

    /// After "n = rows" in the summary: what grouped rows stand for.
    static func groupedSize(_ m: SeveralAnalysis) -> String {
        guard m.request.isGrouped else { return "" }
        var parts: [String] = []
        if m.data.trials != nil { parts.append("\(GroupedReport.trimmed((m.weights ?? []).reduce(0, +))) trials") }
        else if m.data.frequencyWeights != nil { parts.append("\(GroupedReport.trimmed(m.data.observations)) observations") }
        if m.data.zeroWeightRows > 0 { parts.append("\(m.data.zeroWeightRows) rows of weight 0 left out") }
        return parts.isEmpty ? " rows" : " rows (" + parts.joined(separator: "; ") + ")"
    }

    static func summary(_ m: SeveralAnalysis) -> String {
        let p6 = { (v: Double) in NumberFormat.plain(v, 6) }
        func pad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(s.isEmpty ? 0 : 1, width - s.count)) + s }
        let names = m.estimates.map { Message.escaped($0.term, limit: 32) }
        let width = max(10, (names.map(\.count).max() ?? 0) + 2)
        var lines: [String] = []
        let family = ["linear": "Gaussian (least squares)", "logistic": "Bernoulli (cross-entropy)", "poisson": "Poisson (deviance)",
                      "laplace": "Laplace (least absolute deviations)", "student-t": "Student-t",
                      "softmax": "categorical (cross-entropy)"][m.kind.rawValue] ?? m.kind.rawValue
        lines.append("== \(m.name): \(Message.escaped(m.request.y)) ~ \(m.request.predictors.map { Message.escaped($0) }.joined(separator: " + ")), \(family), n = \(m.n)\(groupedSize(m))")
        lines.append(pad("", width) + pad("estimate", 14) + pad("std.err", 13) + pad(m.kind == .linear ? "t" : "z", 9) + pad("p", 10)
                     + pad("[0.025", 13) + pad("0.975]", 13))
        for (e, term) in zip(m.estimates, names) {
            let k = e.coefficient
            lines.append(term.padding(toLength: width, withPad: " ", startingAt: 0) + pad(p6(k.estimate), 14) + pad(p6(k.standardError), 13)
                         + pad(NumberFormat.plain(k.statistic, 4), 9) + pad(NumberFormat.pValue(k.pValue).replacingOccurrences(of: "< ", with: "<"), 10)
                         + pad(p6(k.lower), 13) + pad(p6(k.upper), 13))
        }
        lines.append("log-likelihood \(p6(m.logLikelihood)), AIC \(p6(m.aic)), BIC \(p6(m.bic))")
        for t in m.tests {
            lines.append("test of \(Message.escaped(t.term)) (\(t.degreesOfFreedom) df): \(t.distribution == "F" ? "F" : "LR") = \(NumberFormat.plain(t.statistic, 5)), p \(NumberFormat.pRelation(t.pValue))")
        }
        lines.append("standardised condition number \(NumberFormat.plain(m.conditionNumber, 4)); largest VIF \(NumberFormat.plain(m.vif.max() ?? 1, 4))")
        return lines.joined(separator: "\n")
    }

    /// Warnings: rows dropped, levels with spaces at their ends.
    static func warnings(_ m: SeveralAnalysis) -> [String] {
        var out: [String] = []
        if m.data.droppedRows > 0 {
            out.append(m.text("droppedWarning", ["model": .string(m.name), "dropped": .string(String(m.data.droppedRows)),
                                                 "rows": .string(String(m.data.droppedRows + m.n)),
                                                 "file": .string(Message.quoted(m.request.dataPath ?? m.source))]))
        }
        for (column, level) in m.data.levelsWithSpaces {
            out.append(m.text("spacedLevelWarning", ["model": .string(m.name), "column": .string(Message.quoted(column)),
                                                     "level": .string(Message.quoted(level))]))
        }
        return out
    }
}
