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
    public var gradientDescent: OptimizerPath
    /// Newton's iterates (logistic only).
    public var newton: [Parameters]

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
    static func analyse(_ request: ModelRequest, dataset: Dataset, name: String) throws -> ModelAnalysis {
        let x = try dataset.numbers(request.x)
        let y = try dataset.numbers(request.y)
        func located(_ error: FitError) -> ReportError {
            if case let .labelNotBinary(row, _) = error, let at = dataset.location(row: row, column: request.y) {
                return ReportError("\(at): column \"\(request.y)\": \(error)")
            }
            return ReportError("\(dataset.source): \(request.kind.rawValue) model of \(request.y) on \(request.x): \(error)")
        }
        // Values this large overflow the sums of squares; refuse them with a message instead
        // of reporting infinities.
        let limit = 1e150
        if let bad = (x.firstIndex { abs($0) > limit }) {
            throw ReportError("\(dataset.location(row: bad, column: request.x).map(String.init(describing:)) ?? dataset.source): column \"\(request.x)\": |value| above 1e150 cannot be fitted without overflow; rescale the column")
        }
        if let bad = (y.firstIndex { abs($0) > limit }) {
            throw ReportError("\(dataset.location(row: bad, column: request.y).map(String.init(describing:)) ?? dataset.source): column \"\(request.y)\": |value| above 1e150 cannot be fitted without overflow; rescale the column")
        }
        do {
            switch request.kind {
            case .linear:
                let fit = try LinearGaussianModel.fit(x: x, y: y)
                let path = GradientDescent.linear(fit.statistics)
                return ModelAnalysis(name: name, kind: .linear, request: request, source: dataset.source, x: x, y: y,
                                     fit: .linear(fit), gradientDescent: path, newton: [])
            case .logistic:
                let fit = try LogisticBernoulliModel.fit(x: x, y: y)
                let path = GradientDescent.logistic(x: x, y: y)
                return ModelAnalysis(name: name, kind: .logistic, request: request, source: dataset.source, x: x, y: y,
                                     fit: .logistic(fit), gradientDescent: path, newton: fit.path)
            }
        } catch let error as FitError {
            throw located(error)
        }
    }

    // MARK: Grids for the figures

    /// Ranges for the likelihood surface: the MLE ± 4 standard errors, which holds the 95 %
    /// region (it reaches about 2.45 standard errors along each axis).
    func likelihoodRanges() -> (w: (Double, Double), b: (Double, Double)) {
        let sw = mleStandardErrors.w, sb = mleStandardErrors.b
        return ((w - 4 * sw, w + 4 * sw), (b - 4 * sb, b + 4 * sb))
    }

    /// Standard errors under the likelihood drawn (σ² fixed at σ̂² for the linear model), so
    /// that the likelihood-ratio region and the axes agree.
    var mleStandardErrors: (w: Double, b: Double) {
        switch fit {
        case let .linear(f):
            let s = f.statistics
            let n = Double(s.n)
            return ((f.sigma2MLE / s.sxx).squareRoot(), (f.sigma2MLE * (1 / n + s.meanX * s.meanX / s.sxx)).squareRoot())
        case let .logistic(f):
            return (f.w.standardError, f.b.standardError)
        }
    }

    /// Ranges for the loss contours: the optimiser paths and the MLE ± 3 standard errors,
    /// padded by 8 %.
    func contourRanges() -> (w: (Double, Double), b: (Double, Double)) {
        let se = mleStandardErrors
        var ws = [w - 3 * se.w, w + 3 * se.w], bs = [b - 3 * se.b, b + 3 * se.b]
        for p in gradientDescent.points + newton { ws.append(p.w); bs.append(p.b) }
        func padded(_ v: [Double]) -> (Double, Double) {
            let lo = v.min()!, hi = v.max()!
            return (lo - 0.08 * (hi - lo), hi + 0.08 * (hi - lo))
        }
        return (padded(ws), padded(bs))
    }

    /// Grid resolution: 160 × 160, fewer for large logistic data sets (each logistic grid point
    /// costs a pass over the data), keeping a grid near 4·10⁸ point evaluations.
    var gridResolution: Int {
        kind == .linear ? 160 : max(40, min(160, Int((4e8 / Double(max(n, 1))).squareRoot())))
    }

    func logLikelihoodGrid() -> SurfaceGrid {
        let resolution = gridResolution
        let r = likelihoodRanges()
        let ws = SurfaceGrid.axis(r.w.0, r.w.1, count: resolution), bs = SurfaceGrid.axis(r.b.0, r.b.1, count: resolution)
        switch fit {
        case let .linear(f): return SurfaceGrid.linearLogLikelihood(f.statistics, sigma2: f.sigma2MLE, w: ws, b: bs)
        case .logistic: return SurfaceGrid.logisticLogLikelihood(x: x, y: y, w: ws, b: bs)
        }
    }

    func lossGrid() -> SurfaceGrid {
        let resolution = gridResolution
        let r = contourRanges()
        let ws = SurfaceGrid.axis(r.w.0, r.w.1, count: resolution), bs = SurfaceGrid.axis(r.b.0, r.b.1, count: resolution)
        switch fit {
        case let .linear(f): return SurfaceGrid.linearMeanSquaredError(f.statistics, w: ws, b: bs)
        case .logistic: return SurfaceGrid.logisticMeanCrossEntropy(x: x, y: y, w: ws, b: bs)
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
