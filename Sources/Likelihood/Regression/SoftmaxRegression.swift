import Dispatch
import Foundation

/// Why a softmax (multinomial logit) fit has no estimate to report.
public enum SoftmaxError: Error, Equatable, CustomStringConvertible {
    /// Fewer than two classes among the rows.
    case oneClass(String)
    /// A class with no rows (after missing rows were left out).
    case emptyClass(String)
    /// More parameters, p·(K − 1), than rows.
    case tooManyParameters(parameters: Int, rows: Int)
    /// The log-likelihood keeps rising along a direction: some class is separated from the
    /// reference (or the others), completely or quasi-completely, by a combination of the terms.
    case separation(classes: [String])

    public var description: String {
        switch self {
        case let .oneClass(c): return "every row is of the class \(Message.quoted(c)): a softmax model needs at least two classes"
        case let .emptyClass(c): return "the class \(Message.quoted(c)) has no rows"
        case let .tooManyParameters(k, n): return "\(k) coefficients (the design's columns times the classes after the reference) but only \(n) rows"
        case let .separation(classes):
            let names = classes.map { Message.quoted($0) }.joined(separator: ", ")
            return "no maximum-likelihood estimate: the predictors separate the class\(classes.count == 1 ? "" : "es") \(names) from the others (complete or quasi-complete separation), so the likelihood keeps rising as their coefficients grow without bound; leave a predictor out or merge classes"
        }
    }
}

/// The multinomial logit (softmax) model fitted by Newton's method with the exact block
/// Hessian and step-halving: with scores ηᵢₖ = xᵢᵀβₖ for the classes k = 1 … K − 1 and
/// ηᵢ₀ = 0 for the reference class, πᵢₖ = e^ηᵢₖ / Σⱼ e^ηᵢⱼ and
///
///     ℓ(β) = Σᵢ [ηᵢ,yᵢ − log Σⱼ e^ηᵢⱼ],
///     ∂ℓ/∂βₖ = Σᵢ xᵢ (1[yᵢ = k] − πᵢₖ),
///     −∂²ℓ/∂βₖ∂βₗᵀ = Σᵢ πᵢₖ (δₖₗ − πᵢₗ) xᵢxᵢᵀ,
///
/// one pass over the rows per step (in fixed segments on every core: the same bits on any
/// number of cores). Parameters are ordered class by class: index (k − 1)·p + j. Standard
/// errors from the inverse observed information at β̂, as statsmodels' `MNLogit`.
public struct SoftmaxRegression: Sendable {
    public let classes: Int
    /// p × (K − 1): column k − 1 holds class k's coefficients against the reference.
    public let coefficients: Matrix
    /// The inverse information, p(K − 1) square, in the parameter order above.
    public let covariance: Matrix
    public let logLikelihood: Double
    /// log L of the intercept-only model: Σₖ nₖ log(nₖ/n).
    public let nullLogLikelihood: Double
    public let iterations: Int
    /// Newton's iterates, for the descent figures (parameter vectors).
    public let path: [[Double]]
    /// Frequency weights of the rows (nil: each row once): every sum over the rows counts row
    /// i wᵢ times.
    public let weights: [Double]?

    public var standardErrors: [Double] { covariance.diagonal.map { $0.squareRoot() } }

