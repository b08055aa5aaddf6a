import Foundation
import Likelihood
import Mustache
import Plot

/// The penalty's part of a model's section (issue 20): its values for `model-several.mustache`,
/// words from `text-penalty.mustache`, three figures (the prior, likelihood and posterior over
/// a pair; the regularisation path; the cross-validation curve), its check and report.json's
/// `penalty` block.
enum PenaltyReport {
    static let figureKinds = ["prior", "path", "cv"]

    static func s(_ v: Double, _ digits: Int = 4) -> String { NumberFormat.significant(v, digits) }

    /// A piece of `text-penalty.mustache`, and a figure label from it (Pango markup).
    static func text(_ m: SeveralAnalysis, _ piece: String, _ values: [String: MustacheValue] = [:]) -> String {
        (m.prose ?? Prose.shared)?.text("penalty", piece, values) ?? ""
    }
    static func label(_ m: SeveralAnalysis, _ piece: String, _ values: [String: MustacheValue] = [:]) -> String {
        (m.prose ?? Prose.shared)?.text("penalty", piece, values, markup: true) ?? ""
    }

    /// The booleans every piece may use to choose its words.
    static func kindValues(_ m: SeveralAnalysis, _ a: PenaltyAnalysis) -> [String: MustacheValue] {
        ["ridge": .bool(a.penalty.kind == .ridge), "lasso": .bool(a.penalty.kind == .lasso),
         "elasticNet": .bool(a.penalty.kind == .elasticNet), "gaussian": .bool(m.kind == .linear),
         "logistic": .bool(m.kind == .logistic), "poisson": .bool(m.kind == .poisson),
         "alpha": .string(s(a.penalty.alpha, 3)), "lambda": .string(s(a.penalty.lambda, 4))]
    }

    static func figure(_ kind: String, _ m: SeveralAnalysis) -> ReportFigure? {
        guard m.penalty != nil else { return nil }
        switch kind {
        case "prior": return prior(m)
        case "path": return path(m)
        default: return crossValidation(m)
        }
    }

    // MARK: - Page

    static func page(_ m: SeveralAnalysis, figures: [MustacheValue]) -> MustacheValue {
        guard let a = m.penalty else { return .bool(false) }
        let kinds = kindValues(m, a)
        let theta = a.fit.standardisedCoefficients
        let beta = a.fit.coefficients
        let entries = a.path?.entries
        let rows: [MustacheValue] = m.design.terms.indices.map { j in
            let mle = m.coefficients[j]
            var row: [String: MustacheValue] = [
                "term": .string(m.design.terms[j].name), "mle": .string(s(mle, 5)), "map": .string(beta[j] == 0 && j > 0 ? "0" : s(beta[j], 5)),
                "zero": .bool(j > 0 && theta[j] == 0),
                "ratio": .string(j == 0 || mle == 0 ? "—" : theta[j] == 0 ? "0" : NumberFormat.fixed(beta[j] / mle, 3)),
                "posteriorSD": .string(a.posteriorSD?[j].map { s($0, 3) } ?? "—"),
                "entersAt": .string(j == 0 ? "—" : entries?[j - 1].map { s($0, 3) } ?? "—"),
            ]
            if j == 0 { row["ratio"] = .string(text(m, "notPenalised")) }
            return .object(row)
        }
        var o = kinds
        o["name"] = .string(text(m, "penaltyName", kinds))
        o["rows"] = .array(rows)
        o["hasPosteriorSD"] = .bool(a.posteriorSD != nil)
        o["hasEntries"] = .bool(a.penalty.alpha > 0 && entries != nil)
        o["fitText"] = .string(fitText(m, a))
        o["choiceText"] = .string(choiceText(m, a))
        o["figures"] = .array(figures)
        return .object(o)
    }

