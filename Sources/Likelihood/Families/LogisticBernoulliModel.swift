import Foundation

/// The fitted logistic-Bernoulli model `P(y = 1 | x) = σ(w·x + b)`.
public struct LogisticFit: Equatable, Sendable {
    public var n: Int
    public var w: Coefficient
    public var b: Coefficient
    /// Inverse observed information at the MLE: var(ŵ), cov(ŵ, b̂), var(b̂).
    public var covariance: (ww: Double, wb: Double, bb: Double)
    /// log L at the MLE (natural log).
    public var logLikelihood: Double
    /// log L of the intercept-only model, `k log(k/n) + (n−k) log(1 − k/n)`.
    public var nullLogLikelihood: Double
    /// McFadden's pseudo-R², `1 − log L / log L₀`.
    public var pseudoRSquared: Double
    public var aic: Double
    public var bic: Double
    public var iterations: Int
    public var converged: Bool
    /// Newton's iterates from (0, 0) to the MLE.
    public var path: [Parameters]

    public static func == (a: LogisticFit, b: LogisticFit) -> Bool {
        a.n == b.n && a.w == b.w && a.b == b.b && a.logLikelihood == b.logLikelihood && a.path == b.path
    }
}

/// Maximum likelihood for the logistic-Bernoulli model.
///
/// The negative log-likelihood of labels `y ∈ {0, 1}` is `Σ softplus(ηᵢ) − yᵢ ηᵢ` with
/// `ηᵢ = w xᵢ + b`: exactly the summed binary cross-entropy. It is convex; Newton–Raphson with
/// step-halving finds its minimum when one exists, and `separation(x:y:)` says when it does not.
public enum LogisticBernoulliModel {
    public static let parameterCount = 2

