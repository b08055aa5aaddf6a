import Dispatch
import Foundation

/// One optimiser's run on a several-predictor loss: its iterates (thinned for drawing), how
/// far above its minimum the loss was along the way, and where it ended.
public struct SeveralPath: Sendable {
    /// Iterates in the original coefficients, with the iteration each was reached at: every
    /// one of the first 100, then evenly thinned to about 400, and always the last.
    public var points: [(iteration: Int, beta: [Double])] = []
    /// Mean loss minus its minimum at the kept iterates.
    public var gaps: [Double] = []
    public var iterations = 0
    /// The step size (1/L); 0 for Newton's method.
    public var learningRate = 0.0
    /// The largest |βⱼ − β̂ⱼ| / SEⱼ at the end.
    public var distance = Double.infinity
    /// Within 10⁻⁶ standard errors of the MLE in every coefficient.
    public var arrived: Bool { distance <= 1e-6 }
    public var end: [Double] { points.last?.beta ?? [] }
}

/// The mean loss a several-predictor descent minimises: each family's negative
/// log-likelihood over the rows, up to constants, as a function of the coefficients alone.
public enum DescentLoss: Sendable, Equatable {
    /// ‖y − Xβ‖²/n.
    case leastSquares
    /// The mean cross-entropy.
    case logistic
    /// The mean Poisson negative log-likelihood, (1/n) Σ (e^ηᵢ − yᵢηᵢ + log yᵢ!).
    case poisson
    /// The mean absolute error (1/n) Σ |yᵢ − xᵢᵀβ|.
    case laplace
    /// The mean Student-t loss (1/n) Σ (ν + 1)/2 · log(1 + rᵢ²/(νs²)), with s and ν held at
    /// their estimates (the coefficients' part of the negative log-likelihood there).
    case studentT(scale: Double, nu: Double)
    /// The mean categorical cross-entropy of a softmax over `classes` classes, −(1/n) Σ log πᵢ,yᵢ,
    /// in the p(K − 1) coefficients of the non-reference classes (class by class); y holds
    /// each row's class index, 0 the reference.
    case softmax(classes: Int)

    /// How gradient descent picks its step on this loss.
    public var rule: DescentRule {
        switch self {
        case .leastSquares, .logistic, .studentT, .softmax: return .fixed
        case .poisson: return .lineSearch
        case .laplace: return .subgradient
        }
    }

    /// The largest curvature of the loss per unit of xᵢxᵢᵀ/n, where it is bounded: 2 for the
    /// squared error, ¼ for the cross-entropy (σ′ ≤ ¼), (ν + 1)/(νs²) for the Student-t loss
    /// (its second derivative in r is largest at r = 0). For the softmax, Böhning's bound
    /// diag(π) − ππᵀ ≼ ½(I − 11ᵀ/K): on the K − 1 non-reference classes its largest eigenvalue
    /// is ½ (¼ with two classes, the logistic case), per unit of xᵢxᵢᵀ/n.
    var curvatureScale: Double? {
        switch self {
        case .leastSquares: return 2
        case .logistic: return 0.25
        case let .softmax(k): return k <= 2 ? 0.25 : 0.5
        case let .studentT(s, nu): return (nu + 1) / (nu * s * s)
        case .poisson, .laplace: return nil
        }
    }

    /// Blocks of design coefficients in the parameter vector: K − 1 for the softmax, else 1.
    public var blocks: Int {
        if case let .softmax(k) = self { return max(1, k - 1) }
        return 1
    }
}

/// Gradient descent's step rule.
public enum DescentRule: String, Sendable {
    /// The fixed step 1/L, L the loss's largest curvature anywhere.
    case fixed = "fixed step 1/L"
    /// Backtracking (Armijo): the step is halved until the loss falls by at least half the
    /// first-order prediction, and the next step first tries twice the last one. For a loss
    /// whose curvature is unbounded (the Poisson's, Σ μᵢxᵢxᵢᵀ/n), where no fixed step is safe.
    case lineSearch = "backtracking line search"
    /// Normalised subgradient steps of length α₀/√(t + 1), α₀ the mean absolute deviation of
    /// y, ending on the best iterate: for a kinked loss, whose gradient does not shrink near
    /// the optimum.
    case subgradient = "subgradient, step α0/√(t + 1)"
}