    /// What the penalty did, in numbers.
    static func fitText(_ m: SeveralAnalysis, _ a: PenaltyAnalysis) -> String {
        var v = kindValues(m, a)
        let zeros = a.zeros.map { m.design.terms[$0].name }
        func norm(_ t: [Double]) -> Double { t.dropFirst().reduce(0) { $0 + $1 * $1 }.squareRoot() }
        let mleNorm = norm(a.mle), mapNorm = norm(a.fit.standardisedCoefficients)
        v["chosenByCV"] = .bool(a.chosenByCrossValidation)
        v["folds"] = .string(String(a.crossValidation?.folds ?? PenaltyAnalysis.folds))
        v["hasZeros"] = .bool(!zeros.isEmpty)
        v["zeros"] = .string(SeveralReport.list(m, zeros))
        v["zeroCount"] = Prose.count(zeros.count)
        v["penalised"] = Prose.count(m.design.columns - 1)
        v["mleNorm"] = .string(s(mleNorm, 4))
        v["mapNorm"] = .string(s(mapNorm, 4))
        v["shrink"] = .string(mleNorm > 0 ? NumberFormat.fixed(100 * (1 - mapNorm / mleNorm), 1) : "0")
        v["logLDrop"] = .string(s(m.logLikelihood - a.fit.logLikelihood, 4))
        v["hasPosteriorSD"] = .bool(a.posteriorSD != nil)
        v["scaleB"] = .string(s(1 / (Double(m.n) * a.penalty.lambda), 4))
        // Coefficients the penalty moved away from 0 (correlated columns trade effects).
        let grown = (1..<m.design.columns).filter { abs(a.fit.coefficients[$0]) > abs(m.coefficients[$0]) * (1 + 1e-9) }
            .map { m.design.terms[$0].name }
        v["hasGrown"] = .bool(!grown.isEmpty)
        v["grown"] = .string(SeveralReport.list(m, grown))
        v["grownCount"] = Prose.count(grown.count)
        v["sigma2"] = .string(a.sigma2.map { s($0, 4) } ?? "")
        v["df"] = .string(a.effectiveParameters.map { s($0, 4) } ?? "")
        v["tau2"] = .string(s(m.kind == .linear ? (a.sigma2 ?? 0) / (Double(m.n) * a.penalty.lambda) : 1 / (Double(m.n) * a.penalty.lambda), 4))
        return text(m, "fitText", v)
    }

    /// How λ could be chosen: the path, cross-validation and the evidence.
    static func choiceText(_ m: SeveralAnalysis, _ a: PenaltyAnalysis) -> String {
        var v = kindValues(m, a)
        guard let path = a.path, let cv = a.crossValidation else {
            v["failed"] = .bool(a.crossValidationFailed)
            v["rows"] = Prose.count(m.n)
            v["limit"] = Prose.count(PenaltyAnalysis.pathLimit(columns: m.design.columns, glm: m.kind != .linear))
            v["few"] = .bool(m.n < PenaltyAnalysis.fewestRows)
            v["least"] = Prose.count(PenaltyAnalysis.fewestRows)
            return text(m, "choiceSkipped", v)
        }
        let best = cv.lambdas.firstIndex(of: cv.lambdaMin)!, chosen = cv.lambdas.firstIndex(of: cv.lambdaOneSE)!
        v["grid"] = Prose.count(path.lambdas.count)
        v["top"] = .string(s(path.lambdas.first!, 3))
        v["bottom"] = .string(s(path.lambdas.last!, 3))
        // The Gaussian ridge path reaches below glmnet's 10⁻⁴ of its top when the evidence's λ lies there.
        v["extended"] = .bool(path.lambdas.last! < path.lambdas.first! * (m.n > m.design.columns ? 1e-4 : 1e-2) * 0.999)
        v["folds"] = .string(String(cv.folds))
        v["leaveOneOut"] = .bool(cv.folds == m.n)
        v["lambdaMin"] = .string(s(cv.lambdaMin, 4))
        v["lambdaOneSE"] = .string(s(cv.lambdaOneSE, 4))
        v["cvMin"] = .string(s(cv.mean[best], 4))
        v["cvMinSE"] = .string(s(cv.standardError[best], 3))
        v["cvOneSE"] = .string(s(cv.mean[chosen], 4))
        v["same"] = .bool(best == chosen)
        v["atEdge"] = .bool(best == cv.lambdas.count - 1)
        v["chosenByCV"] = .bool(a.chosenByCrossValidation)
        v["hasEvidence"] = .bool(a.evidence != nil)
        if let e = a.evidence {
            v["evidenceLambda"] = .string(s(e.lambda, 4))
            v["evidenceTau2"] = .string(s(e.tau2, 4))
            v["evidenceSigma2"] = .string(s(e.sigma2, 4))
            v["logEvidence"] = .string(s(e.logEvidence, 6))
        }
        // The order in which the lasso's coefficients leave zero as λ falls.
        let order = path.entries.enumerated().compactMap { j, e in e.map { (j + 1, $0) } }.sorted { $0.1 > $1.1 }
        v["hasOrder"] = .bool(a.penalty.alpha > 0 && order.count > 1)
        v["order"] = .string(SeveralReport.list(m, order.map { m.design.terms[$0.0].name }))
        return text(m, "choiceText", v)
    }

