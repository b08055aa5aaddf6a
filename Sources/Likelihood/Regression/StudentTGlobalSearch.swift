import Dispatch
import Foundation

/// The rows a Student-t search climbs on: the one-predictor fit's centred plane (its SIMD
/// pass) or a design's rows (`StudentTRegression.Problem`), all of them or a sample.
protocol StudentTSearchRows {
    /// Observations: the rows, or the sum of their frequency weights.
    var observations: Double { get }
    /// One climb from θ = (β, log s, log ν) (`StudentTClimb`).
    func climb(from theta: [Double], freeNu: Bool, logNuBounds: (Double, Double), maxSteps: Int, recordsPath: Bool,
               label: String) -> StudentTClimb.End
    /// log L's gradient and Hessian at θ over β, log s and, with `freeNu`, log ν.
    func derivatives(at theta: [Double], freeNu: Bool) -> ([Double], Matrix)
    /// Each row's log-density at θ, with the row's frequency weight (nil: one each).
    func rowLogDensities(_ theta: [Double]) -> (values: [Double], weights: [Double]?)
    /// The observations on the fit at θ to rounding (a collapsed scale's spike).
    func observationsOnFit(_ theta: [Double]) -> Double
    /// The last digits of a maximum a climb reached on these rows, and log L there (nil: the
    /// climb's end is final, as where log L resolves the last steps' gains).
    func polish(_ theta: [Double], freeNu: Bool, logNuBounds: (Double, Double)) -> (theta: [Double], logLikelihood: Double)?
}

/// The global search of the Student-t likelihood, one for one and several predictors: the
/// likelihood is not concave in the coefficients (an outlier can hold a maximum of its own), so
/// searches run from many starts and every distinct maximum is kept.
///
/// Every start climbs first on the screening rows (every row up to `StudentTModel.screenRows`, else a
/// seeded one per block). Above that, the distinct maxima found there that are not clearly
/// below the best (their mean per-row deficit within four standard errors of 0), at most
/// `refinedMaxima`, are finished on every row, through the larger middle sample first when
/// there is one; the first two starts (the least-squares and least-absolute-deviations fits,
/// which the one-predictor page draws) are finished too, sharing a refinement when they ended
/// at a chosen maximum. A search whose scale collapsed ran up a spike at a fit through some
/// observations: where the likelihood is unbounded there for the bottom of ν's range, the run
/// ends with `Spike` (judged on every row only: a sample's share of rows on a fit varies), and
/// the caller raises the floor above that fit or refuses a held ν. Each end on every row takes
/// its last digits (`polish`); ends are one
/// maximum when their coefficients agree to 10⁻⁶ of the best's standard errors and their log
/// L to 10⁻⁹; of the searches at the highest, the one of fewest steps is the fit.
struct StudentTGlobalSearch<Rows: StudentTSearchRows> {
    struct Start {
        var name: String
        var theta: [Double]
        /// A fit through p rows (not one of the named fits).
        var elemental = false
        /// How progress lines name the search (" from the least-squares line").
        var label = ""
    }

    /// Where a start's search ended.
    struct End {
        var start: Int
        var name: String
        var elemental: Bool
        var theta: [Double]
        var ll: Double
        /// Steps taken, on every kind of rows.
        var iterations: Int
        /// Of them, the steps on the screening and middle samples.
        var sampleSteps = 0
        var converged: Bool
        /// θ at the start and after every step (with `recordsPath`).
        var path: [[Double]]
        var derivatives: ([Double], Matrix)?
        /// How many starts ended at this maximum.
        var reachedBy = 1
        let startLogScale: Double

        /// The scale ended below 10⁻⁹ of its start: the search may have run up a spike.
        var collapsed: Bool { theta[theta.count - 2] < startLogScale - 20.7 }
    }

    struct Result {
        /// The named searches first (finished on every row), then the others on every row.
        var searches: [End]
        /// Every distinct maximum on every row, best first (the first is the fit).
        var maxima: [End]
        /// Distinct maxima on the screening rows (those of every row when they were all rows).
        var screeningMaxima: Int
        /// Maxima of the screening rows finished on every row (0: they were all rows).
        var refined: Int
        var unconverged: Int
    }

    /// Coefficients in θ.
    let p: Int
    let freeNu: Bool
    let logNuBounds: (Double, Double)
    /// The bottom of ν's range (or the ν held): a spike is refused where (N − k)·ν ≤ k.
    let nuFloor: Double
    var maxSteps = 500
    var refinedMaxima = StudentTModel.refinedMaxima
    /// Keep the searches' iterates (the one-predictor page draws the named ones).
    var recordsPath = false
    /// Starts that are named (finished on every row whatever their screening found).
    var named = 2

