import Dispatch
import Foundation

/// Student-t noise with several predictors: y = Xβ + s·ε, ε ~ t_ν, all of θ = (β, log s,
/// log ν) by maximum likelihood.
///
/// Each search is Newton's method on θ with the exact gradient and Hessian (one pass over the
/// rows a step, O(n p²)), a Levenberg–Marquardt step wherever the Hessian is not negative
/// definite, and step-halving so that every step climbs. The likelihood is not concave in β
/// (an outlier can hold a maximum of its own), so one search proves nothing: the search is
/// global, and it is the one-predictor fit's (`StudentTGlobalSearch`: screening on a sample
/// above `StudentTModel.screenRows` rows, the maxima found there that are worth it finished on
/// every row). Searches start from the least-squares fit, the least-absolute-deviations fit and
/// `elementalStarts(n:)` seeded fits through p rows. Every distinct maximum reached on every
/// row is kept, best first; the best is reported.
///
/// ν is searched between `nuLowerBound(n:p:)` and 1000; a maximum with ν at 1000 and the
/// likelihood still rising there is Gaussian-looking noise, reported with ν at its cap and its
/// standard errors from the information of (β, log s) alone.
///
/// Frequency weights (each row standing for wᵢ identical observations) weight each row's
/// terms of log L, its gradient and its Hessian; n becomes Σwᵢ wherever the likelihood counts
/// observations (the ν floor, BIC), so the fit is the one of the rows written out.
public struct StudentTRegression: Sendable {
    public struct Maximum: Sendable, Equatable {
        public let coefficients: [Double]
        public let scale: Double
        public let nu: Double
        public let logLikelihood: Double
        /// How many starts ended here.
        public let reachedBy: Int
    }

    public let design: DesignMatrix
    public let coefficients: [Double]
    public let estimates: [TermEstimate]
    public let scale: Double
    public let nu: Double
    /// ν was given rather than estimated.
    public let nuFixed: Bool
    /// ν reached its upper bound with the likelihood still rising.
    public let nuAtCap: Bool
    /// ν reached the bottom of the range searched, `nuLowerBound(n:p:)`, with the likelihood
    /// still rising as it falls: with so few rows per coefficient the likelihood has no
    /// interior maximum in ν, and the fit is a boundary one.
    public let nuAtFloor: Bool
    /// The bottom of the ν range searched.
    public let nuFloor: Double
    /// The most observations found on one fit through p rows (p with neither weights nor
    /// repeated rows): ν is searched from above k/(N − k).
    public let heaviestFit: Double
    /// The floor of ν is (k + 1)/(N − k) for those observations (not (p + 1)/(N − p), nor a
    /// larger model's floor).
    public let nuFloorFromHeaviestFit: Bool
    public let logLikelihood: Double
    /// Every distinct maximum reached on every row, best first (the first is the fit).
    public let maxima: [Maximum]
    public let starts: Int
    /// Newton steps of the search that reached the reported maximum.
    public let iterations: Int
    /// The least-absolute-deviations fit's coefficients (a start; the term tests' reduced
    /// programmes start from them).
    public let leastAbsoluteDeviationsCoefficients: [Double]
    public let qr: HouseholderQR
    /// Frequency weights (nil: each row once).
    public let frequencyWeights: [Double]?
    /// Observations: the rows, or the sum of the frequency weights.
    public let observations: Double
    /// Whether rows that repeat are taken once with their count in the passes over all rows;
    /// false only to check that path against the rows as they are.
    public let collapsesCopies: Bool
    /// −H⁻¹ over (β, log s[, log ν]) at the maximum.
    public let covariance: Matrix
    public var n: Int { design.rows }
    public var p: Int { design.columns }
    /// Parameters AIC counts: β, s and ν when estimated.
    public var parameterCount: Int { p + 1 + (nuFixed ? 0 : 1) }
    public var aic: Double { 2 * Double(parameterCount) - 2 * logLikelihood }
    public var bic: Double { log(observations) * Double(parameterCount) - 2 * logLikelihood }

    public static let nuCap = StudentTModel.nuRange.1
    public static let elementalStarts = 40
    /// The seeded starts on `n` rows: 40, and more on small data sets (up to 400, about 8,000
    /// row-searches in all), where every search is cheap and few rows per coefficient give the
    /// likelihood many maxima.
    public static func elementalStarts(n: Int) -> Int { min(400, max(elementalStarts, 8_000 / max(n, 1))) }
    /// Steps of each profile-point search (the global search's take `StudentTGlobalSearch`'s).
    public static let maxSteps = 300

    /// The smallest ν searched: 0.05, or (p + 1)/(n − p) when that is larger. With ν ≤ p/(n − p)
    /// a fit through p rows with s → 0 makes the likelihood unbounded (log L grows like
    /// (p − (n − p)ν)·log(1/s)); one row more keeps it falling there.
    public static func nuLowerBound(n: Int, p: Int) -> Double { nuLowerBound(observations: Double(n), p: p) }

    /// The same with n observations counted by frequency weights.
    public static func nuLowerBound(observations n: Double, p: Int) -> Double {
        max(StudentTModel.nuRange.0, Double(p + 1) / max(n - Double(p), 1))
    }