    /// The KKT conditions of the MAP, checked from the rows.
    static func check(_ m: SeveralAnalysis, into page: inout ModelPage) {
        guard let a = m.penalty else { return }
        let kinds = kindValues(m, a)
        page.check(text(m, "kktCheck", kinds), text(m, "kktLeft", kinds), "10⁻¹⁰", a.fit.kktViolation, PenalisedFit.tolerance, atMost: true)
    }

    // MARK: - report.json

    static func json(_ m: SeveralAnalysis) -> JSON? {
        guard let a = m.penalty else { return nil }
        var o: [String: JSON] = [
            "kind": .string(a.penalty.kind.rawValue), "lambda": .number(a.penalty.lambda), "alpha": .number(a.penalty.alpha),
            "chosen_by": .string(a.chosenByCrossValidation ? "cross-validation, one standard error (lambda.1se)" : "given"),
            "scaling": .string(m.kind == .linear
                ? "glmnet: (1/2n) RSS + lambda (alpha |theta|_1 + (1 - alpha)/2 |theta|_2^2), predictors standardised to population SD 1, intercept unpenalised"
                : "glmnet: -(1/n) log L + lambda (alpha |theta|_1 + (1 - alpha)/2 |theta|_2^2), predictors standardised to population SD 1, intercept unpenalised"),
            "objective": .number(a.fit.objective), "log_likelihood": .number(a.fit.logLikelihood),
            "kkt_violation": .number(a.fit.kktViolation), "kkt_scale": .number(a.fit.kktScale),
            "coefficients": .array(m.design.terms.indices.map { j in
                var c: [String: JSON] = ["term": .string(m.design.terms[j].name), "estimate": .number(a.fit.coefficients[j]),
                                         "standardised": .number(a.fit.standardisedCoefficients[j]), "mle": .number(m.coefficients[j]),
                                         "penalised": .bool(j > 0)]
                if let sd = a.posteriorSD?[j] { c["posterior_sd"] = .number(sd) }
                return .object(c)
            }),
            "standardisation": .object(["means": .array(a.standardised.means.dropFirst().map(JSON.number)),
                                        "scales": .array(a.standardised.scales.dropFirst().map(JSON.number))]),
        ]
        if let sigma2 = a.sigma2, let df = a.effectiveParameters {
            o["posterior"] = .object(["sigma2": .number(sigma2), "effective_parameters": .number(df)])
        }
        if let path = a.path {
            o["path"] = .object([
                "lambda": .array(path.lambdas.map(JSON.number)),
                "coefficients": .array(path.fits.map { .array($0.coefficients.map(JSON.number)) }),
                "entries": .array(path.entries.map { $0.map(JSON.number) ?? .null }),
            ])
        }
        if let cv = a.crossValidation {
            o["cross_validation"] = .object([
                "folds": .int(cv.folds), "seed": .string(String(cv.seed)),
                "measure": .string(m.kind == .linear ? "mean squared error" : "deviance per row"),
                "mean": .array(cv.mean.map(JSON.number)), "se": .array(cv.standardError.map(JSON.number)),
                "lambda_min": .number(cv.lambdaMin), "lambda_1se": .number(cv.lambdaOneSE),
            ])
        }
        if let e = a.evidence {
            o["evidence"] = .object(["lambda": .number(e.lambda), "tau2": .number(e.tau2), "sigma2": .number(e.sigma2),
                                     "log_evidence": .number(e.logEvidence)])
        }
        return .object(o)
    }

