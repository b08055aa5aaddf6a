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

/// Gradient descent (on the original and on standardised columns) and Newton's method on the
/// mean loss of a least-squares or logistic fit, in every dimension: the conditioning lesson
/// of the one-predictor page, for the whole Hessian.
///
/// The mean losses: least squares, MSE(β) = ‖y − Xβ‖²/n, whose gradient and Hessian come from
/// XᵀX/n and Xᵀy/n once (a step costs O(p²)); logistic, the mean cross-entropy, whose gradient
/// (1/n)Xᵀ(σ(Xβ) − y) costs a pass over the rows per step. Gradient descent takes the fixed
/// step 1/L, L the largest curvature anywhere (2λ_max(XᵀX/n); for the cross-entropy
/// ¼λ_max(XᵀX/n), since σ′ ≤ ¼). Standardising maps each non-intercept column to
/// zⱼ = (xⱼ − x̄ⱼ)/sⱼ: with θ the coefficients there, β = Aθ, so the loss in θ has gradient
/// Aᵀ∇ and curvature AᵀHA, and its path maps back through A.
public struct SeveralDescents: Sendable {
    public let raw: SeveralPath
    public let standardised: SeveralPath
    public let newton: SeveralPath
    /// Condition numbers of the mean loss's Hessian at the MLE, raw and standardised.
    public var rawCondition: Double
    public var standardisedCondition: Double
    /// The flattest direction of the standardised Hessian (its eigenvector of the smallest
    /// eigenvalue), per design column: large components name the columns that move together.
    public let flattest: [Double]
    public let stepBudget: Int

    /// - Parameters:
    ///   - qr: the design's QR decomposition, whose RᵀR is XᵀX (no further pass over the rows).
    ///   - hessian: the mean loss's Hessian at the MLE (2XᵀX/n, or XᵀWX/n).
    public static func run(x: DesignMatrix, y: [Double], logistic: Bool, mle: [Double], standardErrors: [Double], qr: HouseholderQR,
                           hessian: Matrix, stepBudget: Int) -> SeveralDescents {
        let n = Double(x.rows), p = x.columns
        // XᵀX/n from R, and Xᵀy/n in one pass.
        let r = qr.r
        var gram = r.transposed.times(r)
        for k in gram.storage.indices { gram.storage[k] /= n }
        let cross = x.transposeTimes(y).product.map { $0 / n }
        let yy = y.reduce(0) { $0 + $1 * $1 } / n
        // The standardisation as β = Aθ.
        var means = [Double](repeating: 0, count: p), scales = [Double](repeating: 1, count: p)
        for j in 1..<max(1, p) {
            let c = x.column(j)
            means[j] = c.reduce(0, +) / n
            scales[j] = max(1e-300, (c.reduce(0) { $0 + ($1 - means[j]) * ($1 - means[j]) } / n).squareRoot())
        }
        var a = Matrix.identity(p)
        for j in 1..<max(1, p) { a[j, j] = 1 / scales[j]; a[0, j] = -means[j] / scales[j] }
        let at = a.transposed

        /// Mean loss and gradient in β.
        func lossAndGradient(_ beta: [Double]) -> (Double, [Double]) {
            if !logistic {
                let gb = gram.times(beta)
                let value = zip(beta, gb).reduce(0) { $0 + $1.0 * $1.1 } - 2 * zip(cross, beta).reduce(0) { $0 + $1.0 * $1.1 } + yy
                return (value, zip(gb, cross).map { 2 * ($0 - $1) })
            }
            let e = GeneralizedLinearFit.evaluate(beta, x, y, BernoulliLogit(), derivatives: true, hessian: false)
            return (-e.logL / n, e.g.map { -$0 / n })
        }
        let minimum = lossAndGradient(mle).0
        func distance(_ beta: [Double]) -> Double {
            zip(zip(beta, mle), standardErrors).map { abs($0.0 - $0.1) / $1 }.max() ?? 0
        }
        let curvatureScale = logistic ? 0.25 : 2.0
        func descend(standardised: Bool) -> SeveralPath {
            let metric = standardised ? at.times(gram).times(a) : gram
            let lipschitz = curvatureScale * (SymmetricEigen(metric).values.last ?? 1)
            let step = 1 / lipschitz
            var theta = [Double](repeating: 0, count: p)
            var path = SeveralPath()
            path.learningRate = step
            func beta(_ t: [Double]) -> [Double] { standardised ? a.times(t) : t }
            func keep(_ k: Int, _ value: Double) {
                path.points.append((k, beta(theta)))
                path.gaps.append(max(0, value - minimum))
            }
            var (value, gradient) = lossAndGradient(beta(theta))
            keep(0, value)
            let thin = max(1, stepBudget / 300)
            for k in 1...stepBudget {
                let g = standardised ? at.times(gradient) : gradient
                let next = zip(theta, g).map { $0 - step * $1 }
                // Negligible steps: no coefficient moves by 10⁻¹⁴ of its size.
                let negligible = zip(next, theta).allSatisfy { abs($0 - $1) <= 1e-14 * max(abs($0), 1e-300) }
                theta = next
                (value, gradient) = lossAndGradient(beta(theta))
                path.iterations = k
                if k <= 100 || k % thin == 0 || negligible || k == stepBudget { keep(k, value) }
                if negligible { break }
            }
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
        // Newton from the same start, with step-halving, until it is within 10⁻⁹ standard
        // errors. For least squares one step from anywhere solves the normal equations
        // exactly: it lands on the MLE, which the fit found by QR (Cholesky of XᵀX would lose
        // what the condition number squares away).
        var newton = SeveralPath()
        var beta = [Double](repeating: 0, count: p)
        var (value, gradient) = lossAndGradient(beta)
        func keep(_ k: Int) {
            newton.points.append((k, beta)); newton.gaps.append(max(0, value - minimum))
            newton.iterations = k
        }
        keep(0)
        if !logistic {
            beta = mle
            value = minimum
            keep(1)
        }
        var k = 0
        while logistic && k < 100 && distance(beta) > 1e-9 {
            k += 1
            // The mean cross-entropy's Hessian at β, XᵀWX/n.
            var h = GeneralizedLinearFit.evaluate(beta, x, y, BernoulliLogit(), derivatives: true).h
            for i in h.storage.indices { h.storage[i] /= n }
            guard let c = Cholesky(h) else { break }
            let delta = c.solve(gradient)
            var t = 1.0
            var trial = zip(beta, delta).map { $0 - $1 }
            var next = lossAndGradient(trial)
            while next.0 > value && t > 1e-12 {
                t /= 2
                trial = zip(beta, delta).map { $0 - t * $1 }
                next = lossAndGradient(trial)
            }
            beta = trial
            (value, gradient) = next
            keep(k)
        }
        newton.distance = distance(beta)
        // Conditioning at the MLE, raw and standardised.
        let rawEigen = SymmetricEigen(hessian)
        let standardisedEigen = SymmetricEigen(at.times(hessian).times(a))
        return SeveralDescents(raw: raw, standardised: standardised, newton: newton, rawCondition: rawEigen.conditionNumber,
                               standardisedCondition: standardisedEigen.conditionNumber,
                               flattest: standardisedEigen.vectors.column(0), stepBudget: stepBudget)
    }
}
