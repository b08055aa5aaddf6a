import Foundation
import Likelihood
import Mustache

/// Grouped data, frequency weights and exposures (issue 22): the words, checks and
/// report.json of a GLM fitted with `--trials`, `--weights` or `--exposure`. The fit itself is
/// `GeneralizedLinearFit` with row weights, an offset and the log binomial coefficients as a
/// constant of log L.
enum GroupedReport {
    static func s(_ v: Double, _ digits: Int = 4) -> String { NumberFormat.significant(v, digits) }
    /// Up to six significant digits, without trailing zeros (3, not 3.00000).
    static func trimmed(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e15 { return String(Int(v)) }
        var t = NumberFormat.significant(v, 6)
        guard t.contains("."), !t.contains("×") else { return t }
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }

    /// The same model refitted on the rows one observation at a time (each binomial group as
    /// its successes and failures, each weighted row repeated), when there are at most
    /// `expansionLimit` of them and every weight is whole.
    struct Expanded: Sendable {
        var rows: Int
        /// The largest |β̂ⱼ(expanded) − β̂ⱼ(grouped)| in standard errors, and the same for the SEs relative.
        var estimateDifference: Double
        var standardErrorDifference: Double
        /// log L of the expanded rows, and the grouped log L less Σ log C(nᵢ, sᵢ).
        var logLikelihood: Double
    }

    static let expansionLimit = 500_000
    /// Up to this many written-out rows the robust refits see every row as it is.
    static let independentRefitRows = 20_000
    /// The Laplace refit on rows written out stops after this many pivots (the check is then
    /// left out, said on the page): every copy of a row on the fit is a tie, and where thousands
    /// lie on it (Fair's 6,366 wives on 68 distinct rows) the degenerate swaps through them ran
    /// to the method's 100,000-pivot cap in 39 s (3.4 s with this budget). The grouped corpus's
    /// refits (Galton, Macdonell, Pearson–Lee) finish well inside it, each run under a second.
    static let independentRefitPivots = 10_000

    /// Refits the model on the expanded rows; nil above the limit, with weights that are not
    /// whole, or when the expanded fit fails.
    static func expand(_ data: ModelData, fit: GeneralizedLinearFit, family: any CanonicalFamily) -> Expanded? {
        expand(data, estimates: fit.estimates) { x, y, offset in
            let e = try GeneralizedLinearFit(design: x, y: y, family: family, offset: offset)
            return (e.estimates, e.logLikelihood)
        }
    }

    /// The noise models of a continuous response (least squares, Laplace, Student-t) with
    /// frequency weights, refitted on the rows written out (Student-t with ν held as given).
    static func expand(_ data: ModelData, fit: SeveralAnalysis.Fit, nu: Double?) -> Expanded? {
        switch fit {
        case let .linear(f):
            return expand(data, estimates: f.estimates) { x, y, _ in
                let e = try LinearRegression(design: x, y: y)
                return (e.estimates, e.logLikelihood)
            }
        // Up to `independentRefitRows` the written-out rows are fitted as they are; beyond, their
        // copies are taken once with their count (which is the weighted fit's own sum again, but
        // keeps the refit's cost that of the distinct rows).
        case let .laplace(f):
            return expand(data, estimates: f.estimates) { x, y, _ in
                let e = try LeastAbsoluteDeviations(design: x, y: y, collapsingCopies: y.count > independentRefitRows,
                                                    maxPivots: independentRefitPivots)
                return (e.estimates, e.logLikelihood)
            }
        case let .studentT(f):
            return expand(data, estimates: f.estimates) { x, y, _ in
                let e = try StudentTRegression(design: x, y: y, nu: nu, collapsingCopies: y.count > independentRefitRows)
                return (e.estimates, e.logLikelihood)
            }
        case .glm, .softmax:
            return nil
        }
    }