    // MARK: - Figures

    /// The pair drawn: two penalised columns (the `--pair` when both are, else the two with
    /// the largest standardised MLEs), or with one predictor, it and the intercept.
    static func pair(_ m: SeveralAnalysis) -> (Int, Int) {
        guard let a = m.penalty else { return (1, 0) }
        if m.design.columns == 2 { return (1, 0) }
        if m.pair.0 > 0 && m.pair.1 > 0 { return m.pair }
        let ranked = (1..<m.design.columns).sorted { abs(a.mle[$0]) > abs(a.mle[$1]) || (abs(a.mle[$0]) == abs(a.mle[$1]) && $0 < $1) }
        return (ranked[0], ranked[1])
    }

    /// The mean loss's gradient and curvature over the pair at θ (analytic: Zᵀ(y − Zθ)/n and
    /// ZᵀZ/n, or the GLM's score and information over n).
    static func slice(_ m: SeveralAnalysis, _ a: PenaltyAnalysis, at theta: [Double], _ u: Int, _ v: Int) -> (g: [Double], h: Matrix) {
        let z = a.standardised.design
        let n = Double(m.n)
        if let family = SeveralAnalysis.family(m.kind) {
            let (g, h) = GeneralizedLinearFit.derivatives(theta, z, m.y, family)
            var block = Matrix(rows: 2, columns: 2)
            for (r, i) in [u, v].enumerated() { for (c, k) in [u, v].enumerated() { block[r, c] = h[i, k] / n } }
            return ([g[u] / n, g[v] / n], block)
        }
        let fitted = z.times(theta)
        let residual = zip(m.y, fitted).map { $0 - $1 }
        let cu = z.column(u), cv = z.column(v)
        var g = [0.0, 0.0], h = Matrix(rows: 2, columns: 2)
        for i in 0..<m.n {
            g[0] += cu[i] * residual[i]; g[1] += cv[i] * residual[i]
            h[0, 0] += cu[i] * cu[i]; h[0, 1] += cu[i] * cv[i]; h[1, 1] += cv[i] * cv[i]
        }
        h[1, 0] = h[0, 1]
        return (g.map { $0 / n }, Matrix(rowMajor: [[h[0, 0] / n, h[0, 1] / n], [h[1, 0] / n, h[1, 1] / n]]))
    }

