import Dispatch
import Foundation

extension DesignMatrix {
    /// The design restricted to `indices` (in that order): each source's rows picked, the terms
    /// and codings kept. For cross-validation folds.
    public func subset(_ indices: [Int]) -> DesignMatrix {
        let picked: [ColumnSource] = sources.map { source in
            switch source {
            case .constant: return source
            case let .values(v): return .values(indices.map { v[$0] })
            case let .indicator(codes, code): return .indicator(codes: indices.map { codes[$0] }, code: code)
            }
        }
        return DesignMatrix(terms: terms, sources: picked, rows: indices.count, codings: codings)
    }
}

/// The regularisation path: the penalised fit at each λ of a log-spaced grid from λ_max (where
/// every lasso coefficient is 0) down, each warm-started from the one before (glmnet's
/// sequence: 100 values down to λ_max·10⁻⁴ when there are more rows than coefficients, else
/// ·10⁻²; for ridge, λ_max as for α = 0.001).
public struct PenalisedPath: Sendable {
    public let lambdas: [Double]
    /// One fit per λ, in the grid's (decreasing) order.
    public let fits: [PenalisedFit]

    public static let defaultCount = 100

    public static func grid(lambdaMax: Double, alpha: Double, rows: Int, columns: Int, count: Int = defaultCount) -> [Double] {
        let top = lambdaMax / max(alpha, 0.001)
        let ratio = rows > columns ? 1e-4 : 1e-2
        return (0..<count).map { top * pow(ratio, Double($0) / Double(count - 1)) }
    }

    public init(standardised sd: StandardisedDesign, y: [Double], family: (any CanonicalFamily)?, kind: Penalty.Kind, alpha: Double? = nil,
                lambdas given: [Double]? = nil) {
        let a = Penalty(kind: kind, lambda: 1, alpha: alpha).alpha
        lambdas = given ?? PenalisedPath.grid(lambdaMax: PenalisedFit.gradientScale(standardised: sd, y: y, family: family), alpha: a,
                                              rows: sd.design.rows, columns: sd.design.columns)
        var fits: [PenalisedFit] = []
        var start: [Double]? = nil
        for lambda in lambdas {
            let fit = PenalisedFit(standardised: sd, y: y, family: family, penalty: Penalty(kind: kind, lambda: lambda, alpha: alpha), start: start)
            fits.append(fit)
            start = fit.standardisedCoefficients
        }
        self.fits = fits
    }

    /// For each predictor coefficient, the largest λ of the grid at which it is not 0 (nil when
    /// it stays 0 along the whole path): where it leaves zero, to the grid's resolution.
    public var entries: [Double?] {
        guard let p = fits.first?.standardisedCoefficients.count else { return [] }
        return (1..<p).map { j in zip(lambdas, fits).first { $0.1.standardisedCoefficients[j] != 0 }?.0 }
    }
}

/// k-fold cross-validation of a penalty's λ (glmnet's `cv.glmnet`): the rows are dealt to k
/// folds in a seeded random order (for a GLM, the zero responses first and then the others, so
/// that every fold holds its share of each: a training set of a rare outcome never loses all
/// of it); for each fold the path is fitted on the other rows (with
/// the standardisation of those rows) over the full data's λ grid, and the held-out deviance
/// per row is recorded: the mean squared error for the Gaussian model, −2/n_fold · log L for a
/// GLM. `lambdaMin` minimises the mean over folds; `lambdaOneSE` is the largest λ whose mean is
/// within one standard error (of the folds' mean) of that minimum.
public struct CrossValidation: Sendable {
    public let lambdas: [Double]
    public let folds: Int
    public let seed: UInt64
    /// Mean held-out deviance per row at each λ, and its standard error over the folds.
    public let mean: [Double]
    public let standardError: [Double]
    public let lambdaMin: Double
    public let lambdaOneSE: Double