/// Gradient descent (on the original and on standardised columns) and Newton's method on the
/// mean loss of a several-predictor fit, in every dimension: the conditioning lesson of the
/// one-predictor page, for the whole Hessian.
///
/// Least squares' gradient and Hessian come from XᵀX/n and Xᵀy/n once (a step costs O(p²));
/// every other loss costs a pass over the rows per step. The step rule is the loss's
/// (`DescentLoss.rule`). Standardising maps each non-intercept column to zⱼ = (xⱼ − x̄ⱼ)/sⱼ:
/// with θ the coefficients there, β = Aθ, so the loss in θ has gradient Aᵀ∇ and curvature
/// AᵀHA, and its path maps back through A. Newton's method uses the exact Hessian with
/// step-halving, damped (Levenberg–Marquardt) where the Student-t loss curves down; the
/// absolute error has no curvature, so it has no Newton path.
public struct SeveralDescents: Sendable {
    public let raw: SeveralPath
    public let standardised: SeveralPath
    /// Nil for the absolute error.
    public let newton: SeveralPath?
    public let rule: DescentRule
    /// Condition numbers of the mean loss's Hessian at the MLE, raw and standardised (for the
    /// absolute error, of XᵀX/n, the shape of its valley near the optimum).
    public var rawCondition: Double
    public var standardisedCondition: Double
    /// The flattest direction of the standardised Hessian (its eigenvector of the smallest
    /// eigenvalue), per design column: large components name the columns that move together.
    public let flattest: [Double]
    public let stepBudget: Int
    /// The largest |βⱼ − β̂ⱼ| / SEⱼ at the start.
    public let startDistance: Double

