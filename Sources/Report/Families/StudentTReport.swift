import Foundation
import Likelihood
import Mustache
import Plot

/// Student-t noise: a robust loss that is not convex, fitted by Newton's method on all its
/// parameters from 42 or more starts (every distinct maximum listed), with the surface that shows
/// where its basins are.
enum StudentTReport: FamilyReport {
    static let kind = ModelKind.studentT
    static let summaryName = "Student-t (robust)"
    static let jsonFamily = "student_t"
    static let derivation = Derivation(partial: "derivation-student-t", id: "student-t")
    static let modelPartial = "model-student-t"
    static let figureKinds = ["fit", "likelihood", "contours"]
    static let isLocationFamily = true

    /// Above this many rows the surfaces come from every row's residuals binned per slope
    /// (`StudentTSurface`, one pass over the rows per column of the grid, with a stated bound)
    /// instead of a pass over the rows per grid point.
    static let surfaceRows = 20_000

    struct Details {
        /// The bound on |surface − exact log-likelihood| when the surfaces are binned; nil when
        /// they are exact.
        var binnedError: Double?
        /// The window of both surfaces: every start, every local maximum and the region.
        var window: (w: (Double, Double), b: (Double, Double))
        /// How many points have |r| > s√ν, where their loss bends down.
        var beyondInflection: Int
        /// How many points weigh less than one half in the fit.
        var downWeighted: Int
        /// log L(w, b | ŝ, ν̂) − its maximum over `window`: one grid serves the region, the
        /// likelihood figure and (as a mean loss) the contours.
        var grid: SurfaceGrid
        /// n·(log normaliser − log ŝ) − max log L: the mean loss at a grid value g is
        /// (constant − g)/n.
        var constant: Double
    }

    static func builtinData(seed: UInt64) -> Dataset { BuiltinData.outliers(seed: seed) }
    static func fitted(_ m: ModelAnalysis) -> StudentTFit { m.part("studentT fit") { if case let .studentT(fit, _) = $0 { return fit }; return nil } }
    static func details(_ m: ModelAnalysis) -> Details { m.part("studentT details") { if case let .studentT(_, details) = $0 { return details }; return nil } }