    /// Fits `y` on `design`; `nu` holds ν fixed; `lad` is the least-absolute-deviations fit of
    /// the same data when the caller has it (a start). `nuFloor` raises the bottom of the ν range
    /// above `nuLowerBound(n:p:)`: a reduced model tested against a larger one searches the
    /// larger one's range, so that the two stay nested. `weights`: frequency weights (each
    /// above 0; `lad` must then be the weighted fit).
    /// `heavyFit`: observations known to lie on one fit (a reduced model's search found them;
    /// see `fitWithTermTests`).
    public init(design: DesignMatrix, y: [Double], nu fixedNu: Double? = nil, nuFloor: Double? = nil,
                lad known: LeastAbsoluteDeviations? = nil, ladStart: [Double]? = nil, weights: [Double]? = nil,
                collapsingCopies: Bool = true, heavyFit: Double? = nil) throws {
        precondition(y.count == design.rows, "one response per row")
        // The search works on the dense matrix at any size, so its QR is the whole one.
        let x = design.matrix
        // With weights, the QR of the √w-scaled rows: RᵀR = XᵀWX, the rows written out's.
        let roots = weights?.map { $0.squareRoot() }
        let scaled = roots.map { design.scaled(by: $0) } ?? design
        let qr = try scaled.checkIdentified(qr: HouseholderQR(roots == nil ? x : scaled.matrix))
        let n = x.rows, p = x.columns
        let observations = weights.map { $0.reduce(0, +) } ?? Double(n)
        if let fixedNu, fixedNu <= Double(p) / (observations - Double(p)) {
            throw FitError.studentTUnbounded(nu: fixedNu, n: Int(observations.rounded()))
        }
        let ols = qr.leastSquares(roots.map { zip(y, $0).map(*) } ?? y).coefficients
        // Rows that repeat (rounded data) are one row with their count in every pass over all
        // the rows (the least-absolute-deviations start's too): the same sums, in as many terms as
        // there are distinct rows, found in one pass.
        let distinct = weights == nil && collapsingCopies ? LeastAbsoluteDeviations.DistinctRows(x: x, y: y) : nil
        var (fx, fy, fw) = (x, y, weights)
        if let distinct {
            fx = LeastAbsoluteDeviations.rows(distinct.first, of: x)
            fy = distinct.first.map { y[$0] }
            fw = distinct.copies.map(Double.init)
        }
        // Observations on one fit (rows repeated, or weighted) lift the bottom of ν's range
        // above what p rows alone need: at ν ≤ k/(N − k) with k observations on a fit, that fit
        // with s → 0 makes the likelihood unbounded.
        // The heavy rows: the weights, or each distinct row's count (found above for the passes;
        // found here where the passes take the rows as they are).
        var heavy = Double(p)
        if let fw {
            heavy = StudentTRegression.heaviestFit(x: fx, y: fy, weights: fw)
        } else if !collapsingCopies || n <= 50, let grouped = StudentTRegression.repeatedRows(x: x, y: y) {
            heavy = StudentTRegression.heaviestFit(x: LeastAbsoluteDeviations.rows(grouped.first, of: x), y: grouped.first.map { y[$0] },
                                                   weights: grouped.copies.map(Double.init))
        }
        // The response's commonest value c: its rows lie on the fit with intercept c and every
        // slope 0 (counts with many zeros, a rating most give).
        let intercept = design.terms.first?.name == DesignTerm.interceptName
        if intercept {
            heavy = max(heavy, StudentTRegression.commonestResponse(y, weights: weights))
        }
        // Rows exactly on one fit though no row repeats (a subgroup the model fits exactly).
        heavy = max(heavy, StudentTRegression.sampledFits(x: fx, y: fy, weights: fw, intercept: intercept), heavyFit ?? 0)
        if let fixedNu, heavy > Double(p), fixedNu <= heavy / (observations - heavy) {
            throw FitError.studentTHeavyFit(observations: heavy, n: observations, p: p, nu: fixedNu)
        }
        // The bottom of ν's range with `heavy` observations on one fit (and the floor's source).
        func floor(_ heavy: Double) throws -> (nu: Double, fromHeavy: Bool) {
            let heavyFloor = heavy > Double(p) ? (heavy + 1) / max(observations - heavy, 1e-300) : 0
            if fixedNu == nil, heavyFloor >= StudentTRegression.nuCap {
                throw FitError.studentTHeavyFit(observations: heavy, n: observations, p: p, nu: StudentTRegression.nuCap)
            }
            let low = max(StudentTRegression.nuLowerBound(observations: observations, p: p), heavyFloor, nuFloor ?? 0)
            return (low, heavyFloor > 0 && low == heavyFloor)
        }
        var (lowNu, fromHeavy) = try floor(heavy)
        var bounds = (log(fixedNu ?? lowNu), log(fixedNu ?? StudentTRegression.nuCap))
        let lad = try known ?? (distinct == nil
            ? LeastAbsoluteDeviations(design: design, y: y, weights: weights, collapsingCopies: collapsingCopies, start: ladStart)
            : LeastAbsoluteDeviations(design: design.selecting(rows: distinct!.first), y: fy, weights: fw, start: ladStart))
        // Starts: least squares, least absolute deviations, and fits through p seeded rows.
        var starts: [[Double]] = [ols, lad.coefficients]
        var rng = RandomGenerator(seed: 0x5EED_0019)
        var tries = 0
        let seeded = StudentTRegression.elementalStarts(n: n)
        while starts.count < 2 + seeded && tries < 20 * seeded {
            tries += 1
            var rows = Set<Int>()
            while rows.count < min(p, n) { rows.insert(Int.random(in: 0..<n, using: &rng)) }
            var chosen = rows.sorted()
            var factored = LUDecomposition(LeastAbsoluteDeviations.rows(chosen, of: x))
            if factored == nil {
                // Rare levels of a factor make p rows drawn at random rarely independent (Fair's
                // rating: 9 starts of 40 in 800 draws): the drawn rows kept while independent,
                // then more drawn (by a generator of this draw's own, so that the other draws
                // stay as they were) until there are p.
                var more = RandomGenerator(seed: 0x5EED_0019 &+ UInt64(tries))
                let extra = (0..<(64 * p)).map { _ in Int(more.next() % UInt64(n)) }
                chosen = StudentTRegression.independentRows(chosen + extra, of: x).sorted()
                if chosen.count == p { factored = LUDecomposition(LeastAbsoluteDeviations.rows(chosen, of: x)) }
            }
            guard let lu = factored else { continue }
            let beta = lu.solve(chosen.map { y[$0] })
            if beta.allSatisfy(\.isFinite) { starts.append(beta) }
        }
        func theta(_ beta: [Double], on problem: Problem) -> [Double]? {
            let r = zip(problem.y, problem.x.times(beta)).map { abs($0 - $1) }.sorted()
            var s = r[r.count / 2] / 0.6745
            if !(s > 0) { s = (r.reduce(0) { $0 + $1 * $1 } / Double(r.count)).squareRoot() }
            guard s > 0, s.isFinite else { return nil }
            return beta + [log(s), fixedNu.map(log) ?? log(4)]
        }
        // The searches (`StudentTGlobalSearch`, the one-predictor fit's too): on the screening
        // rows (every row up to `screenRows`, else a seeded one per block), then the maxima worth
        // it on every row, through one row of every block of `StudentTModel.sampleRows` first.
        // (The searches take ν's bounds from the driver; the problems' own are the final range's.)
        func problem(_ rows: [Int]?) -> Problem {
            guard let rows else { return Problem(x: fx, y: fy, freeNu: fixedNu == nil, logNuBounds: bounds, weights: fw) }
            return Problem(x: LeastAbsoluteDeviations.rows(rows, of: x), y: rows.map { y[$0] }, freeNu: fixedNu == nil, logNuBounds: bounds,
                           weights: weights.map { w in rows.map { w[$0] } })
        }
        let screenStride = StudentTModel.sampleStride(n: n, sampleRows: StudentTModel.screenRows)
        let screenRows = screenStride > 1 ? RandomGenerator.onePerBlock(n: n, stride: screenStride, seed: 0x5C4E_E17) : nil
        let middleStride = StudentTModel.sampleStride(n: n)
        let middleRows = screenRows != nil && middleStride > 1 ? StudentTModel.sampleRowIndices(n: n, stride: middleStride) : nil
        let screen = screenRows.map(problem), middle = middleRows.map(problem)
        typealias Global = StudentTGlobalSearch<Problem>
        let named = ["least-squares", "least-absolute-deviations"]
        let searchStarts = starts.indices.compactMap { k in
            theta(starts[k], on: screen ?? problem(nil)).map { Global.Start(name: k < 2 ? named[k] : "start \(k - 1)", theta: $0, elemental: k >= 2) }
        }
        var found: Global.Result
        while true {
            let global = Global(p: p, freeNu: fixedNu == nil, logNuBounds: bounds, nuFloor: fixedNu ?? lowNu)
            do {
                found = try global.run(starts: searchStarts, screen: screen, middle: middle, full: problem(nil))
                break
            } catch let spike as Global.Spike {
                // A search found a fit heavier than the count above (which is a lower bound
                // beyond two coefficients): ν is searched again from above it, or a held ν refused.
                guard fixedNu == nil, spike.observations > heavy else {
                    throw FitError.studentTSpikeFit(points: Int(spike.observations.rounded()), n: n, p: p, nu: fixedNu ?? lowNu,
                                                    fixed: fixedNu != nil)
                }
                heavy = spike.observations
                (lowNu, fromHeavy) = try floor(heavy)
                bounds = (log(lowNu), log(StudentTRegression.nuCap))
            }
        }
        nuFloorFromHeaviestFit = fromHeavy
        let full = problem(nil)
        var maxima = found.maxima
        guard var best = maxima.first else {
            let onFit = found.searches.map { full.observationsOnFit($0.theta) }.max() ?? 0
            throw FitError.studentTSpikeFit(points: max(Int(onFit.rounded()), p), n: n, p: p, nu: exp(bounds.0), fixed: fixedNu != nil)
        }
        // A maximum at an end of the ν range is a boundary one: ν is held there from now on
        // (its derivative is not 0 there), and the standard errors are given ν̂.
        let edge = fixedNu != nil ? nil
            : best.theta[p + 1] <= bounds.0 + 1e-9 ? bounds.0 : best.theta[p + 1] >= bounds.1 - 1e-9 ? bounds.1 : nil
        if let edge { best.theta[p + 1] = edge }
        let atCap = edge == bounds.1, atFloor = edge == bounds.0
        let freeNu = fixedNu == nil && edge == nil
        // The last digits: full Newton steps while each shrinks the Newton decrement, judged by
        // the decrement itself (the gain of the last steps is below what log L resolves, so a
        // search that must see log L climb stops short of them on ill-conditioned designs such
        // as Longley's raw columns, or with its last steps clipped by a bound of ν).
        let polished = Problem(x: fx, y: fy, freeNu: freeNu, logNuBounds: bounds, weights: fw)
        best.theta = polished.polish(best.theta)
        best.ll = polished.evaluate(best.theta, freeNu: false, derivatives: false).0
        maxima[0] = best
        let nuHat = exp(best.theta[p + 1])
        // The information over the free parameters (ν left out when fixed or at a bound).
        let (_, _, h) = full.evaluate(best.theta, freeNu: freeNu)
        var negative = h
        for k in negative.storage.indices { negative.storage[k] = -negative.storage[k] }
        guard let chol = Cholesky(negative) else {
            throw FitError.studentTSpikeFit(points: Int(full.observationsOnFit(best.theta).rounded()), n: n, p: p, nu: nuHat, fixed: fixedNu != nil)
        }
        let cov = chol.inverse
        let z = Distributions.normalQuantile975
        estimates = design.terms.indices.map { j in
            TermEstimate(term: design.terms[j].name,
                         coefficient: Coefficient(estimate: best.theta[j], standardError: cov[j, j].squareRoot(), quantile: z,
                                                  pValue: Distributions.normalTwoSidedP))
        }
        self.design = design
        self.qr = qr
        frequencyWeights = weights
        self.observations = observations
        collapsesCopies = collapsingCopies
        coefficients = Array(best.theta[0..<p])
        scale = exp(best.theta[p])
        nu = nuHat
        nuFixed = fixedNu != nil
        nuAtCap = atCap
        nuAtFloor = atFloor
        self.nuFloor = lowNu
        heaviestFit = heavy
        logLikelihood = best.ll
        self.maxima = maxima.map { Maximum(coefficients: Array($0.theta[0..<p]), scale: exp($0.theta[p]), nu: exp($0.theta[p + 1]),
                                           logLikelihood: $0.ll, reachedBy: $0.reachedBy) }
        self.starts = starts.count
        iterations = best.iterations
        leastAbsoluteDeviationsCoefficients = lad.coefficients
        covariance = cov
    }

