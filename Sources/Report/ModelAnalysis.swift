import Dispatch
import Foundation
import Likelihood

/// The fitted model with everything the figures, the page and `report.json` show.
public struct ModelAnalysis {
    public enum Fit {
        case linear(LinearFit)
        case logistic(LogisticFit)
    }

    /// Unique name in the report ("linear", "logistic", "linear-2", …).
    public var name: String
    public var kind: ModelKind
    public var request: ModelRequest
    /// Where the data came from, as shown to the reader.
    public var source: String
    public var x: [Double]
    public var y: [Double]
    public var fit: Fit
    /// Gradient descent on the original (w, b) and on standardised x, with what they show.
    public var descent: Descent
    /// Newton's iterates (logistic only).
    public var newton: [Parameters]
    /// The joint confidence region and likelihood-based intervals.
    public var inference: Inference
    /// The logistic data the surfaces, paths and intervals are evaluated on: grouped by
    /// distinct x when that is exact and cheaper, binned at large n (nil for the linear model).
    public var logisticData: LogisticData? = nil
    /// The maximum of the log-likelihood on `logisticData` (the exact one unless binned).
    public var surfaceMaximum: Double? = nil
    /// Rows left out by `--drop-missing`.
    public var droppedRows = 0

    public enum Inference {
        case linear(LinearConfidenceRegion)
        case logistic(LogisticInference)
    }

    public var n: Int { x.count }
    public var w: Double {
        switch fit { case let .linear(f): return f.w.estimate; case let .logistic(f): return f.w.estimate }
    }
    public var b: Double {
        switch fit { case let .linear(f): return f.b.estimate; case let .logistic(f): return f.b.estimate }
    }
    public var logLikelihood: Double {
        switch fit { case let .linear(f): return f.logLikelihood; case let .logistic(f): return f.logLikelihood }
    }
    public var aic: Double {
        switch fit { case let .linear(f): return f.aic; case let .logistic(f): return f.aic }
    }
    public var bic: Double {
        switch fit { case let .linear(f): return f.bic; case let .logistic(f): return f.bic }
    }
    /// Newton's iterations and convergence; the closed-form linear fit takes none and always converges.
    public var iterations: Int {
        if case let .logistic(f) = fit { return f.iterations }
        return 0
    }
    public var converged: Bool {
        if case let .logistic(f) = fit { return f.converged }
        return true
    }
    public var coefficients: (w: Coefficient, b: Coefficient) {
        switch fit { case let .linear(f): return (f.w, f.b); case let .logistic(f): return (f.w, f.b) }
    }

    /// Fits the requested model to the data set, turning fit errors into located messages.
    static func analyse(_ request: ModelRequest, dataset: Dataset, name: String, dropMissing: Bool = false) throws -> ModelAnalysis {
        let (x, y, keptRows) = try dataset.pairedNumbers(request.x, request.y, dropMissing: dropMissing)
        /// The file row of value k (rows left out by --drop-missing shift the rest).
        func fileRow(_ k: Int) -> Int { keptRows.isEmpty ? k : keptRows[k] }
        func located(_ error: FitError) -> ReportError {
            if case let .labelNotBinary(row, _) = error, let at = dataset.location(row: fileRow(row), column: request.y) {
                return ReportError("\(at): column \(Message.quoted(request.y)): \(error)")
            }
            return ReportError("\(dataset.source): \(request.kind.rawValue) model of \(Message.quoted(request.y)) on \(Message.quoted(request.x)): \(error)")
        }
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
        var analysis = try fitted(request, x: x, y: y, dataset: dataset, name: name, located: located)
        analysis.droppedRows = keptRows.isEmpty ? 0 : dataset.rowCount - keptRows.count
        return analysis
    }