    static func analyse(_ request: ModelRequest, x: [Double], y: [Double], name: String, source: String) throws -> ModelAnalysis {
        if let nu = request.nu, !(nu > 0 && nu.isFinite) {
            throw ReportError("\(name): --nu \(nu): ν must be a positive number")
        }
        let fit = try StudentTModel.fit(x: x, y: y, nu: request.nu)
        if fit.nuAtUpperBound {
            // ν ran off: the data are no heavier-tailed than Gaussian noise. Say so, and report
            // the Gaussian fit, whose numbers mean what they say.
            var m = try LinearReport.analyse(request, x: x, y: y, name: name, source: source)
            m.notes.append((file: "student-t", piece: "gaussianFallback",
                            values: ["model": .string(name), "bound": .string(NumberFormat.plain(StudentTModel.nuRange.1, 4))]))
            return m
        }
        var m = ModelAnalysis(family: self, name: name, request: request, source: source, x: x, y: y, result: .studentT(fit, nil))
        m.newton = fit.path
        Timing.mark("\(name): Newton–Raphson from \(fit.globalSearch.starts) starts done")
        let binned = x.count > surfaceRows
        // The 95 % region of (w, b) with s and ν held at their estimates, traced on a grid.
        let depth = Distributions.chiSquared2Quantile(0.95) / 2
        let c = 2 * depth
        let hw = (c * fit.covariance.ww).squareRoot(), hb = (c * fit.covariance.bb).squareRoot()
        let box = [Parameters(w: fit.w.estimate - 2 * hw, b: fit.b.estimate - 2 * hb), Parameters(w: fit.w.estimate + 2 * hw, b: fit.b.estimate + 2 * hb)]
        let top = StudentTModel.logLikelihood(fit.line, scale: fit.scale, nu: fit.nu, x: x, y: y)
        // One window for all three surfaces: the Wald box, the least-squares and
        // least-absolute-deviations starts and ends, and the next two maxima.
        let starts = fit.searches.flatMap { [$0.path.first!, $0.line] } + fit.localMaxima.prefix(3).map(\.line)
        let window = ModelAnalysis.window(around: starts + box, padding: 0.15)
        let grid: SurfaceGrid
        var binnedError: Double?
        if binned {
            // A column costs a pass over the rows: 100 columns up to 3·10⁶ rows, then fewer
            // (50 from 6·10⁶ rows).
            let resolution = max(50, min(100, Int(3e8 / Double(x.count))))
            // Intercepts are cheap (a sum over the column's bins): twice as many as slopes, so
            // that a thin region is traced smoothly.
            let ws = SurfaceGrid.axis(window.w.0, window.w.1, count: resolution), bs = SurfaceGrid.axis(window.b.0, window.b.1, count: 2 * resolution)
            let surface = StudentTSurface.logLikelihoods(x: x, y: y, ws: ws, bs: bs, scale: fit.scale, nu: fit.nu)
            grid = SurfaceGrid(w: ws, b: bs, values: surface.values.map { $0 - top })
            binnedError = surface.error
        } else {
            grid = ModelAnalysis.grid(window, resolution: gridResolution(rows: x.count)) {
                StudentTModel.logLikelihood(Parameters(w: $0, b: $1), scale: fit.scale, nu: fit.nu, x: x, y: y) - top
            }
        }
        Timing.mark("\(name): surface \(binned ? "binned from" : "summed over") every row")
        m.region = FigureFactory.regionBoundary(grid, level: -depth, around: fit.line)
        m.regionDepth = depth
        var beyond = 0, down = 0
        let knee = fit.scale * fit.nu.squareRoot()
        for (xi, yi) in zip(x, y) {
            if abs(yi - fit.w.estimate * xi - fit.b.estimate) > knee { beyond += 1 }
            if fit.weight(x: xi, y: yi) < 0.5 { down += 1 }
        }
        let constant = Double(x.count) * (StudentTModel.logNormaliser(fit.nu) - log(fit.scale))
        m.result = .studentT(fit, Details(binnedError: binnedError, window: window, beyondInflection: beyond, downWeighted: down, grid: grid,
                            constant: constant - top))
        return m
    }

    /// Keeps the grid near 10⁸ point evaluations (never below 60 × 60, never above 200 × 200).
    static func gridResolution(rows: Int) -> Int {
        max(60, min(200, Int((1e8 / Double(max(rows, 1))).squareRoot())))
    }

    static func figure(_ kind: String, _ m: ModelAnalysis, aspect: Double) -> ReportFigure {
        switch kind {
        case "fit": return fitFigure(m)
        case "likelihood": return likelihoodFigure(m)
        default: return contoursFigure(m)
        }
    }

    /// A search's start for the sentences: {ls}, {lad} or {rows: {i, j}} (the line through two rows).
    static func start(_ name: String) -> MustacheValue {
        if name == "least-squares" { return ["ls": true, "lad": false, "rows": false] }
        if name == "least-absolute-deviations" { return ["ls": false, "lad": true, "rows": false] }
        let numbers = name.split(separator: " ").compactMap { Int($0) }
        return ["ls": false, "lad": false, "rows": numbers.count == 2 ? ["i": .string(String(numbers[0])), "j": .string(String(numbers[1]))] : false]
    }

    static func startText(_ m: ModelAnalysis, _ name: String) -> String {
        guard case let .object(o) = start(name) else { return name }
        return m.text("start", o)
    }