    /// Frequency-weighted rows written out: the row of each observation, each row repeated its
    /// weight times. Nil without weights, with binomial trials, with weights that are not whole,
    /// or above `expansionLimit` observations.
    static func writtenOutRows(_ data: ModelData) -> [Int]? {
        guard let w = data.frequencyWeights, data.trials == nil, w.allSatisfy({ $0 == $0.rounded() }),
              w.reduce(0, +) <= Double(expansionLimit) else { return nil }
        return w.indices.flatMap { [Int](repeating: $0, count: Int(w[$0])) }
    }

    /// The expansion itself: `refit` fits the written-out rows (design, response, offset).
    static func expand(_ data: ModelData, estimates: [TermEstimate],
                       refit: (DesignMatrix, [Double], [Double]?) throws -> (estimates: [TermEstimate], logLikelihood: Double)) -> Expanded? {
        // Exposures alone leave one row per observation: nothing to write out.
        guard data.frequencyWeights != nil || data.trials != nil else { return nil }
        let n = data.y.count
        let frequency = data.frequencyWeights ?? [Double](repeating: 1, count: n)
        guard frequency.allSatisfy({ $0 == $0.rounded() }) else { return nil }
        let trials = data.trials
        let total = (0..<n).reduce(0.0) { $0 + frequency[$1] * (trials?[$1] ?? 1) }
        guard total <= Double(expansionLimit) else { return nil }
        // Each row's observations: (response, count).
        var rowOf: [Int] = [], y: [Double] = []
        rowOf.reserveCapacity(Int(total)); y.reserveCapacity(Int(total))
        for i in 0..<n {
            let f = Int(frequency[i])
            if let trials {
                let t = Int(trials[i]), successes = Int((data.y[i] * trials[i]).rounded())
                for _ in 0..<f {
                    for k in 0..<t { rowOf.append(i); y.append(k < successes ? 1 : 0) }
                }
            } else {
                for _ in 0..<f { rowOf.append(i); y.append(data.y[i]) }
            }
        }
        let design = data.design
        let x = design.selecting(rows: rowOf)
        let offset = data.offset.map { o in rowOf.map { o[$0] } }
        guard let e = try? refit(x, y, offset) else { return nil }
        var estimateDifference = 0.0, seDifference = 0.0
        for j in 0..<design.columns {
            let a = estimates[j].coefficient, b = e.estimates[j].coefficient
            estimateDifference = max(estimateDifference, abs(a.estimate - b.estimate) / a.standardError)
            seDifference = max(seDifference, abs(a.standardError - b.standardError) / a.standardError)
        }
        return Expanded(rows: y.count, estimateDifference: estimateDifference, standardErrorDifference: seDifference, logLikelihood: e.logLikelihood)
    }

    /// What every grouped fit reports: the constant of log L (the log binomial coefficients),
    /// log L and the residual deviance (least squares: the weighted RSS). Nil for models that
    /// take no weights, or when no grouping was asked for.
    static func summary(_ m: SeveralAnalysis) -> (constant: Double, logLikelihood: Double, deviance: Double?)? {
        guard m.request.isGrouped else { return nil }
        switch m.fit {
        case let .glm(g): return (g.constant, g.logLikelihood, g.deviance)
        case let .linear(l): return (0, l.logLikelihood, l.rss)
        // No saturated model to measure a deviance from: Laplace's s and Student-t's s and ν are
        // fitted with the coefficients.
        case let .laplace(l): return (0, l.logLikelihood, nil)
        case let .studentT(t): return (0, t.logLikelihood, nil)
        case .softmax: return nil
        }
    }