    /// Over a pair of standardised coefficients, every other at its MAP value: the mean loss's
    /// contours (the likelihood), the penalty's (the prior: circles for ridge, diamonds for the
    /// lasso), their sum's (the posterior), the MAP, the likelihood's best in this slice, and
    /// the MAP's path as λ falls (projected onto the pair).
    static func prior(_ m: SeveralAnalysis) -> ReportFigure? {
        guard let a = m.penalty, m.drawsGLMPictures else { return nil }
        let (u, v) = pair(m)
        let interceptAxis = v == 0
        let map = a.fit.standardisedCoefficients
        // The likelihood's best in the slice: Newton over the pair from the MAP.
        var best = map
        for _ in 0..<50 {
            let (g, h) = slice(m, a, at: best, u, v)
            let det = h[0, 0] * h[1, 1] - h[0, 1] * h[1, 0]
            guard det > 0 else { break }
            let du = (h[1, 1] * g[0] - h[0, 1] * g[1]) / det, dv = (h[0, 0] * g[1] - h[1, 0] * g[0]) / det
            best[u] += du; best[v] += dv
            if abs(du) + abs(dv) <= 1e-12 * (1 + abs(best[u]) + abs(best[v])) { break }
        }
        // The window holds the prior's centre, the MAP and the slice's best, with a margin.
        let curvature = slice(m, a, at: map, u, v).h
        func range(_ values: [Double]) -> (Double, Double) {
            let lo = values.min()!, hi = values.max()!
            let pad = max(0.25 * (hi - lo), 1e-6 * max(1, abs(hi)))
            return (lo - pad, hi + pad)
        }
        // The MLE of every coefficient, seen on the pair (off the slice when others move).
        let mle = a.mle
        var uRange = range([0, map[u], best[u], mle[u]])
        var vRange = range(interceptAxis ? [map[v], best[v], mle[v]] : [0, map[v], best[v], mle[v]])
        if interceptAxis {
            // As tall, in the likelihood's own units, as the window is wide.
            let half = 0.5 * (uRange.1 - uRange.0) * (curvature[0, 0] / max(curvature[1, 1], 1e-300)).squareRoot()
            let mid = (vRange.0 + vRange.1) / 2
            vRange = (min(vRange.0, mid - half), max(vRange.1, mid + half))
        } else {
            // Square in the standardised units, so that the prior's circles look round.
            let half = max(uRange.1 - uRange.0, vRange.1 - vRange.0) / 2
            let mu = (uRange.0 + uRange.1) / 2, mv = (vRange.0 + vRange.1) / 2
            uRange = (mu - half, mu + half); vRange = (mv - half, mv + half)
        }
        // Least squares costs nothing a point: a fine grid, for the narrow valleys of nearly
        // collinear designs; a GLM pays a pass over the rows a point.
        let k = SeveralAnalysis.family(m.kind) == nil ? 241 : 81
        // The contours are computed half a window beyond each side: an equal-aspect plot
        // widens the shorter of the two ranges to fill its frame, and a contour must not stop
        // short of the frame's edge.
        let du = 0.5 * (uRange.1 - uRange.0), dv = 0.5 * (vRange.1 - vRange.0)
        let us = SurfaceGrid.axis(uRange.0 - du, uRange.1 + du, count: k), vs = SurfaceGrid.axis(vRange.0 - dv, vRange.1 + dv, count: k)
        // The mean loss on the grid: a pass over the rows per point for a GLM, the quadratic
        // form for least squares.
        var loss = [Double](repeating: 0, count: k * k)
        let family = SeveralAnalysis.family(m.kind)
        if family == nil {
            let base = PenaltyAnalysis.meanLoss(map, design: a.standardised.design, y: m.y, family: nil)
            let (g, h) = slice(m, a, at: map, u, v)
            for (iv, pv) in vs.enumerated() {
                for (iu, pu) in us.enumerated() {
                    let du = pu - map[u], dv = pv - map[v]
                    loss[iv * k + iu] = base - g[0] * du - g[1] * dv + 0.5 * (h[0, 0] * du * du + 2 * h[0, 1] * du * dv + h[1, 1] * dv * dv)
                }
            }
        } else {
            // The other coefficients' part of η once, as an offset: each point is then a pass
            // over the pair's two columns (the fitter's `active` columns), not all of them.
            var rest = map
            rest[u] = 0; rest[v] = 0
            let offset = a.standardised.design.times(rest)
            let n = Double(m.n)
            loss.withUnsafeMutableBufferPointer { out in
                let base = out.baseAddress!
                DispatchQueue.concurrentPerform(iterations: k) { iv in
                    for iu in 0..<k {
                        base[iv * k + iu] = -GeneralizedLinearFit.logLikelihood([us[iu], vs[iv]], a.standardised.design, m.y, family!,
                                                                                active: [u, v], offset: offset) / n
                    }
                }
            }
        }
        func prior(_ pu: Double, _ pv: Double) -> Double {
            var t = [Double](repeating: 0, count: map.count)
            t[u] = pu
            if !interceptAxis { t[v] = pv }
            return a.penalty.value(t)
        }
        var priorValues: [Double] = [], posterior: [Double] = []
        for (iv, pv) in vs.enumerated() {
            for (iu, pu) in us.enumerated() {
                let p = prior(pu, pv)
                priorValues.append(p)
                posterior.append(loss[iv * k + iu] + p)
            }
        }
        let lossAtMAP = PenaltyAnalysis.meanLoss(map, design: a.standardised.design, y: m.y, family: family)
        let lossBest = PenaltyAnalysis.meanLoss(best, design: a.standardised.design, y: m.y, family: family)
        let rise = max(lossAtMAP - lossBest, 1e-12 * max(1, abs(lossBest)))
        func contours(_ values: [Double], levels: [Double], through: Double, color: Color, legend: String) -> ContourSet {
            var lines: [ContourLine] = []
            for level in levels { lines += Contours.lines(x: us, y: vs, values: values, level: level) }
            var set = ContourSet(lines: lines, color: color, width: 0.9)
            set.highlighted = [through]
            set.highlightColor = color
            set.highlightLegend = legend
            return set
        }
        var fig = Figure()
        fig.showsGrid = false
        let nameU = m.design.terms[u].name, nameV = m.design.terms[v].name
        fig.xLabel = label(m, "priorXAxis", ["term": .string(nameU)])
        fig.yLabel = label(m, "priorYAxis", ["term": .string(nameV), "intercept": .bool(interceptAxis)])
        fig.title = label(m, "priorTitle", kindValues(m, a))
        // Likelihood: the level through the MAP and others at 1/4, 4 and 9 times its rise.
        let lossLevels = [0.25, 1, 4, 9].map { lossBest + rise * $0 }
        fig.marks.append(.contours(contours(loss, levels: lossLevels, through: lossLevels[1], color: Palette.blue,
                                            legend: label(m, "likelihoodLegend"))))
        let priorAtMAP = prior(map[u], map[v])
        let priorScale = priorAtMAP > 0 ? priorAtMAP : max(prior(best[u], best[v]), 1e-300) / 2
        let priorLevels = [0.25, 0.5, 1, 1.5, 2].map { priorScale * $0 }
        fig.marks.append(.contours(contours(priorValues, levels: priorLevels, through: priorLevels[2], color: Palette.orange,
                                            legend: label(m, "priorLegend", kindValues(m, a).merging(["intercept": .bool(interceptAxis)]) { $1 }))))
        let postMin = lossAtMAP + priorAtMAP
        let postLevels = [0.5, 2, 6].map { postMin + rise * $0 }
        var post = contours(posterior, levels: postLevels, through: postLevels[0], color: Palette.green, legend: label(m, "posteriorLegend"))
        post.width = 0.7
        fig.marks.append(.contours(post))
        if let path = a.path {
            // Drawn whole: the frame clips what lies outside it (a filter would join the ends of a gap).
            let points = path.fits.map { Point($0.standardisedCoefficients[u], $0.standardisedCoefficients[v]) }
            if points.count > 1 {
                fig.marks.append(.line(points: points, color: .ink, width: 1.2, dash: [4, 3], label: label(m, "mapPathLegend")))
            }
        }
        // With one predictor the slice is the whole model: its best is the MLE.
        let sliceIsModel = m.design.columns == 2
        if !sliceIsModel {
            fig.marks.append(.point(Point(best[u], best[v]), shape: .cross, color: Palette.blue, size: 11, label: label(m, "sliceBestLegend")))
        }
        fig.marks.append(.point(Point(mle[u], mle[v]), shape: .diamond, color: Palette.skyBlue, size: 10, label: label(m, "mleLegend")))
        fig.marks.append(.point(Point(map[u], map[v]), shape: .star, color: Palette.vermillion, size: 13, label: label(m, "mapLegend")))
        fig.xLimits = uRange
        fig.yLimits = vRange
        fig.equalAspect = !interceptAxis
        fig.accessibleTitle = text(m, "priorAccessibleTitle", ["model": .string(m.name)])
        var values = kindValues(m, a)
        values["u"] = .string(nameU); values["v"] = .string(interceptAxis ? text(m, "centredIntercept") : nameV)
        values["intercept"] = .bool(interceptAxis)
        values["others"] = Prose.count(m.design.columns - 2)
        values["mapU"] = .string(s(map[u], 4)); values["mapV"] = .string(s(map[v], 4))
        values["bestU"] = .string(s(best[u], 4)); values["bestV"] = .string(s(best[v], 4))
        values["mleU"] = .string(s(mle[u], 4)); values["mleV"] = .string(s(mle[v], 4))
        values["whole"] = .bool(sliceIsModel)
        values["corner"] = .bool(a.penalty.alpha > 0 && (map[u] == 0 || (!interceptAxis && map[v] == 0)))
        values["hasPath"] = .bool(a.path != nil)
        return ReportFigure(name: "\(m.name)-prior", figure: fig, caption: text(m, "priorCaption", values), altText: text(m, "priorAlt", values))
    }