    /// Nil when some fold cannot be fitted or scored (its training rows' mean response has no
    /// finite link, such as a logistic fold with no ones left): the curve would not be finite.
    public init?(design: DesignMatrix, y: [Double], family: (any CanonicalFamily)?, kind: Penalty.Kind, alpha: Double? = nil,
                 lambdas: [Double], folds k: Int = 10, seed: UInt64 = 20261206) {
        let n = y.count
        precondition(k >= 2 && n >= k, "at least as many rows as folds")
        var random = RandomGenerator(seed: seed)
        var order = Array(0..<n)
        // Fisher–Yates with the seeded generator.
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = Int(random.next() % UInt64(i + 1))
            order.swapAt(i, j)
        }
        if family != nil { order = order.filter { y[$0] == 0 } + order.filter { y[$0] != 0 } }
        var fold = [Int](repeating: 0, count: n)
        for (position, row) in order.enumerated() { fold[row] = position % k }
        var perFold = [[Double]](repeating: [], count: k)
        if family == nil {
            // Least squares: every fold's fits and held-out errors from sums of the rows, in
            // one pass over them (the training rows' sums are the whole data's minus the fold's).
            let shift = GaussianSums.shifts(design: design, y: y)
            let sums = GaussianSums.byGroup(design: design, y: y, group: fold, groups: k, shiftX: shift.x, shiftY: shift.y)
            let total = sums.dropFirst().reduce(sums[0], +)
            perFold.withUnsafeMutableBufferPointer { out in
                let base = out.baseAddress!
                DispatchQueue.concurrentPerform(iterations: k) { f in
                    let train = GaussianMoments(total - sums[f], shiftX: shift.x, shiftY: shift.y)
                    let path = PenalisedPath(moments: train, kind: kind, alpha: alpha, lambdas: lambdas)
                    base[f] = path.fits.map { sums[f].residualSquares($0.coefficients, shiftX: shift.x, shiftY: shift.y) / sums[f].count }
                }
            }
        } else {
            // The folds are independent fits: on every core, each into its own slot (the same
            // numbers on any number of cores).
            perFold.withUnsafeMutableBufferPointer { out in
                let base = out.baseAddress!
                DispatchQueue.concurrentPerform(iterations: k) { f in
                    let train = (0..<n).filter { fold[$0] != f }, test = (0..<n).filter { fold[$0] == f }
                    let trainDesign = design.subset(train), testDesign = design.subset(test)
                    let trainY = train.map { y[$0] }, testY = test.map { y[$0] }
                    let path = PenalisedPath(standardised: StandardisedDesign(trainDesign), y: trainY, family: family, kind: kind, alpha: alpha,
                                             lambdas: lambdas)
                    base[f] = path.fits.map { fit in
                        let eta = testDesign.times(fit.coefficients)
                        var loss = 0.0
                        for (yi, e) in zip(testY, eta) { loss -= 2 * family!.logDensity(yi, e) }
                        // The saturated model's part, so that the deviance is 0 for a perfect fit.
                        for yi in testY { loss += 2 * family!.saturatedLogDensity(yi) }
                        return loss / Double(test.count)
                    }
                }
            }
        }
        guard perFold.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { return nil }
        let deviance = lambdas.indices.map { l in perFold.map { $0[l] } }
        let means = deviance.map { $0.reduce(0, +) / Double(k) }
        let ses = zip(deviance, means).map { values, m in
            (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(k - 1) / Double(k)).squareRoot()
        }
        let best = means.indices.min { means[$0] < means[$1] }!
        self.lambdas = lambdas
        folds = k
        self.seed = seed
        mean = means
        standardError = ses
        lambdaMin = lambdas[best]
        // λ decreases along the grid: the first within one SE is the largest.
        lambdaOneSE = lambdas[means.indices.first { means[$0] <= means[best] + ses[best] }!]
    }
}

/// The evidence (marginal likelihood) of the Gaussian linear model with the prior θⱼ ~ N(0, τ²)
/// on each standardised coefficient and a flat prior on the intercept, maximised over τ² and
/// σ² (empirical Bayes). With y centred (the intercept integrated out leaves n − 1 dimensions)
/// and ZᵀZ = Σ dₖ uₖuₖᵀ, r = τ²/σ²:
///
///     log p(y) = −(n − 1)/2·log(2πσ²) − ½ Σ log(1 + r dₖ) − Q(r)/(2σ²),
///     Q(r) = ‖y_c‖² − Σ aₖ² r/(1 + r dₖ),  aₖ = uₖᵀZᵀy_c,
///
/// so σ̂²(r) = Q(r)/(n − 1) and the maximisation is over r alone (golden section on log r).
/// The MAP under that prior is ridge with glmnet's λ = σ²/(nτ²) = 1/(n r).
public struct RidgeEvidence: Sendable {
    public let ratio: Double
    public let sigma2: Double
    public let tau2: Double
    public let logEvidence: Double
    public var lambda: Double { 1 / (Double(rows) * ratio) }
    let rows: Int

