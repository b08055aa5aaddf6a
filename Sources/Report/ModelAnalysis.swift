import Dispatch
import Foundation
import Likelihood
import Mustache

/// A one-predictor model's fit and its family's own results (inference, approximations,
/// diagnostics), typed: one case per family, which its `FamilyReport` reads back by pattern
/// (no casts), as the several-predictor layer's `SeveralAnalysis.Fit` does. The details are
/// nil until the family's analysis has made them.
enum FamilyResult {
    case linear(LinearFit, LinearReport.Details?)
    case logistic(LogisticFit, LogisticReport.Details?)
    case poisson(PoissonFit)
    case laplace(LaplaceFit, LaplaceReport.Details?)
    case studentT(StudentTFit, StudentTReport.Details?)

    /// What every family's fit gives: the line, log L, AIC, BIC.
    var fit: any LineFit {
        switch self {
        case let .linear(f, _): return f
        case let .logistic(f, _): return f
        case let .poisson(f): return f
        case let .laplace(f, _): return f
        case let .studentT(f, _): return f
        }
    }
}

/// Fits of one (x, y) the run already made, by family: the comparison of noise models takes
/// them instead of fitting again.
struct KnownFits {
    var linear: LinearFit?
    var laplace: LaplaceFit?
    var studentT: StudentTFit?

    /// Keeps a model's fit (a Student-t fit also brings the Laplace fit it started from).
    mutating func add(_ result: FamilyResult) {
        switch result {
        case let .linear(f, _): linear = f
        case let .laplace(f, _): laplace = f
        case let .studentT(f, _):
            studentT = f
            if laplace == nil { laplace = f.leastAbsoluteDeviations }
        case .logistic, .poisson: break
        }
    }
}

/// The fitted model with everything the figures, the page and `report.json` show. What is
/// common to every family lives here; what is particular to one lives in its `result`,
/// read only by its own `FamilyReport`.
public struct ModelAnalysis {
    /// Unique name in the report ("linear", "logistic", "linear-2", …).
    public var name: String
    var family: any FamilyReport.Type
    public var request: ModelRequest
    /// Where the data came from, as shown to the reader.
    public var source: String
    public var x: [Double]
    public var y: [Double]
    /// The fit and the family's own results.
    var result: FamilyResult
    /// The fit as every family gives it.
    public var fit: any LineFit { result.fit }

    /// The family's own part of the result, picked out by `extract`'s pattern (a model of
    /// another family, or details read before they are made, is a programming error).
    func part<T>(_ what: String, _ extract: (FamilyResult) -> T?) -> T {
        guard let value = extract(result) else { preconditionFailure("\(name): the result holds no \(what)") }
        return value
    }
    /// Gradient descent on the original (w, b) and on standardised x (linear and logistic).
    public var descent: Descent? = nil
    /// Newton's iterates, where a figure shows them.
    public var newton: [Parameters] = []
    /// The joint 95 % confidence region's boundary, and how far below the maximum of the
    /// surface shown (`surfaceLogLikelihood`) it lies.
    public var region: [Parameters] = []
    public var regionDepth: Double = 0
    /// The maximum of the log-likelihood surface the figures show (the exact one unless the
    /// surface is approximated).
    public var surfaceMaximum: Double? = nil
    /// Rows left out by `--drop-missing`.
    public var droppedRows = 0
    /// What the fit itself found worth a warning (e.g. a Student-t fit that fell back to
    /// Gaussian noise): pieces of a text template, said once the run's words are known.
    var notes: [(file: String, piece: String, values: [String: MustacheValue])] = []
    /// The words of the page (the text templates); the defaults until the run sets its own.
    var prose: Prose? = nil
    /// Which built-in generator made the data (nil for a file).
    var builtin: (kind: String, seed: UInt64, outliers: Int)? = nil

    /// Where the data came from, in the page's words (the `builtinSource` piece for built-in data).
    var sourceText: String {
        guard let b = builtin else { return source }
        return common("builtinSource", Prose.builtin(b))
    }

    init(family: any FamilyReport.Type, name: String, request: ModelRequest, source: String, x: [Double], y: [Double], result: FamilyResult) {
        self.family = family; self.name = name; self.request = request; self.source = source
        self.x = x; self.y = y; self.result = result
    }