    /// - Parameters:
    ///   - labels: each row's class in 0 ..< `classes` (0 the reference).
    ///   - names: the classes' names, for messages.
    ///   - start: a starting point (parameters class by class), for refits near a known fit;
    ///     nil starts at the intercept-only fit.
    public init(design x: DesignMatrix, labels: [Int], classes k: Int, names: [String], start: [Double]? = nil,
                weights: [Double]? = nil) throws {
        let n = labels.count, p = x.columns
        var counts = [Double](repeating: 0, count: k)
        for (i, c) in labels.enumerated() { counts[c] += weights?[i] ?? 1 }
        let total = counts.reduce(0, +)
        if let empty = counts.firstIndex(of: 0) {
            if counts.filter({ $0 > 0 }).count < 2, let only = counts.firstIndex(where: { $0 > 0 }) { throw SoftmaxError.oneClass(names[only]) }
            throw SoftmaxError.emptyClass(names[empty])
        }
        let m = p * (k - 1)
        guard m < n else { throw SoftmaxError.tooManyParameters(parameters: m, rows: n) }
        classes = k
        nullLogLikelihood = counts.reduce(0) { $0 + $1 * log($1 / total) }
        // Start at the intercept-only fit: each class's log-odds against the reference.
        var beta = [Double](repeating: 0, count: m)
        if let start, start.count == m {
            beta = start
        } else if let intercept = x.terms.firstIndex(where: { $0.column == nil && $0.level == nil }) {
            for c in 1..<k { beta[(c - 1) * p + intercept] = log(counts[c] / counts[0]) }
        }
        var current = SoftmaxRegression.evaluate(beta, x, labels, k, derivatives: true, weights: weights)
        var path = [beta]
        var steps = 0
        var converged = false
        var previousGain = Double.infinity
        while steps < 200 {
            guard let chol = Cholesky(current.h) else { break }
            let delta = chol.solve(current.g)
            let gain = zip(delta, current.g).reduce(0) { $0 + $1.0 * $1.1 } / 2
            if gain <= 1e-20 * (abs(current.logL) + 1) {
                // The last step (its gain below rounding) still halves the digits left: taken
                // when log L does not fall, and the information is the one where the fit ends.
                let last = zip(beta, delta).map { $0 + $1 }
                let there = SoftmaxRegression.evaluate(last, x, labels, k, derivatives: true, weights: weights)
                if there.logL >= current.logL - 1e-15 * abs(current.logL), Cholesky(there.h) != nil {
                    beta = last; current = there; path.append(beta); steps += 1
                }
                converged = true
                break
            }
            var t = 1.0
            var trial = zip(beta, delta).map { $0 + t * $1 }
            // The full step usually climbs: its derivatives come with it, for the next step.
            let next = SoftmaxRegression.evaluate(trial, x, labels, k, derivatives: true, weights: weights)
            var value = next.logL
            // A gain below what log L resolves cannot be seen to climb: the full step is the
            // last (quadratic convergence lands it within rounding of the maximum).
            let resolved = gain > 1e-12 * (abs(current.logL) + 1)
            while resolved && !(value >= current.logL) && t > 1e-12 {
                t /= 2
                trial = zip(beta, delta).map { $0 + t * $1 }
                value = SoftmaxRegression.evaluate(trial, x, labels, k, derivatives: false, weights: weights).logL
            }
            guard value >= current.logL - (resolved ? 0 : 1e-12 * (abs(current.logL) + 1)) else { converged = true; break }
            steps += 1
            beta = trial
            path.append(beta)
            current = t == 1 ? next : SoftmaxRegression.evaluate(beta, x, labels, k, derivatives: true, weights: weights)
            let stalled = !resolved || (gain <= 1e-12 * (abs(current.logL) + 1) && gain >= 0.5 * previousGain)
            previousGain = gain
            if stalled { converged = true; break }
        }
        // Separation: along some direction every row's margin over the other classes grows,
        // so the likelihood climbs towards a supremum while the coefficients run off; Newton
        // then cannot finish (the information vanishes), or stops with rows fitted exactly.
        if let classes = SoftmaxRegression.separated(beta: beta, path: path, x: x, labels: labels, k: k, names: names, converged: converged) {
            throw SoftmaxError.separation(classes: classes)
        }
        guard let chol = Cholesky(current.h) else { throw SoftmaxError.separation(classes: [names[k - 1]]) }
        var c = Matrix(columns: (0..<m).map { e in var u = [Double](repeating: 0, count: m); u[e] = 1; return chol.solve(u) })
        for a in 0..<m { for b in 0..<a { let v = (c[a, b] + c[b, a]) / 2; c[a, b] = v; c[b, a] = v } }
        covariance = c
        coefficients = Matrix(columns: (0..<(k - 1)).map { Array(beta[($0 * p)..<(($0 + 1) * p)]) })
        logLikelihood = current.logL
        iterations = steps
        self.path = path
        self.weights = weights
    }

    /// Parameters counted by AIC and BIC: p·(K − 1).
    public var parameterCount: Int { coefficients.rows * (classes - 1) }
    public var aic: Double { -2 * logLikelihood + 2 * Double(parameterCount) }
    /// BIC on `n` rows, or on the observations the frequency weights sum to.
    public func bic(rows n: Int) -> Double {
        -2 * logLikelihood + Double(parameterCount) * log(weights.map { $0.reduce(0, +) } ?? Double(n))
    }

