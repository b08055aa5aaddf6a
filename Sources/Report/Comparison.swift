import Foundation
import Likelihood
import Mustache
import Plot

/// Which noise model do the data support? The same (x, y) fitted with Gaussian, Laplace and
/// Student-t noise, compared by log-likelihood, AIC and BIC with every constant kept.
struct ComparisonAnalysis {
    struct Row {
        var kind: ModelKind
        var noise: String
        var loss: String
        var fit: (any LineFit)?
        /// Why the family could not be fitted, or what its fit means (ν at its bound).
        var note: String?
        var deltaAIC = 0.0
        var deltaBIC = 0.0
    }

    var name: String
    var source: String
    var request: ComparisonRequest
    var x: [Double]
    var y: [Double]
    var rows: [Row]
    var droppedRows = 0

    var fitted: [Row] { rows.filter { $0.fit != nil } }
    var bestByAIC: Row? { fitted.min { $0.fit!.aic < $1.fit!.aic } }
    var bestByBIC: Row? { fitted.min { $0.fit!.bic < $1.fit!.bic } }
    var n: Int { x.count }
}

enum Comparison {
    static let kinds: [ModelKind] = [.linear, .laplace, .studentT]

    static func s(_ v: Double, _ digits: Int = 3) -> String { NumberFormat.significant(v, digits) }

    /// - Parameter known: fits of these same points the run already made (a `laplace` or
    ///   `student-t` model on the same data), used instead of fitting again.
    static func analyse(_ request: ComparisonRequest, dataset: Dataset, name: String, dropMissing: Bool,
                        known: [ModelKind: any LineFit] = [:]) throws -> ComparisonAnalysis {
        let (x, y, kept) = try dataset.pairedNumbers(request.x, request.y, dropMissing: dropMissing)
        Timing.mark("\(name): comparing noise models on \(x.count) rows")
        var rows: [ComparisonAnalysis.Row] = []
        func attempt(_ kind: ModelKind, _ noise: String, _ loss: String, _ fit: () throws -> any LineFit) {
            do {
                rows.append(.init(kind: kind, noise: noise, loss: loss, fit: try fit()))
            } catch {
                rows.append(.init(kind: kind, noise: noise, loss: loss, fit: nil, note: "not fitted: \(error)"))
            }
        }
        attempt(.linear, "Gaussian", "mean squared error") { try known[.linear] as? LinearFit ?? LinearGaussianModel.fit(x: x, y: y) }
        attempt(.laplace, "Laplace", "mean absolute error") { try known[.laplace] as? LaplaceFit ?? LaplaceModel.fit(x: x, y: y) }
        Timing.mark("\(name): Laplace fitted")
        let lad = rows.first { $0.kind == .laplace }?.fit as? LaplaceFit
        attempt(.studentT, "Student-t", "Student-t loss") { try known[.studentT] as? StudentTFit ?? StudentTModel.fit(x: x, y: y, lad: lad) }
        Timing.mark("\(name): Student-t fitted")
        if let k = rows.firstIndex(where: { $0.kind == .studentT }), let t = rows[k].fit as? StudentTFit {
            rows[k].loss = "Student-t loss, ν̂ = \(s(t.nu))"
            if t.nuAtUpperBound { rows[k].note = "ν̂ ran to the top of its range (\(s(StudentTModel.nuRange.1))): no heavier tails than Gaussian" }
        }
        var c = ComparisonAnalysis(name: name, source: dataset.source, request: request, x: x, y: y, rows: rows)
        c.droppedRows = kept.isEmpty ? 0 : dataset.rowCount - kept.count
        guard let bestA = c.bestByAIC?.fit?.aic, let bestB = c.bestByBIC?.fit?.bic else {
            throw ReportError("\(dataset.source): comparison of noise models for \(Message.quoted(request.y)) on \(Message.quoted(request.x)): no model could be fitted (\(rows.compactMap(\.note).joined(separator: "; ")))")
        }
        for k in c.rows.indices where c.rows[k].fit != nil {
            c.rows[k].deltaAIC = c.rows[k].fit!.aic - bestA
            c.rows[k].deltaBIC = c.rows[k].fit!.bic - bestB
        }
        return c
    }

    /// The plain-words verdict, from the numbers.
    /// A difference of AIC or BIC as prose gives it: three significant digits below 100, and
    /// whole units above (40149, never "40100" beside 40149.47 in the table).
    static func delta(_ v: Double) -> String { v >= 100 ? NumberFormat.fixed(v, 0) : s(v, 3) }