    public func estimate(_ term: String) -> Coefficient? { estimates.first { $0.term == term }?.coefficient }

    /// The profile log-likelihood over a pair of coefficients on a grid (row-major by `vs`):
    /// at each point the other coefficients, log s and (when estimated) log ν maximised out.
    /// The likelihood can have several maxima at a point, so one warm-started search per
    /// point is only a lower bound: the grid is walked back and forth from the fit (in two
    /// fixed halves, one per core), and then relaxed: a point whose neighbour is higher is
    /// searched again from the neighbour's optimum, and keeps the better end, until no point
    /// improves (at most eight sweeps).
    public func profile(pair: (Int, Int), us: [Double], vs: [Double], y all: [Double]) -> [Double] {
        // Rows that repeat are one row with their count at every point (their shifted responses
        // stay equal).
        var x = design.matrix, y = all, rowWeights = frequencyWeights
        if rowWeights == nil, collapsesCopies, let distinct = LeastAbsoluteDeviations.DistinctRows(x: x, y: all) {
            x = LeastAbsoluteDeviations.rows(distinct.first, of: x)
            y = distinct.first.map { all[$0] }
            rowWeights = distinct.copies.map(Double.init)
        }
        let n = x.rows
        let others = (0..<p).filter { $0 != pair.0 && $0 != pair.1 }
        let rest = others.isEmpty ? Matrix(rows: n, columns: 0) : Matrix(columns: others.map(x.column))
        let ca = x.column(pair.0), cb = x.column(pair.1)
        let bounds = nuFixed ? (log(nu), log(nu)) : (log(nuFloor), log(StudentTRegression.nuCap))
        let width = us.count, count = us.count * vs.count
        func problem(_ point: Int) -> Problem {
            let u = us[point % width], v = vs[point / width]
            return Problem(x: rest, y: (0..<n).map { y[$0] - ca[$0] * u - cb[$0] * v }, freeNu: !nuFixed, logNuBounds: bounds,
                           weights: rowWeights)
        }
        var (out, ends) = ProfileWalk.fill(width: width, height: vs.count, start: others.map { coefficients[$0] } + [log(scale), log(nu)]) { i, j, start in
            let end = problem(j * width + i).search(from: start)
            return end.converged ? (end.logLikelihood, end.theta) : nil
        }
        for _ in 0..<8 {
            var improved = false
            for point in 0..<count {
                let i = point % width, j = point / width
                let neighbours = [i > 0 ? point - 1 : nil, i < width - 1 ? point + 1 : nil,
                                  j > 0 ? point - width : nil, j < vs.count - 1 ? point + width : nil].compactMap { $0 }
                for q in neighbours where !ends[q].isEmpty && out[q] > out[point] + 1e-9 * max(1, abs(out[q])) {
                    let end = problem(point).search(from: ends[q])
                    if end.converged && end.logLikelihood > out[point] + 1e-9 * max(1, abs(end.logLikelihood)) {
                        out[point] = end.logLikelihood
                        ends[point] = end.theta
                        improved = true
                    }
                }
            }
            if !improved { break }
        }
        return out
    }