    /// - Parameters:
    ///   - qr: the design's QR decomposition, whose RᵀR is XᵀX (no further pass over the rows).
    ///   - hessian: the mean loss's Hessian at the MLE (2XᵀX/n, XᵀWX/n; XᵀX/n for the
    ///     absolute error).
    ///   - start: where the three start (0 when nil).
    ///   - weights, offset: a GLM's row weights and offset (grouped data, exposure): the mean
    ///     loss is then −log L / Σwᵢ, and XᵀX/n and the columns' means and spreads are weighted.
    public static func run(x: DesignMatrix, y: [Double], loss: DescentLoss, mle: [Double], standardErrors: [Double], qr: HouseholderQR,
                           hessian: Matrix, stepBudget: Int, start: [Double]? = nil, weights: [Double]? = nil,
                           offset: [Double]? = nil) -> SeveralDescents {
        let n = weights.map { $0.reduce(0, +) } ?? Double(x.rows), p = x.columns, blocks = loss.blocks, m = p * blocks
        let labels: [Int]
        if case .softmax = loss { labels = y.map { Int($0) } } else { labels = [] }
        // XᵀX/n from R, and Xᵀy/n in one pass.
        var gram: Matrix
        if let weights {
            let columns = (0..<p).map { x.column($0) }
            gram = Matrix(rows: p, columns: p)
            for a in 0..<p { for b in a..<p {
                var t = 0.0
                for i in weights.indices { t += weights[i] * columns[a][i] * columns[b][i] }
                gram[a, b] = t; gram[b, a] = t
            } }
        } else {
            let r = qr.r
            gram = r.transposed.times(r)
        }
        for k in gram.storage.indices { gram.storage[k] /= n }
        // Xᵀy/n and yᵀy/n (weighted: XᵀWy/Σw and Σwy²/Σw).
        let wy = weights.map { zip($0, y).map(*) } ?? y
        let cross = loss == .leastSquares ? x.transposeTimes(wy).product.map { $0 / n } : []
        let yy = zip(wy, y).reduce(0) { $0 + $1.0 * $1.1 } / n
        // The standardisation as β = Aθ.
        var means = [Double](repeating: 0, count: p), scales = [Double](repeating: 1, count: p)
        // Each column's (weighted) mean and spread: a weight of 1 leaves every term's bits alone.
        for j in 1..<max(1, p) {
            let c = x.column(j)
            means[j] = c.indices.reduce(0) { $0 + (weights?[$1] ?? 1) * c[$1] } / n
            scales[j] = max(1e-300, (c.indices.reduce(0) { $0 + (weights?[$1] ?? 1) * (c[$1] - means[j]) * (c[$1] - means[j]) } / n).squareRoot())
        }
        var small = Matrix.identity(p)
        for j in 1..<max(1, p) { small[j, j] = 1 / scales[j]; small[0, j] = -means[j] / scales[j] }
        // One copy of the column map per block of coefficients.
        var a = Matrix.identity(m)
        for c in 0..<blocks { for r in 0..<p { for j in 0..<p { a[c * p + r, c * p + j] = small[r, j] } } }
        let at = a.transposed

        /// Mean loss and gradient in β.
        func lossAndGradient(_ beta: [Double]) -> (Double, [Double]) {
            switch loss {
            case .leastSquares:
                let gb = gram.times(beta)
                let value = zip(beta, gb).reduce(0) { $0 + $1.0 * $1.1 } - 2 * zip(cross, beta).reduce(0) { $0 + $1.0 * $1.1 } + yy
                return (value, zip(gb, cross).map { 2 * ($0 - $1) })
            case .logistic:
                let e = GeneralizedLinearFit.evaluate(beta, x, y, BernoulliLogit(), derivatives: true, offset: offset, hessian: false, weights: weights)
                return (-e.logL / n, e.g.map { -$0 / n })
            case .poisson:
                let e = GeneralizedLinearFit.evaluate(beta, x, y, PoissonLog(), derivatives: true, offset: offset, hessian: false, weights: weights)
                return (-e.logL / n, e.g.map { -$0 / n })
            case let .softmax(k):
                let e = SoftmaxRegression.evaluate(beta, x, labels, k, derivatives: true, hessian: false, weights: weights)
                return (-e.logL / n, e.g.map { -$0 / n })
            case .laplace, .studentT:
                // The loss's derivative in each residual, then Xᵀ of it: one pass for η, one for
                // the product.
                let eta = x.times(beta)
                var value = 0.0
                var slope = [Double](repeating: 0, count: eta.count)
                if case let .studentT(s, nu) = loss {
                    let c = nu * s * s
                    for i in eta.indices {
                        let ri = y[i] - eta[i], w = weights?[i] ?? 1
                        value += w * (nu + 1) / 2 * Foundation.log1p(ri * ri / c)
                        slope[i] = -w * (nu + 1) * ri / (c + ri * ri)
                    }
                } else {
                    for i in eta.indices {
                        let ri = y[i] - eta[i], w = weights?[i] ?? 1
                        value += w * abs(ri)
                        slope[i] = ri > 0 ? -w : (ri < 0 ? w : 0)
                    }
                }
                return (value / n, x.transposeTimes(slope).product.map { $0 / n })
            }
        }
        let minimum = lossAndGradient(mle).0
        func distance(_ beta: [Double]) -> Double {
            zip(zip(beta, mle), standardErrors).map { abs($0.0 - $0.1) / $1 }.max() ?? 0
        }
        let meanY = wy.reduce(0, +) / n
        let alpha0 = max(y.indices.reduce(0) { $0 + (weights?[$1] ?? 1) * abs(y[$1] - meanY) } / n, 1e-300)
        let beta0 = start ?? [Double](repeating: 0, count: m)
        // θ₀ = A⁻¹β₀: θⱼ = βⱼsⱼ, θ₀ = β₀ + Σ βⱼx̄ⱼ, in each block.
        var theta0 = beta0
        for c in 0..<blocks {
            for j in 1..<max(1, p) { theta0[c * p + j] = beta0[c * p + j] * scales[j]; theta0[c * p] += beta0[c * p + j] * means[j] }
        }
        func descend(standardised: Bool) -> SeveralPath {
            var theta = standardised ? theta0 : beta0
            var path = SeveralPath()
            var step = 1.0
            if let scale = loss.curvatureScale {
                let metric = standardised ? small.transposed.times(gram).times(small) : gram
                step = 1 / (scale * (SymmetricEigen(metric).values.last ?? 1))
            } else if loss.rule == .subgradient {
                step = alpha0
            }
            path.learningRate = step
            func beta(_ t: [Double]) -> [Double] { standardised ? a.times(t) : t }
            func keep(_ k: Int, _ value: Double, at t: [Double]) {
                path.points.append((k, beta(t)))
                path.gaps.append(max(0, value - minimum))
            }
            var (value, gradient) = lossAndGradient(beta(theta))
            keep(0, value, at: theta)
            var best = (value: value, theta: theta)
            let thin = max(1, stepBudget / 300)
            for k in 1...stepBudget {
                let g = standardised ? at.times(gradient) : gradient
                var next: [Double]
                var trial: (Double, [Double])
                switch loss.rule {
                case .fixed:
                    next = zip(theta, g).map { $0 - step * $1 }
                    trial = lossAndGradient(beta(next))
                case .lineSearch:
                    let squared = g.reduce(0) { $0 + $1 * $1 }
                    step *= 2
                    next = zip(theta, g).map { $0 - step * $1 }
                    trial = lossAndGradient(beta(next))
                    // Armijo's test; where the two losses agree to rounding (near the minimum of a
                    // sum over many rows) the test cannot tell, and the step is taken if it does
                    // not pass the minimum along the line: the new gradient still points back
                    // along the old one (the loss is convex).
                    func acceptable(_ t: (Double, [Double])) -> Bool {
                        if t.0 <= value - 0.5 * step * squared { return true }
                        guard abs(t.0 - value) <= 1e-12 * max(1, abs(value)) else { return false }
                        let h = standardised ? at.times(t.1) : t.1
                        return zip(g, h).reduce(0) { $0 + $1.0 * $1.1 } >= 0
                    }
                    var halvings = 0
                    while !acceptable(trial) && halvings < 60 {
                        step /= 2
                        halvings += 1
                        next = zip(theta, g).map { $0 - step * $1 }
                        trial = lossAndGradient(beta(next))
                    }
                    // No step lowers the loss: rounding has the last word, and the descent stops.
                    if !acceptable(trial) { next = theta; trial = (value, gradient) }
                case .subgradient:
                    let norm = g.reduce(0) { $0 + $1 * $1 }.squareRoot()
                    guard norm > 0 else { next = theta; trial = (value, gradient); break }
                    let length = alpha0 / Double(k).squareRoot()
                    next = zip(theta, g).map { $0 - length * $1 / norm }
                    trial = lossAndGradient(beta(next))
                }
                // Negligible steps: no coefficient moves by 10⁻¹⁴ of its size.
                let negligible = zip(next, theta).allSatisfy { abs($0 - $1) <= 1e-14 * max(abs($0), 1e-300) }
                theta = next
                (value, gradient) = trial
                if value < best.value { best = (value, theta) }
                path.iterations = k
                if k <= 100 || k % thin == 0 || negligible || k == stepBudget { keep(k, value, at: theta) }
                if negligible { break }
            }
            if loss.rule == .subgradient && best.value < value {
                // The usual report of a subgradient method: its best iterate.
                keep(path.iterations, best.value, at: best.theta)
            }
            if loss.rule == .lineSearch { path.learningRate = step }
            path.distance = distance(path.end)
            return path
        }
        // The two descents are independent: one per core.
        var runs = [SeveralPath](repeating: SeveralPath(), count: 2)
        runs.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: 2) { k in base[k] = descend(standardised: k == 1) }
        }
        let raw = runs[0], standardised = runs[1]
        let newton = loss == .laplace ? nil : newtonPath(x: x, y: y, loss: loss, mle: mle, minimum: minimum, start: beta0,
                                                         lossAndGradient: lossAndGradient, distance: distance, standardErrors: standardErrors,
                                                         weights: weights, offset: offset)
        // Conditioning at the MLE, raw and standardised.
        let rawEigen = SymmetricEigen(hessian)
        let standardisedEigen = SymmetricEigen(at.times(hessian).times(a))
        return SeveralDescents(raw: raw, standardised: standardised, newton: newton, rule: loss.rule, rawCondition: rawEigen.conditionNumber,
                               standardisedCondition: standardisedEigen.conditionNumber,
                               flattest: standardisedEigen.vectors.column(0), stepBudget: stepBudget, startDistance: distance(beta0))
    }

    /// Newton's method from `start` with step-halving, until it is within 10⁻⁹ standard errors,
    /// a step moves less than 10⁻¹⁰ of them, or 100 steps. For least squares one step from anywhere solves the normal equations
    /// exactly: it lands on the MLE, which the fit found by QR (Cholesky of XᵀX would lose
    /// what the condition number squares away).
    static func newtonPath(x: DesignMatrix, y: [Double], loss: DescentLoss, mle: [Double], minimum: Double, start: [Double],
                           lossAndGradient: ([Double]) -> (Double, [Double]), distance: ([Double]) -> Double,
                           standardErrors: [Double], weights: [Double]? = nil, offset: [Double]? = nil) -> SeveralPath {
        let n = weights.map { $0.reduce(0, +) } ?? Double(x.rows), p = x.columns * loss.blocks
        let labels: [Int]
        if case .softmax = loss { labels = y.map { Int($0) } } else { labels = [] }
        var newton = SeveralPath()
        var beta = start
        var (value, gradient) = lossAndGradient(beta)
        func keep(_ k: Int) {
            newton.points.append((k, beta)); newton.gaps.append(max(0, value - minimum))
            newton.iterations = k
        }
        keep(0)
        if loss == .leastSquares {
            beta = mle
            value = minimum
            keep(1)
            newton.distance = 0
            return newton
        }
        var k = 0
        while k < 100 && distance(beta) > 1e-9 {
            k += 1
            var h: Matrix
            switch loss {
            case .logistic: h = GeneralizedLinearFit.evaluate(beta, x, y, BernoulliLogit(), derivatives: true, offset: offset, weights: weights).h
            case .poisson: h = GeneralizedLinearFit.evaluate(beta, x, y, PoissonLog(), derivatives: true, offset: offset, weights: weights).h
            case let .studentT(s, nu): h = studentTHessian(beta, x: x, y: y, scale: s, nu: nu, weights: weights)
            case let .softmax(classes): h = SoftmaxRegression.evaluate(beta, x, labels, classes, derivatives: true, weights: weights).h
            case .leastSquares, .laplace: return newton
            }
            for i in h.storage.indices { h.storage[i] /= n }
            // Damped where the loss curves down (the Student-t loss is not convex): H + μI
            // with μ raised until H + μI is positive definite.
            var mu = 0.0
            var factor = Cholesky(h)
            let size = max(1e-300, (0..<p).map { abs(h[$0, $0]) }.max() ?? 1)
            while factor == nil && mu < 1e12 * size {
                mu = mu == 0 ? 1e-8 * size : mu * 10
                var damped = h
                for j in 0..<p { damped[j, j] += mu }
                factor = Cholesky(damped)
            }
            guard let c = factor else { break }
            let delta = c.solve(gradient)
            var t = 1.0
            var trial = zip(beta, delta).map { $0 - $1 }
            var next = lossAndGradient(trial)
            while !(next.0 <= value) && t > 1e-12 {
                t /= 2
                trial = zip(beta, delta).map { $0 - t * $1 }
                next = lossAndGradient(trial)
            }
            guard next.0 <= value else { break }
            // A step of under 10⁻¹⁰ standard errors has reached Newton's own fixed point, the
            // minimiser of this loss to rounding (the fit's estimates can sit a little further
            // off, within their own 10⁻⁶ SE check): more steps would only repeat it.
            let moved = (0..<p).map { t * abs(delta[$0]) / max(standardErrors[$0], 1e-300) }.max() ?? 0
            beta = trial
            (value, gradient) = next
            keep(k)
            if moved < 1e-10 { break }
        }
        newton.distance = distance(beta)
        return newton
    }

    /// Xᵀ diag(wᵢ) X of the Student-t loss in β, wᵢ = (ν + 1)(νs² − rᵢ²)/(νs² + rᵢ²)² (negative
    /// for residuals beyond s√ν, where the loss curves down).
    public static func studentTHessian(_ beta: [Double], x: DesignMatrix, y: [Double], scale s: Double, nu: Double,
                                       weights: [Double]? = nil) -> Matrix {
        let eta = x.times(beta)
        let c = nu * s * s
        let w = eta.indices.map { i -> Double in
            let r2 = (y[i] - eta[i]) * (y[i] - eta[i])
            return (weights?[i] ?? 1) * (nu + 1) * (c - r2) / ((c + r2) * (c + r2))
        }
        let p = x.columns
        var h = Matrix(rows: p, columns: p)
        let columns = (0..<p).map { x.column($0) }
        for j in 0..<p {
            for k in j..<p {
                var sum = 0.0
                for i in w.indices { sum += w[i] * columns[j][i] * columns[k][i] }
                h[j, k] = sum; h[k, j] = sum
            }
        }
        return h
    }
}