    static func verdict(_ c: ComparisonAnalysis) -> String {
        guard let best = c.bestByAIC, let bestFit = best.fit else { return "" }
        let others = c.fitted.filter { $0.kind != best.kind }.sorted { $0.deltaAIC < $1.deltaAIC }
        let gaussian = c.rows.first { $0.kind == .linear }
        var text: String
        // A Student-t fit whose ν ran to the top of its range is Gaussian noise with one more
        // parameter: its ΔAIC is that parameter's charge, not evidence about the loss.
        let capped = others.first { ($0.fit as? StudentTFit)?.nuAtUpperBound == true }
        var close: ComparisonAnalysis.Row?
        if best.kind == .linear {
            let runner = others.first { $0.kind != capped?.kind } ?? others.first
            if let runner, runner.deltaAIC < 2 {
                close = runner
                text = "Gaussian noise and \(runner.noise) noise fit these data about equally well (ΔAIC = \(delta(runner.deltaAIC)), under 2): nothing here argues against the mean squared error."
            } else {
                text = "Gaussian noise fits these data best\(runner.map { ", by ΔAIC = \(delta($0.deltaAIC)) over \($0.noise) noise" } ?? ""): the mean squared error is the right loss here."
            }
            if let capped {
                text += " Student-t noise ran to the top of its range of ν (\(s(StudentTModel.nuRange.1))), where it is Gaussian noise: its ΔAIC = \(delta(capped.deltaAIC)) is only the charge for its extra parameter."
            }
        } else if let g = gaussian, g.fit != nil {
            let margin = g.deltaAIC
            if margin < 2 {
                close = g
                text = "\(best.noise) noise fits these data only slightly better than Gaussian (ΔAIC = \(delta(margin)), under 2): the data hardly tell the losses apart, and the mean squared error does as well as the \(best.loss.components(separatedBy: ",")[0])."
            } else {
                text = "\(best.noise) noise fits these data better than Gaussian by ΔAIC = \(delta(margin)): the \(best.loss.components(separatedBy: ",")[0]) is the better loss here."
            }
            if let runner = others.first(where: { $0.kind != .linear }), runner.deltaAIC < 2 {
                close = close ?? runner
                text += " \(runner.noise) noise is about as good (ΔAIC = \(delta(runner.deltaAIC)))."
            }
        } else {
            text = "\(best.noise) noise fits these data best by AIC."
        }
        if let b = c.bestByBIC, b.kind != best.kind {
            text += " BIC, which charges more for each parameter (log n = \(s(log(Double(c.n)), 3)) against AIC's 2), prefers \(b.noise) noise instead (ΔBIC = \(delta(c.rows.first { $0.kind == best.kind }!.deltaBIC)))."
        } else if let close, close.deltaBIC >= 2 {
            // AIC called two models close; BIC, with its larger charge, may not.
            text += " BIC, which charges more for each parameter (log n = \(s(log(Double(c.n)), 3)) against AIC's 2), prefers \(best.noise) noise too, and clearly: ΔBIC = \(delta(close.deltaBIC)) over \(close.noise) noise."
        } else {
            text += " BIC agrees."
        }
        // How far the outliers pull the least-squares line, in the robust fit's standard errors.
        if let g = gaussian?.fit, best.kind != .linear {
            let pull = abs(g.w.estimate - bestFit.w.estimate) / bestFit.w.standardError
            if pull >= 1 {
                text += " The least-squares slope \(s(g.w.estimate, 4)) lies \(s(pull, 2)) standard errors from the \(best.noise) slope \(s(bestFit.w.estimate, 4)): points far from the line pull it, because their squared residuals dominate the loss."
            }
        }
        return text
    }

    static func figure(_ c: ComparisonAnalysis) -> ReportFigure {
        var f = Figure()
        f.xLabel = markupEscaped(c.request.x)
        f.yLabel = markupEscaped(c.request.y)
        f.title = "One data set, three noise models, three lines"
        let lo = c.x.min()!, hi = c.x.max()!
        let xs = [lo, hi]
        if c.n > FigureFactory.densityThreshold {
            FigureFactory.addDensity(to: &f, x: c.x, y: c.y)
        } else {
            f.marks.append(.scatter(points: zip(c.x, c.y).map { Point($0, $1) }, color: .muted, size: 5, shape: .circle, edge: nil,
                                    label: "data (<i>n</i> = \(c.n))"))
        }
        let styles: [ModelKind: (Color, [Double])] = [.linear: (Palette.blue, [6, 3]), .laplace: (Palette.vermillion, []), .studentT: (Palette.green, [2, 5])]
        for row in c.fitted {
            let fit = row.fit!
            let (color, dash) = styles[row.kind]!
            f.marks.append(.line(points: xs.map { Point($0, fit.w.estimate * $0 + fit.b.estimate) }, color: color, width: 2.2, dash: dash,
                                 label: "\(row.noise): \(FigureFactory.linearForm(fit.w.estimate, fit.b.estimate, markup: true)) (AIC \(s(fit.aic, 5)))"))
        }
        f.accessibleTitle = "\(c.name): the lines of three noise models"
        let lines = c.fitted.map { "\($0.noise) y = \(FigureFactory.linearForm($0.fit!.w.estimate, $0.fit!.b.estimate, digits: 4, markup: false))" }.joined(separator: "; ")
        let alt = "\(c.n) points of \(c.request.y) against \(c.request.x) with the maximum-likelihood lines of three noise models: \(lines)."
        return ReportFigure(name: "\(c.name)-fits", figure: f,
                            caption: "The maximum-likelihood line under each noise model, with its AIC. Squared residuals let far points dominate the Gaussian fit; absolute residuals (Laplace) and logarithmic ones (Student-t) let them count less.",
                            altText: alt)
    }