    /// The likelihood-ratio test of each predictor column against the model without it, each
    /// reduced model fitted by the same global search (ν estimated or held as in this fit, and
    /// searched over this fit's range, so that the models stay nested). A
    /// reduced model with no maximum (every search ran into a spike) leaves its test
    /// uncomputed: statistic and p are NaN.
    public func termTests(y: [Double]) throws -> [TermTest] { termTestsAndHeavierFit(y: y).tests }

    /// The fit and its term tests over one range of ν: a reduced model's fit is a fit of this
    /// model too, so observations a reduced model found on one fit (its floor of ν raised above
    /// this fit's) make this model's likelihood unbounded at the bottom of its range as well;
    /// the fit is then made again from above that floor, and the tests with it (at most three
    /// times, each floor higher than the last).
    public static func fitWithTermTests(design: DesignMatrix, y: [Double], nu: Double? = nil, weights: [Double]? = nil,
                                        collapsingCopies: Bool = true) throws -> (fit: StudentTRegression, tests: [TermTest]) {
        var fit = try StudentTRegression(design: design, y: y, nu: nu, weights: weights, collapsingCopies: collapsingCopies)
        for _ in 0..<3 {
            let (tests, heavier) = fit.termTestsAndHeavierFit(y: y)
            guard let heavier, nu == nil else { return (fit, tests) }
            fit = try StudentTRegression(design: design, y: y, nu: nu, weights: weights, collapsingCopies: collapsingCopies, heavyFit: heavier)
        }
        return (fit, fit.termTestsAndHeavierFit(y: y).tests)
    }

    /// The term tests, and the most observations on one fit that a reduced model found beyond
    /// this fit's count, when that raised its floor of ν above this fit's (nil: none did).
    func termTestsAndHeavierFit(y: [Double]) -> (tests: [TermTest], heavier: Double?) {
        var heavier: Double?
        let tests = design.predictorGroups.map { group -> TermTest in
            // The reduced least-absolute-deviations programme starts from this fit's optimum
            // without the column (the same exact optimum, in far fewer pivots).
            let kept = (0..<p).filter { !group.indices.contains($0) }
            guard let reduced = try? StudentTRegression(design: design.removing(group.indices), y: y, nu: nuFixed ? nu : nil, nuFloor: nuFloor,
                                                        ladStart: kept.map { leastAbsoluteDeviationsCoefficients[$0] },
                                                        weights: frequencyWeights, collapsingCopies: collapsesCopies) else {
                return TermTest(term: group.column, degreesOfFreedom: group.indices.count, statistic: .nan, pValue: .nan, distribution: "chi2")
            }
            if reduced.nuFloor > nuFloor, reduced.heaviestFit > heaviestFit {
                heavier = max(heavier ?? 0, reduced.heaviestFit)
            }
            let lr = max(0, 2 * (logLikelihood - reduced.logLikelihood))
            return TermTest(term: group.column, degreesOfFreedom: group.indices.count, statistic: lr,
                            pValue: Distributions.chiSquaredSurvival(lr, degreesOfFreedom: group.indices.count), distribution: "chi2")
        }
        return (tests, heavier)
    }

    /// The checks of the maximum, recomputed from the rows: log L at the estimates, and
    /// Newton's next step from them over the free parameters, each coefficient's move in its
    /// standard errors (the largest).
    public func checkMaximum(y: [Double]) -> (logLikelihood: Double, largestStep: Double) {
        let free = !nuFixed && !nuAtCap && !nuAtFloor
        let problem = Problem(x: design.matrix, y: y, freeNu: free, logNuBounds: (log(nu), log(nu)), weights: frequencyWeights)
        let (value, g, h) = problem.evaluate(coefficients + [log(scale), log(nu)], freeNu: free)
        var negative = h
        for k in negative.storage.indices { negative.storage[k] = -negative.storage[k] }
        guard let chol = Cholesky(negative) else { return (value, .infinity) }
        let step = chol.solve(g)
        return (value, (0..<p).map { abs(step[$0]) / estimates[$0].coefficient.standardError }.max() ?? 0)
    }