    private static func fitted(_ request: ModelRequest, x: [Double], y: [Double], dataset: Dataset, name: String,
                               located: (FitError) -> ReportError) throws -> ModelAnalysis {
        do {
            switch request.kind {
            case .linear:
                let fit = try LinearGaussianModel.fit(x: x, y: y)
                let descent = Descent(raw: GradientDescent.linear(fit.statistics, standardised: false),
                                      standardised: GradientDescent.linear(fit.statistics, standardised: true),
                                      hessian: GradientDescent.linearHessian(fit.statistics),
                                      standardisation: Standardisation(fit.statistics),
                                      mle: Parameters(w: fit.w.estimate, b: fit.b.estimate),
                                      standardErrors: (fit.w.standardError, fit.b.standardError))
                return ModelAnalysis(name: name, kind: .linear, request: request, source: dataset.source, x: x, y: y,
                                     fit: .linear(fit), descent: descent, newton: [],
                                     inference: .linear(LinearConfidenceRegion(fit)))
            case .logistic:
                try LogisticBernoulliModel.validate(x: x, y: y)
                let data = LogisticData(x: x, y: y)
                let fit = LogisticBernoulliModel.fit(data)
                let z = Standardisation(SufficientStatistics(x: x, y: y))
                // The Hessian of the mean cross-entropy at the MLE: the observed information / n.
                let information = fit.covarianceMatrix.inverse
                let hessian = SymmetricMatrix2(a: information.a / Double(fit.n), c: information.c / Double(fit.n),
                                               d: information.d / Double(fit.n))
                // Large data with continuous x: the paths, intervals and surfaces use bins (the
                // fit above used every row). Their reference point is the binned loss's own
                // minimum, so "arrived" still means what it says.
                let surface = data.counts == nil && x.count > LogisticData.binningThreshold ? LogisticData.binned(x: x, y: y) : data
                let surfaceFit = surface.isApproximate ? LogisticBernoulliModel.fit(surface) : fit
                // The plain descent, the standardised one and the likelihood-ratio inference are
                // independent: run them at once (each writes only its own result).
                var raw: OptimizerPath? = nil, standardised: OptimizerPath? = nil, traced: LogisticInference? = nil
                DispatchQueue.concurrentPerform(iterations: 3) { k in
                    switch k {
                    case 0: raw = GradientDescent.logistic(surface, standardised: false)
                    case 1: standardised = GradientDescent.logistic(surface, standardised: true)
                    default: traced = LogisticInference(surfaceFit, data: surface)
                    }
                }
                var descent = Descent(raw: raw!, standardised: standardised!,
                                      hessian: hessian, standardisation: z,
                                      mle: Parameters(w: surfaceFit.w.estimate, b: surfaceFit.b.estimate),
                                      standardErrors: (fit.w.standardError, fit.b.standardError))
                if surface.isApproximate { descent.exactMLE = Parameters(w: fit.w.estimate, b: fit.b.estimate) }
                var inference = traced!
                // The test of w = 0 is always exact: both log-likelihoods come from every row.
                inference.likelihoodRatioStatistic = max(0, 2 * (fit.logLikelihood - fit.nullLogLikelihood))
                inference.likelihoodRatioPValue = Distributions.chiSquared1Survival(inference.likelihoodRatioStatistic)
                var analysis = ModelAnalysis(name: name, kind: .logistic, request: request, source: dataset.source, x: x, y: y,
                                             fit: .logistic(fit), descent: descent, newton: fit.path,
                                             inference: .logistic(inference), logisticData: surface)
                analysis.surfaceMaximum = surfaceFit.logLikelihood
                return analysis
            }
        } catch let error as FitError {
            throw located(error)
        }
    }

    // MARK: Regions and windows

    /// The boundary of the joint 95 % confidence region: the exact F ellipse (linear) or the
    /// likelihood-ratio region traced by rays (logistic).
    public var regionBoundary: [Parameters] {
        switch inference {
        case let .linear(r): return r.boundary()
        case let .logistic(r): return r.region
        }
    }

