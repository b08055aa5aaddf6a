import Foundation
import Likelihood
import Mustache
import Plot

/// Which noise model do the data support? The same (x, y) fitted with Gaussian, Laplace and
/// Student-t noise, compared by log-likelihood, AIC and BIC with every constant kept.
struct ComparisonAnalysis {
    /// One noise model's fit, typed.
    enum Fitted {
        case linear(LinearFit)
        case laplace(LaplaceFit)
        case studentT(StudentTFit)

        var line: any LineFit {
            switch self {
            case let .linear(f): return f
            case let .laplace(f): return f
            case let .studentT(f): return f
            }
        }
    }

    struct Row {
        var kind: ModelKind
        var fitted: Fitted?
        /// Why the family could not be fitted.
        var error: String?
        var deltaAIC = 0.0
        var deltaBIC = 0.0
        /// The fit as every family gives it.
        var fit: (any LineFit)? { fitted?.line }
        /// The Student-t fit, on its row.
        var studentT: StudentTFit? {
            if case let .studentT(f)? = fitted { return f }
            return nil
        }
        /// A Student-t fit whose ν ran to the top of its range.
        var nuCapped: Bool { studentT?.nuAtUpperBound == true }
    }
    /// The words of the page (set by the run; the defaults otherwise).
    var prose: Prose? = nil

    /// A piece of text-common.
    func common(_ piece: String, _ values: [String: MustacheValue] = [:], markup: Bool = false) -> String {
        (prose ?? Prose.shared)?.text("common", piece, values, markup: markup) ?? ""
    }

    /// The noise a row assumes ("Laplace") and the loss it implies ("Student-t loss, ν̂ = 2.1").
    func noise(_ row: Row) -> String { (prose ?? Prose.shared)?.text(row.kind.rawValue, "noiseName") ?? "" }
    func lossName(_ row: Row) -> String { (prose ?? Prose.shared)?.text(row.kind.rawValue, "lossName") ?? "" }
    func loss(_ row: Row) -> String {
        guard let t = row.studentT else { return lossName(row) }
        return common("comparisonStudentTLoss", ["loss": .string(lossName(row)), "nu": .string(NumberFormat.significant(t.nu, 3))])
    }
    /// What the table says beside a row: why it was not fitted, or that ν ran to a bound.
    func note(_ row: Row) -> String? {
        if let error = row.error { return common("comparisonNotFitted", ["error": .string(error)]) }
        if row.nuCapped { return common("comparisonNuCapped", ["bound": .string(NumberFormat.significant(StudentTModel.nuRange.1, 3))]) }
        if let t = row.studentT, t.nuAtLowerBound {
            return common("comparisonNuFloor", ["bound": .string(NumberFormat.significant(t.globalSearch.nuLowerBound, 3)),
                                                "points": .string(Narrative.count(t.globalSearch.collinearPoints))])
        }
        return nil
    }

