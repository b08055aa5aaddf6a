import Foundation
import Likelihood
import Mustache
import Plot

/// Student-t noise: a robust loss that is not convex, fitted by Newton's method on all its
/// parameters from 42 starts (every distinct maximum listed), with the surface that shows
/// where its basins are.
enum StudentTReport: FamilyReport {
    static let kind = ModelKind.studentT
    static let summaryName = "Student-t (robust)"
    static let jsonFamily = "student_t"
    static let derivation = Derivation(partial: "derivation-student-t", id: "student-t", title: "Student-t noise gives a robust loss")
    static let modelPartial = "model-student-t"
    static let figureKinds = ["fit", "likelihood", "contours"]
    static let isLocationFamily = true
    static let lossName = "Student-t loss"

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
    static func fitted(_ m: ModelAnalysis) -> StudentTFit { m.fit as! StudentTFit }
    static func details(_ m: ModelAnalysis) -> Details { m.details as! Details }

    static func analyse(_ request: ModelRequest, x: [Double], y: [Double], name: String, source: String) throws -> ModelAnalysis {
        if let nu = request.nu, !(nu > 0 && nu.isFinite) {
            throw ReportError("\(name): --nu \(nu): ν must be a positive number")
        }
        let fit = try StudentTModel.fit(x: x, y: y, nu: request.nu)
        if fit.nuAtUpperBound {
            // ν ran off: the data are no heavier-tailed than Gaussian noise. Say so, and report
            // the Gaussian fit, whose numbers mean what they say.
            var m = try LinearReport.analyse(request, x: x, y: y, name: name, source: source)
            m.notes.append("\(name): the Student-t likelihood kept rising as ν grew to \(NumberFormat.plain(StudentTModel.nuRange.1, 4)) (the top of its range): these data have no heavier tails than Gaussian noise, so this section reports the Gaussian (least-squares) fit instead")
            return m
        }
        var m = ModelAnalysis(family: self, name: name, request: request, source: source, x: x, y: y, fit: fit)
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
        m.details = Details(binnedError: binnedError, window: window, beyondInflection: beyond, downWeighted: down, grid: grid,
                            constant: constant - top)
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

    static func fitFigure(_ m: ModelAnalysis) -> ReportFigure {
        let fit = fitted(m)
        var (f, _, _, xs) = FigureFactory.dataFigure(m, title: "Student-t line: outliers weigh less")
        let line = xs.map { fit.w.estimate * $0 + fit.b.estimate }
        // The central 95 % of s·t_ν.
        let half = fit.scale * Distributions.studentTQuantile(0.975, degreesOfFreedom: fit.nu)
        f.marks.append(.band(x: xs, lower: line.map { $0 - half }, upper: line.map { $0 + half },
                             color: Palette.vermillion.withAlpha(0.13), label: "95 % of the t noise"))
        let dense = m.n > FigureFactory.densityThreshold
        let shown = dense ? FigureFactory.sample(x: m.x, y: m.y, count: FigureFactory.residualSample) : zip(m.x, m.y).map { Point($0, $1) }
        f.marks.append(.line(points: zip(xs, line).map { Point($0, $1) }, color: Palette.vermillion, width: 2, dash: [],
                             label: "ŷ = \(FigureFactory.linearForm(fit.w.estimate, fit.b.estimate, markup: true))"))
        if dense { FigureFactory.addDensity(to: &f, x: m.x, y: m.y) }
        let heavy = shown.filter { fit.weight(x: $0.x, y: $0.y) >= 0.5 }
        let light = shown.filter { fit.weight(x: $0.x, y: $0.y) < 0.5 }
        let sampleNote = dense ? " (\(shown.count) random points)" : ""
        f.marks.append(.scatter(points: heavy, color: Palette.blue, size: dense ? 4 : 6, shape: .circle, edge: .edge,
                                label: "weight ≥ ½\(sampleNote)"))
        if !light.isEmpty {
            f.marks.append(.scatter(points: light, color: Palette.vermillion, size: dense ? 5 : 7, shape: .diamond, edge: .edge,
                                    label: "weight &lt; ½: treated as outliers"))
        }
        let down = details(m).downWeighted
        f.accessibleTitle = "\(m.name): data and the Student-t line"
        let alt = "\(dense ? "Density of" : "Scatter plot of") \(m.n) points of \(m.request.y) against \(m.request.x) with the Student-t maximum-likelihood line "
            + "y = \(FigureFactory.linearForm(fit.w.estimate, fit.b.estimate, digits: 4, markup: false)) (ν = \(s(fit.nu)), s = \(s(fit.scale))). "
            + "\(Narrative.of(down, m.n, "points", capital: true)) \(Narrative.verb(down, "gets", "get")) a weight below one half\(down == 0 ? "" : " and \(Narrative.verb(down, "is", "are")) marked as \(Narrative.verb(down, "an outlier", "outliers"))")."
        return ReportFigure(name: "\(m.name)-fit", figure: f,
                            caption: "The data with the Student-t line. Each point's weight in the fit is (ν + 1)/(ν + r²/s²): about 1 near the line, small far from it. "
                                + "\(Narrative.of(down, m.n, "points", capital: true)) \(Narrative.verb(down, "weighs", "weigh")) less than one half (diamonds\(dense ? ", among the \(shown.count) drawn" : "")); least squares would give them the full weight of any other point. The band holds the central 95 % of s·t_ν noise, ±\(s(half)).",
                            altText: alt)
    }

    static func likelihoodFigure(_ m: ModelAnalysis) -> ReportFigure {
        let fit = fitted(m), d = details(m)
        let grid = d.grid
        let floor = max(grid.minimum, -8 * m.regionDepth)
        var f = Figure()
        f.xLabel = "slope <i>w</i>"
        f.yLabel = "intercept <i>b</i>"
        f.showsGrid = false
        f.title = "Student-t log-likelihood (s and ν at their estimates)"
        f.xLimits = d.window.w
        f.yLimits = d.window.b
        f.marks.append(.heatmap(Heatmap(x: grid.w, y: grid.b, values: grid.values, range: (floor, 0), smooth: true)))
        f.marks.append(.line(points: m.region.map { Point($0.w, $0.b) }, color: .white, width: 2.2, dash: [],
                             label: "95 % region (s, ν held)"))
        for (k, other) in fit.localMaxima.dropFirst().filter({ inside($0.line, d.window) }).enumerated() {
            f.marks.append(.point(Point(other.line.w, other.line.b), shape: .diamond, color: .white, size: 11,
                                  label: k == 0 ? "another local maximum (its own s, ν)" : nil))
        }
        let ls = fit.searches.first!.path.first!
        f.marks.append(.point(Point(ls.w, ls.b), shape: .square, color: Palette.blue, size: 10, label: "least-squares line"))
        f.marks.append(.point(Point(m.w, m.b), shape: .star, color: Palette.vermillion, size: 13, label: "MLE (ŵ, b̂) = (\(s(m.w)), \(s(m.b)))"))
        f.colorbar = Colorbar(range: (floor, 0), label: "log <i>L</i>(<i>w</i>, <i>b</i>) − log <i>L̂</i>", marks: [(-m.regionDepth, .white)])
        f.accessibleTitle = "\(m.name): Student-t log-likelihood over slope and intercept"
        let maxima = fit.localMaxima.count
        let drawn = fit.localMaxima.dropFirst().filter { inside($0.line, d.window) }.count
        let alt = "Heatmap of the Student-t log-likelihood with s = \(s(fit.scale)) and ν = \(s(fit.nu)) held at their estimates, over w from \(Narrative.range(d.window.w.0, d.window.w.1).0) to \(Narrative.range(d.window.w.0, d.window.w.1).1) and b from \(Narrative.range(d.window.b.0, d.window.b.1).0) to \(Narrative.range(d.window.b.0, d.window.b.1).1). "
            + "The maximum is at w = \(s(m.w, 4)), b = \(s(m.b, 4)) (star)"
            + "; the least-squares line is marked by a square. "
            + (maxima > 1 ? "The searches found \(maxima) separate local maxima; \(Narrative.count(drawn)) of the others lie in this window (diamonds)." : "All the searches reached the same maximum.")
        let caption = "The Student-t log-likelihood of every line, with s and ν held at their estimates, relative to its maximum"
            + (d.binnedError.map { ", computed from all \(Narrative.count(m.n)) rows with each slope's residuals binned, which keeps it within \(s($0, 2)) of the exact log-likelihood everywhere on the grid (the region lies \(s(m.regionDepth, 3)) below the peak)" } ?? "")
            + ". The white curve is the 95 % likelihood-ratio region with s and ν fixed (a little narrower than with them free). "
            + "The window reaches the least-squares line (square), to show how far the outliers pull it. "
            + (maxima > 1 ? "The likelihood has \(maxima) separate peaks among the ends of the \(fit.globalSearch.starts) searches, and the report shows the highest"
                              + (drawn > 0 ? "; \(Narrative.count(drawn)) of the others lie in this window (diamonds). This slice holds s and ν at the highest one's values, so the others, which have their own, need not be peaks on it." : "; none of the others lies in this window.")
                          : "All \(fit.globalSearch.starts) searches, from the least-squares, the least-absolute-deviations and \(fit.globalSearch.elementalStarts) lines through two points, climbed to the same peak.")
        return ReportFigure(name: "\(m.name)-likelihood", figure: f, caption: caption, altText: alt)
    }

    static func contoursFigure(_ m: ModelAnalysis) -> ReportFigure {
        let fit = fitted(m), d = details(m)
        // The mean loss from the log-likelihood grid: (constant − log L)/rows.
        var grid = d.grid
        let rows = Double(m.n)
        grid.values = grid.values.map { (d.constant - $0) / rows }
        let minimum = StudentTModel.meanLoss(fit.line, scale: fit.scale, nu: fit.nu, x: m.x, y: m.y)
        var f = Figure()
        f.xLabel = "slope <i>w</i>"
        f.yLabel = "intercept <i>b</i>"
        f.xLimits = d.window.w
        f.yLimits = d.window.b
        f.title = "Student-t loss contours and the searches"
        f.marks.append(.contours(FigureFactory.lossContours(grid, minimum: minimum)))
        let colors = [Palette.blue, Palette.green]
        for (k, search) in fit.searches.enumerated() {
            f.marks.append(.path(points: search.path.map { Point($0.w, $0.b) }, color: colors[k % 2],
                                 label: "Newton from the \(search.start) line (\(search.iterations) steps)"))
        }
        let minima = localMinima(grid)
        let reached = { (o: StudentTModel.Optimum) in abs(o.logLikelihood - fit.logLikelihood) <= 1e-9 * max(1, abs(fit.logLikelihood)) }
        if !fit.searches.contains(where: reached) {
            // The search that found the maximum, when neither named one did.
            f.marks.append(.path(points: fit.path.map { Point($0.w, $0.b) }, color: Palette.vermillion,
                                 label: "Newton from the line through \(fit.bestStart) (\(fit.iterations) steps)"))
        }
        f.marks.append(.point(Point(m.w, m.b), shape: .star, color: .ink, size: 13, label: "MLE"))
        let sameEnd = fit.searches.count == 2 && abs(fit.searches[0].logLikelihood - fit.searches[1].logLikelihood) <= 1e-9 * max(1, abs(fit.logLikelihood))
        let elsewhere = fit.searches.contains(where: reached)
            ? "" : "Neither of them reaches the reported maximum (star); the search from the line through \(fit.bestStart), drawn too, found it. "
        f.accessibleTitle = "\(m.name): Student-t loss contours with the searches"
        let alt = "Contour lines of the mean Student-t loss over w and b with s and ν at their estimates; the searches from the least-squares and least-absolute-deviations lines climb to "
            + (sameEnd ? "the same optimum" : "different optima") + "; the maximum is at w = \(s(m.w, 4)), b = \(s(m.b, 4)). The grid shows \(minima) local minim\(minima == 1 ? "um" : "a") in this window."
        return ReportFigure(name: "\(m.name)-contours", figure: f,
                            caption: "The mean loss (ν+1)/2 · log(1 + r²/(ν s²)) over (w, b), with s and ν at their estimates (levels halve their height above the minimum from ring to ring), and the paths of the searches from the least-squares and least-absolute-deviations lines (each step also moves s and ν, which this plane does not show). " + elsewhere
                                + (d.binnedError.map { "The loss comes from all \(Narrative.count(m.n)) rows with each slope's residuals binned, within \(s($0 / Double(m.n), 2)) of the exact mean loss everywhere on the grid. " } ?? "")
                                + "Far from the line a residual's loss grows only like its logarithm and bends down: \(Narrative.count(d.beyondInflection)) of the points lie beyond |r| = s√ν = \(s(fit.scale * fit.nu.squareRoot())), where their loss is concave, so the total need not be convex. "
                                + (minima > 1 ? "On this grid it has \(minima) local minima." : "On this grid it has a single minimum."),
                            altText: alt)
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
    static func searchText(_ fit: StudentTFit, n: Int) -> String {
        let g = fit.globalSearch
        let screened = g.screenRows < n
        var text = "Newton's method ran from \(g.starts) starts: the least-squares line, the least-absolute-deviations line and \(Narrative.count(g.elementalStarts)) lines through two data points drawn with a fixed seed"
        text += screened ? ", each first on \(Narrative.count(g.screenRows)) rows (one from each block of \(StudentTModel.sampleStride(n: n, sampleRows: StudentTModel.screenRows)) rows, at a seeded place). " : ". "
        if screened {
            text += g.screeningMaxima == 1 ? "On those rows every search ended at one maximum, which was then finished on every row"
                : "On those rows they ended at \(Narrative.count(g.screeningMaxima)) distinct maxima; the \(Narrative.count(g.refined)) not clearly below the best (by four standard errors of the mean difference per row) were finished on every row"
            text += ", with the searches from the two named lines. "
        }
        let top = fit.localMaxima[0]
        let best = "log L = \(s(top.logLikelihood, 8)) at w = \(s(top.line.w, 5)), b = \(s(top.line.b, 5)), s = \(s(top.scale, 4)), ν = \(s(top.nu, 4))"
        if fit.localMaxima.count == 1 {
            text += "Every converged search ended at the same maximum, \(best). Starts of every kind reaching one peak is strong evidence, not proof, that it is the global maximum. "
        } else {
            let ends = screened ? "the searches finished on every row" : "the searches"
            text += "\(ends.prefix(1).uppercased())\(ends.dropFirst()) ended at \(Narrative.count(fit.localMaxima.count)) distinct local maxima. The highest, \(best), was reached from \(Narrative.count(top.reachedBy)) of the starts; "
            let others = fit.localMaxima.dropFirst().prefix(4).map { "log L = \(s($0.logLikelihood, 7)) at w = \(s($0.line.w, 4)), ν = \(s($0.nu, 3)) (\(Narrative.count($0.reachedBy)) start\($0.reachedBy == 1 ? "" : "s"))" }
            let rest = fit.localMaxima.count - 1 - others.count
            text += "the next \(others.count == 1 ? "is" : "are") \(others.joined(separator: "; "))\(rest > 0 ? ", and \(Narrative.count(rest)) lower" : ""). The report shows the highest; no finite set of starts can prove that it is the highest of all. "
        }
        if g.unconverged > 0 { text += "\(Narrative.count(g.unconverged)) of the searches stopped without converging and are left out. " }
        let named = fit.searches.map {
            "from the \($0.start) line Newton reached log L = \(s($0.logLikelihood, 8)) in \(Narrative.count($0.iterations)) step\($0.iterations == 1 ? "" : "s")"
                + ($0.sampleSteps > 0 ? " (the first \(Narrative.steps($0.sampleSteps)) on fewer rows, the last \(Narrative.steps($0.iterations - $0.sampleSteps)) on every row)" : "")
        }.joined(separator: "; ")
        text += "\(named.prefix(1).uppercased())\(named.dropFirst())."
        if !fit.nuFixed && g.nuLowerBound > StudentTModel.nuRange.0 {
            text += " ν is searched from \(s(g.nuLowerBound, 3)) = 3/(n − 2) up: below 2/(n − 2) a line through two points with s → 0 would make the likelihood unbounded."
        }
        return text
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
        page["aicNote"] = .string(fit.nuFixed ? "AIC = 2k − 2 log L with k = 3 parameters (w, b and s; ν = \(s(fit.nu, 4)) was given)"
                                      : "AIC = 2k − 2 log L with k = 4 parameters (w, b, s and ν)")
        page["statisticsAfter"] = [["term": "scale $\\hat s$", "value": f(fit.scale, 5)],
                                   ["term": "degrees of freedom $\\hat\\nu$", "value": .string("\(NumberFormat.significant(fit.nu, 4))\(fit.nuFixed ? " (given)" : "")")],
                                   ["term": "method", "value": .string("Newton from \(fit.globalSearch.starts) starts, \(fit.converged ? "converged" : "<strong>not converged</strong>")")]]
        page.tex["scale"] = .string(NumberFormat.tex(fit.scale, 5))
        page.tex["nu"] = .string(NumberFormat.tex(fit.nu, 4))
        let down = details(m).downWeighted
        // A ν that was given is an assumption, not a finding about the data.
        var text = fit.nuFixed ? "ν was held at \(s(fit.nu, 4)) (given, not estimated): the fit assumes "
                               : "The fit estimated ν = \(s(fit.nu, 4)): "
        text += fit.nu < 2 ? "tails so heavy that the noise has no finite variance. "
              : fit.nu < 10 ? "clearly heavier tails than Gaussian noise. "
              : "tails only a little heavier than Gaussian noise (as ν grows, t noise becomes Gaussian). "
        text += "\(Narrative.of(down, m.n, "points", capital: true)) \(Narrative.verb(down, "weighs", "weigh")) less than one half in the fit."
        page["nuText"] = .string(text)
        page["searchText"] = .string(searchText(fit, n: m.n))
        page["sampleText"] = d.binnedError.map { .string("With more than \(Narrative.count(surfaceRows)) rows the surfaces are computed from every row with each slope's residuals binned (bins at most s/\(Int(StudentTSurface.binsPerUnit)) wide near the window, wider in the tails, each keeping its first three moments), one pass over the rows per column of the grid instead of one per grid point: the log-likelihood drawn is within \(s($0, 2)) of the exact one everywhere. The estimates use every row exactly.") } ?? .bool(false)
        page.check("log L(ŵ, b̂, ŝ, ν̂) summed point by point, and as the search computed it", "Σ log t(yᵢ; ŵxᵢ + b̂, ŝ, ν̂)", "log L",
                   fit.summedLogDensity(x: m.x, y: m.y), fit.logLikelihood)
        let em = emFixedPoint(fit, x: m.x, y: m.y)
        page.check("the MLE is a fixed point of EM: weighted least squares with weights (ν+1)/(ν + rᵢ²/s²) gives back ŵ", "weighted least-squares slope", "ŵ",
                   em.w, fit.w.estimate, passes: abs(em.w - fit.w.estimate) <= 1e-6 * fit.w.standardError + 1e-12 * abs(fit.w.estimate))
        page.check("… and ŝ² = Σ uᵢ rᵢ² / n", "Σ uᵢ rᵢ² / n", "ŝ²", em.s2, fit.scale * fit.scale,
                   passes: abs(em.s2 - fit.scale * fit.scale) <= 1e-6 * fit.scale * fit.scale)
    }

    static func warnings(_ m: ModelAnalysis) -> [String] {
        let f = fitted(m)
        var out: [String] = []
        if f.localMaxima.count > 1 {
            let shown = f.localMaxima.prefix(3).map { NumberFormat.plain($0.logLikelihood, 8) }
            let more = f.localMaxima.count - shown.count
            out.append("\(m.name): the Student-t likelihood has \(f.localMaxima.count) local maxima among the ends of \(f.globalSearch.starts) searches (log L \(shown.joined(separator: ", "))\(more > 0 ? " and \(more) lower" : "")); the page reports the highest")
        }
        if !f.converged { out.append("\(m.name): Newton's method did not converge; the estimates may be inaccurate.") }
        return out
    }

    static func json(_ m: ModelAnalysis, _ o: inout [String: JSON]) {
        let f = fitted(m), d = details(m)
        o["method"] = .string("Newton-Raphson on (w, b, log s, log nu) with exact derivatives, Levenberg-Marquardt steps (EM if they fail) where the Hessian is not negative definite, a stop counted as a maximum only where -H is positive definite; starts: least squares, least absolute deviations and \(f.globalSearch.elementalStarts) lines through two points drawn with a fixed seed")
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
                                      "unconverged": .int(g.unconverged), "nu_lower_bound": .number(g.nuLowerBound)])
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