    /// Each row's EM weight (ν + 1)/(ν + rᵢ²/s²) at the fit: 1 on average for Gaussian-like
    /// rows, near 0 for the outliers the fit discounts.
    public func weights(y: [Double]) -> [Double] {
        let fitted = design.matrix.times(coefficients)
        return zip(y, fitted).map { yi, f in
            let z = (yi - f) / scale
            return (nu + 1) / (nu + z * z)
        }
    }

    /// The rows and the bounds a search runs on.
    struct Problem: StudentTSearchRows {
        let x: Matrix
        let y: [Double]
        let freeNu: Bool
        let logNuBounds: (Double, Double)
        /// Frequency weights of the rows (nil: each row once).
        var weights: [Double]? = nil

        /// log L at θ = (β, log s, log ν) and, over the free parameters (β, log s and, with
        /// `freeNu`, log ν), its gradient and Hessian. One pass over the rows in fixed
        /// segments (the same bits on any number of cores). - Complexity: O(n p²).
        func evaluate(_ theta: [Double], freeNu: Bool, derivatives: Bool = true) -> (Double, [Double], Matrix) {
            let n = x.rows, p = x.columns
            let s = exp(theta[p]), nu = exp(theta[p + 1])
            let s2 = s * s
            let m = p + 1 + (freeNu ? 1 : 0)
            // Layout: log L, the m gradient entries, the m(m + 1)/2 Hessian entries (by columns).
            let width = derivatives ? 1 + m + m * (m + 1) / 2 : 1
            let constant = StudentTModel.logNormaliser(nu) - theta[p]
            let dc = 0.5 * (StudentTModel.digamma((nu + 1) / 2) - StudentTModel.digamma(nu / 2)) - 0.5 / nu
            let d2c = 0.25 * (StudentTModel.trigamma((nu + 1) / 2) - StudentTModel.trigamma(nu / 2)) + 0.5 / (nu * nu)
            func slot(_ a: Int, _ b: Int) -> Int { 1 + m + b * (b + 1) / 2 + a }  // a ≤ b
            let sums = x.storage.withUnsafeBufferPointer { xs in
              (weights ?? []).withUnsafeBufferPointer { ws in
                ParallelSum.reduce(count: n, zero: [Double](repeating: 0, count: width), segment: 1 << 14, { range -> [Double] in
                    let lo = range.lowerBound, count = range.count
                    var out = [Double](repeating: 0, count: width)
                    var r = Array(y[lo..<(lo + count)])
                    for j in 0..<p where theta[j] != 0 {
                        let b = theta[j], col = xs.baseAddress! + j * n + lo
                        for i in 0..<count { r[i] -= col[i] * b }
                    }
                    // Per row: the β gradient weight, and the Hessian weights of ββ, βτ and βφ.
                    // One division per row (the terms share 1/(ν + g)); the logarithms enter
                    // only through their sum Σwᵢ·log(1 + gᵢ/ν), taken without weights as one
                    // logarithm per 16 rows of the product of their factors (each ≥ 1, so a
                    // finite product never overflowed on the way; a group whose product
                    // overflows takes each row's log1p), as the plane's pass does.
                    var gB = [Double](repeating: 0, count: derivatives ? count : 0)
                    var hBB = gB, hBT = gB, hBN = gB
                    var weightSum = 0.0, sumU = 0.0
                    var gT = 0.0, gN0 = 0.0, hTT = 0.0, hTN = 0.0, hNN0 = 0.0
                    let weighted = weights == nil ? nil : ws.baseAddress.map { $0 + lo }
                    let invS2 = 1 / s2, invNu = 1 / nu, nu1 = nu + 1
                    let halfInvNu = 0.5 * invNu, halfInvNu2 = 0.5 * invNu * invNu
                    if let weighted {
                        for i in 0..<count {
                            let w = weighted[i]
                            weightSum += w
                            sumU += w * log1p(r[i] * r[i] * invS2 * invNu)
                        }
                    } else {
                        weightSum = Double(count)
                        var i = 0
                        while i + 16 <= count {
                            var product = 1.0
                            for k in i..<(i + 16) { product *= 1 + r[k] * r[k] * invS2 * invNu }
                            if product.isFinite {
                                sumU += log(product)
                            } else {
                                for k in i..<(i + 16) { sumU += log1p(r[k] * r[k] * invS2 * invNu) }
                            }
                            i += 16
                        }
                        while i < count { sumU += log1p(r[i] * r[i] * invS2 * invNu); i += 1 }
                    }
                    if derivatives {
                        for i in 0..<count {
                            // Each row's terms times its frequency weight (1 without weights).
                            let w = weighted?[i] ?? 1
                            let g = r[i] * r[i] * invS2
                            let iv = 1 / (nu + g), iv2 = iv * iv
                            gB[i] = w * nu1 * r[i] * invS2 * iv
                            hBB[i] = -w * nu1 * (nu - g) * invS2 * iv2
                            hBT[i] = -w * 2 * nu * nu1 * r[i] * invS2 * iv2
                            hBN[i] = w * nu * r[i] * (g - 1) * invS2 * iv2
                            gT += w * (-1 + nu1 * g * iv)
                            hTT += -w * 2 * nu * nu1 * g * iv2
                            hTN += w * nu * g * (g - 1) * iv2
                            // c = ∂/∂ν of the row's term without its −log1p(g/ν)/2, which enters
                            // through Σw·log1p below.
                            let c0 = dc + nu1 * g * iv * halfInvNu
                            let cNu = d2c + g * iv * halfInvNu - g * (nu * nu + 2 * nu + g) * iv2 * halfInvNu2
                            gN0 += w * nu * c0
                            hNN0 += w * (nu * nu * cNu + nu * c0)
                        }
                    }
                    let ll = weightSum * constant - nu1 / 2 * sumU
                    let gN = gN0 - nu / 2 * sumU, hNN = hNN0 - nu / 2 * sumU
                    out[0] = ll
                    guard derivatives else { return out }
                    // Each sum over the rows in fixed-order SIMD partial sums (`Numerics.dot`).
                    var weightedColumn = [Double](repeating: 0, count: count)
                    for j in 0..<p {
                        let cj = xs.baseAddress! + j * n + lo
                        gB.withUnsafeBufferPointer { out[1 + j] = Numerics.dot($0.baseAddress!, cj, count) }
                        hBT.withUnsafeBufferPointer { out[slot(j, p)] = Numerics.dot($0.baseAddress!, cj, count) }
                        if freeNu { hBN.withUnsafeBufferPointer { out[slot(j, p + 1)] = Numerics.dot($0.baseAddress!, cj, count) } }
                        for i in 0..<count { weightedColumn[i] = hBB[i] * cj[i] }
                        weightedColumn.withUnsafeBufferPointer { hc in
                            for k in 0...j { out[slot(k, j)] = Numerics.dot(hc.baseAddress!, xs.baseAddress! + k * n + lo, count) }
                        }
                    }
                    out[1 + p] = gT
                    out[slot(p, p)] = hTT
                    if freeNu {
                        out[2 + p] = gN
                        out[slot(p, p + 1)] = hTN
                        out[slot(p + 1, p + 1)] = hNN
                    }
                    return out
                }, combine: { a, b in zip(a, b).map(+) })
              }
            }
            var h = Matrix(rows: m, columns: m)
            if derivatives {
                for b in 0..<m { for a in 0...b { h[a, b] = sums[slot(a, b)]; h[b, a] = sums[slot(a, b)] } }
            }
            return (sums[0], derivatives ? Array(sums[1...m]) : [], h)
        }