    public init(standardised sd: StandardisedDesign, y: [Double]) {
        let n = y.count
        let z = sd.design.matrix
        let q = z.columns - 1
        let meanY = y.reduce(0, +) / Double(n)
        let yc = y.map { $0 - meanY }
        var g = Matrix(rows: q, columns: q)
        var c = [Double](repeating: 0, count: q)
        for j in 0..<q {
            let zj = z.column(j + 1)
            c[j] = zip(zj, yc).reduce(0) { $0 + $1.0 * $1.1 }
            for k in j..<q {
                let v = zip(zj, z.column(k + 1)).reduce(0) { $0 + $1.0 * $1.1 }
                g[j, k] = v; g[k, j] = v
            }
        }
        self.init(gram: g, cross: c, yy: yc.reduce(0) { $0 + $1 * $1 }, rows: n)
    }

    /// From a Gaussian model's moments (ZᵀZ = nG, Zᵀy_c = nc, ‖y_c‖² = n·yy): no pass over the rows.
    public init(moments: GaussianMoments) {
        let n = Double(moments.rows)
        var g = moments.gram
        for k in g.storage.indices { g.storage[k] *= n }
        self.init(gram: g, cross: moments.cross.map { $0 * n }, yy: moments.yy * n, rows: moments.rows)
    }

    /// The maximisation from ZᵀZ (`gram`), Zᵀy_c (`cross`) and ‖y_c‖² (`yy`).
    init(gram g: Matrix, cross c: [Double], yy: Double, rows n: Int) {
        let q = c.count
        let eigen = SymmetricEigen(g)
        let d = eigen.values.map { max(0, $0) }
        let a = (0..<q).map { k in (0..<q).reduce(0.0) { $0 + eigen.vectors[$1, k] * c[$1] } }
        let m = Double(n - 1)
        func evaluate(_ r: Double) -> (logP: Double, sigma2: Double) {
            var quad = yy, logDet = 0.0
            for k in 0..<q {
                quad -= a[k] * a[k] * r / (1 + r * d[k])
                logDet += log1p(r * d[k])
            }
            let s2 = max(quad, 1e-300) / m
            return (-m / 2 * log(2 * Double.pi * s2) - logDet / 2 - m / 2, s2)
        }
        // Bracket on a coarse log grid, then golden section on log r.
        let logs = stride(from: -30.0, through: 30.0, by: 0.25).map { $0 }
        let values = logs.map { evaluate(exp($0)).logP }
        let best = values.indices.max { values[$0] < values[$1] }!
        var lo = logs[max(0, best - 1)], hi = logs[min(logs.count - 1, best + 1)]
        let golden = (5.0.squareRoot() - 1) / 2
        var x1 = hi - golden * (hi - lo), x2 = lo + golden * (hi - lo)
        var f1 = evaluate(exp(x1)).logP, f2 = evaluate(exp(x2)).logP
        for _ in 0..<200 where hi - lo > 1e-12 {
            if f1 < f2 { lo = x1; x1 = x2; f1 = f2; x2 = lo + golden * (hi - lo); f2 = evaluate(exp(x2)).logP }
            else { hi = x2; x2 = x1; f2 = f1; x1 = hi - golden * (hi - lo); f1 = evaluate(exp(x1)).logP }
        }
        let r = exp((lo + hi) / 2)
        let top = evaluate(r)
        ratio = r
        sigma2 = top.sigma2
        tau2 = r * top.sigma2
        logEvidence = top.logP
        rows = n
    }
}

/// Sums over a set of rows of a Gaussian model's design columns (the intercept's left out)
/// and response, each shifted by the whole data's mean so that no sum is dominated by an
/// offset (Longley's years, GNP): count, Σx, Σy, Σxxᵀ, Σxy, Σy². Sums of disjoint rows add,
/// so a fold's training sums are the whole data's minus the fold's.
public struct GaussianSums: Sendable {
    public var count = 0.0
    public var sx: [Double]
    public var sy = 0.0
    /// Σxxᵀ, row-major q × q.
    public var sxx: [Double]
    public var sxy: [Double]
    public var syy = 0.0

    public init(columns q: Int) {
        sx = [Double](repeating: 0, count: q)
        sxy = sx
        sxx = [Double](repeating: 0, count: q * q)
    }