    /// A search ran up a spike at a fit through this many observations, where the likelihood
    /// is unbounded for the bottom of ν's range: with ν estimated, the caller searches again
    /// from above k/(N − k); with ν held, there is no maximum.
    struct Spike: Error {
        let observations: Double
    }

    func run(starts: [Start], screen: Rows?, middle: Rows?, full: Rows) throws -> Result {
        let screening = screen ?? full
        let (bounds, maxSteps, recordsPath, freeNu) = (logNuBounds, self.maxSteps, self.recordsPath, self.freeNu)
        // 1. Every start on the screening rows; the searches are independent, both cores take
        // them in turn (each writes its own slot).
        var slots = [End?](repeating: nil, count: starts.count)
        slots.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: starts.count) { k in
                let s = starts[k]
                let end = screening.climb(from: s.theta, freeNu: freeNu, logNuBounds: bounds, maxSteps: maxSteps,
                                          recordsPath: recordsPath, label: s.label)
                base[k] = End(start: k, name: s.name, elemental: s.elemental, theta: end.theta, ll: end.logLikelihood,
                              iterations: end.iterations, converged: end.converged, path: end.path, derivatives: end.derivatives,
                              startLogScale: s.theta[p])
            }
        }
        let first = slots.map { $0! }
        guard screen != nil else {
            try refuseSpikes(first, on: full)
            return finish(first, screeningMaxima: nil, refined: 0, full: full)
        }

        // 2. The distinct maxima of the screening rows, best first, not clearly below the best,
        // finished on every row (through the middle sample first, when there is one).
        let candidates = distinct(first.filter(\.converged).sorted { $0.ll > $1.ll }, on: screening)
        var chosen: [End] = []
        if let top = candidates.first {
            let topRows = screening.rowLogDensities(top.theta)
            for c in candidates where chosen.count < refinedMaxima {
                if c.start == top.start { chosen.append(c); continue }
                // The mean per-row deficit against the best and its standard error: a maximum
                // clearly lower on the screening rows (by 4 standard errors) is left there; a
                // close one may win on every row.
                if Self.withinFourStandardErrors(topRows, screening.rowLogDensities(c.theta)) { chosen.append(c) }
            }
        }
        func refine(_ s: End) -> End {
            var theta = s.theta
            var middleEnd: StudentTClimb.End?
            if let middle {
                let m = middle.climb(from: theta, freeNu: freeNu, logNuBounds: bounds, maxSteps: maxSteps, recordsPath: recordsPath,
                                     label: starts[s.start].label)
                if m.theta.allSatisfy(\.isFinite) { theta = m.theta }
                middleEnd = m
            }
            let f = full.climb(from: theta, freeNu: freeNu, logNuBounds: bounds, maxSteps: maxSteps, recordsPath: recordsPath,
                               label: starts[s.start].label)
            var r = s
            r.theta = f.theta; r.ll = f.logLikelihood; r.converged = f.converged; r.derivatives = f.derivatives
            r.path = s.path + (middleEnd?.path.dropFirst() ?? []) + f.path.dropFirst()
            r.sampleSteps = s.iterations + (middleEnd?.iterations ?? 0)
            r.iterations = r.sampleSteps + f.iterations
            return r
        }
        let refinedCount = chosen.count
        var refined = chosen.map(refine)
        // The named starts' searches come first. One that ended at a refined maximum of the
        // screening rows shares its refinement (its own path, then that one's later steps) and
        // is counted there already; any other is refined itself.
        let tolerance = tolerances(candidates.first ?? first[0], on: screening)
        var namedEnds: [End] = []
        for s in first.prefix(named) {
            if let k = chosen.firstIndex(where: { $0.start == s.start }) {
                namedEnds.append(refined.remove(at: k))
                chosen.remove(at: k)
            } else if s.converged, let k = chosen.firstIndex(where: { same($0, s, tolerance) }) {
                var r = refined[k]
                let later = r.path.dropFirst(chosen[k].path.count)
                r.start = s.start; r.name = s.name; r.elemental = false
                r.path = s.path + later
                r.sampleSteps = s.iterations + (r.sampleSteps - chosen[k].iterations)
                r.iterations = s.iterations + (r.iterations - chosen[k].iterations)
                r.reachedBy = 0
                namedEnds.append(r)
            } else {
                var r = refine(s)
                r.reachedBy = candidates.first { same($0, s, tolerance) }?.reachedBy ?? 1
                namedEnds.append(r)
            }
        }
        let results = namedEnds + refined
        try refuseSpikes(results, on: full)
        return finish(results, screeningMaxima: candidates.count, refined: refinedCount, full: full)
    }

    /// The searches on every row ranked: of those at the highest maximum the one of fewest
    /// steps first (their ends agree far inside the standard errors), then the distinct maxima.
    private func finish(_ ends: [End], screeningMaxima: Int?, refined: Int, full: Rows) -> Result {
        // Each maximum's last digits first (where the rows' log L cannot judge them), so that
        // ends at one maximum agree to far inside its standard errors.
        let results = ends.map { e -> End in
            guard e.converged else { return e }
            let inside = freeNu && e.theta[p + 1] > logNuBounds.0 + 1e-9 && e.theta[p + 1] < logNuBounds.1 - 1e-9
            guard let (theta, ll) = full.polish(e.theta, freeNu: inside, logNuBounds: logNuBounds) else { return e }
            var r = e
            r.theta = theta; r.ll = ll; r.derivatives = nil
            return r
        }
        var ranked = results.filter(\.converged).sorted { $0.ll > $1.ll }
        if let top = ranked.first {
            let tolerance = tolerances(top, on: full)
            let k = ranked.indices.filter { same(ranked[$0], top, tolerance) }.min { ranked[$0].iterations < ranked[$1].iterations }!
            ranked.insert(ranked.remove(at: k), at: 0)
        }
        let maxima = distinct(ranked, on: full)
        return Result(searches: results, maxima: maxima, screeningMaxima: screeningMaxima ?? maxima.count, refined: refined,
                      unconverged: results.filter { !$0.converged }.count)
    }

    /// The mean of the per-row differences `a − b` (weighted by the rows' frequency weights) is
    /// at most four of its standard errors.
    static func withinFourStandardErrors(_ a: (values: [Double], weights: [Double]?), _ b: (values: [Double], weights: [Double]?)) -> Bool {
        let d = zip(a.values, b.values).map { $0 - $1 }
        guard let w = a.weights else {
            let mean = d.reduce(0, +) / Double(d.count)
            let sd = (d.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(d.count - 1, 1))).squareRoot()
            return mean <= 4 * sd / Double(d.count).squareRoot()
        }
        let total = w.reduce(0, +)
        let mean = zip(w, d).reduce(0) { $0 + $1.0 * $1.1 } / total
        let sd = (zip(w, d).reduce(0) { $0 + $1.0 * ($1.1 - mean) * ($1.1 - mean) } / max(total - 1, 1)).squareRoot()
        return mean <= 4 * sd / total.squareRoot()
    }

    /// A collapsed search's fit holds k observations; with (N − k)·ν ≤ k at the bottom of ν's
    /// range the likelihood is unbounded there, and no maximum exists.
    private func refuseSpikes(_ ends: [End], on full: Rows) throws {
        for e in ends where e.collapsed {
            let k = full.observationsOnFit(e.theta)
            if (full.observations - k) * nuFloor <= k { throw Spike(observations: k) }
        }
    }

    /// The standard errors of the coefficients at an end, from −H over its free parameters
    /// (ν left out when held or at a bound); nil where −H is not positive definite.
    func standardErrors(_ e: End, on rows: Rows) -> [Double]? {
        let inside = freeNu && e.theta[p + 1] > logNuBounds.0 && e.theta[p + 1] < logNuBounds.1
        let m = p + 1 + (inside ? 1 : 0)
        var (_, h) = e.derivatives ?? rows.derivatives(at: e.theta, freeNu: freeNu)
        if h.rows < m { (_, h) = rows.derivatives(at: e.theta, freeNu: true) }
        var negative = Matrix(rows: m, columns: m)
        for j in 0..<m { for i in 0..<m { negative[i, j] = -h[i, j] } }
        guard let chol = Cholesky(negative) else { return nil }
        let inverse = chol.inverse
        return (0..<p).map { inverse[$0, $0].squareRoot() }
    }

    /// How far apart two ends' coefficients may be and still be one maximum: 10⁻⁶ of the best's
    /// standard errors (10⁻⁹ of the coefficient where those are not finite).
    func tolerances(_ top: End, on rows: Rows) -> [Double] {
        let se = standardErrors(top, on: rows)
        return (0..<p).map { j in
            if let s = se?[j], s.isFinite, s > 0 { return 1e-6 * s }
            return 1e-9 * max(abs(top.theta[j]), 1e-300)
        }
    }

    func same(_ a: End, _ b: End, _ tolerance: [Double]) -> Bool {
        (0..<p).allSatisfy { abs(a.theta[$0] - b.theta[$0]) <= tolerance[$0] } && abs(a.ll - b.ll) <= 1e-9 * max(1, abs(a.ll))
    }

    /// Ends grouped by where they are (best first); each kept end counts the starts there.
    func distinct(_ ranked: [End], on rows: Rows) -> [End] {
        guard let top = ranked.first else { return [] }
        let tolerance = tolerances(top, on: rows)
        var kept: [End] = []
        for r in ranked {
            if let k = kept.firstIndex(where: { same($0, r, tolerance) }) {
                kept[k].reachedBy += r.reachedBy
            } else {
                kept.append(r)
            }
        }
        return kept
    }
}