    /// Each coefficient with its Wald z, two-sided p and 95 % interval, class by class (the
    /// parameter order), as statsmodels' `MNLogit` summary.
    public var estimates: [(classIndex: Int, term: Int, coefficient: Coefficient)] {
        let p = coefficients.rows, se = standardErrors
        return (1..<classes).flatMap { c in
            (0..<p).map { j in
                (c, j, Coefficient(estimate: coefficients[j, c - 1], standardError: se[(c - 1) * p + j], quantile: 1.959963984540054,
                                   pValue: Distributions.normalTwoSidedP))
            }
        }
    }

    /// The likelihood-ratio test against the intercept-only model: 2(ℓ̂ − ℓ₀), χ² with
    /// (p − 1)(K − 1) degrees of freedom.
    public var likelihoodRatio: (statistic: Double, degreesOfFreedom: Int, p: Double) {
        let lr = 2 * (logLikelihood - nullLogLikelihood), df = (coefficients.rows - 1) * (classes - 1)
        return (lr, df, Distributions.chiSquaredSurvival(lr, degreesOfFreedom: max(1, df)))
    }

    /// Counts of (true class, predicted class), the prediction the most probable class.
    public func confusion(design x: DesignMatrix, labels: [Int]) -> [[Int]] {
        let pi = SoftmaxRegression.probabilities(parameters, x, classes)
        // Weighted rows count their weight (the sums rounded to whole observations).
        var counts = [[Double]](repeating: [Double](repeating: 0, count: classes), count: classes)
        for (i, c) in labels.enumerated() {
            var best = 0
            for k in 1..<classes where pi[i * classes + k] > pi[i * classes + best] { best = k }
            counts[c][best] += weights?[i] ?? 1
        }
        return counts.map { $0.map { Int($0.rounded()) } }
    }

    /// The parameters as one vector, class by class (index (c − 1)·p + j).
    public var parameters: [Double] { (0..<(classes - 1)).flatMap { coefficients.column($0) } }

    /// The profile log-likelihood at βᵢₙdₑₓ = `value`: the maximum over every other parameter,
    /// from `start`, until Newton's predicted gain is below rounding. Nil when that does not
    /// converge: never taken for an answer.
    public func profile(at index: Int, value: Double, from start: [Double], design x: DesignMatrix, labels: [Int]) -> (logL: Double, beta: [Double])? {
        profile(fixing: [index], values: [value], from: start, design: x, labels: labels)
    }

    /// The same with several parameters held (`indices` at `values`): the profile over a pair.
    ///
    /// Newton's method on the free parameters (the reduced gradient and information), safeguarded
    /// as Levenberg–Marquardt: a step that does not climb is retried with μI added to the
    /// information, μ growing tenfold, which turns it into an ever shorter gradient step. The
    /// log-likelihood is concave, so that climbs from any start, however far the held values put
    /// it from the maximum (a start where the information is nearly singular and the Newton step
    /// enormous included); μ shrinks again after each success.
    public func profile(fixing indices: [Int], values: [Double], from start: [Double], design x: DesignMatrix, labels: [Int]) -> (logL: Double, beta: [Double])? {
        let m = start.count
        let free = (0..<m).filter { !indices.contains($0) }
        var beta = start
        for (i, v) in zip(indices, values) { beta[i] = v }
        var current = SoftmaxRegression.evaluate(beta, x, labels, classes, derivatives: true, weights: weights)
        var mu = 0.0
        for _ in 0..<500 {
            var h = Matrix(rows: free.count, columns: free.count)
            for (a, i) in free.enumerated() { for (b, j) in free.enumerated() { h[a, b] = current.h[i, j] } }
            let g = free.map { current.g[$0] }
            let floor = 1e-8 * max(1e-300, (0..<free.count).reduce(0) { max($0, h[$1, $1]) })
            var accepted: (beta: [Double], next: (logL: Double, g: [Double], h: Matrix)?, value: Double)? = nil
            var gain = Double.infinity
            for _ in 0..<80 {
                var damped = h
                if mu > 0 { for a in 0..<free.count { damped[a, a] += mu } }
                guard let chol = Cholesky(damped) else { mu = max(10 * mu, floor); continue }
                let delta = chol.solve(g)
                gain = zip(delta, g).reduce(0) { $0 + $1.0 * $1.1 } / 2
                if mu == 0 && gain <= 1e-20 * (abs(current.logL) + 1) { return (current.logL, beta) }
                var trial = beta
                for (a, i) in free.enumerated() { trial[i] = beta[i] + delta[a] }
                // The undamped step usually climbs: its derivatives come with it.
                let next = mu == 0 ? SoftmaxRegression.evaluate(trial, x, labels, classes, derivatives: true, weights: weights) : nil
                let value = next?.logL ?? SoftmaxRegression.evaluate(trial, x, labels, classes, derivatives: false, weights: weights).logL
                // Below log L's resolution the full Newton step is the last (quadratic convergence).
                if mu == 0 && gain <= 1e-12 * (abs(current.logL) + 1) {
                    return value >= current.logL ? (value, trial) : (current.logL, beta)
                }
                if value >= current.logL { accepted = (trial, next, value); break }
                mu = max(10 * mu, floor)
            }
            // No damping climbs: the step is below log L's resolution, or the fit failed.
            guard let step = accepted else { return gain <= 1e-10 * (abs(current.logL) + 1) ? (current.logL, beta) : nil }
            beta = step.beta
            current = step.next ?? SoftmaxRegression.evaluate(beta, x, labels, classes, derivatives: true, weights: weights)
            mu = mu / 10 < floor ? 0 : mu / 10
        }
        return nil
    }