    /// Checks that the data can have a logistic MLE: equal lengths, at least 3 points, a
    /// non-constant x, labels in {0, 1}, both classes present, and no separation.
    public static func validate(x: [Double], y: [Double]) throws {
        guard x.count == y.count else { throw FitError.lengthMismatch(x: x.count, y: y.count) }
        guard x.count >= 3 else { throw FitError.tooFewPoints(n: x.count, needed: 3) }
        // One pass: the first label that is not 0 or 1, and each class's range of x.
        var min0 = Double.infinity, max0 = -Double.infinity
        var min1 = Double.infinity, max1 = -Double.infinity
        var bad: Int? = nil
        x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                for i in 0..<x.count {
                    let xi = x[i], yi = y[i]
                    if yi == 1 {
                        min1 = min(min1, xi); max1 = max(max1, xi)
                    } else if yi == 0 {
                        min0 = min(min0, xi); max0 = max(max0, xi)
                    } else {
                        bad = i
                        break
                    }
                }
            }
        }
        if let i = bad { throw FitError.labelNotBinary(row: i, value: y[i]) }
        if !min1.isFinite { throw FitError.singleClass(label: 0) }
        if !min0.isFinite { throw FitError.singleClass(label: 1) }
        if min(min0, min1) == max(max0, max1) { throw FitError.constantPredictor }
        if let s = separation(min0: min0, max0: max0, min1: min1, max1: max1) { throw FitError.separation(s) }
    }

    /// Detects complete or quasi-complete separation of one predictor.
    ///
    /// With a single x and an intercept, the MLE exists exactly when the two classes overlap
    /// strictly: some y = 0 lies above some y = 1 and some y = 1 above some y = 0. Otherwise a
    /// threshold splits them (with ties at the threshold for the quasi-complete case).
    public static func separation(x: [Double], y: [Double]) -> Separation? {
        var min0 = Double.infinity, max0 = -Double.infinity
        var min1 = Double.infinity, max1 = -Double.infinity
        for (xi, yi) in zip(x, y) {
            if yi == 1 { min1 = min(min1, xi); max1 = max(max1, xi) } else { min0 = min(min0, xi); max0 = max(max0, xi) }
        }
        return separation(min0: min0, max0: max0, min1: min1, max1: max1)
    }

    /// Separation from each class's range of x.
    static func separation(min0: Double, max0: Double, min1: Double, max1: Double) -> Separation? {
        guard min0.isFinite, min1.isFinite else { return nil }
        if max0 < min1 { return Separation(kind: .complete, onesAbove: true, threshold: (max0 + min1) / 2) }
        if max1 < min0 { return Separation(kind: .complete, onesAbove: false, threshold: (max1 + min0) / 2) }
        if max0 == min1 { return Separation(kind: .quasiComplete, onesAbove: true, threshold: max0) }
        if max1 == min0 { return Separation(kind: .quasiComplete, onesAbove: false, threshold: max1) }
        return nil
    }

    /// The negative log-likelihood with its gradient and Hessian, in one pass.
    struct Evaluation {
        var nll = 0.0
        var gw = 0.0, gb = 0.0
        var hww = 0.0, hwb = 0.0, hbb = 0.0

        static func + (l: Evaluation, r: Evaluation) -> Evaluation {
            Evaluation(nll: l.nll + r.nll, gw: l.gw + r.gw, gb: l.gb + r.gb,
                       hww: l.hww + r.hww, hwb: l.hwb + r.hwb, hbb: l.hbb + r.hbb)
        }
    }

    /// One pass over the data. With `full`, the objective and the Hessian too (Newton needs
    /// them); without, only the gradient (gradient descent needs nothing else).
    ///
    /// `softplus(η)` and `σ(η)` share one `exp(−|η|)`: that exponential is most of the cost.
    static func evaluate(_ theta: Parameters, _ data: LogisticData, full: Bool = true) -> Evaluation {
        data.x.withUnsafeBufferPointer { x in
            data.ones.withUnsafeBufferPointer { y in
                ParallelSum.reduce(count: x.count, zero: Evaluation(), { range in
                    var e = Evaluation()
                    if let counts = data.counts {
                        // Grouped: m rows at x with k ones contribute m·softplus(η) − k·η. Binned
                        // groups add the second-order term ½ p(1 − p)·w²·S of their spread
                        // (`spreadTerm`), with its derivatives, so that Newton, the descents and
                        // the interval searches all work on one objective.
                        let spread = data.spread ?? []
                        for i in range {
                            let xi = x[i], m = counts[i], eta = theta.w * xi + theta.b
                            let t = exp(-abs(eta))
                            let p = eta >= 0 ? 1 / (1 + t) : t / (1 + t)
                            let r = m * p - y[i]
                            e.gw += r * xi
                            e.gb += r
                            if full {
                                e.nll += m * (max(eta, 0) + log1p(t)) - y[i] * eta
                                let v = m * p * (1 - p)
                                e.hww += v * xi * xi
                                e.hwb += v * xi
                                e.hbb += v
                            }
                            if !spread.isEmpty { spreadTerm(&e, p: p, x: xi, w: theta.w, spread: spread[i], full: full) }
                        }
                        return e
                    }
                    // Σ log(1 + t) as the logarithm of products of 16 factors (each in (1, 2],
                    // so a product stays below 2¹⁶): one logarithm per 16 rows instead of one
                    // per row, at a rounding of a few units in the last place of 1 per product.
                    var product = 1.0, factors = 0
                    for i in range {
                        let xi = x[i], eta = theta.w * xi + theta.b
                        let t = exp(-abs(eta))
                        let p = eta >= 0 ? 1 / (1 + t) : t / (1 + t)
                        let r = p - y[i]
                        e.gw += r * xi
                        e.gb += r
                        if full {
                            e.nll += max(eta, 0) - y[i] * eta
                            product *= 1 + t
                            factors += 1
                            if factors == 16 { e.nll += log(product); product = 1; factors = 0 }
                            let v = p * (1 - p)
                            e.hww += v * xi * xi
                            e.hwb += v * xi
                            e.hbb += v
                        }
                    }
                    if full { e.nll += log(product) }
                    return e
                }, combine: +)
            }
        }
    }

    /// Adds a bin's second-order term `T = ½ w² S v(η)`, `v = p(1 − p)`, `η = w x̄ + b`, and
    /// its derivatives (`v′ = v(1 − 2p)`, `v″ = v(1 − 6v)`):
    /// `∂T/∂b = ½w²S v′`, `∂T/∂w = wS v + ½w²S v′ x̄`,
    /// `∂²T/∂b² = ½w²S v″`, `∂²T/∂w∂b = wS v′ + ½w²S v″ x̄`, `∂²T/∂w² = S v + 2wS v′ x̄ + ½w²S v″ x̄²`.
    @inline(__always)
    static func spreadTerm(_ e: inout Evaluation, p: Double, x: Double, w: Double, spread: Double, full: Bool) {
        let v = p * (1 - p), dv = v * (1 - 2 * p)
        let a = 0.5 * w * w * spread, ws = w * spread
        e.gw += ws * v + a * dv * x
        e.gb += a * dv
        if full {
            let ddv = v * (1 - 6 * v)
            e.nll += a * v
            e.hww += spread * v + 2 * ws * dv * x + a * ddv * x * x
            e.hwb += ws * dv + a * ddv * x
            e.hbb += a * ddv
        }
    }

    /// `−log L(w, b)` from (possibly grouped) data. - Complexity: O(distinct x).
    public static func negativeLogLikelihood(_ theta: Parameters, _ data: LogisticData) -> Double {
        // The objective alone (surfaces evaluate it thousands of times): no gradient or Hessian.
        data.x.withUnsafeBufferPointer { x in
            data.ones.withUnsafeBufferPointer { y in
                ParallelSum.reduce(count: x.count, zero: 0.0, { range in
                    var total = 0.0
                    if let counts = data.counts {
                        let spread = data.spread ?? [], w2 = theta.w * theta.w
                        for i in range {
                            let eta = theta.w * x[i] + theta.b
                            let t = exp(-abs(eta))
                            total += counts[i] * (max(eta, 0) + log1p(t)) - y[i] * eta
                            if !spread.isEmpty {
                                let p = eta >= 0 ? 1 / (1 + t) : t / (1 + t)
                                total += 0.5 * p * (1 - p) * w2 * spread[i]
                            }
                        }
                    } else {
                        for i in range {
                            let eta = theta.w * x[i] + theta.b
                            total += max(eta, 0) + log1p(exp(-abs(eta))) - y[i] * eta
                        }
                    }
                    return total
                }, combine: +)
            }
        }
    }

    /// The objective and its gradient as `evaluate` gives them (the Hessian only of the binned
    /// second-order term: callers use the value and gradient), with softplus and σ from
    /// `SoftplusTable`: for what is only drawn (the traced confidence region, the
    /// gradient-descent paths), never for reported numbers. σ comes from the table's
    /// derivative, within `SoftplusTable.curvatureError` (σ(−t) = −g′(t)).
    static func surfaceEvaluate(_ theta: Parameters, _ data: LogisticData, objective: Bool = true) -> Evaluation {
        SoftplusTable.withTable { c in
            data.x.withUnsafeBufferPointer { x in
                data.ones.withUnsafeBufferPointer { y in
                    ParallelSum.reduce(count: x.count, zero: Evaluation(), { range in
                        var e = Evaluation()
                        let w = theta.w, b = theta.b
                        let counts = data.counts, spread = data.spread
                        for i in range {
                            let xi = x[i], m = counts?[i] ?? 1, eta = w * xi + b
                            let (value, lower) = SoftplusTable.softplusAndLowerTail(eta, c)
                            // σ(η) from σ(−|η|).
                            let p = eta >= 0 ? 1 - lower : lower
                            let r = m * p - y[i]
                            e.gw += r * xi
                            e.gb += r
                            if objective { e.nll += m * value - y[i] * eta }
                            if let spread { spreadTerm(&e, p: p, x: xi, w: w, spread: spread[i], full: objective) }
                        }
                        return e
                    }, combine: +)
                }
            }
        }
    }

    /// `negativeLogLikelihood` for sampled surfaces and contours, at many points in one pass
    /// over the data (a grid row): softplus and its curvature come from `SoftplusTable`, within
    /// `SoftplusTable.valueError` per row (or bin) and `curvatureError` per unit of the
    /// second-order term (`LogisticData.surfaceErrorBound`). Each point's terms are added in
    /// row order, so a point's value does not depend on the others in the batch. Fits,
    /// intervals and reported log-likelihoods use the exact `negativeLogLikelihood`.
    public static func surfaceNegativeLogLikelihoods(_ points: [Parameters], _ data: LogisticData) -> [Double] {
        let k = points.count
        var total = [Double](repeating: 0, count: k)
        let ws = points.map(\.w), bs = points.map(\.b)
        let halves = ws.map { 0.5 * $0 * $0 }
        SoftplusTable.withTable { c in
            total.withUnsafeMutableBufferPointer { acc in
                ws.withUnsafeBufferPointer { w in
                    bs.withUnsafeBufferPointer { b in
                        halves.withUnsafeBufferPointer { half in
                            data.x.withUnsafeBufferPointer { x in
                                data.ones.withUnsafeBufferPointer { y in
                                    let counts = data.counts, spread = data.spread
                                    for i in 0..<x.count {
                                        let xi = x[i], yi = y[i], m = counts?[i] ?? 1
                                        if let spread {
                                            let si = spread[i]
                                            for j in 0..<k {
                                                let eta = w[j] * xi + b[j]
                                                let (value, curvature) = SoftplusTable.softplusAndCurvature(eta, c)
                                                acc[j] += m * value - yi * eta + half[j] * curvature * si
                                            }
                                        } else {
                                            for j in 0..<k {
                                                let eta = w[j] * xi + b[j]
                                                acc[j] += m * SoftplusTable.softplus(eta, c) - yi * eta
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return total
    }

    /// Mean cross-entropy `−log L / n` from (possibly grouped) data.
    public static func meanCrossEntropy(_ theta: Parameters, _ data: LogisticData) -> Double {
        negativeLogLikelihood(theta, data) / Double(data.n)
    }

    /// `−log L(w, b) = Σ softplus(w xᵢ + b) − yᵢ (w xᵢ + b)`. - Complexity: O(n).
    public static func negativeLogLikelihood(_ theta: Parameters, x: [Double], y: [Double]) -> Double {
        var total = 0.0
        for i in x.indices {
            let eta = theta.w * x[i] + theta.b
            total += Numerics.softplus(eta) - y[i] * eta
        }
        return total
    }

    /// Mean binary cross-entropy `−(1/n) Σ yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)`, written through
    /// `log p = −softplus(−η)` and `log(1 − p) = −softplus(η)`. - Complexity: O(n).
    /// A term whose weight is 0 (every term, for 0/1 labels) is not evaluated; the rows are
    /// summed in fixed segments on all cores (`ParallelSum`).
    public static func meanCrossEntropy(_ theta: Parameters, x: [Double], y: [Double]) -> Double {
        let total = x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                ParallelSum.reduce(count: x.count, zero: 0.0, { range in
                    var total = 0.0
                    for i in range {
                        let eta = theta.w * x[i] + theta.b
                        if y[i] == 1 {
                            total += Numerics.softplus(-eta)
                        } else if y[i] == 0 {
                            total += Numerics.softplus(eta)
                        } else {
                            total += y[i] * Numerics.softplus(-eta) + (1 - y[i]) * Numerics.softplus(eta)
                        }
                    }
                    return total
                }, combine: +)
            }
        }
        return total / Double(x.count)
    }

    /// Fits the model by Newton–Raphson from (0, 0) with step-halving.
    /// - Throws: `FitError` when the data admit no MLE (see `validate`).
    /// - Complexity: O(n) per iteration, usually 5–10 iterations.
    public static func fit(x: [Double], y: [Double]) throws -> LogisticFit {
        try validate(x: x, y: y)
        return try fit(LogisticData(x: x, y: y))
    }

    /// Fits data that passed `validate` by Newton–Raphson from (0, 0) with step-halving.
    public static func fit(_ data: LogisticData) throws -> LogisticFit {
        try fit(data, continuing: nil)
    }

    /// Fits `data` with the several-predictor fitter (`GeneralizedLinearFit.maximise`: Newton
    /// with step-halving, one pass per step) on the design [1, x] of its rows, distinct x
    /// (each a group of m rows with k ones: weight m, share k/m) or bins, from (0, 0) or from
    /// `start`, a fit of the same rows binned (`LogisticData.binned`), whose optimum lies a
    /// quadratic step or two from the exact one: at 10⁷ rows a few passes over the data
    /// instead of 9. The path and the iteration count carry on from the binned fit's, so they
    /// still tell the whole descent from (0, 0). Binned data add their second-order term
    /// (`spreadTerm`) to the objective, so the fit is the binned objective's own optimum.
    /// - Throws: `GLMError.noMaximum` if Newton finds none (data that passed `validate` have one).
    public static func fit(_ data: LogisticData, continuing start: LogisticFit?) throws -> LogisticFit {
        let n = data.n
        let design = DesignMatrix.line(data.x)
        let shares = data.counts.map { zip(data.ones, $0).map { $0 / $1 } } ?? data.ones
        var path = start?.path ?? []
        let from: [Double] = start.map { [$0.b.estimate, $0.w.estimate] } ?? [0, 0]
        let result = try GeneralizedLinearFit.maximise(from: from, x: design, y: shares, family: BernoulliLogit(), terms: design.terms.map(\.name),
                                                       weights: data.counts, extra: data.spread.map { spreadObjective(data, spread: $0) }, onStep: { beta in
            let point = Parameters(w: beta[1], b: beta[0])
            guard path.last != point else { return }
            path.append(point)
            if path.count > 1 {
                FitProgress.note("logistic: Newton step \(path.count - 1) on \(data.x.count) \(data.counts == nil ? "rows" : "bins")")
            }
        })
        // Covariance: the inverse of the observed information at the MLE.
        let cov = result.information.inverse
        let (vbb, vwb, vww) = (cov[0, 0], cov[0, 1], cov[1, 1])
        let ones = data.ones.reduce(0, +)
        let p0 = ones / Double(n)
        let nullLogL = ones * log(p0) + (Double(n) - ones) * log1p(-p0)
        let logL = result.logL
        let z = Distributions.normalQuantile975
        let k = Double(parameterCount)
        return LogisticFit(n: n,
                           w: Coefficient(estimate: result.beta[1], standardError: vww.squareRoot(), quantile: z,
                                          pValue: Distributions.normalTwoSidedP),
                           b: Coefficient(estimate: result.beta[0], standardError: vbb.squareRoot(), quantile: z,
                                          pValue: Distributions.normalTwoSidedP),
                           covariance: (vww, vwb, vbb),
                           logLikelihood: logL, nullLogLikelihood: nullLogL,
                           pseudoRSquared: 1 - logL / nullLogL,
                           aic: 2 * k - 2 * logL, bic: k * log(Double(n)) - 2 * logL,
                           iterations: (start?.iterations ?? 0) + result.iterations, converged: true, path: path)
    }

    /// The binned objective's second-order terms (`spreadTerm`, summed over the bins) as a
    /// term of the fitter's log-likelihood over β = (b, w): minus their sum, gradient and
    /// Hessian.
    static func spreadObjective(_ data: LogisticData, spread: [Double]) -> ObjectiveTerm {
        { beta, _ in
            let theta = Parameters(w: beta[1], b: beta[0])
            var e = Evaluation()
            for i in data.x.indices {
                let eta = theta.w * data.x[i] + theta.b
                let t = exp(-abs(eta))
                let p = eta >= 0 ? 1 / (1 + t) : t / (1 + t)
                spreadTerm(&e, p: p, x: data.x[i], w: theta.w, spread: spread[i], full: true)
            }
            var information = Matrix(rows: 2, columns: 2)
            information[0, 0] = e.hbb; information[0, 1] = e.hwb; information[1, 0] = e.hwb; information[1, 1] = e.hww
            return (-e.nll, [-e.gb, -e.gw], information)
        }
    }

    /// Gradient of the mean cross-entropy, `(1/n) Σ (pᵢ − yᵢ)(xᵢ, 1)`. - Complexity: O(distinct x).
    public static func meanCrossEntropyGradient(_ theta: Parameters, _ data: LogisticData) -> (Double, Double) {
        let e = evaluate(theta, data, full: false)
        let n = Double(data.n)
        return (e.gw / n, e.gb / n)
    }

    /// `meanCrossEntropyGradient` with σ from `SoftplusTable` (for binned data, whose paths
    /// are drawn but not reported; within `curvatureError` per row).
    public static func surfaceMeanCrossEntropyGradient(_ theta: Parameters, _ data: LogisticData) -> (Double, Double) {
        let e = surfaceEvaluate(theta, data, objective: false)
        let n = Double(data.n)
        return (e.gw / n, e.gb / n)
    }
}