    /// The log-likelihood drawn on the likelihood figure, minus its maximum: the profile
    /// log-likelihood (σ² maximised out) for the linear model, log L for the logistic one.
    /// The region is the set where it stays above `regionDepth` below 0.
    var regionDepth: Double {
        switch inference {
        case let .linear(r): return logLikelihood - r.profileLevel
        case let .logistic(r): return logLikelihood - r.regionLevel
        }
    }

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
        ModelAnalysis.window(around: regionBoundary, padding: 0.4)
    }

    /// The loss window in the original (w, b): every optimiser path and the region, padded 8 %.
    func contourRanges() -> (w: (Double, Double), b: (Double, Double)) {
        ModelAnalysis.window(around: descent.raw.points + descent.standardised.originalPoints + newton + regionBoundary,
                             padding: 0.08)
    }

    /// The loss window in standardised (v, c): the standardised path and the region, padded
    /// 8 %, then widened so that one unit is as long on both axes of a plot `aspect` times as
    /// high as it is wide (round contours must look round).
    func standardisedRanges(aspect: Double) -> (w: (Double, Double), b: (Double, Double)) {
        let z = descent.standardisation
        var r = ModelAnalysis.window(around: descent.standardised.points + regionBoundary.map(z.standardised), padding: 0.08)
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

    /// Grid resolution: 320 × 320 for the linear model (O(1) per point); for the logistic one
    /// 160 × 160, fewer when each point costs a pass over many rows or groups, keeping a grid
    /// near 5·10⁷ evaluations (never below 60 × 60).
    var gridResolution: Int {
        guard kind == .logistic else { return 320 }
        let groups = logisticData?.x.count ?? n
        return max(60, min(160, Int((5e7 / Double(max(groups, 1))).squareRoot())))
    }

    /// log L − log L̂ (profile over σ² for the linear model) on the likelihood window.
    func relativeLogLikelihoodGrid() -> SurfaceGrid {
        let resolution = gridResolution
        let r = likelihoodRanges()
        let ws = SurfaceGrid.axis(r.w.0, r.w.1, count: resolution), bs = SurfaceGrid.axis(r.b.0, r.b.1, count: resolution)
        let top = surfaceMaximum ?? logLikelihood
        switch fit {
        case let .linear(f):
            return SurfaceGrid(w: ws, b: bs) {
                LinearGaussianModel.profileLogLikelihood(w: $0, b: $1, statistics: f.statistics) - top
            }
        case .logistic:
            return SurfaceGrid(w: ws, b: bs) {
                -LogisticBernoulliModel.negativeLogLikelihood(Parameters(w: $0, b: $1), logisticData!) - top
            }
        }
    }

    /// The mean loss (MSE or mean cross-entropy) at a line in the original (w, b).
    func loss(_ p: Parameters) -> Double {
        switch fit {
        case let .linear(f): return LinearGaussianModel.meanSquaredError(w: p.w, b: p.b, statistics: f.statistics)
        case .logistic: return LogisticBernoulliModel.meanCrossEntropy(p, logisticData!)
        }
    }

    /// The loss on the original (w, b) window, or with `standardised` on the (v, c) window
    /// (`aspect`: the plot's height over its width), sampled 10 % beyond it on each side so
    /// that a slightly wider final axis is still covered.
    func lossGrid(standardised: Bool, aspect: Double = 0.75) -> SurfaceGrid {
        let resolution = gridResolution
        var r = standardised ? standardisedRanges(aspect: aspect) : contourRanges()
        if standardised {
            let pw = 0.1 * (r.w.1 - r.w.0), pb = 0.1 * (r.b.1 - r.b.0)
            r = ((r.w.0 - pw, r.w.1 + pw), (r.b.0 - pb, r.b.1 + pb))
        }
        let ws = SurfaceGrid.axis(r.w.0, r.w.1, count: resolution), bs = SurfaceGrid.axis(r.b.0, r.b.1, count: resolution)
        let z = descent.standardisation
        return SurfaceGrid(w: ws, b: bs) { w, b in
            let p = Parameters(w: w, b: b)
            return loss(standardised ? z.original(p) : p)
        }
    }

    /// Loss at the MLE: the MSE (= σ̂²) or the mean cross-entropy (= −log L / n).
    var lossAtMLE: Double {
        switch fit {
        case let .linear(f): return f.sigma2MLE
        case let .logistic(f): return -f.logLikelihood / Double(f.n)
        }
    }
}