        /// Observations within 10⁻⁹ of the fit at θ (a collapsed scale's spike).
        func observationsOnFit(_ theta: [Double]) -> Double {
            let fitted = x.times(Array(theta[0..<x.columns]))
            var on = 0.0
            for i in y.indices where abs(y[i] - fitted[i]) <= 1e-9 * (abs(y[i]) + abs(fitted[i])) { on += weights?[i] ?? 1 }
            return on
        }

        var observations: Double { weights?.reduce(0, +) ?? Double(x.rows) }

        /// Each row's log-density at θ, with its frequency weight.
        func rowLogDensities(_ theta: [Double]) -> (values: [Double], weights: [Double]?) {
            let p = x.columns
            let s = exp(theta[p]), nu = exp(theta[p + 1])
            let constant = StudentTModel.logNormaliser(nu) - theta[p]
            let fitted = x.times(Array(theta[0..<p]))
            let values = zip(y, fitted).map { yi, f in
                let r = (yi - f) / s
                return constant - (nu + 1) / 2 * log1p(r * r / nu)
            }
            return (values, weights)
        }

        func derivatives(at theta: [Double], freeNu: Bool) -> ([Double], Matrix) {
            let (_, g, h) = evaluate(theta, freeNu: freeNu)
            return (g, h)
        }

        func climb(from theta: [Double], freeNu: Bool, logNuBounds: (Double, Double), maxSteps: Int, recordsPath: Bool,
                   label: String) -> StudentTClimb.End {
            var climb = StudentTClimb(p: x.columns, freeNu: freeNu, logNuBounds: logNuBounds, maxSteps: maxSteps) {
                evaluate($0, freeNu: $1, derivatives: $2)
            }
            climb.recordsPath = recordsPath
            return climb.climb(from: theta)
        }

        /// Full Newton steps from a maximum's neighbourhood (at most 8), each kept only when the
        /// Newton decrement gᵀ(−H)⁻¹g at its end is below half the one before (quadratic
        /// convergence). log L is not the judge here: its rounding (the residuals cancel terms of
        /// Xβ as large as 10⁵ times them on Longley, about 10⁻⁹ of log L) exceeds these steps'
        /// gains; only a step that lowers it by more than that is refused.
        func polish(_ theta: [Double], freeNu: Bool, logNuBounds: (Double, Double)) -> (theta: [Double], logLikelihood: Double)? {
            let problem = Problem(x: x, y: y, freeNu: freeNu, logNuBounds: logNuBounds, weights: weights)
            let end = problem.polish(theta)
            return (end, problem.evaluate(end, freeNu: false, derivatives: false).0)
        }

        func polish(_ start: [Double]) -> [Double] {
            let p = x.columns
            var theta = start
            func decrement(_ t: [Double]) -> (value: Double, step: [Double])? {
                let (_, g, h) = evaluate(t, freeNu: freeNu)
                var negative = h
                for k in negative.storage.indices { negative.storage[k] = -negative.storage[k] }
                guard let chol = Cholesky(negative) else { return nil }
                let d = chol.solve(g)
                return (zip(g, d).reduce(0) { $0 + $1.0 * $1.1 }, d)
            }
            guard var current = decrement(theta) else { return theta }
            var ll = evaluate(theta, freeNu: false, derivatives: false).0
            for _ in 0..<8 where current.value > 0 {
                var next = theta
                for j in 0..<current.step.count { next[j] += current.step[j] }
                if freeNu { next[p + 1] = min(max(next[p + 1], logNuBounds.0), logNuBounds.1) }
                let value = evaluate(next, freeNu: false, derivatives: false).0
                guard value >= ll - 1e-9 * max(1, abs(ll)), let after = decrement(next), after.value < 0.5 * current.value else { break }
                theta = next; ll = value; current = after
            }
            return theta
        }

        /// One climb from θ with this problem's bounds (the profile's searches).
        func search(from start: [Double]) -> StudentTClimb.End {
            climb(from: start, freeNu: freeNu, logNuBounds: logNuBounds, maxSteps: StudentTRegression.maxSteps, recordsPath: false, label: "")
        }
    }

    /// The first rows of `candidates` whose design rows are linearly independent of those
    /// taken before them (each row's part outside their span above 10⁻⁹ of its length), up to
    /// p of them.
    static func independentRows<C: Sequence<Int>>(_ candidates: C, of x: Matrix) -> [Int] {
        let p = x.columns
        var basis: [[Double]] = [], chosen: [Int] = []
        for i in candidates {
            guard chosen.count < p else { break }
            let row = (0..<p).map { x[i, $0] }
            var r = row
            for q in basis {
                let d = zip(r, q).reduce(0) { $0 + $1.0 * $1.1 }
                for j in 0..<p { r[j] -= d * q[j] }
            }
            let size = euclideanNorm(r)
            guard size > 1e-9 * euclideanNorm(row), size.isFinite else { continue }
            basis.append(r.map { $0 / size })
            chosen.append(i)
        }
        return chosen
    }

