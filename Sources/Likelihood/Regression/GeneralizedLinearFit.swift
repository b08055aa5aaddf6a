import Dispatch
import Foundation

/// Why a several-predictor likelihood has no maximum to report.
public enum GLMError: Error, Equatable, CustomStringConvertible {
    /// The log-likelihood keeps rising without bound along a direction of β: for Bernoulli
    /// labels, a combination of the predictors that separates the ones from the zeros
    /// (completely or quasi-completely); for counts, zeros that a combination can push to −∞.
    case noMaximum(family: String, terms: [String])
    /// Every response equal: nothing to explain.
    case constantResponse(family: String, value: Double)

    public var description: String {
        switch self {
        case let .noMaximum(family, terms):
            let along = terms.map { Message.escaped($0) }.joined(separator: ", ")
            if family == "bernoulli" {
                return "no maximum-likelihood estimate: a combination of \(along) separates the ones from the zeros (complete or quasi-complete separation), so the likelihood keeps rising as those coefficients grow without bound; leave one of them out or merge the levels involved"
            }
            return "no maximum-likelihood estimate: the likelihood keeps rising as the coefficients of \(along) grow without bound (counts that are all zero where that combination is extreme); leave one of them out"
        case let .constantResponse(family, value):
            return "every response is \(shortNumber(value)): a \(family) model has nothing to explain"
        }
    }
}

/// A term of an objective beside the rows' log-densities: its value at β, and with
/// `derivatives` its gradient and its information (minus its Hessian), over β's coefficients.
typealias ObjectiveTerm = (_ beta: [Double], _ derivatives: Bool) -> (value: Double, gradient: [Double], information: Matrix)

/// The maximum-likelihood fit of a canonical-link family on a design matrix by Newton's
/// method (IRLS) with step-halving, one pass over the rows per step: g = Xᵀ(y − μ),
/// H = XᵀWX, δ = H⁻¹g by Cholesky. The same fitter serves every family; a penalty would add
/// its gradient and curvature to g and H.
///
/// Standard errors come from the inverse observed information H⁻¹ at β̂ (as R's `glm`), with
/// z statistics and normal p-values.
///
/// Grouped data and weights (issue 22): each row's log-density counts `weights[i]` times
/// (frequency weights; for binomial groups the number of trials times the frequency, with y
/// the share of successes), an `offset` adds to every η (log exposure), and `constant` (the
/// log binomial coefficients of grouped rows, which no coefficient changes) is added to every
/// log-likelihood, so that log L is the grouped data's own while every difference, gradient
/// and Hessian is the expanded rows'.
public struct GeneralizedLinearFit: Sendable {
    public let design: DesignMatrix
    public let familyName: String
    public let coefficients: [Double]
    public let estimates: [TermEstimate]
    /// H⁻¹ at β̂, in the design's term order.
    public let covariance: Matrix
    public let logLikelihood: Double
    /// The log-likelihood of the intercept-only model.
    public let nullLogLikelihood: Double
    /// 2 (ℓ_saturated − ℓ(β̂)).
    public let deviance: Double
    public let iterations: Int
    /// Newton's iterates from the start (the intercept-only fit) to the estimate.
    public let path: [[Double]]
    /// The QR decomposition of the design (its identification, and its collinearity).
    public let qr: HouseholderQR
    /// Each row's weight (nil: 1), the offset added to η (nil: 0) and the constant added to
    /// log L (see above).
    public let weights: [Double]?
    public let offset: [Double]?
    public let constant: Double
    /// Observations for BIC: the rows, or the sum of the frequency weights (for binomial
    /// groups, the number of groups, as R's `nobs`).
    public let observations: Double
    public var n: Int { design.rows }
    public var p: Int { design.columns }
    public var aic: Double { 2 * Double(p) - 2 * logLikelihood }
    public var bic: Double { log(observations) * Double(p) - 2 * logLikelihood }

    /// At most this many Newton steps: from the intercept-only start a well-posed fit needs
    /// under 15; a likelihood without a maximum runs on (β grows by about a constant per step).
    public static let maxIterations = 100