    /// A piece of the family's text template (`text-<family>.mustache`).
    func text(_ piece: String, _ values: [String: MustacheValue] = [:]) -> String {
        (prose ?? Prose.shared)?.text(family.kind.rawValue, piece, values) ?? ""
    }

    /// A piece of `text-common.mustache`.
    func common(_ piece: String, _ values: [String: MustacheValue] = [:]) -> String {
        (prose ?? Prose.shared)?.text("common", piece, values) ?? ""
    }

    /// A figure label (Pango markup) from the family's template (`common`: from text-common):
    /// values are escaped for markup, the template's own tags stay tags.
    func label(_ piece: String, _ values: [String: MustacheValue] = [:], common: Bool = false) -> String {
        (prose ?? Prose.shared)?.text(common ? "common" : family.kind.rawValue, piece, values, markup: true) ?? ""
    }

    public var kind: ModelKind { family.kind }
    public var n: Int { x.count }
    public var w: Double { fit.w.estimate }
    public var b: Double { fit.b.estimate }
    public var logLikelihood: Double { fit.logLikelihood }
    public var aic: Double { fit.aic }
    public var bic: Double { fit.bic }
    public var iterations: Int { fit.iterations }
    public var converged: Bool { fit.converged }
    public var coefficients: (w: Coefficient, b: Coefficient) { (fit.w, fit.b) }

    /// Fits the requested model to the data set, turning fit errors into located messages.
    static func analyse(_ request: ModelRequest, dataset: Dataset, name: String, dropMissing: Bool = false) throws -> ModelAnalysis {
        let (x, y, keptRows) = try dataset.pairedNumbers(request.x, request.y, dropMissing: dropMissing)
        /// The file row of value k (rows left out by --drop-missing shift the rest).
        func fileRow(_ k: Int) -> Int { keptRows.isEmpty ? k : keptRows[k] }
        // Values this large overflow the sums of squares; refuse them with a message instead
        // of reporting infinities.
        let limit = 1e150
        if let bad = (x.firstIndex { abs($0) > limit }) {
            throw ReportError("\(dataset.location(row: fileRow(bad), column: request.x).map(String.init(describing:)) ?? dataset.source): column \(Message.quoted(request.x)): |value| above 1e150 cannot be fitted without overflow; rescale the column")
        }
        if let bad = (y.firstIndex { abs($0) > limit }) {
            throw ReportError("\(dataset.location(row: fileRow(bad), column: request.y).map(String.init(describing:)) ?? dataset.source): column \(Message.quoted(request.y)): |value| above 1e150 cannot be fitted without overflow; rescale the column")
        }
        // Spreads this small underflow the sums of squares to zero, which would read as "x is
        // constant" or "the points lie on a line": refuse them as what they are, a range problem.
        for (values, column) in [(x, request.x), (y, request.y)] where !values.isEmpty {
            let mean = values.reduce(0, +) / Double(values.count)
            let spread = values.reduce(0) { max($0, abs($1 - mean)) }
            if spread > 0 && spread < 1e-150 {
                throw ReportError("\(dataset.source): column \(Message.quoted(column)): its values differ by at most \(NumberFormat.plain(spread, 3)), too little to square without underflow; rescale the column (for example multiply it by 1e150)")
            }
        }
        let family = Families.family(request.kind)
        do {
            var analysis = try family.analyse(request, x: x, y: y, name: name, source: dataset.source)
            analysis.droppedRows = keptRows.isEmpty ? 0 : dataset.rowCount - keptRows.count
            analysis.builtin = dataset.builtin
            return analysis
        } catch let error as FitError {
            switch error {
            case let .labelNotBinary(row, _), let .notACount(row, _):
                if let at = dataset.location(row: fileRow(row), column: request.y) {
                    throw ReportError("\(at): column \(Message.quoted(request.y)): \(error)")
                }
            default: break
            }
            throw ReportError("\(dataset.source): \(request.kind.rawValue) model of \(Message.quoted(request.y)) on \(Message.quoted(request.x)): \(error)")
        } catch let error as GLMError {
            // A one-predictor fit on the shared fitter (Poisson) that `validate` let through.
            throw ReportError("\(dataset.source): \(request.kind.rawValue) model of \(Message.quoted(request.y)) on \(Message.quoted(request.x)): \(error)")
        }
    }

    // MARK: Windows and grids shared by the families' surfaces