    /// The observations (weights summed, or rows) exactly on the fit β to rounding: |r| within 64
    /// units in the last place of the terms it is computed from (`StudentTModel.onFit`).
    static func observationsOnFit(_ beta: [Double], x: Matrix, y: [Double], weights: [Double]?) -> Double {
        var on = 0.0
        for i in 0..<x.rows {
            var fitted = 0.0, size = abs(y[i])
            for j in 0..<x.columns { let t = x[i, j] * beta[j]; fitted += t; size += abs(t) }
            if StudentTModel.onFit(residual: y[i] - fitted, terms: size) { on += weights?[i] ?? 1 }
        }
        return on
    }

    /// At most this many fits through p rows of a sample are tried by `sampledFits`.
    static let exactFitDraws = 2_000

    /// Observations on one fit found among the fits through p rows of a seeded sample (at most
    /// `StudentTModel.collinearRows` rows): every p-subset of the sample when there are at most
    /// `exactFitDraws` of them, else that many drawn at random; the fit holding the most rows
    /// of the sample is then counted over every row (weights summed). With an intercept and one
    /// other column, the line through the most points instead (`StudentTModel.mostCollinear`,
    /// exact up to that many rows). A fit holding a share q of the rows is missed by the draws
    /// with probability about (1 − q^p)^2000: 10⁻⁷ for 20 % of the rows and p = 3, 0.8 for 10 %
    /// and p = 4. A lower bound, at least p.
    /// - Complexity: O(exactFitDraws · m p + n p), m the sample's rows.
    static func sampledFits(x: Matrix, y: [Double], weights: [Double]?, intercept: Bool) -> Double {
        let n = x.rows, p = x.columns
        guard n > p, p > 0 else { return Double(p) }
        func observations(_ beta: [Double]) -> Double { observationsOnFit(beta, x: x, y: y, weights: weights) }
        if p == 2 && intercept {
            guard let line = StudentTModel.mostCollinear(x: x.column(1), y: y) else { return Double(p) }
            return max(Double(p), observations([line.b, line.w]))
        }
        let stride = StudentTModel.sampleStride(n: n, sampleRows: StudentTModel.collinearRows)
        let rows = stride > 1 ? RandomGenerator.onePerBlock(n: n, stride: stride, seed: 0xF17_5A3) : Array(0..<n)
        // One slope and one factor's indicator columns: parallel lines, one per level.
        var parallel = 0.0
        if intercept, let beta = parallelLines(x: x, y: y, rows: rows) { parallel = observations(beta) }
        let m = rows.count
        let sample = LeastAbsoluteDeviations.rows(rows, of: x), ys = rows.map { y[$0] }
        var best: (count: Int, beta: [Double])?
        func tryFit(_ picked: [Int]) {
            guard let lu = LUDecomposition(LeastAbsoluteDeviations.rows(picked, of: sample)) else { return }
            let beta = lu.solve(picked.map { ys[$0] })
            guard beta.allSatisfy(\.isFinite) else { return }
            let count = Int(observationsOnFit(beta, x: sample, y: ys, weights: nil))
            if count > p && count > (best?.count ?? 0) { best = (count, beta) }
        }
        if subsets(m, p) <= exactFitDraws {
            // Every p-subset, in lexicographic order.
            var pick = Array(0..<p)
            while true {
                tryFit(pick)
                var k = p - 1
                while k >= 0 && pick[k] == m - p + k { k -= 1 }
                if k < 0 { break }
                pick[k] += 1
                for j in (k + 1)..<p { pick[j] = pick[j - 1] + 1 }
            }
        } else {
            var generator = RandomGenerator(seed: 0xE7AC_7F17)
            for _ in 0..<exactFitDraws {
                var picked = Set<Int>()
                while picked.count < p { picked.insert(Int(generator.next() % UInt64(m))) }
                tryFit(picked.sorted())
            }
        }
        guard let best else { return max(Double(p), parallel) }
        return max(Double(p), parallel, observations(best.beta))
    }

