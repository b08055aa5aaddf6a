import Foundation

/// A penalty on the coefficients is a negative log-prior: ridge (L2, a Gaussian prior), lasso
/// (L1, a Laplace prior) and their mix, the elastic net. glmnet's objective, exactly:
///
///     (1/2n)·‖y − β₀ − Zθ‖² (Gaussian)   or   −(1/n)·log L (a GLM)
///         + λ·(α‖θ‖₁ + (1 − α)/2·‖θ‖₂²),
///
/// over θ, the coefficients of the predictors standardised to mean 0 and unit population
/// standard deviation (zⱼ = (xⱼ − x̄ⱼ)/sⱼ); the intercept is never penalised. Coefficients are
/// reported on the original scale, βⱼ = θⱼ/sⱼ. In scikit-learn's terms `alpha` = λ and
/// `l1_ratio` = α for `ElasticNet`, `Ridge(alpha = nλ)`, and `LogisticRegression(C = 1/(nλ))`.
public struct Penalty: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case ridge, lasso
        case elasticNet = "elastic-net"
    }
    public let kind: Kind
    public let lambda: Double
    /// The L1 share: 0 for ridge, 1 for the lasso.
    public let alpha: Double

    public init(kind: Kind, lambda: Double, alpha: Double? = nil) {
        self.kind = kind
        self.lambda = lambda
        switch kind {
        case .ridge: self.alpha = 0
        case .lasso: self.alpha = 1
        case .elasticNet: self.alpha = alpha ?? 0.5
        }
    }

    /// λ(α‖θ‖₁ + (1 − α)/2‖θ‖²) over the predictors' coefficients (θ₀, the intercept, left out).
    public func value(_ theta: [Double]) -> Double {
        var l1 = 0.0, l2 = 0.0
        for t in theta.dropFirst() { l1 += abs(t); l2 += t * t }
        return lambda * (alpha * l1 + (1 - alpha) / 2 * l2)
    }
}

/// The predictors of a design standardised as glmnet does: each non-intercept column centred
/// and divided by its population standard deviation, with the intercept's column of ones kept.
public struct StandardisedDesign: Sendable {
    /// (1, z₁, …, z_{p−1}) as a design, for the likelihood's passes.
    public let design: DesignMatrix
    public let means: [Double]
    public let scales: [Double]

    public init(_ x: DesignMatrix) {
        let n = Double(x.rows)
        var columns: [[Double]] = [[Double](repeating: 1, count: x.rows)]
        var means = [0.0], scales = [1.0]
        for j in 1..<x.columns {
            let c = x.column(j)
            let m = c.reduce(0, +) / n
            let s = (c.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n).squareRoot()
            means.append(m); scales.append(s)
            columns.append(c.map { s > 0 ? ($0 - m) / s : 0 })
        }
        self.means = means
        self.scales = scales
        design = DesignMatrix(terms: x.terms, matrix: Matrix(columns: columns), codings: x.codings)
    }

    /// β on the original columns from θ on the standardised ones: βⱼ = θⱼ/sⱼ,
    /// β₀ = θ₀ − Σ θⱼ x̄ⱼ/sⱼ.
    public func original(_ theta: [Double]) -> [Double] {
        var beta = theta
        for j in 1..<theta.count {
            beta[j] = scales[j] > 0 ? theta[j] / scales[j] : 0
            beta[0] -= beta[j] * means[j]
        }
        return beta
    }
}

/// The penalised (maximum a posteriori) fit, exact to its optimality conditions.
///
/// - Gaussian ridge: closed form, by the QR decomposition of the augmented system
///   [Z/√n; √λ·I] θ ≈ [(y − ȳ)/√n; 0] (never the normal equations).
/// - Gaussian lasso and elastic net: coordinate descent with covariance updates (ZᵀZ/n and
///   Zᵀy/n once, O(p²) a sweep; glmnet's method) until the KKT conditions hold to `tolerance`.
/// - Logistic and Poisson: proximal Newton, glmnet's IRLS: the quadratic model of −ℓ/n at the
///   current point (one pass over the rows) minimised with the penalty by coordinate descent,
///   then a step along the result, halved until the objective falls enough.
///
/// The KKT conditions, checked from the rows at the end: with vⱼ = ∂(ℓ/n)/∂θⱼ − λ(1 − α)θⱼ,
/// vⱼ = λα·sign θⱼ where θⱼ ≠ 0 and |vⱼ| ≤ λα where θⱼ = 0, and the intercept's score 0.
public struct PenalisedFit: Sendable {
    public let penalty: Penalty
    /// θ on the standardised predictors (intercept first).
    public let standardisedCoefficients: [Double]
    /// β on the original columns.
    public let coefficients: [Double]
    /// The objective at the fit: the mean loss plus the penalty.
    public let objective: Double
    /// log L at the fit, with every constant.
    public let logLikelihood: Double
    /// The largest violation of the KKT conditions, divided by `kktScale`.
    public let kktViolation: Double
    /// max |∂(ℓ/n)/∂θⱼ| at the intercept-only fit: λ at which the lasso's first coefficient
    /// leaves 0 (times α), and the scale of the KKT check.
    public let kktScale: Double
    /// Sweeps of coordinate descent (over all outer steps).
    public let sweeps: Int
    public let outerSteps: Int