    static func fitFigure(_ m: ModelAnalysis) -> ReportFigure {
        let fit = fitted(m)
        var (f, _, _, xs) = FigureFactory.dataFigure(m, title: m.label("fitTitle"))
        let line = xs.map { fit.w.estimate * $0 + fit.b.estimate }
        // The central 95 % of s·t_ν.
        let half = fit.scale * Distributions.studentTQuantile(0.975, degreesOfFreedom: fit.nu)
        f.marks.append(.band(x: xs, lower: line.map { $0 - half }, upper: line.map { $0 + half },
                             color: Palette.vermillion.withAlpha(0.13), label: m.label("bandLegend")))
        let dense = m.n > FigureFactory.densityThreshold
        let shown = dense ? FigureFactory.sample(x: m.x, y: m.y, count: FigureFactory.residualSample) : zip(m.x, m.y).map { Point($0, $1) }
        f.marks.append(.line(points: zip(xs, line).map { Point($0, $1) }, color: Palette.vermillion, width: 2, dash: [],
                             label: m.label("fittedLineLegend", ["line": .string(FigureFactory.linearForm(fit.w.estimate, fit.b.estimate, markup: true))], common: true)))
        if dense { FigureFactory.addDensity(to: &f, m, x: m.x, y: m.y) }
        let heavy = shown.filter { fit.weight(x: $0.x, y: $0.y) >= 0.5 }
        let light = shown.filter { fit.weight(x: $0.x, y: $0.y) < 0.5 }
        f.marks.append(.scatter(points: heavy, color: Palette.blue, size: dense ? 4 : 6, shape: .circle, edge: .edge,
                                label: m.label("heavyLegend", ["sampled": .bool(dense), "shown": .string(String(shown.count))])))
        if !light.isEmpty {
            f.marks.append(.scatter(points: light, color: Palette.vermillion, size: dense ? 5 : 7, shape: .diamond, edge: .edge,
                                    label: m.label("lightLegend")))
        }
        let down = details(m).downWeighted
        f.accessibleTitle = m.text("fitAccessibleTitle", ["model": .string(m.name)])
        let values: [String: MustacheValue] = [
            "dense": .bool(dense), "n": .string(String(m.n)), "rows": .string(Narrative.count(m.n)), "x": .string(m.request.x), "y": .string(m.request.y),
            "line": .string(FigureFactory.linearForm(fit.w.estimate, fit.b.estimate, digits: 4, markup: false)),
            "nu": .string(s(fit.nu)), "scale": .string(s(fit.scale)), "down": Prose.count(down), "shown": .string(String(shown.count)),
            "half": .string(s(half)),
        ]
        return ReportFigure(name: "\(m.name)-fit", figure: f, caption: m.text("fitCaption", values), altText: m.text("fitAlt", values))
    }

    static func likelihoodFigure(_ m: ModelAnalysis) -> ReportFigure {
        let fit = fitted(m), d = details(m)
        let grid = d.grid
        let floor = max(grid.minimum, -8 * m.regionDepth)
        var f = Figure()
        f.xLabel = m.label("slopeLabel", common: true)
        f.yLabel = m.label("interceptLabel", common: true)
        f.showsGrid = false
        f.title = m.label("likelihoodTitle")
        f.xLimits = d.window.w
        f.yLimits = d.window.b
        f.marks.append(.heatmap(Heatmap(x: grid.w, y: grid.b, values: grid.values, range: (floor, 0), smooth: true)))
        f.marks.append(.line(points: m.region.map { Point($0.w, $0.b) }, color: .white, width: 2.2, dash: [],
                             label: m.label("regionLegend")))
        for (k, other) in fit.localMaxima.dropFirst().filter({ inside($0.line, d.window) }).enumerated() {
            f.marks.append(.point(Point(other.line.w, other.line.b), shape: .diamond, color: .white, size: 11,
                                  label: k == 0 ? m.label("otherMaximumLegend") : nil))
        }
        let ls = fit.searches.first!.path.first!
        f.marks.append(.point(Point(ls.w, ls.b), shape: .square, color: Palette.blue, size: 10, label: m.label("leastSquaresLegend")))
        f.marks.append(.point(Point(m.w, m.b), shape: .star, color: Palette.vermillion, size: 13,
                              label: m.label("mleLegend", ["w": .string(s(m.w)), "b": .string(s(m.b))], common: true)))
        f.colorbar = Colorbar(range: (floor, 0), label: m.label("likelihoodColorbar"), marks: [(-m.regionDepth, .white)])
        f.accessibleTitle = m.text("likelihoodAccessibleTitle", ["model": .string(m.name)])
        let maxima = fit.localMaxima.count
        let drawn = fit.localMaxima.dropFirst().filter { inside($0.line, d.window) }.count
        let (wFrom, wTo) = Narrative.range(d.window.w.0, d.window.w.1), (bFrom, bTo) = Narrative.range(d.window.b.0, d.window.b.1)
        let values: [String: MustacheValue] = [
            "scale": .string(s(fit.scale)), "nu": .string(s(fit.nu)), "wFrom": .string(wFrom), "wTo": .string(wTo), "bFrom": .string(bFrom), "bTo": .string(bTo),
            "w": .string(s(m.w, 4)), "b": .string(s(m.b, 4)), "several": .bool(maxima > 1), "maxima": .string(String(maxima)),
            "drawn": Prose.count(drawn), "rows": .string(Narrative.count(m.n)), "depth": .string(s(m.regionDepth, 3)),
            "binned": d.binnedError.map { ["error": .string(s($0, 2))] } ?? .bool(false),
            "starts": .string(String(fit.globalSearch.starts)), "elemental": .string(String(fit.globalSearch.elementalStarts)),
        ]
        var alt = values
        alt["drawn"] = .string(Narrative.count(drawn))
        return ReportFigure(name: "\(m.name)-likelihood", figure: f, caption: m.text("likelihoodCaption", values), altText: m.text("likelihoodAlt", alt))
    }