    static func page(_ c: ComparisonAnalysis, figure: ReportFigure?, figureValue: MustacheValue, number: Int) -> MustacheValue {
        let rows: [MustacheValue] = c.rows.map { row in
            guard let fit = row.fit else {
                return ["noise": .string(row.noise), "loss": .string(row.loss), "fitted": false, "note": .string(row.note ?? "")]
            }
            return ["noise": .string(row.noise), "loss": .string(row.loss), "fitted": true,
                    "logL": PageContext.f(fit.logLikelihood, 7), "k": .number(Double(fit.parameterCount)),
                    "aic": PageContext.f(fit.aic, 7), "bic": PageContext.f(fit.bic, 7),
                    "deltaAIC": .string(NumberFormat.fixed(row.deltaAIC, 2)), "deltaBIC": .string(NumberFormat.fixed(row.deltaBIC, 2)),
                    "best": .bool(row.kind == c.bestByAIC?.kind), "w": PageContext.f(fit.w.estimate, 5), "b": PageContext.f(fit.b.estimate, 5),
                    "note": row.note.map(MustacheValue.string) ?? .bool(false)]
        }
        return ["partial": "comparison", "id": .string(c.name), "title": "Which noise model do the data support?",
                "number": .number(Double(number)), "name": .string(c.name), "source": .string(c.source),
                "x": .string(c.request.x), "y": .string(c.request.y), "n": .number(Double(c.n)),
                "hasDropped": .bool(c.droppedRows > 0), "dropped": .number(Double(c.droppedRows)),
                "rows": .array(rows), "verdict": .string(verdict(c)), "figures": [figureValue]]
    }

    static func json(_ c: ComparisonAnalysis) -> JSON {
        .object([
            "name": .string(c.name), "data": .string(c.source), "x": .string(c.request.x), "y": .string(c.request.y), "n": .int(c.n),
            "best_by_aic": .string(c.bestByAIC.map { Families.family($0.kind).jsonFamily } ?? ""),
            "best_by_bic": .string(c.bestByBIC.map { Families.family($0.kind).jsonFamily } ?? ""),
            "verdict": .string(verdict(c)),
            "models": .array(c.rows.map { row in
                var o: [String: JSON] = ["family": .string(Families.family(row.kind).jsonFamily), "loss": .string(row.loss)]
                if let fit = row.fit {
                    o["w"] = .number(fit.w.estimate); o["b"] = .number(fit.b.estimate)
                    o["log_likelihood"] = .number(fit.logLikelihood); o["parameters"] = .int(fit.parameterCount)
                    o["aic"] = .number(fit.aic); o["bic"] = .number(fit.bic)
                    o["delta_aic"] = .number(row.deltaAIC); o["delta_bic"] = .number(row.deltaBIC)
                }
                if let note = row.note { o["note"] = .string(note) }
                return .object(o)
            }),
        ])
    }

    static func summary(_ c: ComparisonAnalysis) -> String {
        func pad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
        var lines = ["== \(c.name): noise models for \(Message.escaped(c.request.y)) ~ \(Message.escaped(c.request.x)), n = \(c.n)",
                     "noise".padding(toLength: 11, withPad: " ", startingAt: 0) + pad("log L", 14) + pad("k", 3) + pad("AIC", 14) + pad("ΔAIC", 10) + pad("BIC", 14) + pad("ΔBIC", 10)]
        for row in c.rows {
            guard let fit = row.fit else { lines.append(row.noise.padding(toLength: 11, withPad: " ", startingAt: 0) + " " + (row.note ?? "")); continue }
            lines.append(row.noise.padding(toLength: 11, withPad: " ", startingAt: 0) + pad(NumberFormat.plain(fit.logLikelihood, 7), 14)
                         + pad(String(fit.parameterCount), 3) + pad(NumberFormat.plain(fit.aic, 7), 14) + pad(NumberFormat.fixed(row.deltaAIC, 2), 10)
                         + pad(NumberFormat.plain(fit.bic, 7), 14) + pad(NumberFormat.fixed(row.deltaBIC, 2), 10))
        }
        lines.append(verdict(c))
        return lines.joined(separator: "\n")
    }
}