    var name: String
    var source: String
    var request: ComparisonRequest
    var x: [Double]
    var y: [Double]
    var rows: [Row]
    var droppedRows = 0
    var builtin: (kind: String, seed: UInt64, outliers: Int)? = nil

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
                        known: KnownFits = KnownFits()) throws -> ComparisonAnalysis {
        let (x, y, kept) = try dataset.pairedNumbers(request.x, request.y, dropMissing: dropMissing)
        Timing.mark("\(name): comparing noise models on \(x.count) rows")
        var rows: [ComparisonAnalysis.Row] = []
        func attempt(_ kind: ModelKind, _ fit: () throws -> ComparisonAnalysis.Fitted) {
            do {
                rows.append(.init(kind: kind, fitted: try fit()))
            } catch {
                rows.append(.init(kind: kind, fitted: nil, error: "\(error)"))
            }
        }
        attempt(.linear) { .linear(try known.linear ?? LinearGaussianModel.fit(x: x, y: y)) }
        // The Student-t search starts from the Laplace fit among others.
        var lad: LaplaceFit? = nil
        attempt(.laplace) {
            let fit = try known.laplace ?? LaplaceModel.fit(x: x, y: y)
            lad = fit
            return .laplace(fit)
        }
        Timing.mark("\(name): Laplace fitted")
        attempt(.studentT) { .studentT(try known.studentT ?? StudentTModel.fit(x: x, y: y, lad: lad)) }
        Timing.mark("\(name): Student-t fitted")
        var c = ComparisonAnalysis(name: name, source: dataset.source, request: request, x: x, y: y, rows: rows)
        c.droppedRows = kept.isEmpty ? 0 : dataset.rowCount - kept.count
        c.builtin = dataset.builtin
        guard let bestA = c.bestByAIC?.fit?.aic, let bestB = c.bestByBIC?.fit?.bic else {
            throw ReportError("\(dataset.source): comparison of noise models for \(Message.quoted(request.y)) on \(Message.quoted(request.x)): no model could be fitted (\(rows.compactMap(\.error).joined(separator: "; ")))")
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
        func row(_ r: ComparisonAnalysis.Row?) -> MustacheValue {
            guard let r else { return .bool(false) }
            return ["noise": .string(c.noise(r)), "loss": .string(c.lossName(r)), "deltaAIC": .string(delta(r.deltaAIC)),
                    "deltaBIC": .string(delta(r.deltaBIC))]
        }
        var values: [String: MustacheValue] = ["best": row(best), "logN": .string(s(log(Double(c.n)), 3)),
                                               "nuBound": .string(s(StudentTModel.nuRange.1))]
        // A Student-t fit whose ν ran to the top of its range is Gaussian noise with one more
        // parameter: its ΔAIC is that parameter's charge, not evidence about the loss.
        let capped = others.first { $0.nuCapped }
        var close: ComparisonAnalysis.Row?
        if best.kind == .linear {
            let runner = others.first { $0.kind != capped?.kind } ?? others.first
            if let runner, runner.deltaAIC < 2 { close = runner }
            values["gaussianBest"] = ["runner": row(runner), "close": .bool(close != nil), "capped": row(capped)]
        } else if let g = gaussian, g.fit != nil {
            if g.deltaAIC < 2 { close = g }
            let runner = others.first(where: { $0.kind != .linear }).flatMap { $0.deltaAIC < 2 ? $0 : nil }
            if let runner { close = close ?? runner }
            values["otherBest"] = ["gaussian": row(g), "close": .bool(g.deltaAIC < 2), "runner": row(runner)]
        } else {
            values["onlyAIC"] = true
        }
        if let b = c.bestByBIC, b.kind != best.kind {
            values["bicDisagrees"] = ["noise": .string(c.noise(b)), "deltaBIC": .string(delta(c.rows.first { $0.kind == best.kind }!.deltaBIC))]
        } else if let close, close.deltaBIC >= 2 {
            // AIC called two models close; BIC, with its larger charge, may not.
            values["bicClearer"] = row(close)
        } else {
            values["bicAgrees"] = true
        }
        // How far the outliers pull the least-squares line, in the robust fit's standard errors.
        if let g = gaussian?.fit, best.kind != .linear {
            let pull = abs(g.w.estimate - bestFit.w.estimate) / bestFit.w.standardError
            if pull >= 1 {
                values["pull"] = ["slope": .string(s(g.w.estimate, 4)), "distance": .string(s(pull, 2)), "bestSlope": .string(s(bestFit.w.estimate, 4))]
            }
        }
        for key in ["gaussianBest", "otherBest", "onlyAIC", "bicDisagrees", "bicClearer", "bicAgrees", "pull"] where values[key] == nil {
            values[key] = false
        }
        return c.common("verdict", values)
    }

    static func figure(_ c: ComparisonAnalysis) -> ReportFigure {
        var f = Figure()
        f.xLabel = markupEscaped(c.request.x)
        f.yLabel = markupEscaped(c.request.y)
        f.title = c.common("comparisonFigureTitle", markup: true)
        let lo = c.x.min()!, hi = c.x.max()!
        let xs = [lo, hi]
        if c.n > FigureFactory.densityThreshold {
            FigureFactory.addDensity(to: &f, x: c.x, y: c.y, label: c.common("densityLegend", markup: true))
        } else {
            f.marks.append(.scatter(points: zip(c.x, c.y).map { Point($0, $1) }, color: .muted, size: 5, shape: .circle, edge: nil,
                                    label: c.common("dataLegend", ["n": .string(String(c.n))], markup: true)))
        }
        let styles: [ModelKind: (Color, [Double])] = [.linear: (Palette.blue, [6, 3]), .laplace: (Palette.vermillion, []), .studentT: (Palette.green, [2, 5])]
        for row in c.fitted {
            let fit = row.fit!
            let (color, dash) = styles[row.kind]!
            f.marks.append(.line(points: xs.map { Point($0, fit.w.estimate * $0 + fit.b.estimate) }, color: color, width: 2.2, dash: dash,
                                 label: c.common("comparisonLineLegend", ["noise": .string(c.noise(row)), "line": .string(FigureFactory.linearForm(fit.w.estimate, fit.b.estimate, markup: true)),
                                                                          "aic": .string(s(fit.aic, 5))], markup: true)))
        }
        f.accessibleTitle = c.common("comparisonAccessibleTitle", ["name": .string(c.name)])
        let fitted = c.fitted
        let lines: [MustacheValue] = fitted.enumerated().map { k, row in
            ["noise": .string(c.noise(row)), "line": .string(FigureFactory.linearForm(row.fit!.w.estimate, row.fit!.b.estimate, digits: 4, markup: false)),
             "last": .bool(k == fitted.count - 1)]
        }
        let alt = c.common("comparisonAlt", ["n": .string(String(c.n)), "x": .string(c.request.x), "y": .string(c.request.y),
                                             "lines": .array(lines)])
        return ReportFigure(name: "\(c.name)-fits", figure: f, caption: c.common("comparisonCaption"), altText: alt)
    }

    static func page(_ c: ComparisonAnalysis, figure: ReportFigure?, figureValue: MustacheValue, number: Int) -> MustacheValue {
        let rows: [MustacheValue] = c.rows.map { row in
            guard let fit = row.fit else {
                return ["noise": .string(c.noise(row)), "loss": .string(c.loss(row)), "fitted": false, "note": .string(c.note(row) ?? "")]
            }
            return ["noise": .string(c.noise(row)), "loss": .string(c.loss(row)), "fitted": true,
                    "logL": PageContext.f(fit.logLikelihood, 7), "k": .number(Double(fit.parameterCount)),
                    "aic": PageContext.f(fit.aic, 7), "bic": PageContext.f(fit.bic, 7),
                    "deltaAIC": .string(NumberFormat.fixed(row.deltaAIC, 2)), "deltaBIC": .string(NumberFormat.fixed(row.deltaBIC, 2)),
                    "best": .bool(row.kind == c.bestByAIC?.kind), "w": PageContext.f(fit.w.estimate, 5), "b": PageContext.f(fit.b.estimate, 5),
                    "note": c.note(row).map(MustacheValue.string) ?? .bool(false)]
        }
        return ["partial": "comparison", "id": .string(c.name), "title": .string(c.common("comparisonTitle")),
                "number": .number(Double(number)), "name": .string(c.name), "source": .string(c.builtin.map { c.common("builtinSource", Prose.builtin($0)) } ?? c.source),
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
                var o: [String: JSON] = ["family": .string(Families.family(row.kind).jsonFamily), "loss": .string(c.loss(row))]
                if let fit = row.fit {
                    o["w"] = .number(fit.w.estimate); o["b"] = .number(fit.b.estimate)
                    o["log_likelihood"] = .number(fit.logLikelihood); o["parameters"] = .int(fit.parameterCount)
                    o["aic"] = .number(fit.aic); o["bic"] = .number(fit.bic)
                    o["delta_aic"] = .number(row.deltaAIC); o["delta_bic"] = .number(row.deltaBIC)
                }
                if let note = c.note(row) { o["note"] = .string(note) }
                return .object(o)
            }),
        ])
    }

    static func summary(_ c: ComparisonAnalysis) -> String {
        func pad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
        var lines = ["== \(c.name): noise models for \(Message.escaped(c.request.y)) ~ \(Message.escaped(c.request.x)), n = \(c.n)",
                     "noise".padding(toLength: 11, withPad: " ", startingAt: 0) + pad("log L", 14) + pad("k", 3) + pad("AIC", 14) + pad("ΔAIC", 10) + pad("BIC", 14) + pad("ΔBIC", 10)]
        for row in c.rows {
            guard let fit = row.fit else { lines.append(c.noise(row).padding(toLength: 11, withPad: " ", startingAt: 0) + " " + (c.note(row) ?? "")); continue }
            lines.append(c.noise(row).padding(toLength: 11, withPad: " ", startingAt: 0) + pad(NumberFormat.plain(fit.logLikelihood, 7), 14)
                         + pad(String(fit.parameterCount), 3) + pad(NumberFormat.plain(fit.aic, 7), 14) + pad(NumberFormat.fixed(row.deltaAIC, 2), 10)
                         + pad(NumberFormat.plain(fit.bic, 7), 14) + pad(NumberFormat.fixed(row.deltaBIC, 2), 10))
        }
        lines.append(verdict(c))
        return lines.joined(separator: "\n")
    }
}