    static func contoursFigure(_ m: ModelAnalysis) -> ReportFigure {
        let fit = fitted(m), d = details(m)
        // The mean loss from the log-likelihood grid: (constant − log L)/rows.
        var grid = d.grid
        let rows = Double(m.n)
        grid.values = grid.values.map { (d.constant - $0) / rows }
        let minimum = StudentTModel.meanLoss(fit.line, scale: fit.scale, nu: fit.nu, x: m.x, y: m.y)
        var f = Figure()
        f.xLabel = m.label("slopeLabel", common: true)
        f.yLabel = m.label("interceptLabel", common: true)
        f.xLimits = d.window.w
        f.yLimits = d.window.b
        f.title = m.label("contoursTitle")
        f.marks.append(.contours(FigureFactory.lossContours(grid, minimum: minimum)))
        let colors = [Palette.blue, Palette.green]
        for (k, search) in fit.searches.enumerated() {
            f.marks.append(.path(points: search.path.map { Point($0.w, $0.b) }, color: colors[k % 2],
                                 label: m.label("searchLegend", ["start": .string(startText(m, search.start)), "steps": .string(String(search.iterations))])))
        }
        let minima = localMinima(grid)
        let reached = { (o: StudentTModel.Optimum) in abs(o.logLikelihood - fit.logLikelihood) <= 1e-9 * max(1, abs(fit.logLikelihood)) }
        if !fit.searches.contains(where: reached) {
            // The search that found the maximum, when neither named one did.
            f.marks.append(.path(points: fit.path.map { Point($0.w, $0.b) }, color: Palette.vermillion,
                                 label: m.label("bestSearchLegend", ["start": .string(startText(m, fit.bestStart)), "steps": .string(String(fit.iterations))])))
        }
        f.marks.append(.point(Point(m.w, m.b), shape: .star, color: .ink, size: 13, label: m.label("mleMarkLegend", common: true)))
        let sameEnd = fit.searches.count == 2 && abs(fit.searches[0].logLikelihood - fit.searches[1].logLikelihood) <= 1e-9 * max(1, abs(fit.logLikelihood))
        f.accessibleTitle = m.text("contoursAccessibleTitle", ["model": .string(m.name)])
        let values: [String: MustacheValue] = [
            "sameEnd": .bool(sameEnd), "w": .string(s(m.w, 4)), "b": .string(s(m.b, 4)), "minima": Prose.count(minima),
            "elsewhere": fit.searches.contains(where: reached) ? .bool(false) : .string(startText(m, fit.bestStart)),
            "binned": d.binnedError.map { ["error": .string(s($0 / Double(m.n), 2))] } ?? .bool(false), "rows": .string(Narrative.count(m.n)),
            "beyond": .string(Narrative.count(d.beyondInflection)), "knee": .string(s(fit.scale * fit.nu.squareRoot())),
        ]
        return ReportFigure(name: "\(m.name)-contours", figure: f, caption: m.text("contoursCaption", values), altText: m.text("contoursAlt", values))
    }