    /// A window around `points`: their bounding box padded by `padding` of its size on each
    /// side (a box of zero size gets a unit of padding).
    static func window(around points: [Parameters], padding: Double) -> (w: (Double, Double), b: (Double, Double)) {
        let ws = points.map(\.w).filter(\.isFinite), bs = points.map(\.b).filter(\.isFinite)
        func padded(_ v: [Double]) -> (Double, Double) {
            let lo = v.min() ?? 0, hi = v.max() ?? 1
            let span = hi > lo ? hi - lo : max(abs(lo), 1)
            return (lo - padding * span, hi + padding * span)
        }
        return (padded(ws), padded(bs))
    }

    /// The likelihood window: the region's bounding box with 40 % of its size on each side, so
    /// the region fills about the middle third and is never cut.
    func likelihoodRanges() -> (w: (Double, Double), b: (Double, Double)) {
        ModelAnalysis.window(around: region, padding: 0.4)
    }

    /// The loss window in the original (w, b): every optimiser path and the region, padded 8 %.
    func contourRanges() -> (w: (Double, Double), b: (Double, Double)) {
        let paths = descent.map { $0.raw.points + $0.standardised.originalPoints } ?? []
        return ModelAnalysis.window(around: paths + newton + region, padding: 0.08)
    }

    /// The loss window in standardised (v, c): the standardised path and the region, padded
    /// 8 %, then widened so that one unit is as long on both axes of a plot `aspect` times as
    /// high as it is wide (round contours must look round).
    func standardisedRanges(aspect: Double) -> (w: (Double, Double), b: (Double, Double)) {
        let d = descent!
        let z = d.standardisation
        var r = ModelAnalysis.window(around: d.standardised.points + region.map(z.standardised), padding: 0.08)
        let sw = r.w.1 - r.w.0, sb = r.b.1 - r.b.0
        if sb / sw > aspect {
            let c = (r.w.0 + r.w.1) / 2
            r.w = (c - sb / aspect / 2, c + sb / aspect / 2)
        } else {
            let c = (r.b.0 + r.b.1) / 2
            r.b = (c - sw * aspect / 2, c + sw * aspect / 2)
        }
        return r
    }

    /// A surface over a window at `resolution` points per axis.
    static func grid(_ r: (w: (Double, Double), b: (Double, Double)), resolution: Int, _ f: (Double, Double) -> Double) -> SurfaceGrid {
        SurfaceGrid(w: SurfaceGrid.axis(r.w.0, r.w.1, count: resolution), b: SurfaceGrid.axis(r.b.0, r.b.1, count: resolution), f)
    }

    /// `grid` for a function evaluated a row at a time: `row(ws, b)` gives the values at
    /// (ws[i], b) for every i.
    static func grid(_ r: (w: (Double, Double), b: (Double, Double)), resolution: Int, rows row: ([Double], Double) -> [Double]) -> SurfaceGrid {
        let ws = SurfaceGrid.axis(r.w.0, r.w.1, count: resolution), bs = SurfaceGrid.axis(r.b.0, r.b.1, count: resolution)
        return SurfaceGrid(w: ws, b: bs) { j in row(ws, bs[j]) }
    }
}

extension ModelAnalysis {
    /// A loss on the original (w, b) window, or with `standardised` on the (v, c) window
    /// (`aspect`: the plot's height over its width), sampled 10 % beyond it on each side so
    /// that a slightly wider final axis is still covered.
    func lossGrid(standardised: Bool, aspect: Double = 0.75, resolution: Int, loss: (Parameters) -> Double) -> SurfaceGrid {
        lossGrid(standardised: standardised, aspect: aspect, resolution: resolution, batch: { $0.map(loss) })
    }

    /// `lossGrid` for a loss evaluated a row of points at a time (`batch`).
    func lossGrid(standardised: Bool, aspect: Double = 0.75, resolution: Int, batch: ([Parameters]) -> [Double]) -> SurfaceGrid {
        var r = standardised ? standardisedRanges(aspect: aspect) : contourRanges()
        if standardised {
            let pw = 0.1 * (r.w.1 - r.w.0), pb = 0.1 * (r.b.1 - r.b.0)
            r = ((r.w.0 - pw, r.w.1 + pw), (r.b.0 - pb, r.b.1 + pb))
        }
        let z = descent?.standardisation
        return ModelAnalysis.grid(r, resolution: resolution) { ws, b in
            batch(ws.map { w in
                let p = Parameters(w: w, b: b)
                return standardised ? z!.original(p) : p
            })
        }
    }
}