    /// Each coefficient (standardised) against log₁₀ λ along the path, the chosen λ marked.
    static func path(_ m: SeveralAnalysis) -> ReportFigure? {
        guard let a = m.penalty, let path = a.path else { return nil }
        var fig = Figure()
        fig.xLabel = label(m, "pathXAxis")
        fig.yLabel = label(m, "pathYAxis")
        fig.title = label(m, "pathTitle", kindValues(m, a))
        let xs = path.lambdas.map { log10($0) }
        let colors = Palette.lines
        let columns = m.design.columns
        // Up to 12 coefficients are named in the legend; the rest are drawn in grey.
        for j in 1..<columns {
            let ys = path.fits.map { $0.standardisedCoefficients[j] }
            let named = j <= 12
            fig.marks.append(.line(points: zip(xs, ys).map { Point($0, $1) }, color: named ? colors[(j - 1) % colors.count] : .muted,
                                   width: 1.4, dash: j > colors.count ? [5, 3] : [], label: named ? markupEscaped(m.design.terms[j].name) : nil))
        }
        let lo = path.fits.map { $0.standardisedCoefficients.dropFirst().min() ?? 0 }.min() ?? 0
        let hi = path.fits.map { $0.standardisedCoefficients.dropFirst().max() ?? 0 }.max() ?? 0
        let chosen = log10(a.penalty.lambda)
        if chosen >= xs.last! && chosen <= xs.first! {
            fig.marks.append(.line(points: [Point(chosen, lo), Point(chosen, hi)], color: Palette.vermillion, width: 1.2, dash: [4, 3],
                                   label: label(m, "chosenLegend", kindValues(m, a))))
        }
        fig.marks.append(.line(points: [Point(xs.last!, 0), Point(xs.first!, 0)], color: .reference, width: 0.8, dash: [], label: nil))
        fig.xLimits = (xs.last!, xs.first!)
        fig.accessibleTitle = text(m, "pathAccessibleTitle", ["model": .string(m.name)])
        var values = kindValues(m, a)
        values["count"] = Prose.count(path.lambdas.count)
        values["coefficients"] = Prose.count(columns - 1)
        values["grey"] = .bool(columns - 1 > 12)
        values["top"] = .string(s(path.lambdas.first!, 3)); values["bottom"] = .string(s(path.lambdas.last!, 3))
        return ReportFigure(name: "\(m.name)-path", figure: fig, caption: text(m, "pathCaption", values), altText: text(m, "pathAlt", values))
    }