    public static func + (a: GaussianSums, b: GaussianSums) -> GaussianSums {
        var c = a
        c.count += b.count; c.sy += b.sy; c.syy += b.syy
        for j in c.sx.indices { c.sx[j] += b.sx[j]; c.sxy[j] += b.sxy[j] }
        for k in c.sxx.indices { c.sxx[k] += b.sxx[k] }
        return c
    }

    /// The shifts: each design column's mean (after the intercept) and the response's.
    public static func shifts(design: DesignMatrix, y: [Double]) -> (x: [Double], y: Double) {
        let n = Double(design.rows)
        return ((1..<max(1, design.columns)).map { design.column($0).reduce(0, +) / n }, y.reduce(0, +) / n)
    }

    /// Σ(y − b₀ − xᵀβ)² over these rows, for β on the original columns (intercept first), from
    /// the sums alone.
    public func residualSquares(_ beta: [Double], shiftX: [Double], shiftY: Double) -> Double {
        let q = sx.count
        var b0 = beta[0] - shiftY
        for j in 0..<q { b0 += beta[j + 1] * shiftX[j] }
        var rss = syy - 2 * b0 * sy + count * b0 * b0
        for j in 0..<q {
            rss += -2 * beta[j + 1] * sxy[j] + 2 * b0 * beta[j + 1] * sx[j]
            for k in 0..<q { rss += beta[j + 1] * beta[k + 1] * sxx[j * q + k] }
        }
        return max(rss, 0)
    }

    public static func - (a: GaussianSums, b: GaussianSums) -> GaussianSums {
        var c = a
        c.count -= b.count; c.sy -= b.sy; c.syy -= b.syy
        for j in c.sx.indices { c.sx[j] -= b.sx[j]; c.sxy[j] -= b.sxy[j] }
        for k in c.sxx.indices { c.sxx[k] -= b.sxx[k] }
        return c
    }

    /// The sums of each group of rows (`group[i]` in 0..<groups; nil: one group of every row), in one pass over the design
    /// in blocks (no copy of it), with the shifts `shiftX` (per design column after the
    /// intercept) and `shiftY`.
    public static func byGroup(design: DesignMatrix, y: [Double], group: [Int]?, groups: Int, shiftX: [Double], shiftY: Double) -> [GaussianSums] {
        let q = design.columns - 1
        var out = [GaussianSums](repeating: GaussianSums(columns: q), count: groups)
        let block = 4096
        var buffer = [Double](repeating: 0, count: block * max(q, 1))
        var lo = 0
        while lo < design.rows {
            let hi = min(design.rows, lo + block), m = hi - lo
            buffer.withUnsafeMutableBufferPointer { b in
                if q > 0 { design.fill(lo..<hi, columns: Array(1...q), into: b.baseAddress!) }
                for i in 0..<m {
                    let g = group?[lo + i] ?? 0
                    let yi = y[lo + i] - shiftY
                    out[g].count += 1
                    out[g].sy += yi
                    out[g].syy += yi * yi
                    for j in 0..<q {
                        let xj = b[j * m + i] - shiftX[j]
                        out[g].sx[j] += xj
                        out[g].sxy[j] += xj * yi
                        for k in 0...j { out[g].sxx[j * q + k] += xj * (b[k * m + i] - shiftX[k]) }
                    }
                }
            }
            lo = hi
        }
        for g in 0..<groups { for j in 0..<q { for k in 0..<j { out[g].sxx[k * q + j] = out[g].sxx[j * q + k] } } }
        return out
    }
}

/// A Gaussian model's standardised moments over a set of rows (the standardisation of those
/// rows, population SDs, as `StandardisedDesign`): G = ZᵀZ/n, c = Zᵀ(y − ȳ)/n and
/// ‖y − ȳ‖²/n, all a penalised least-squares fit needs (glmnet's covariance updates).
public struct GaussianMoments: Sendable {
    public let rows: Int
    /// Each design column's mean and SD (intercept first: 0 and 1), in its own units.
    public let means: [Double]
    public let scales: [Double]
    public let meanY: Double
    public let gram: Matrix
    public let cross: [Double]
    public let yy: Double