    /// - Parameters:
    ///   - weights: each row's weight, positive (nil: every row once).
    ///   - offset: added to each row's η (nil: none).
    ///   - constant: added to log L (nil weights: 0).
    ///   - observations: n for BIC (nil: the rows).
    public init<F: CanonicalFamily>(design: DesignMatrix, y: [Double], family: F, weights: [Double]? = nil, offset: [Double]? = nil,
                                    constant: Double = 0, observations: Double? = nil) throws {
        precondition(y.count == design.rows, "one response per row")
        qr = try design.checkIdentified()
        let totalWeight = weights.map { $0.reduce(0, +) } ?? Double(y.count)
        let meanY = (weights.map { zip($0, y).reduce(0) { $0 + $1.0 * $1.1 } } ?? y.reduce(0, +)) / totalWeight
        // A constant response has a maximum only where its mean has a finite link (constant
        // counts c > 0: β = (log c, 0, …)); all zeros, or all one label, have none.
        if y.allSatisfy({ $0 == y[0] }) && !family.linkOfMean(meanY).isFinite {
            throw GLMError.constantResponse(family: family.name, value: y[0])
        }
        var start = [family.linkOfMean(meanY)] + [Double](repeating: 0, count: design.columns - 1)
        if let offset {
            // The intercept-only model with an offset has no closed form in general: its own
            // Newton fit, from the link of the mean less the mean offset.
            let meanOffset = (weights.map { zip($0, offset).reduce(0) { $0 + $1.0 * $1.1 } } ?? offset.reduce(0, +)) / totalWeight
            if let intercept = design.terms.firstIndex(where: { $0.column == nil && $0.level == nil }),
               let null = try? GeneralizedLinearFit.maximise(from: [start[0] - meanOffset], x: design, y: y, family: family,
                                                              terms: [design.terms[intercept].name], active: [intercept], offset: offset,
                                                              weights: weights) {
                start = [Double](repeating: 0, count: design.columns)
                start[intercept] = null.beta[0]
            } else {
                start[0] -= meanOffset
            }
        }
        let null = GeneralizedLinearFit.logLikelihood(start, design, y, family, offset: offset, weights: weights) + constant
        var path: [[Double]] = []
        let result = try GeneralizedLinearFit.maximise(from: start, x: design, y: y, family: family, terms: design.terms.map(\.name),
                                                       offset: offset, weights: weights, onStep: { path.append($0) })
        self.path = path
        let cov = result.information.inverse
        let q = Distributions.normalQuantile975
        estimates = design.terms.indices.map { j in
            TermEstimate(term: design.terms[j].name,
                         coefficient: Coefficient(estimate: result.beta[j], standardError: cov[j, j].squareRoot(), quantile: q,
                                                  pValue: Distributions.normalTwoSidedP))
        }
        self.design = design
        familyName = family.name
        coefficients = result.beta
        covariance = cov
        logLikelihood = result.logL + constant
        nullLogLikelihood = null
        let saturated = weights.map { w in zip(w, y).reduce(0) { $0 + $1.0 * family.saturatedLogDensity($1.1) } }
            ?? y.reduce(0) { $0 + family.saturatedLogDensity($1) }
        deviance = 2 * (saturated - result.logL)
        iterations = result.iterations
        self.weights = weights
        self.offset = offset
        self.constant = constant
        self.observations = observations ?? Double(y.count)
    }

    /// The fit's own offset plus `extra` (either may be absent).
    func offset(adding extra: [Double]?) -> [Double]? {
        guard let extra else { return offset }
        guard let offset else { return extra }
        return zip(offset, extra).map(+)
    }

    /// log L at β on this fit's rows, with its weights, offset and constant.
    public func logLikelihood<F: CanonicalFamily>(at beta: [Double], y: [Double], family: F, active: [Int]? = nil, offset extra: [Double]? = nil) -> Double {
        GeneralizedLinearFit.evaluate(beta, design, y, family, derivatives: false, active: active, offset: offset(adding: extra), weights: weights).logL + constant
    }