    /// Grid points lower than all eight neighbours.
    static func localMinima(_ g: SurfaceGrid) -> Int {
        var count = 0
        for j in 1..<(g.b.count - 1) {
            for i in 1..<(g.w.count - 1) {
                let v = g[i, j]
                var lowest = true
                for dj in -1...1 { for di in -1...1 where di != 0 || dj != 0 { if g[i + di, j + dj] <= v { lowest = false } } }
                if lowest { count += 1 }
            }
        }
        return count
    }

    /// The weighted least-squares line and scale that the final weights give: at the MLE they
    /// reproduce it (the EM fixed point).
    static func emFixedPoint(_ fit: StudentTFit, x: [Double], y: [Double]) -> (w: Double, b: Double, s2: Double) {
        var sw = 0.0, sx = 0.0, sy = 0.0
        let u = zip(x, y).map { fit.weight(x: $0.0, y: $0.1) }
        for i in x.indices { sw += u[i]; sx += u[i] * x[i]; sy += u[i] * y[i] }
        let mx = sx / sw, my = sy / sw
        var sxx = 0.0, sxy = 0.0
        for i in x.indices { sxx += u[i] * (x[i] - mx) * (x[i] - mx); sxy += u[i] * (x[i] - mx) * (y[i] - my) }
        let w = sxy / sxx, b = my - w * mx
        var ss = 0.0
        for i in x.indices { let r = y[i] - w * x[i] - b; ss += u[i] * r * r }
        return (w, b, ss / Double(x.count))
    }

    static func inside(_ p: Parameters, _ window: (w: (Double, Double), b: (Double, Double))) -> Bool {
        p.w >= window.w.0 && p.w <= window.w.1 && p.b >= window.b.0 && p.b <= window.b.1
    }

    /// The page's account of the global search: the starts, the maxima they reached, and the
    /// two named searches.
    static func searchText(_ m: ModelAnalysis, _ fit: StudentTFit, n: Int) -> String {
        let g = fit.globalSearch
        let screened = g.screenRows < n
        let top = fit.localMaxima[0]
        let others = Array(fit.localMaxima.dropFirst().prefix(4))
        let rest = fit.localMaxima.count - 1 - others.count
        let named = fit.searches
        let values: [String: MustacheValue] = [
            "starts": .string(String(g.starts)), "elemental": .string(Narrative.count(g.elementalStarts)),
            "screenRows": .string(Narrative.count(g.screenRows)),
            "stride": .string(String(StudentTModel.sampleStride(n: n, sampleRows: StudentTModel.screenRows))),
            "screened": screened ? ["one": .bool(g.screeningMaxima == 1), "maxima": .string(Narrative.count(g.screeningMaxima)),
                                    "refined": .string(Narrative.count(g.refined))] : .bool(false),
            "single": .bool(fit.localMaxima.count == 1), "maxima": .string(Narrative.count(fit.localMaxima.count)),
            "best": ["logL": .string(s(top.logLikelihood, 8)), "w": .string(s(top.line.w, 5)), "b": .string(s(top.line.b, 5)),
                     "s": .string(s(top.scale, 4)), "nu": .string(s(top.nu, 4)), "reached": .string(Narrative.count(top.reachedBy))],
            "oneOther": .bool(others.count == 1),
            "others": .array(others.enumerated().map { k, o in
                ["logL": .string(s(o.logLikelihood, 7)), "w": .string(s(o.line.w, 4)), "nu": .string(s(o.nu, 3)),
                 "reached": Prose.count(o.reachedBy), "last": .bool(k == others.count - 1)]
            }),
            "rest": rest > 0 ? .string(Narrative.count(rest)) : .bool(false),
            "unconverged": g.unconverged > 0 ? .string(Narrative.count(g.unconverged)) : .bool(false),
            "named": .array(named.enumerated().map { k, o in
                ["first": .bool(k == 0), "last": .bool(k == named.count - 1), "start": .string(startText(m, o.start)),
                 "logL": .string(s(o.logLikelihood, 8)), "steps": Prose.count(o.iterations),
                 "sampled": o.sampleSteps > 0 ? Prose.count(o.sampleSteps) : .bool(false), "full": Prose.count(o.iterations - o.sampleSteps)]
            }),
            // Said once: with ν̂ on the floor, the paragraph on ν explains it.
            "nuBound": !fit.nuFixed && !fit.nuAtLowerBound && g.nuLowerBound > StudentTModel.nuRange.0 ? .string(s(g.nuLowerBound, 3)) : .bool(false),
            "collinear": g.collinearPoints > 2 ? .string(Narrative.count(g.collinearPoints)) : .bool(false),
        ]
        return m.text("searchText", values)
    }