    /// The section's values: which kind of grouping, the computed paragraphs.
    static func values(_ m: SeveralAnalysis) -> [String: MustacheValue] {
        guard let f = summary(m) else { return ["grouped": .bool(false)] }
        let data = m.data
        let observations = data.likelihoodWeightTotal
        var o: [String: MustacheValue] = [
            "grouped": .bool(true), "binomial": .bool(data.trials != nil), "frequency": .bool(data.frequencyWeights != nil),
            "exposure": .bool(data.exposure != nil),
        ]
        // What the rows stand for.
        var strongest: (term: String, ratio: Double, low: Double, high: Double)? = nil
        var level: (column: String, level: String, reference: String)? = nil
        if data.exposure != nil {
            // The rate ratio of the term with the largest |z| (a dummy's: its level against the reference).
            if let j = m.estimates.indices.dropFirst().max(by: { abs(m.estimates[$0].coefficient.statistic) < abs(m.estimates[$1].coefficient.statistic) }) {
                let e = m.estimates[j]
                strongest = (e.term, exp(e.coefficient.estimate), exp(e.coefficient.lower), exp(e.coefficient.upper))
                let term = m.design.terms[j]
                if let column = term.column, let value = term.level, let coding = m.design.codings.first(where: { $0.column == column }) {
                    level = (column, value, coding.reference)
                }
            }
        }
        let exposure = data.exposure ?? []
        // Why the rows were not written out, when they were not.
        let fractional = (data.frequencyWeights ?? []).filter { $0 != $0.rounded() }
        let wouldBe = (0..<m.n).reduce(0.0) { $0 + (data.frequencyWeights?[$1] ?? 1) * (data.trials?[$1] ?? 1) }
        o["groupedText"] = .string(m.text("groupedText", [
            "rows": Prose.count(m.n), "observations": .string(Narrative.count(Int(observations.rounded()))),
            "binomial": .bool(data.trials != nil), "frequency": .bool(data.frequencyWeights != nil), "exposure": .bool(data.exposure != nil),
            "trialsColumn": .string(m.request.trials ?? ""), "weightsColumn": .string(m.request.weights ?? ""),
            "exposureColumn": .string(m.request.exposure ?? ""),
            "total": .string(Narrative.count(Int(data.observations.rounded()))),
            "zero": Prose.count(data.zeroWeightRows), "hasZero": .bool(data.zeroWeightRows > 0),
            "constant": .string(s(f.constant, 6)), "logL": .string(s(f.logLikelihood, 6)), "kernel": .string(s(f.logLikelihood - f.constant, 6)),
            "hasConstant": .bool(data.trials != nil),
            "expanded": .bool(m.expanded != nil), "expandable": .bool(data.trials != nil || data.frequencyWeights != nil), "expandedRows": .string(Narrative.count(m.expanded?.rows ?? 0)),
            "estimateDifference": .string(NumberFormat.significant(m.expanded?.estimateDifference ?? 0, 2)),
            "seDifference": .string(NumberFormat.significant(m.expanded?.standardErrorDifference ?? 0, 2)),
            "limit": .string(Narrative.count(expansionLimit)),
            "fractional": .bool(!fractional.isEmpty), "fractionalRows": Prose.count(fractional.count),
            "fractionalExample": .string(trimmed(fractional.first ?? 0)),
            "tooMany": .bool(wouldBe > Double(expansionLimit)), "wouldBe": .string(s(wouldBe, 3)),
            "fewest": .string(trimmed(exposure.min() ?? 0)), "most": .string(trimmed(exposure.max() ?? 0)),
            "isLevel": .bool(level != nil), "column": .string(level?.column ?? ""), "level": .string(level?.level ?? ""),
            "reference": .string(level?.reference ?? ""),
            "hasRatio": .bool(strongest != nil), "term": .string(strongest?.term ?? ""), "ratio": .string(s(strongest?.ratio ?? 1, 4)),
            "ratioLow": .string(s(strongest?.low ?? 1, 4)), "ratioHigh": .string(s(strongest?.high ?? 1, 4)),
        ]))
        // Goodness of fit: binomial groups and counts have a saturated model to compare with.
        if let chi2 = m.pearsonChiSquared, let deviance = f.deviance, m.residualDegreesOfFreedom > 0 {
            let df = m.residualDegreesOfFreedom
            let phi = chi2 / df
            o["goodnessText"] = .string(m.text("goodnessText", [
                "deviance": .string(s(deviance, 5)), "chi2": .string(s(chi2, 5)), "df": .string(df == df.rounded() && abs(df) < 1e15 ? String(Int(df)) : s(df, 6)),
                "devianceP": .string(NumberFormat.pRelation(Distributions.chiSquaredSurvival(deviance, degreesOfFreedom: Int(df.rounded())))),
                "chi2P": .string(NumberFormat.pRelation(Distributions.chiSquaredSurvival(chi2, degreesOfFreedom: Int(df.rounded())))),
                "phi": .string(s(phi, 3)), "root": .string(s(phi.squareRoot(), 3)), "over": .bool(phi > 1.5), "under": .bool(phi < 0.67),
                "fine": .bool(phi >= 0.67 && phi <= 1.5), "binomial": .bool(data.trials != nil),
                "small": .bool(data.trials.map { t in zip(t, m.fitted).contains { $0.0 * min($0.1, 1 - $0.1) < 5 } }
                               ?? m.fitted.contains { $0 < 5 }),
            ]))
        } else {
            o["goodnessText"] = .string(m.text("goodnessSkipped", ["binomial": .bool(data.trials != nil), "continuous": .bool(m.continuous),
                                                                   "linear": .bool(m.kind == .linear)]))
        }
        return o
    }