    /// The gradient and information at β on this fit's rows, with its weights and offset.
    public func derivatives<F: CanonicalFamily>(at beta: [Double], y: [Double], family: F) -> (g: [Double], h: Matrix) {
        let e = GeneralizedLinearFit.evaluate(beta, design, y, family, derivatives: true, offset: offset, weights: weights)
        return (e.g, e.h)
    }

    public func estimate(_ term: String) -> Coefficient? { estimates.first { $0.term == term }?.coefficient }

    /// Σ log p(yᵢ | xᵢᵀβ), over the `active` columns of `x` (all when nil) plus an `offset`.
    public static func logLikelihood<F: CanonicalFamily>(_ beta: [Double], _ x: DesignMatrix, _ y: [Double], _ family: F,
                                                         active: [Int]? = nil, offset: [Double]? = nil, weights: [Double]? = nil) -> Double {
        evaluate(beta, x, y, family, derivatives: false, active: active, offset: offset, weights: weights).logL
    }

    /// The gradient Xᵀ(y − μ) and the information XᵀWX at β.
    public static func derivatives<F: CanonicalFamily>(_ beta: [Double], _ x: DesignMatrix, _ y: [Double], _ family: F) -> (g: [Double], h: Matrix) {
        let e = evaluate(beta, x, y, family, derivatives: true)
        return (e.g, e.h)
    }