    static func summary(_ m: ModelAnalysis) -> [String] {
        let f = fitted(m)
        let p = { (v: Double) in NumberFormat.plain(v, 6) }
        return ["log-likelihood \(p(f.logLikelihood))  AIC \(p(f.aic))  BIC \(p(f.bic))  s \(p(f.scale))  ν \(p(f.nu))\(f.nuFixed ? " (fixed)" : "")",
                "Newton from \(f.globalSearch.starts) starts: \(f.localMaxima.count == 1 ? "one maximum" : "\(f.localMaxima.count) different local maxima (the highest is reported)"), \(f.converged ? "converged" : "NOT converged")"]
    }

    static func page(_ m: ModelAnalysis, _ page: inout ModelPage) {
        let fit = fitted(m), d = details(m)
        let f = PageContext.f
        let nu: [String: MustacheValue] = ["fixed": .bool(fit.nuFixed), "nu": .string(s(fit.nu, 4))]
        page["aicNote"] = .string(m.text("aicNote", nu))
        page["statisticsAfter"] = [["term": .string(m.text("scaleTerm")), "value": f(fit.scale, 5)],
                                   ["term": .string(m.text("nuTerm")), "value": .string(m.text("nuValue", nu))],
                                   ["term": .string(m.text("methodTerm")),
                                    "value": .string(m.text("methodValue", ["starts": .string(String(fit.globalSearch.starts)), "converged": .bool(fit.converged)]))]]
        page.tex["scale"] = .string(NumberFormat.tex(fit.scale, 5))
        page.tex["nu"] = .string(NumberFormat.tex(fit.nu, 4))
        let down = details(m).downWeighted
        // A ν that was given is an assumption, not a finding about the data.
        page["nuText"] = .string(m.text("nuText", [
            "fixed": .bool(fit.nuFixed), "nu": .string(s(fit.nu, 4)), "infinite": .bool(fit.nu < 2), "heavy": .bool(fit.nu >= 2 && fit.nu < 10),
            "mild": .bool(fit.nu >= 10), "down": Prose.count(down), "rows": .string(Narrative.count(m.n)),
            "floor": fit.nuAtLowerBound ? .string(s(fit.globalSearch.nuLowerBound, 3)) : .bool(false),
            "collinear": .string(Narrative.count(fit.globalSearch.collinearPoints)),
        ]))
        page["searchText"] = .string(searchText(m, fit, n: m.n))
        page["sampleText"] = d.binnedError.map {
            .string(m.text("sampleText", ["rows": .string(Narrative.count(surfaceRows)), "bins": .string(String(Int(StudentTSurface.binsPerUnit))),
                                          "error": .string(s($0, 2))]))
        } ?? .bool(false)
        page.check(m.text("checkSummedLogL"), "Σ log t(yᵢ; ŵxᵢ + b̂, ŝ, ν̂)", "log L",
                   fit.summedLogDensity(x: m.x, y: m.y), fit.logLikelihood)
        let em = emFixedPoint(fit, x: m.x, y: m.y)
        page.check(m.text("checkEMSlope"), m.text("emSlope"), "ŵ",
                   em.w, fit.w.estimate, passes: abs(em.w - fit.w.estimate) <= 1e-6 * fit.w.standardError + 1e-12 * abs(fit.w.estimate))
        page.check(m.text("checkEMScale"), "Σ uᵢ rᵢ² / n", "ŝ²", em.s2, fit.scale * fit.scale,
                   passes: abs(em.s2 - fit.scale * fit.scale) <= 1e-6 * fit.scale * fit.scale)
    }