    /// The held-out error against log₁₀ λ with ±1 standard error, and both choices marked.
    static func crossValidation(_ m: SeveralAnalysis) -> ReportFigure? {
        guard let a = m.penalty, let cv = a.crossValidation else { return nil }
        var fig = Figure()
        let kinds = kindValues(m, a)
        fig.xLabel = label(m, "pathXAxis")
        fig.yLabel = label(m, "cvYAxis", kinds)
        fig.title = label(m, "cvTitle", ["folds": .string(String(cv.folds))])
        let xs = cv.lambdas.map { log10($0) }
        fig.marks.append(.band(x: xs.reversed(), lower: zip(cv.mean, cv.standardError).map { $0 - $1 }.reversed(),
                               upper: zip(cv.mean, cv.standardError).map { $0 + $1 }.reversed(), color: Palette.skyBlue.withAlpha(0.35),
                               label: label(m, "cvBandLegend")))
        fig.marks.append(.line(points: zip(xs, cv.mean).map { Point($0, $1) }, color: Palette.blue, width: 1.6, dash: [], label: label(m, "cvMeanLegend", kinds)))
        let lo = zip(cv.mean, cv.standardError).map { $0 - $1 }.min()!, hi = zip(cv.mean, cv.standardError).map { $0 + $1 }.max()!
        fig.marks.append(.line(points: [Point(log10(cv.lambdaMin), lo), Point(log10(cv.lambdaMin), hi)], color: Palette.green, width: 1.2, dash: [2, 2],
                               label: label(m, "cvMinLegend", ["lambda": .string(s(cv.lambdaMin, 3))])))
        fig.marks.append(.line(points: [Point(log10(cv.lambdaOneSE), lo), Point(log10(cv.lambdaOneSE), hi)], color: Palette.vermillion, width: 1.2,
                               dash: [5, 3], label: label(m, "cvOneSELegend", ["lambda": .string(s(cv.lambdaOneSE, 3))])))
        if let e = a.evidence, log10(e.lambda) >= xs.last!, log10(e.lambda) <= xs.first! {
            fig.marks.append(.line(points: [Point(log10(e.lambda), lo), Point(log10(e.lambda), hi)], color: Palette.purple, width: 1.2, dash: [1, 2],
                                   label: label(m, "evidenceLegend", ["lambda": .string(s(e.lambda, 3))])))
        }
        fig.xLimits = (xs.last!, xs.first!)
        // The error explodes as λ nears λ_max: the axis stops at six times the spread that
        // decides the choice, so that the minimum and the one-SE choice stay readable.
        let best = cv.lambdas.firstIndex(of: cv.lambdaMin)!, chosen = cv.lambdas.firstIndex(of: cv.lambdaOneSE)!
        let spread = max(cv.standardError[best], cv.mean[chosen] - cv.mean[best], 1e-9 * abs(cv.mean[best]), 1e-300)
        let top = min(hi, cv.mean[best] + 6 * spread)
        let bottom = lo
        fig.yLimits = (bottom - 0.05 * (top - bottom), top)
        fig.accessibleTitle = text(m, "cvAccessibleTitle", ["model": .string(m.name)])
        var values = kinds
        values["folds"] = .string(String(cv.folds))
        values["lambdaMin"] = .string(s(cv.lambdaMin, 3)); values["lambdaOneSE"] = .string(s(cv.lambdaOneSE, 3))
        values["hasEvidence"] = .bool(a.evidence != nil)
        values["evidenceLambda"] = .string(a.evidence.map { s($0.lambda, 3) } ?? "")
        return ReportFigure(name: "\(m.name)-cv", figure: fig, caption: text(m, "cvCaption", values), altText: text(m, "cvAlt", values))
    }
}