    /// The 95 % profile-likelihood interval of parameter `index`: where 2(ℓ̂ − ℓₚ) = χ²₁(0.95)
    /// on each side, bracketed by doubling steps of one standard error from the MLE and then
    /// found by false position (Illinois) to 10⁻¹⁰ in deviance. An end that stays inside the
    /// region out to 2¹⁰ standard errors is unbounded (±∞); an end where an inner maximisation
    /// did not converge is nil.
    public func profileInterval(_ index: Int, design x: DesignMatrix, labels: [Int]) -> (lower: Double?, upper: Double?) {
        let hat = parameters, se = standardErrors[index]
        let critical = 3.841458820694124
        func excess(_ value: Double, _ start: [Double]) -> (f: Double, beta: [Double])? {
            guard let p = profile(at: index, value: value, from: start, design: x, labels: labels) else { return nil }
            return (2 * (logLikelihood - p.logL) - critical, p.beta)
        }
        func end(_ side: Double) -> Double? {
            var inside = (t: hat[index], f: -critical, beta: hat)
            var k = 1.0
            var outside: (t: Double, f: Double, beta: [Double])? = nil
            while k <= 1024 {
                let t = hat[index] + side * k * se
                guard let e = excess(t, inside.beta) else { return nil }
                if e.f > 0 { outside = (t, e.f, e.beta); break }
                inside = (t, e.f, e.beta)
                k *= 2
            }
            guard var b = outside else { return side * .infinity }
            var a = inside
            var kept = 0
            for _ in 0..<200 {
                let t = (a.t * b.f - b.t * a.f) / (b.f - a.f)
                guard let e = excess(t, a.beta) else { return nil }
                if abs(e.f) <= 1e-10 { return t }
                if e.f < 0 {
                    a = (t, e.f, e.beta)
                    if kept == -1 { b.f /= 2 }
                    kept = -1
                } else {
                    b = (t, e.f, e.beta)
                    if kept == 1 { a.f /= 2 }
                    kept = 1
                }
                if abs(b.t - a.t) <= 1e-14 * max(abs(a.t), se) { return abs(a.f) < abs(b.f) ? a.t : b.t }
            }
            return nil
        }
        return (end(-1), end(1))
    }

    /// The classes a direction of no maximum separates, or nil when the fit is a maximum:
    /// when Newton did not finish, or some row is fitted with probability within 10⁻⁸ of 1 and
    /// along the last steps' direction d no row's margin ηᵢ,yᵢ − ηᵢc over any class falls.
    static func separated(beta: [Double], path: [[Double]], x: DesignMatrix, labels: [Int], k: Int, names: [String], converged: Bool) -> [String]? {
        let n = labels.count, p = x.columns
        let pi = probabilities(beta, x, k)
        guard !converged || (0..<n).contains(where: { pi[$0 * k + labels[$0]] > 1 - 1e-8 }) else { return nil }
        guard path.count >= 5 else { return converged ? nil : [names[k - 1]] }
        let d = zip(beta, path[path.count - 5]).map { $0 - $1 }
        let columns = (0..<p).map { x.column($0) }
        var change = [Double](repeating: 0, count: n * k)
        var scale = 0.0
        for i in 0..<n {
            for c in 1..<k {
                var v = 0.0
                for j in 0..<p { v += columns[j][i] * d[(c - 1) * p + j] }
                change[i * k + c] = v
                scale = max(scale, abs(v))
            }
        }
        guard scale > 0 else { return converged ? nil : [names[k - 1]] }
        var grows = Set<Int>()
        for i in 0..<n {
            let own = change[i * k + labels[i]]
            for c in 0..<k where c != labels[i] {
                let margin = own - change[i * k + c]
                if margin < -1e-6 * scale { return converged ? nil : [names[k - 1]] }
                if margin > 1e-6 * scale { grows.insert(labels[i]) }
            }
        }
        let classes = grows.sorted().map { names[$0] }
        return classes.isEmpty ? [names[k - 1]] : classes
    }