    static func warnings(_ m: ModelAnalysis) -> [String] {
        let f = fitted(m)
        var out: [String] = []
        if f.localMaxima.count > 1 {
            let shown = f.localMaxima.prefix(3).map { NumberFormat.plain($0.logLikelihood, 8) }
            let more = f.localMaxima.count - shown.count
            out.append(m.text("maximaWarning", [
                "model": .string(m.name), "maxima": .string(String(f.localMaxima.count)), "starts": .string(String(f.globalSearch.starts)),
                "shown": .array(shown.enumerated().map { k, v in ["value": .string(v), "last": .bool(k == shown.count - 1)] }),
                "more": more > 0 ? .string(String(more)) : .bool(false),
            ]))
        }
        if !f.converged { out.append(m.text("newtonWarning", ["model": .string(m.name)])) }
        return out
    }

    static func json(_ m: ModelAnalysis, _ o: inout [String: JSON]) {
        let f = fitted(m), d = details(m)
        o["method"] = .string("Newton-Raphson on (w, b, log s, log nu) with exact derivatives and Levenberg-Marquardt damping (the several-predictor search), arrival by the Newton decrement where -H is positive definite; starts: least squares, least absolute deviations and \(f.globalSearch.elementalStarts) lines through two points drawn with a fixed seed")
        o["scale"] = .number(f.scale)
        o["nu"] = .number(f.nu)
        o["nu_fixed"] = .bool(f.nuFixed)
        o["down_weighted_points"] = .int(d.downWeighted)
        o["local_maxima"] = .array(f.localMaxima.map {
            .object(["start": .string($0.start), "w": .number($0.line.w), "b": .number($0.line.b), "scale": .number($0.scale), "nu": .number($0.nu),
                     "log_likelihood": .number($0.logLikelihood), "starts_reaching": .int($0.reachedBy)])
        })
        let g = f.globalSearch
        o["global_search"] = .object(["starts": .int(g.starts), "elemental_starts": .int(g.elementalStarts), "screening_rows": .int(g.screenRows),
                                      "screening_maxima": .int(g.screeningMaxima), "refined_on_every_row": .int(g.refined),
                                      "unconverged": .int(g.unconverged), "nu_lower_bound": .number(g.nuLowerBound),
                                      "collinear_points": .int(g.collinearPoints)])
        o["confidence_region"] = .object(["kind": .string("likelihood-ratio with s and nu held at their estimates"), "confidence": .number(0.95)])
        if f.globalSearch.screenRows < m.n {
            // The first Newton steps of each start ran on fewer rows; the last on all.
            // rows: the screening rows; then_rows: one per block of sampleStride, above sampleRows.
            var steps: [String: JSON] = ["rows": .int(f.globalSearch.screenRows), "steps": .array(f.searches.map { .int($0.sampleSteps) })]
            if m.n > StudentTModel.sampleRows { steps["then_rows"] = .int(StudentTModel.sampleSize(n: m.n)) }
            o["newton_steps_on_sample"] = .object(steps)
        }
        if let error = d.binnedError {
            o["approximation"] = .object(["applies_to": .array(["figures", "confidence_region"].map(JSON.string)),
                                          "method": .string("every row; for each slope of the grid the residuals are binned (width at most s/\(Int(StudentTSurface.binsPerUnit)) within \(Int(StudentTSurface.reach)) s of the window's intercepts, growing in proportion beyond), each bin keeping its count and first three moments; the loss is taken to third order within each bin"),
                                          "max_log_likelihood_error": .number(error)])
        }
    }
}