    /// KKT tolerance, relative to `kktScale`.
    public static let tolerance = 1e-10

    /// - Parameters:
    ///   - family: nil for the Gaussian model (least squares).
    ///   - start: a warm start θ (from the previous λ of a path).
    public init(standardised sd: StandardisedDesign, y: [Double], family: (any CanonicalFamily)?, penalty: Penalty,
                start: [Double]? = nil) {
        let x = sd.design
        let n = Double(x.rows), p = x.columns
        let z = x.matrix
        let meanY = y.reduce(0, +) / n
        self.penalty = penalty
        let lambda = penalty.lambda, alpha = penalty.alpha
        var theta: [Double]
        var sweeps = 0, outer = 0
        if let family {
            let nullTheta = [family.linkOfMean(meanY)] + [Double](repeating: 0, count: p - 1)
            let null = PenalisedFit.scores(nullTheta, x, y, family)
            let scale = max(1e-300, null.g.dropFirst().map { abs($0) / n }.max() ?? 0)
            theta = start ?? nullTheta
            func loss(_ t: [Double]) -> Double {
                -GeneralizedLinearFit.evaluate(t, x, y, family, derivatives: false).logL / n + penalty.value(t)
            }
            var current = loss(theta)
            while outer < 100 {
                let e = PenalisedFit.scores(theta, x, y, family)
                // Converged when the KKT conditions hold at the current point (no step).
                if PenalisedFit.kkt(theta, gradient: e.g.map { $0 / n }, lambda: lambda, alpha: alpha) <= PenalisedFit.tolerance * scale { break }
                outer += 1
                // The quadratic model in θ′: ½θ′ᵀAθ′ − bᵀθ′, A = H/n, b = g/n + Aθ.
                var a = e.h
                for k in a.storage.indices { a.storage[k] /= n }
                let at = a.times(theta)
                let b = (0..<p).map { e.g[$0] / n + at[$0] }
                var next = theta
                sweeps += PenalisedFit.coordinateDescent(&next, a: a, b: b, lambda: lambda, alpha: alpha, penaliseFirst: false,
                                                         tolerance: 1e-3 * PenalisedFit.tolerance * scale)
                let d = zip(next, theta).map { $0 - $1 }
                // Armijo for a proximal step: the decrease the model predicts, Δ. Once Δ is below
                // what the objective's value resolves (near the optimum, with large counts), the
                // values cannot judge a step: the full proximal Newton step is taken, and the KKT
                // conditions at the next point decide convergence.
                let delta = -zip(e.g, d).reduce(0) { $0 + $1.0 * $1.1 } / n + penalty.value(next) - penalty.value(theta)
                let resolution = 1e-11 * (abs(current) + 1)
                var t = 1.0
                var trial = next
                var value = loss(trial)
                if -delta > resolution {
                    while !(value <= current + 1e-4 * t * delta + 1e-15 * (abs(current) + 1)) && t > 1e-10 {
                        t /= 2
                        trial = zip(theta, d).map { $0 + t * $1 }
                        value = loss(trial)
                    }
                }
                let moved = zip(trial, theta).contains { $0 != $1 }
                guard moved, value <= current + resolution else { break }
                theta = trial
                current = min(value, current)
            }
            let final = PenalisedFit.scores(theta, x, y, family, hessian: false)
            kktScale = scale
            kktViolation = PenalisedFit.kkt(theta, gradient: final.g.map { $0 / n }, lambda: lambda, alpha: alpha) / scale
            logLikelihood = final.logL
            objective = -final.logL / n + penalty.value(theta)
        } else {
            // Centred y and the covariance updates: c = Zᵀ(y − ȳ)/n, G = ZᵀZ/n.
            let yc = y.map { $0 - meanY }
            let q = p - 1
            var c = [Double](repeating: 0, count: q)
            var g = Matrix(rows: q, columns: q)
            for j in 0..<q {
                let zj = z.column(j + 1)
                c[j] = zip(zj, yc).reduce(0) { $0 + $1.0 * $1.1 } / n
                for k in j..<q {
                    let v = zip(zj, z.column(k + 1)).reduce(0) { $0 + $1.0 * $1.1 } / n
                    g[j, k] = v; g[k, j] = v
                }
            }
            let scale = max(1e-300, c.map(abs).max() ?? 0)
            var slopes: [Double]
            if alpha == 0 {
                // Ridge: least squares on [Z/√n; √λ I] against [(y − ȳ)/√n; 0], by QR.
                let rows = x.rows + q
                var aug = Matrix(rows: rows, columns: q)
                let root = 1 / n.squareRoot()
                for j in 0..<q {
                    let zj = z.column(j + 1)
                    for i in 0..<x.rows { aug[i, j] = zj[i] * root }
                    aug[x.rows + j, j] = lambda.squareRoot()
                }
                let rhs = yc.map { $0 * root } + [Double](repeating: 0, count: q)
                slopes = q > 0 ? HouseholderQR(aug, tolerance: 0).leastSquares(rhs).coefficients : []
            } else {
                slopes = start.map { Array($0.dropFirst()) } ?? [Double](repeating: 0, count: q)
                sweeps = PenalisedFit.coordinateDescent(&slopes, a: g, b: c, lambda: lambda, alpha: alpha, penaliseFirst: true,
                                                        tolerance: PenalisedFit.tolerance * scale)
            }
            theta = [meanY] + slopes
            // The KKT check and the objective from the rows, not from G and c.
            let fitted = x.times(theta)
            let residual = zip(y, fitted).map { $0 - $1 }
            let gradient = x.transposeTimes(residual).product.map { $0 / n }
            kktScale = scale
            kktViolation = PenalisedFit.kkt(theta, gradient: gradient, lambda: lambda, alpha: alpha) / scale
            let rss = residual.reduce(0) { $0 + $1 * $1 }
            objective = rss / (2 * n) + penalty.value(theta)
            // The Gaussian log-likelihood at σ̂² = RSS/n.
            logLikelihood = -n / 2 * (log(2 * Double.pi * rss / n) + 1)
        }
        standardisedCoefficients = theta
        coefficients = sd.original(theta)
        self.sweeps = sweeps
        outerSteps = outer
    }