    /// The position of (a, b), a ≤ b, in the row-major upper triangle of an m × m matrix.
    static func upper(_ a: Int, _ b: Int, _ m: Int) -> Int { a * m - a * (a - 1) / 2 + (b - a) }

    /// πᵢₖ for every row, row-major n × K.
    public static func probabilities(_ beta: [Double], _ x: DesignMatrix, _ k: Int) -> [Double] {
        let n = x.rows, p = x.columns
        var out = [Double](repeating: 0, count: n * k)
        let columns = (0..<p).map { x.column($0) }
        var eta = [Double](repeating: 0, count: k)
        for i in 0..<n {
            for c in 1..<k {
                var v = 0.0
                for j in 0..<p { v += columns[j][i] * beta[(c - 1) * p + j] }
                eta[c] = v
            }
            let top = eta.max()!
            var sum = 0.0
            for c in 0..<k { eta[c] = exp(eta[c] - top); sum += eta[c] }
            for c in 0..<k { out[i * k + c] = eta[c] / sum }
            eta[0] = 0
        }
        return out
    }

    /// log L and, with `derivatives`, the gradient and (unless `hessian` is false) the
    /// information −∂²ℓ, in one pass.
    public static func evaluate(_ beta: [Double], _ x: DesignMatrix, _ labels: [Int], _ k: Int, derivatives: Bool, hessian: Bool = true,
                                weights: [Double]? = nil) -> (logL: Double, g: [Double], h: Matrix) {
        let n = x.rows, p = x.columns, m = p * (k - 1)
        // The sums: log L, then the gradient, then the upper triangle of the information.
        let width = 1 + (derivatives ? m + (hessian ? m * (m + 1) / 2 : 0) : 0)
        let zero = [Double](repeating: 0, count: width)
        let totals = ParallelSum.reduce(count: n, zero: zero, segment: 1 << 13, { range -> [Double] in
            let lo = range.lowerBound, rows = range.count
            var block = [Double](repeating: 0, count: rows * p)
            block.withUnsafeMutableBufferPointer { x.fill(range, columns: Array(0..<p), into: $0.baseAddress!) }
            var out = zero
            // Scores η (rows × K, class-major), then π in place.
            var pi = [Double](repeating: 0, count: rows * k)
            for c in 1..<k {
                for j in 0..<p {
                    let b = beta[(c - 1) * p + j]
                    if b == 0 { continue }
                    let column = j * rows, target = c * rows
                    for i in 0..<rows { pi[target + i] += block[column + i] * b }
                }
            }
            var logL = 0.0
            for i in 0..<rows {
                var top = 0.0
                for c in 1..<k { top = max(top, pi[c * rows + i]) }
                var sum = 0.0
                let own = pi[labels[lo + i] * rows + i]
                // e^(ηc − top) once per class: summed for the normaliser, then divided by it.
                for c in 0..<k { let e = exp(pi[c * rows + i] - top); pi[c * rows + i] = e; sum += e }
                logL += (weights?[lo + i] ?? 1) * (own - top - log(sum))
                let inverse = 1 / sum
                for c in 0..<k { pi[c * rows + i] *= inverse }
            }
            out[0] = logL
            guard derivatives else { return out }
            // Gradient: Σ xᵢⱼ (1[yᵢ = c] − πᵢc).
            var residual = [Double](repeating: 0, count: rows)
            for c in 1..<k {
                for i in 0..<rows { residual[i] = (weights?[lo + i] ?? 1) * ((labels[lo + i] == c ? 1 : 0) - pi[c * rows + i]) }
                for j in 0..<p {
                    var s = 0.0
                    let column = j * rows
                    for i in 0..<rows { s += block[column + i] * residual[i] }
                    out[1 + (c - 1) * p + j] = s
                }
            }
            guard hessian else { return out }
            // Information blocks, weight w = πc(δcl − πl) once per pair of classes:
            // Σ w xᵢⱼ xᵢₘ into the upper triangle (row-major) of the parameters' matrix.
            var w = [Double](repeating: 0, count: rows), wx = [Double](repeating: 0, count: rows)
            for c in 1..<k {
                for l in c..<k {
                    for i in 0..<rows {
                        let a = pi[c * rows + i], b = pi[l * rows + i]
                        w[i] = (weights?[lo + i] ?? 1) * (l == c ? a * (1 - a) : -a * b)
                    }
                    for j in 0..<p {
                        for i in 0..<rows { wx[i] = w[i] * block[j * rows + i] }
                        wx.withUnsafeBufferPointer { wxs in
                            block.withUnsafeBufferPointer { columns in
                                for mm in (l == c ? j : 0)..<p {
                                    out[1 + m + SoftmaxRegression.upper((c - 1) * p + j, (l - 1) * p + mm, m)] =
                                        Numerics.dot(wxs.baseAddress!, columns.baseAddress! + mm * rows, rows)
                                }
                            }
                        }
                    }
                }
            }
            return out
        }, combine: { a, b in zip(a, b).map(+) })
        guard derivatives else { return (totals[0], [], Matrix(rows: 0, columns: 0)) }
        let g = Array(totals[1...m])
        guard hessian else { return (totals[0], g, Matrix(rows: 0, columns: 0)) }
        var h = Matrix(rows: m, columns: m)
        for a in 0..<m {
            for b in a..<m {
                let v = totals[1 + m + SoftmaxRegression.upper(a, b, m)]
                h[a, b] = v; h[b, a] = v
            }
        }
        return (totals[0], g, h)
    }
}