    /// For an intercept (column 0), at most one numeric column and the indicator columns of one
    /// factor (each row with at most one 1 among them): the fit of parallel lines, one per level, through
    /// the most of `rows`. For each level and each of its rows, the slopes to the level's other
    /// rows sorted, a run of equal slopes (to 10⁻¹² of their size) is a line through it; each
    /// slope's total is the sum over levels of the most rows on one line of that slope (at least
    /// one row of each level lies on some line of any slope); the best slope's intercepts are
    /// each level's commonest y − w·x. nil for any other design, or when no slope puts more
    /// than one row of a level on a line.
    /// - Complexity: O(Σ m_l² log m_l) over the levels' rows m_l among `rows`.
    static func parallelLines(x: Matrix, y: [Double], rows: [Int]) -> [Double]? {
        let p = x.columns
        guard p >= 3, rows.allSatisfy({ x[$0, 0] == 1 }) else { return nil }
        let indicators = (1..<p).filter { j in rows.allSatisfy { x[$0, j] == 0 || x[$0, j] == 1 } }
        // Without a numeric column the fit is each level's commonest y.
        let slopeColumn = (1..<p).first { !indicators.contains($0) }
        guard indicators.count >= p - 2 else { return nil }
        // Each row's level: the indicator that is 1, or 0 (the reference) when none is.
        var byLevel: [Int: [Int]] = [:]
        for i in rows {
            let ones = indicators.filter { x[i, $0] == 1 }
            guard ones.count <= 1 else { return nil }
            byLevel[ones.first ?? 0, default: []].append(i)
        }
        // The slope of the lines through the most rows (a run of equal slopes from a row to its
        // level's others is a line through it), totalled over the levels.
        func bestSlope(_ column: Int) -> Double? {
            // A slope's key: its bits to about 10⁻¹² of its size.
            func key(_ s: Double) -> UInt64 { (s == 0 ? 0.0 : s).bitPattern & ~UInt64(0xFFF) }
            var totals: [UInt64: (count: Int, slope: Double)] = [:]
            var slopes: [Double] = []
            for (_, members) in byLevel.sorted(by: { $0.key < $1.key }) {
                var most: [UInt64: (count: Int, slope: Double)] = [:]
                for a in members {
                    slopes.removeAll(keepingCapacity: true)
                    var copies = 1
                    for r in members where r != a {
                        let dx = x[r, column] - x[a, column], dy = y[r] - y[a]
                        if dx == 0 { if dy == 0 { copies += 1 } } else if (dy / dx).isFinite { slopes.append(dy / dx) }
                    }
                    slopes.sort()
                    var i = 0
                    while i < slopes.count {
                        var j = i + 1
                        while j < slopes.count && slopes[j] - slopes[j - 1] <= 1e-12 * max(abs(slopes[j]), abs(slopes[j - 1])) { j += 1 }
                        let s = slopes[(i + j) / 2], k = key(s), count = copies + j - i
                        if count > (most[k]?.count ?? 0) { most[k] = (count, s) }
                        i = j
                    }
                }
                // The rows beyond one per level (a level with no line of a slope still has one
                // row on some line of it).
                for (k, v) in most {
                    let t = totals[k] ?? (0, v.slope)
                    totals[k] = (t.count + v.count - 1, t.slope)
                }
            }
            return totals.max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }?.value.slope
        }
        var w = 0.0
        if let slopeColumn {
            guard let slope = bestSlope(slopeColumn) else { return nil }
            w = slope
        }
        // Each level's intercept: the commonest y − w·x among its rows (to 10⁻¹² of its size).
        var intercept: [Int: Double] = [:]
        for (level, members) in byLevel {
            let c = members.map { i in y[i] - w * (slopeColumn.map { x[i, $0] } ?? 0) }.sorted()
            var bestRun = (count: 0, value: 0.0), i = 0
            while i < c.count {
                var j = i + 1
                while j < c.count && c[j] - c[j - 1] <= 1e-12 * max(abs(c[j]), abs(c[j - 1]), 1e-300) { j += 1 }
                if j - i > bestRun.count { bestRun = (j - i, c[(i + j) / 2]) }
                i = j
            }
            intercept[level] = bestRun.value
        }
        var beta = [Double](repeating: 0, count: p)
        let reference = intercept[0] ?? 0
        beta[0] = reference
        if let slopeColumn { beta[slopeColumn] = w }
        for j in indicators { beta[j] = (intercept[j] ?? reference) - reference }
        return beta
    }

    /// Observations on one fit of the coefficients: the most weight on a fit through p of the
    /// heaviest rows (every p-subset of the m heaviest, m the largest with at most 64 subsets:
    /// 11 rows for p = 2, 8 for p = 3 to 5; and the heaviest rows taken while independent),
    /// counting every row on that fit to rounding (|r|
    /// within 64 units in the last place of the terms). A lower bound on the most (exact for
    /// the heaviest rows' fits), at least p.
    /// - Complexity: O(n log n + 64 n p).
    static func heaviestFit(x: Matrix, y: [Double], weights: [Double]) -> Double {
        let n = x.rows, p = x.columns
        guard n > p, p > 0 else { return Double(p) }
        var m = p
        while m < n && subsets(m + 1, p) <= 64 { m += 1 }
        var best = Double(p)
        // The weight on the fit through `rows`, when they define one.
        func weightOnFit(_ rows: [Int]) -> Double {
            guard let lu = LUDecomposition(LeastAbsoluteDeviations.rows(rows, of: x)) else { return 0 }
            let beta = lu.solve(rows.map { y[$0] })
            guard beta.allSatisfy(\.isFinite) else { return 0 }
            return observationsOnFit(beta, x: x, y: y, weights: weights)
        }
        // The heaviest rows taken while their design rows stay linearly independent (a fit
        // through them exists even where every p of the m heaviest are dependent, as rows of
        // one level of a factor are).
        let order = (0..<n).sorted { (weights[$0], -$0) > (weights[$1], -$1) }
        let heaviest = Array(order.prefix(m))
        let chosen = independentRows(order, of: x)
        if chosen.count == p { best = max(best, weightOnFit(chosen)) }
        // The p-subsets of the m heaviest rows, in lexicographic order.
        var pick = Array(0..<p)
        while true {
            best = max(best, weightOnFit(pick.map { heaviest[$0] }))
            // The next subset: raise the last index that can still rise, and reset the rest.
            var k = p - 1
            while k >= 0 && pick[k] == m - p + k { k -= 1 }
            if k < 0 { break }
            pick[k] += 1
            for j in (k + 1)..<p { pick[j] = pick[j - 1] + 1 }
        }
        return best
    }

    /// The observations (rows, or their weights) at the commonest value of y: found among up
    /// to `StudentTModel.collinearRows` rows (one from each block, seeded, above that), which
    /// hold any value a sizeable share of the rows take, then counted on every row.
    /// - Complexity: O(n).
    static func commonestResponse(_ y: [Double], weights: [Double]?) -> Double {
        let n = y.count
        guard n > 0 else { return 0 }
        let stride = StudentTModel.sampleStride(n: n, sampleRows: StudentTModel.collinearRows)
        let rows = stride > 1 ? RandomGenerator.onePerBlock(n: n, stride: stride, seed: 0xC0_4417) : Array(0..<n)
        var tally: [Double: Double] = [:]
        for i in rows { tally[y[i], default: 0] += weights?[i] ?? 1 }
        // The commonest, the smallest value among equals (the same answer on every run).
        guard let c = tally.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) })?.key else { return 0 }
        var on = 0.0
        for i in 0..<n where y[i] == c { on += weights?[i] ?? 1 }
        return on
    }

    /// C(m, p), saturating at Int.max.
    static func subsets(_ m: Int, _ p: Int) -> Int {
        var c = 1
        for i in 0..<p {
            let (product, overflow) = c.multipliedReportingOverflow(by: m - i)
            if overflow { return .max }
            c = product / (i + 1)
        }
        return c
    }

    /// Each distinct row's count and first row, or nil when no row repeats: `DistinctRows`'
    /// grouping, and below its 51 rows a direct comparison of every pair.
    static func repeatedRows(x: Matrix, y: [Double]) -> (copies: [Int], first: [Int])? {
        if let d = LeastAbsoluteDeviations.DistinctRows(x: x, y: y) { return (d.copies, d.first) }
        let n = x.rows
        guard n <= 50 else { return nil }
        var first: [Int] = [], copies: [Int] = []
        for i in 0..<n {
            if let k = first.firstIndex(where: { j in y[j] == y[i] && (0..<x.columns).allSatisfy { x[j, $0] == x[i, $0] } }) {
                copies[k] += 1
            } else {
                first.append(i); copies.append(1)
            }
        }
        return first.count < n ? (copies, first) : nil
    }
}