    /// report.json's `grouped`: the columns, what the rows stand for, and the fit's goodness
    /// against the saturated model on the rows' degrees of freedom (for least squares, the
    /// weighted RSS, the Gaussian deviance).
    static func json(_ m: SeveralAnalysis) -> JSON? {
        guard let (constant, _, deviance) = summary(m) else { return nil }
        var g: [String: JSON] = [
            "weights": m.request.weights.map(JSON.string) ?? .null, "trials": m.request.trials.map(JSON.string) ?? .null,
            "exposure": m.request.exposure.map(JSON.string) ?? .null, "rows": .int(m.n),
            "total_weight": .number(m.data.observations), "zero_weight_rows": .int(m.data.zeroWeightRows),
            "observations": .number(m.data.likelihoodWeightTotal),
            "log_binomial_coefficients": .number(constant), "residual_deviance": deviance.map(JSON.number) ?? .null,
            "residual_df": .number(m.residualDegreesOfFreedom),
        ]
        if let chi2 = m.pearsonChiSquared { g["pearson_chi2"] = .number(chi2); g["pearson_df"] = .number(m.residualDegreesOfFreedom) }
        return .object(g)
    }

    /// The checks table's rows: the grouped log L from the binomial probabilities themselves,
    /// and the expanded rows' fit.
    static func checks(_ m: SeveralAnalysis, into page: inout ModelPage) {
        guard let f = summary(m) else { return }
        if let trials = m.data.trials, let successes = m.data.successes {
            let frequency = m.data.frequencyWeights
            var sum = 0.0
            for i in trials.indices {
                let n = trials[i], k = successes[i], p = m.fitted[i]
                let logChoose = lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1)
                sum += (frequency?[i] ?? 1) * (logChoose + (k > 0 ? k * log(p) : 0) + (n - k > 0 ? (n - k) * log1p(-p) : 0))
            }
            page.check(m.text("binomialCheck"), "Σ log [C(nᵢ, sᵢ) p̂ᵢ^sᵢ (1 − p̂ᵢ)^(nᵢ − sᵢ)]", "log L", sum, f.logLikelihood)
        }
        if let e = m.expanded {
            page.check(m.text("expandedCheck", ["rows": .string(Narrative.count(e.rows))]), m.text("expandedLeft"), "0",
                       e.estimateDifference, 1e-8, atMost: true)
            let binomial = m.data.trials != nil
            page.check(m.text("expandedLogLCheck", ["binomial": .bool(binomial)]), m.text("expandedLogLLeft"),
                       binomial ? "log L − Σ log C(nᵢ, sᵢ)" : "log L = Σ fᵢ log p(yᵢ | xᵢ)", e.logLikelihood, f.logLikelihood - f.constant)
        }
    }
}