    public init(_ s: GaussianSums, shiftX: [Double], shiftY: Double) {
        let q = s.sx.count, m = s.count
        let mx = s.sx.map { $0 / m }, my = s.sy / m
        var sd = [Double](repeating: 0, count: q)
        for j in 0..<q { sd[j] = max(0, s.sxx[j * q + j] / m - mx[j] * mx[j]).squareRoot() }
        var g = Matrix(rows: q, columns: q)
        var c = [Double](repeating: 0, count: q)
        for j in 0..<q where sd[j] > 0 {
            c[j] = (s.sxy[j] / m - mx[j] * my) / sd[j]
            for k in 0..<q where sd[k] > 0 { g[j, k] = (s.sxx[j * q + k] / m - mx[j] * mx[k]) / (sd[j] * sd[k]) }
        }
        rows = Int(m)
        means = [0] + zip(mx, shiftX).map { $0 + $1 }
        scales = [1] + sd
        meanY = my + shiftY
        gram = g
        cross = c
        yy = max(0, s.syy / m - my * my)
    }
}

extension PenalisedFit {
    init(penalty: Penalty, standardisedCoefficients: [Double], coefficients: [Double], objective: Double, logLikelihood: Double,
         kktViolation: Double, kktScale: Double, sweeps: Int, outerSteps: Int) {
        self.penalty = penalty
        self.standardisedCoefficients = standardisedCoefficients
        self.coefficients = coefficients
        self.objective = objective
        self.logLikelihood = logLikelihood
        self.kktViolation = kktViolation
        self.kktScale = kktScale
        self.sweeps = sweeps
        self.outerSteps = outerSteps
    }

    /// The Gaussian penalised fit from the moments alone (for the path and cross-validation:
    /// no pass over the rows): ridge by Cholesky of G + λI, the others by coordinate descent;
    /// its KKT check and objective from the same moments.
    public init(moments g: GaussianMoments, penalty: Penalty, start: [Double]? = nil) {
        let q = g.cross.count
        let lambda = penalty.lambda, alpha = penalty.alpha
        let scale = max(1e-300, g.cross.map(abs).max() ?? 0)
        var slopes: [Double]
        var sweeps = 0
        if alpha == 0, q > 0, let chol = Cholesky({ var a = g.gram; for j in 0..<q { a[j, j] += lambda }; return a }()) {
            slopes = chol.solve(g.cross)
        } else {
            slopes = start.map { Array($0.dropFirst()) } ?? [Double](repeating: 0, count: q)
            sweeps = PenalisedFit.coordinateDescent(&slopes, a: g.gram, b: g.cross, lambda: lambda, alpha: alpha, penaliseFirst: true,
                                                    tolerance: PenalisedFit.tolerance * scale)
        }
        let theta = [g.meanY] + slopes
        let gt = g.gram.times(slopes)
        let gradient = [0] + (0..<q).map { g.cross[$0] - gt[$0] }
        var rss = g.yy
        for j in 0..<q { rss += -2 * g.cross[j] * slopes[j] + slopes[j] * gt[j] }
        rss = max(rss, 0)
        let n = Double(g.rows)
        var beta = theta
        beta[0] = g.meanY
        for j in 1...max(1, q) where j <= q {
            beta[j] = g.scales[j] > 0 ? theta[j] / g.scales[j] : 0
            beta[0] -= beta[j] * g.means[j]
        }
        self.init(penalty: penalty, standardisedCoefficients: theta, coefficients: beta, objective: rss / 2 + penalty.value(theta),
                  logLikelihood: -n / 2 * (log(2 * Double.pi * rss) + 1),
                  kktViolation: PenalisedFit.kkt(theta, gradient: gradient, lambda: lambda, alpha: alpha) / scale, kktScale: scale,
                  sweeps: sweeps, outerSteps: 0)
    }
}

extension PenalisedPath {
    init(lambdas: [Double], fits: [PenalisedFit]) {
        self.lambdas = lambdas
        self.fits = fits
    }

    /// The Gaussian path from the moments alone, warm-started along `lambdas`.
    public init(moments: GaussianMoments, kind: Penalty.Kind, alpha: Double? = nil, lambdas: [Double]) {
        var fits: [PenalisedFit] = []
        var start: [Double]? = nil
        for lambda in lambdas {
            let fit = PenalisedFit(moments: moments, penalty: Penalty(kind: kind, lambda: lambda, alpha: alpha), start: start)
            fits.append(fit)
            start = fit.standardisedCoefficients
        }
        self.init(lambdas: lambdas, fits: fits)
    }
}