/// A softmax fit with what the several-predictor report asks of every fit (`RegressionFit`):
/// the design, its QR (identification and collinearity), and the estimates flattened class by
/// class, each named `CLASS: TERM`.
public struct SoftmaxFit: RegressionFit {
    public let regression: SoftmaxRegression
    public let design: DesignMatrix
    public let qr: HouseholderQR
    public let classNames: [String]
    public let rows: Int

    public init(design: DesignMatrix, labels: [Int], classes: [String], weights: [Double]? = nil) throws {
        qr = try design.checkIdentified()
        regression = try SoftmaxRegression(design: design, labels: labels, classes: classes.count, names: classes, weights: weights)
        self.design = design
        classNames = classes
        rows = labels.count
    }

    public var estimates: [TermEstimate] {
        regression.estimates.map { TermEstimate(term: "\(classNames[$0.classIndex]): \(design.terms[$0.term].name)", coefficient: $0.coefficient) }
    }
    public var logLikelihood: Double { regression.logLikelihood }
    public var aic: Double { regression.aic }
    public var bic: Double { regression.bic(rows: rows) }
    public var iterations: Int { regression.iterations }

    /// The likelihood-ratio test of each predictor column as a whole (all its design columns,
    /// in every class): the model refitted without it, 2(ℓ − ℓ₀) on |columns|·(K − 1) degrees
    /// of freedom. A reduced model with no maximum (separation without that column) gets NaN.
    public func termTests(labels: [Int]) -> [TermTest] {
        let k = classNames.count
        let groups = design.predictorGroups
        var out = [TermTest?](repeating: nil, count: groups.count)
        out.withUnsafeMutableBufferPointer { slots in
            let base = slots.baseAddress!
            DispatchQueue.concurrentPerform(iterations: groups.count) { g in
                let group = groups[g]
                let df = group.indices.count * (k - 1)
                // Warm: the full fit's coefficients without the column's (a few Newton steps).
                let p = design.columns
                let start = regression.parameters.enumerated().filter { !group.indices.contains($0.offset % p) }.map(\.element)
                guard let reduced = try? SoftmaxRegression(design: design.removing(group.indices), labels: labels, classes: k, names: classNames,
                                                           start: start, weights: regression.weights) else {
                    base[g] = TermTest(term: group.column, degreesOfFreedom: df, statistic: .nan, pValue: .nan, distribution: "chi2")
                    return
                }
                let lr = max(0, 2 * (regression.logLikelihood - reduced.logLikelihood))
                base[g] = TermTest(term: group.column, degreesOfFreedom: df, statistic: lr,
                                   pValue: Distributions.chiSquaredSurvival(lr, degreesOfFreedom: df), distribution: "chi2")
            }
        }
        return out.map { $0! }
    }
}
