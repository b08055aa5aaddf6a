import Foundation

/// One local search of the Student-t log-likelihood over θ = (β, log s, log ν): the one loop
/// both the one-predictor fit (β = (w, c) on centred rows, its SIMD pass) and the
/// several-predictor fit (β on a design's columns) run from every start.
///
/// Each step is Newton's on the free parameters (β, log s and, unless ν is fixed or held at a
/// bound with the likelihood rising past it, log ν), damped Levenberg–Marquardt fashion
/// (−H + λ·diag|−H|) until the system is positive definite and the step climbs; λ falls
/// tenfold after every full step and rises tenfold after a failure, so a search far from a
/// maximum shades toward the scaled gradient and near one takes Newton's steps. A step changes
/// s or ν at most tenfold, and is halved until log L does not fall. The search has arrived when
/// the Newton decrement gᵀ(−H)⁻¹g is below 10⁻¹⁸·|log L| (a decrement, not a gain of log L: the
/// last steps' gains are below what log L resolves on ill-conditioned designs), or when a
/// halved step gains next to nothing where −H is positive definite. A scale that collapses
/// (30 e-folds below its start) is running up a spike of the likelihood at a fit through
/// some rows: that end is not a maximum.
struct StudentTClimb {
    /// Where a search ended.
    struct End {
        var theta: [Double]
        var logLikelihood: Double
        /// Steps taken (the last look that found the search arrived is not one).
        var iterations: Int
        var converged: Bool
        /// θ at the start and after every step (empty unless `recordsPath`).
        var path: [[Double]]
        /// The gradient and Hessian at θ over every free parameter (log ν too when estimated),
        /// when the search computed them there (nil otherwise).
        var derivatives: ([Double], Matrix)?
    }

    /// Coefficients in θ (the rest are log s and log ν).
    let p: Int
    /// ν is estimated (false: held at θ's value).
    let freeNu: Bool
    /// log ν stays within these.
    let logNuBounds: (Double, Double)
    var maxSteps = 300
    /// Keep every iterate (the one-predictor page draws the named searches' paths).
    var recordsPath = false
    /// A full step's trial point is evaluated with its derivatives at once: one pass instead of
    /// two whenever it is taken, for evaluators whose derivatives cost little more than log L
    /// (the one-predictor pass); a design's O(n p²) Hessian is only formed where it is used.
    var derivativesWithTrial = false
    /// log L at θ and, with `derivatives`, its gradient and Hessian over (β, log s) and, with
    /// `freeNu`, log ν.
    let evaluate: (_ theta: [Double], _ freeNu: Bool, _ derivatives: Bool) -> (Double, [Double], Matrix)
    /// Told the step number before each step (progress lines).
    var onStep: ((Int) -> Void)? = nil

    /// The first `m` entries of a gradient and Hessian computed with log ν free: the same
    /// numbers the evaluator gives with ν held.
    private static func leading(_ m: Int, _ gh: ([Double], Matrix)) -> ([Double], Matrix) {
        guard gh.0.count > m else { return gh }
        var h = Matrix(rows: m, columns: m)
        for j in 0..<m { for i in 0..<m { h[i, j] = gh.1[i, j] } }
        return (Array(gh.0[0..<m]), h)
    }

    func climb(from start: [Double]) -> End {
        var theta = start
        theta[p + 1] = min(max(theta[p + 1], logNuBounds.0), logNuBounds.1)
        let scale0 = theta[p]
        var path: [[Double]] = recordsPath ? [theta] : []
        // The gradient and Hessian at θ over every free parameter (log ν too when estimated),
        // when a full step's trial brought them or the last look at θ made them; nil after a
        // move without them.
        var atTheta: ([Double], Matrix)?
        var ll: Double
        if derivativesWithTrial {
            let (value, g, h) = evaluate(theta, freeNu, true)
            ll = value
            atTheta = (g, h)
        } else {
            ll = evaluate(theta, false, false).0
        }
        var steps = 0, taken = 0
        func end(_ converged: Bool) -> End {
            End(theta: theta, logLikelihood: ll, iterations: taken, converged: converged, path: path, derivatives: atTheta)
        }
        var lambda = 0.0
        while steps < maxSteps {
            steps += 1
            onStep?(steps)
            // ν is held when it is fixed, or at a bound with the likelihood rising past it.
            var useNu = freeNu && logNuBounds.0 < logNuBounds.1
            var g: [Double], h: Matrix
            if let known = atTheta {
                (g, h) = known
            } else {
                (_, g, h) = evaluate(theta, useNu, true)
                if useNu == freeNu { atTheta = (g, h) }
            }
            if useNu {
                let atTop = theta[p + 1] >= logNuBounds.1 - 1e-12 && g[p + 1] > 0
                let atBottom = theta[p + 1] <= logNuBounds.0 + 1e-12 && g[p + 1] < 0
                if atTop || atBottom { useNu = false }
            }
            // With ν held, its row and column go (the evaluator gives the same numbers without).
            if !useNu { (g, h) = Self.leading(p + 1, (g, h)) }
            let m = g.count
            var negative = h
            for k in negative.storage.indices { negative.storage[k] = -negative.storage[k] }
            if let chol = Cholesky(negative) {
                let d = chol.solve(g)
                let decrement = zip(g, d).reduce(0) { $0 + $1.0 * $1.1 }
                if decrement <= 1e-18 * max(1, abs(ll)) { return end(true) }
            }
            // Damped until −H + λ·diag is positive definite; a failed step raises λ.
            var moved = false
            for _ in 0..<60 {
                var damped = negative
                for k in 0..<m { damped[k, k] += lambda * max(abs(negative[k, k]), 1e-12) }
                guard let chol = Cholesky(damped) else { lambda = max(1e-4, lambda * 10); continue }
                var delta = chol.solve(g)
                // At most a tenfold change of s or ν per step.
                let cap = log(10.0)
                let big = max(abs(delta[p]), useNu ? abs(delta[p + 1]) : 0)
                if big > cap { delta = delta.map { $0 * cap / big } }
                var t = 1.0
                for _ in 0..<30 {
                    var next = theta
                    for j in 0...p { next[j] += t * delta[j] }
                    if useNu { next[p + 1] = min(max(theta[p + 1] + t * delta[p + 1], logNuBounds.0), logNuBounds.1) }
                    let withDerivatives = derivativesWithTrial && t == 1
                    let trial = evaluate(next, withDerivatives && freeNu, withDerivatives)
                    let value = trial.0
                    if value.isFinite && value >= ll {
                        let gain = value - ll
                        theta = next; ll = value; moved = true
                        taken += 1
                        if recordsPath { path.append(theta) }
                        atTheta = withDerivatives ? (trial.1, trial.2) : nil
                        lambda = t == 1 ? lambda / 10 : lambda
                        if lambda < 1e-12 { lambda = 0 }
                        if gain <= 1e-15 * max(1, abs(ll)) && t < 1 { return end(Cholesky(negative) != nil) }
                        break
                    }
                    t /= 2
                }
                if moved { break }
                lambda = max(1e-4, lambda * 10)
            }
            // A scale collapsing onto rows of the fit: a spike, not a maximum.
            if theta[p] < scale0 - 30 { return end(false) }
            if !moved { return end(Cholesky(negative) != nil) }
        }
        return end(false)
    }
}