    /// The log-likelihood at β and, with `derivatives`, the gradient and information: one
    /// pass over the rows, in fixed segments on every core (`ParallelSum`: the same bits on
    /// any number of cores). Within a segment η, the densities and the p(p + 1)/2 weighted
    /// cross-products run column by column over contiguous memory.
    /// - Complexity: O(n p²) with derivatives, O(n p) without.
    ///
    /// `active`: the columns of `x` that `beta` weighs, in order (the others' coefficients are
    /// held at 0: a model without them, with no copy of the rest).
    static func evaluate<F: CanonicalFamily>(_ beta: [Double], _ x: DesignMatrix, _ y: [Double], _ family: F, derivatives: Bool,
                                             active: [Int]? = nil, offset: [Double]? = nil, hessian: Bool = true, weights: [Double]? = nil)
        -> (logL: Double, g: [Double], h: Matrix, etaRange: ClosedRange<Double>) {
        let n = x.rows
        let columns = active ?? Array(0..<x.columns)
        let p = columns.count
        // The sums, then the least and the largest η (for the fitter's check of extremes).
        let sums = derivatives ? 1 + p + (hessian ? p * (p + 1) / 2 : 0) : 1
        let width = sums + 2
        var zero = [Double](repeating: 0, count: width)
        zero[sums] = .infinity; zero[sums + 1] = -.infinity
        let totals = x.withColumnPointers(columns) { stored in y.withUnsafeBufferPointer { ys in
            // The columns that are not stored as they are (intercept, dummies) are filled in
            // per segment; the stored ones are read in place.
            // A constant column (the intercept) is never filled in: it adds its β to η, and its
            // sums are those of the other factor.
            let constant: [Double?] = (0..<p).map { x.constantValue(columns[$0]) }
            let made = (0..<p).filter { stored[$0] == nil && constant[$0] == nil }
            return ParallelSum.reduce(count: n, zero: zero, segment: 1 << 14, { range -> [Double] in
                let lo = range.lowerBound, m = range.count
                var out = zero
                var block = [Double](repeating: 0, count: max(1, m * made.count))
                block.withUnsafeMutableBufferPointer { x.fill(range, columns: made.map { columns[$0] }, into: $0.baseAddress!) }
                var eta = offset.map { Array($0[lo..<(lo + m)]) } ?? [Double](repeating: 0, count: m)
                block.withUnsafeBufferPointer { filled in
                    // Column j's rows of this segment.
                    var pointers = [UnsafePointer<Double>](repeating: filled.baseAddress!, count: p)
                    for (k, j) in made.enumerated() { pointers[j] = filled.baseAddress! + k * m }
                    for j in 0..<p { if let s = stored[j] { pointers[j] = s + lo } }
                    eta.withUnsafeMutableBufferPointer { e in
                        for j in 0..<p where beta[j] != 0 {
                            let b = beta[j], base = pointers[j]
                            if let c = constant[j] {
                                let shift = c * b
                                for i in 0..<m { e[i] += shift }
                            } else {
                                for i in 0..<m { e[i] += base[i] * b }
                            }
                        }
                        var low = Double.infinity, high = -Double.infinity
                        for i in 0..<m { low = min(low, e[i]); high = max(high, e[i]) }
                        out[sums] = low; out[sums + 1] = high
                        let segmentY = UnsafeBufferPointer(rebasing: ys[lo..<(lo + m)])
                        /// Σ wᵢ log p(yᵢ | ηᵢ) row by row, for weighted rows.
                        func weightedSum() -> Double {
                            var s = 0.0
                            for i in 0..<m { s += weights![lo + i] * family.logDensity(segmentY[i], e[i]) }
                            return s
                        }
                        guard derivatives else {
                            out[0] = weights == nil ? family.logDensitySum(segmentY, UnsafeBufferPointer(e)) : weightedSum()
                            return
                        }
                        var r = [Double](repeating: 0, count: m), w = [Double](repeating: 0, count: m)
                        if let weights {
                            // Each row's density, score and weight count wᵢ times (one pass, not
                            // the family's unweighted sum and then a weighted one).
                            var s = 0.0
                            for i in 0..<m {
                                let wi = weights[lo + i], (g, v) = family.score(segmentY[i], e[i])
                                r[i] = wi * g; w[i] = wi * v
                                s += wi * family.logDensity(segmentY[i], e[i])
                            }
                            out[0] = s
                        } else {
                            r.withUnsafeMutableBufferPointer { rb in
                                w.withUnsafeMutableBufferPointer { wb in
                                    out[0] = family.evaluateSegment(segmentY, UnsafeBufferPointer(e), gradient: rb.baseAddress!, weight: wb.baseAddress!)
                                }
                            }
                        }
                        var k = 1 + p
                        var wa = [Double](repeating: 0, count: m)
                        r.withUnsafeBufferPointer { rb in
                            w.withUnsafeBufferPointer { wb in
                                wa.withUnsafeMutableBufferPointer { wab in
                                    let rp = rb.baseAddress!, wp = wb.baseAddress!, wap = wab.baseAddress!
                                    for a in 0..<p {
                                        let ca = pointers[a]
                                        if let c = constant[a] {
                                            out[1 + a] = c * Numerics.sum(rp, m)
                                            for i in 0..<m { wap[i] = c * wp[i] }
                                        } else {
                                            out[1 + a] = Numerics.dot(ca, rp, m)
                                            for i in 0..<m { wap[i] = wp[i] * ca[i] }
                                        }
                                        guard hessian else { continue }
                                        for b in a..<p {
                                            if let c = constant[b] {
                                                out[k] = c * Numerics.sum(wap, m)
                                            } else {
                                                out[k] = Numerics.dot(wap, pointers[b], m)
                                            }
                                            k += 1
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                return out
            }, combine: { a, b in
                var c = zip(a, b).map(+)
                c[sums] = min(a[sums], b[sums]); c[sums + 1] = max(a[sums + 1], b[sums + 1])
                return c
            })
        } }
        var g = [Double](repeating: 0, count: derivatives ? p : 0)
        var h = Matrix(rows: derivatives && hessian ? p : 0, columns: derivatives && hessian ? p : 0)
        if derivatives {
            for a in 0..<p { g[a] = totals[1 + a] }
        }
        if derivatives && hessian {
            var k = 1 + p
            for a in 0..<p { for b in a..<p { h[a, b] = totals[k]; h[b, a] = totals[k]; k += 1 } }
        }
        return (totals[0], g, h, min(totals[sums], totals[sums + 1])...max(totals[sums], totals[sums + 1]))
    }

    /// Newton's method with step-halving from `start`, over the `active` columns of `x` with
    /// an optional `offset`. Stops when the step's predicted gain gᵀH⁻¹g/2 is below 10⁻²⁰ of
    /// |ℓ| + 1 (quadratic convergence: that last step lands within rounding of the maximum);
    /// when the gain is below what log L itself resolves (10⁻¹² of |ℓ| + 1) and no longer
    /// shrinks, or the full step cannot be seen to climb; or when a step changes no
    /// coefficient.
    ///
    /// `onStep` sees every point the fit moves to (the start first): Newton's path.
    /// `extra`: a term added to the objective that the rows' family does not give (the binned
    /// logistic objective's second-order correction; room for a penalty), with its gradient
    /// and information when asked.
    static func maximise<F: CanonicalFamily>(from start: [Double], x: DesignMatrix, y: [Double], family: F, terms: [String],
                                             active: [Int]? = nil, offset: [Double]? = nil, weights: [Double]? = nil,
                                             extra: ObjectiveTerm? = nil, onStep: ([Double]) -> Void = { _ in })
        throws -> (beta: [Double], logL: Double, information: Cholesky, iterations: Int) {
        let columns = active ?? Array(0..<x.columns)
        // The range of η (offset included) at the last few points evaluated.
        var ranges: [(beta: [Double], eta: ClosedRange<Double>)] = []
        func evaluate(_ beta: [Double], derivatives: Bool = true) -> (logL: Double, g: [Double], h: Matrix) {
            var e = GeneralizedLinearFit.evaluate(beta, x, y, family, derivatives: derivatives, active: columns, offset: offset, weights: weights)
            ranges = Array((ranges + [(beta, e.etaRange)]).suffix(4))
            if let extra {
                let t = extra(beta, derivatives)
                e.logL += t.value
                if derivatives {
                    for a in beta.indices {
                        e.g[a] += t.gradient[a]
                        for b in beta.indices { e.h[a, b] += t.information[a, b] }
                    }
                }
            }
            return (e.logL, e.g, e.h)
        }
        /// η at β over the active columns (the offset left out: the direction of a step).
        func linearPredictor(_ beta: [Double]) -> [Double] {
            var full = [Double](repeating: 0, count: x.columns)
            for (k, j) in columns.enumerated() { full[j] = beta[k] }
            return x.times(full)
        }
        var beta = start
        onStep(beta)
        var current = evaluate(beta)
        var logL = current.logL
        var history: [[Double]] = []
        var previousGain = Double.infinity
        // A stop where some η is extreme is checked for a direction of no maximum: the last
        // steps' direction d, along which every row's log-density never falls.
        func checked(_ result: (beta: [Double], logL: Double, information: Cholesky, iterations: Int)) throws
            -> (beta: [Double], logL: Double, information: Cholesky, iterations: Int) {
            // No row near an extreme η (known from the pass that evaluated β): nothing to check.
            if let known = ranges.last(where: { $0.beta == result.beta }), !family.mayBeExtreme(known.eta) { return result }
            var eta = linearPredictor(result.beta)
            if let offset { for i in eta.indices { eta[i] += offset[i] } }
            guard y.indices.contains(where: { family.isExtreme(y[$0], eta[$0]) }), history.count >= 4 else { return result }
            let d = zip(result.beta, history[history.count - 4]).map { $0 - $1 }
            let step = linearPredictor(d)
            let scale = step.reduce(0) { max($0, abs($1)) }
            guard scale > 0, y.indices.allSatisfy({ family.neverLoses(y[$0], step: step[$0], tolerance: 1e-6 * scale) }) else { return result }
            throw GLMError.noMaximum(family: family.name, terms: diverging(d, [Double](repeating: 0, count: d.count), x, terms, columns))
        }
        for iteration in 1...maxIterations {
            history.append(beta)
            let (g, h) = (current.g, current.h)
            // The information is positive definite for a full-rank design unless the weights
            // have underflowed (fitted probabilities of exactly 0 or 1): no maximum then.
            guard let chol = Cholesky(h) else { throw GLMError.noMaximum(family: family.name, terms: diverging(beta, start, x, terms, columns)) }
            let delta = chol.solve(g)
            let gain = zip(g, delta).reduce(0) { $0 + $1.0 * $1.1 } / 2
            if gain <= 1e-20 * (abs(logL) + 1) {
                // Converged: the last step (its gain below rounding) still halves the digits
                // left, so take it, and report the information where the fit ends.
                let last = zip(beta, delta).map { $0 + $1 }
                let there = evaluate(last)
                guard there.logL >= logL - 1e-15 * abs(logL) else { return try checked((beta, logL, chol, iteration - 1)) }
                guard let c = Cholesky(there.h) else { return try checked((beta, logL, chol, iteration - 1)) }
                onStep(last)
                return try checked((last, there.logL, c, iteration))
            }
            var t = 1.0
            var trial = zip(beta, delta).map { $0 + t * $1 }
            // The full step usually climbs: evaluate its derivatives with it, for the next step.
            var next = evaluate(trial)
            var trialLogL = next.logL
            // A gain below what log L can resolve (its rounding, about 10⁻¹² of |log L| summed
            // over the rows) cannot be seen to climb: at that point the full Newton step is the
            // last one (quadratic convergence: it lands within rounding of the maximum).
            if !(trialLogL >= logL) && gain <= 1e-12 * (abs(logL) + 1) && trialLogL >= logL - 1e-12 * (abs(logL) + 1),
               let c = Cholesky(next.h) {
                onStep(trial)
                return try checked((trial, trialLogL, c, iteration))
            }
            while !(trialLogL >= logL) && t > 1e-12 {
                t /= 2
                trial = zip(beta, delta).map { $0 + t * $1 }
                trialLogL = evaluate(trial, derivatives: false).logL
            }
            if t < 1 { next = evaluate(trial) }
            guard trialLogL >= logL else { return try checked((beta, logL, chol, iteration - 1)) }
            let moved = zip(beta, trial).contains { $0 != $1 }
            beta = trial
            onStep(beta)
            logL = trialLogL
            current = next
            // Below log L's resolution, a gain that no longer shrinks is rounding: stop there.
            let stalled = gain <= 1e-12 * (abs(logL) + 1) && gain >= 0.5 * previousGain
            previousGain = gain
            if !moved || stalled {
                guard let c = Cholesky(current.h) else { break }
                return try checked((beta, logL, c, iteration))
            }
        }
        throw GLMError.noMaximum(family: family.name, terms: diverging(beta, start, x, terms, columns))
    }

    /// The terms along which β ran away: those whose change from the start, times their
    /// column's spread (so that units do not decide), is a tenth or more of the largest (the
    /// intercept left out unless it is all there is).
    static func diverging(_ beta: [Double], _ start: [Double], _ x: DesignMatrix, _ terms: [String], _ columns: [Int]) -> [String] {
        let change = beta.indices.map { j -> Double in
            let c = x.column(columns[j]), mean = c.reduce(0, +) / Double(c.count)
            let spread = j == 0 ? 1 : (c.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(c.count)).squareRoot()
            return abs(beta[j] - start[j]) * spread
        }
        let top = change.dropFirst().max() ?? 0
        let named = terms.indices.dropFirst().filter { change[$0] >= 0.1 * top && top > 0 }.map { terms[$0] }
        return named.isEmpty ? [terms[0]] : named
    }

    /// The profile log-likelihood over a pair of coefficients: at each (u, v) of the grid,
    /// the log-likelihood maximised over every other coefficient with β_a = u and β_b = v
    /// held (an offset u·x_a + v·x_b), by the same Newton fitter. The grid is walked row by
    /// row, back and forth, each point starting from its neighbour's optimum, so a point takes
    /// a few steps; a point where the rest has no maximum (separation reached by an extreme
    /// pair) gets −∞.
    /// - Returns: values row-major, `values[j * us.count + i]` at (us[i], vs[j]).
    /// - Complexity: about 3 Newton steps per point, each O(n (p − 2)²).
    public func profile<F: CanonicalFamily>(pair: (Int, Int), us: [Double], vs: [Double], y: [Double], family: F) -> [Double] {
        let x = design
        let others = (0..<p).filter { $0 != pair.0 && $0 != pair.1 }
        let ca = x.column(pair.0), cb = x.column(pair.1)
        return ProfileWalk.fill(width: us.count, height: vs.count, start: others.map { coefficients[$0] }) { i, j, start in
            let offset = self.offset(adding: (0..<n).map { ca[$0] * us[i] + cb[$0] * vs[j] })
            if others.isEmpty {
                return (GeneralizedLinearFit.evaluate([], x, y, family, derivatives: false, active: [], offset: offset, weights: weights).logL + constant, start)
            }
            guard let best = try? GeneralizedLinearFit.maximise(from: start, x: x, y: y, family: family,
                                                                terms: others.map { design.terms[$0].name }, active: others,
                                                                offset: offset, weights: weights) else { return nil }
            return (best.logL + constant, best.beta)
        }.values
    }

    /// The 95 % profile-likelihood interval of coefficient `j` (R's `confint` on a glm): the
    /// values t where 2(ℓ̂ − ℓ_p(t)) = χ²₁(0.95), ℓ_p(t) maximising every other coefficient
    /// with β_j = t (an offset), each point started from its neighbour's optimum.
    ///
    /// Each end is bracketed by steps out from the estimate (a quarter, then growing by half
    /// each time, in standard errors) and then found by bisection on the bracket, to 10⁻¹⁰
    /// standard errors. An inner maximisation that fails (no maximum, as when the pair of β_j
    /// and the data separate) is never taken for an answer: past 60 standard errors, or at
    /// such a failure, that end is reported unbounded (±∞).
    public func profileInterval<F: CanonicalFamily>(_ j: Int, y: [Double], family: F) -> (lower: Double, upper: Double) {
        let x = design
        let others = (0..<p).filter { $0 != j }
        let cj = x.column(j)
        let top = logLikelihood
        let se = estimates[j].coefficient.standardError, centre = coefficients[j]
        let level = Distributions.chiSquared1Quantile95
        var warm = others.map { coefficients[$0] }
        /// 2(ℓ̂ − ℓ_p(t)) − level, nil when the others have no maximum there.
        func excess(_ t: Double) -> Double? {
            let offset = self.offset(adding: cj.map { $0 * t })
            if others.isEmpty {
                return 2 * (top - constant - GeneralizedLinearFit.evaluate([], x, y, family, derivatives: false, active: [], offset: offset,
                                                                           weights: weights).logL) - level
            }
            let best: (beta: [Double], logL: Double, information: Cholesky, iterations: Int)
            do {
                best = try GeneralizedLinearFit.maximise(from: warm, x: x, y: y, family: family,
                                                         terms: others.map { design.terms[$0].name }, active: others, offset: offset,
                                                         weights: weights)
            } catch {
                return nil
            }
            warm = best.beta
            return 2 * (top - constant - best.logL) - level
        }
        func end(_ direction: Double) -> Double {
            warm = others.map { coefficients[$0] }
            var inside = 0.0, step = 0.25
            var outside = inside
            while true {
                outside = inside + step
                if outside > 60 { return direction * .infinity }
                guard let e = excess(centre + direction * outside * se) else { return direction * .infinity }
                if e >= 0 { break }
                inside = outside
                step *= 1.5
            }
            // Bisection between the last point inside and the first outside (in SE units).
            var lo = inside, hi = outside
            while hi - lo > 1e-10 {
                let mid = (lo + hi) / 2
                guard let e = excess(centre + direction * mid * se) else { return direction * .infinity }
                if e >= 0 { hi = mid } else { lo = mid }
            }
            return centre + direction * (lo + hi) / 2 * se
        }
        return (end(-1), end(1))
    }
}