    /// max |∂(ℓ/n)/∂θⱼ| over the predictors at the intercept-only fit: the λ·α at which the
    /// first coefficient leaves 0 (`kktScale`), without fitting.
    public static func gradientScale(standardised sd: StandardisedDesign, y: [Double], family: (any CanonicalFamily)?) -> Double {
        let x = sd.design, n = Double(y.count)
        let meanY = y.reduce(0, +) / n
        let g: [Double]
        if let family {
            g = scores([family.linkOfMean(meanY)] + [Double](repeating: 0, count: x.columns - 1), x, y, family, hessian: false).g
        } else {
            g = x.transposeTimes(y.map { $0 - meanY }).product
        }
        return max(1e-300, g.dropFirst().map { abs($0) / n }.max() ?? 0)
    }

    static func scores(_ theta: [Double], _ x: DesignMatrix, _ y: [Double], _ family: any CanonicalFamily,
                       hessian: Bool = true) -> (logL: Double, g: [Double], h: Matrix) {
        let e = GeneralizedLinearFit.evaluate(theta, x, y, family, derivatives: true, hessian: hessian)
        return (e.logL, e.g, e.h)
    }

    /// The largest violation of the KKT conditions, with `gradient` ∂(ℓ/n)/∂θ (the score: for
    /// least squares Zᵀ(y − Zθ)/n).
    static func kkt(_ theta: [Double], gradient: [Double], lambda: Double, alpha: Double) -> Double {
        var worst = abs(gradient[0])
        for j in 1..<theta.count {
            let v = gradient[j] - lambda * (1 - alpha) * theta[j]
            let violation = theta[j] == 0 ? max(0, abs(v) - lambda * alpha) : abs(v - lambda * alpha * (theta[j] > 0 ? 1 : -1))
            worst = max(worst, violation)
        }
        return worst
    }

    /// Cyclic coordinate descent on ½θᵀAθ − bᵀθ + λ(α‖θ‖₁ + (1 − α)/2‖θ‖²) (the first
    /// coordinate unpenalised unless `penaliseFirst`), until no coordinate's optimality
    /// condition is violated by more than `tolerance` (at most 10⁶ sweeps).
    /// - Returns: the sweeps taken.
    static func coordinateDescent(_ theta: inout [Double], a: Matrix, b: [Double], lambda: Double, alpha: Double, penaliseFirst: Bool,
                                  tolerance: Double) -> Int {
        let p = theta.count
        guard p > 0 else { return 0 }
        // Aθ kept up to date as coordinates move.
        var at = a.times(theta)
        func penalised(_ j: Int) -> Bool { penaliseFirst || j > 0 }
        for sweep in 1...1_000_000 {
            for j in 0..<p {
                let ajj = a[j, j]
                guard ajj > 0 else { continue }
                let rho = b[j] - at[j] + ajj * theta[j]
                let updated: Double
                if penalised(j) {
                    let shrunk = max(0, abs(rho) - lambda * alpha)
                    updated = shrunk == 0 ? 0 : (rho > 0 ? shrunk : -shrunk) / (ajj + lambda * (1 - alpha))
                } else {
                    updated = rho / ajj
                }
                let change = updated - theta[j]
                if change != 0 {
                    for k in 0..<p { at[k] += a[k, j] * change }
                    theta[j] = updated
                }
            }
            // The optimality conditions of the quadratic problem, from a fresh Aθ.
            at = a.times(theta)
            var worst = 0.0
            for j in 0..<p {
                let v = b[j] - at[j]
                if !penalised(j) { worst = max(worst, abs(v)); continue }
                let u = v - lambda * (1 - alpha) * theta[j]
                worst = max(worst, theta[j] == 0 ? max(0, abs(u) - lambda * alpha) : abs(u - lambda * alpha * (theta[j] > 0 ? 1 : -1)))
            }
            if worst <= tolerance { return sweep }
        }
        return 1_000_000
    }
}
