import Dispatch
import Foundation

/// The Laplace-noise fit of y on a design matrix: least absolute deviations, exact in p
/// dimensions.
///
/// For any scale s the negative log-likelihood n·log(2s) + Σ|rᵢ|/s is minimised over β by the
/// β with the least Σ|rᵢ|, so the MLE is the least-absolute-deviations fit and ŝ = Σ|rᵢ|/n.
/// That problem is the linear programme min Σ(eᵢ⁺ + eᵢ⁻) subject to Xβ + e⁺ − e⁻ = y, and an
/// optimum lies at a vertex: a β through p data points (a *basis* B, with X_B invertible).
///
/// The method is the simplex method on that programme, with long steps (Barrodale and
/// Roberts's idea): from a vertex, leaving basis row k in the direction d with X_B d = ±eₖ
/// changes Σ|rᵢ| at the rate 1 − |vₖ|, where X_Bᵀv = Σ_{i∉B} σᵢxᵢ and σᵢ is the sign of rᵢ.
/// When some |vₖ| > 1 the sum falls along that edge; it is convex and piecewise linear in the
/// step t, so its minimum along the ray is a weighted median of the breakpoints rᵢ/(xᵢ·d)
/// (weights |xᵢ·d|), reached in one pass and one selection, and the row found there joins the
/// basis. When every |vₖ| ≤ 1, u = (σ outside B, −v on B) satisfies Xᵀu = 0 with |uᵢ| ≤ 1:
/// that is the subgradient certificate, a proof that no β has a smaller sum. Rows on the fit
/// beyond the p of the basis (degenerate vertices, common with rounded data) get the sign the
/// programme's basis gives them, and a degenerate pivot (Bland's rule) swaps them in when
/// they block an edge, so the method cannot cycle.
///
/// It starts at a vertex near the optimum: a few iteratively reweighted least-squares steps
/// from the least-squares fit, then the p nearest rows in general position.
///
/// Frequency weights (each row stands for wᵢ identical observations) change nothing in kind:
/// Σwᵢ|yᵢ − xᵢᵀβ| = Σ|wᵢyᵢ − wᵢxᵢᵀβ|, the same programme on rows scaled by wᵢ, with
/// ŝ = Σwᵢ|rᵢ|/Σwᵢ and n = Σwᵢ wherever the likelihood counts observations.
public struct LeastAbsoluteDeviations: Sendable {
    public let design: DesignMatrix
    public let coefficients: [Double]
    public let estimates: [TermEstimate]
    /// Σ|yᵢ − xᵢᵀβ̂|, the least sum of absolute deviations (compensated).
    public let sumAbsoluteDeviations: Double
    /// ŝ = Σ|rᵢ|/n: the MLE of the Laplace scale.
    public let scale: Double
    /// The 0-based rows of the optimal basis: the fit passes through them.
    public let basis: [Int]
    /// Rows on the fit (|rᵢ| ≤ 10⁻¹² of their terms), the basis included.
    public let rowsOnFit: Int
    /// The certificate: the largest |vₖ| at the optimum (at most 1).
    public let largestMultiplier: Double
    /// Edges of the optimal vertex along which Σ|rᵢ| stays at its minimum: more than zero
    /// means the optimum is not unique (a segment or polytope of β share it).
    public let flatEdges: Int
    /// Simplex pivots taken from the starting vertex (long steps and degenerate swaps).
    public let pivots: Int
    /// Degenerate pivots among them (swaps at the same β).
    public let degeneratePivots: Int
    /// The QR decomposition of the design (of √W X with frequency weights): the standard
    /// errors' s²(XᵀWX)⁻¹.
    public let qr: HouseholderQR
    /// Frequency weights (nil: each row once).
    public let weights: [Double]?
    /// Observations: the rows, or the sum of the frequency weights.
    public let observations: Double
    /// Whether identical rows are solved once with their count (see `solve`); false only to
    /// check that path against the rows as they are.
    public let collapsesCopies: Bool
    /// On a design of an intercept and one column without weights: the exact descent's pivot
    /// lines and the corners of the optimal set (`LeastAbsoluteLine.swift`); nil otherwise.
    public let line: LineDescent?
    public var n: Int { design.rows }
    public var p: Int { design.columns }
    public var unique: Bool { flatEdges == 0 }
    /// log L = −n·log(2ŝ) − n, n the observations.
    public var logLikelihood: Double { -observations * (log(2 * scale) + 1) }
    /// AIC with k = p + 1 parameters (the coefficients and s).
    public var aic: Double { 2 * Double(p + 1) - 2 * logLikelihood }
    public var bic: Double { log(observations) * Double(p + 1) - 2 * logLikelihood }
    public var iterations: Int { pivots }

    /// At most this many pivots (far more than any data set here needs: the start is within
    /// a few pivots per coefficient of the optimum).
    public static let maxPivots = 100_000

    /// Fits `y` on `design`, each row standing for `weights[i]` observations when given (every
    /// weight above 0). Throws `DesignError` when a coefficient is not identified and
    /// `LADError` when every row lies on the fit or the method cannot finish.
    ///
    /// On an intercept and one column without weights the method is the plane's own
    /// (`solveLine`): the same vertex and certificate in a few passes, with no dense copy.
    /// `start`: coefficients the simplex starts from (a nearby fit's), instead of reweighted
    /// least squares; the optimum is the same. `maxPivots`: a smaller budget, where failing to
    /// finish only leaves a check out (the grouped-data refit on rows written out).
    public init(design: DesignMatrix, y original: [Double], weights: [Double]? = nil, collapsingCopies: Bool = true,
                start: [Double]? = nil, maxPivots: Int = LeastAbsoluteDeviations.maxPivots) throws {
        precondition(original.count == design.rows, "one response per row")
        if weights == nil, design.columns == 2, design.sources[0] == .constant(1) {
            let x = design.column(1)
            try self.init(line: design, x: x, y: original, statistics: SufficientStatistics(x: x, y: original))
            return
        }
        let qr = try (weights.map { design.scaled(by: $0.map { $0.squareRoot() }) } ?? design).checkIdentified()
        let (x, y) = LeastAbsoluteDeviations.weighted(design.matrix, original, weights)
        var solution = try LeastAbsoluteDeviations.solve(x: x, y: y, start: start, collapse: collapsingCopies, maxPivots: maxPivots)
        guard solution.sum > 1e-13 * y.reduce(0, { $0 + abs($1) }), solution.sum > 0 else { throw LADError.perfectFit }
        solution.basis.sort()
        self.init(design: design, qr: qr, weights: weights, collapsesCopies: collapsingCopies, solution: solution, line: nil)
    }

    /// The fit on `design` = [1, x] (`statistics` the moments of x and y, x varying), by the
    /// plane's exact descent. The standard errors' (XᵀX)⁻¹ comes from the triangle of the
    /// centred moments (`SufficientStatistics.triangle`) with no relative aliasing rule: x
    /// varies in centred arithmetic, so x = 10¹⁴ + 0…59 is identified, as for least squares.
    init(line design: DesignMatrix, x: [Double], y: [Double], statistics stats: SufficientStatistics) throws {
        precondition(design.columns == 2 && x.count == design.rows && y.count == x.count, "the design [1, x] of the rows")
        guard stats.xVaries else { throw DesignError.aliased(term: design.terms[1].name, combination: [design.terms[0].name]) }
        let (solution, descent) = try LeastAbsoluteDeviations.solveLine(x: x, y: y, statistics: stats)
        let t = stats.triangle(residualSumOfSquares: 0)
        var rx = Matrix(rows: 2, columns: 2)
        rx[0, 0] = t[0, 0]; rx[0, 1] = t[0, 1]; rx[1, 1] = t[1, 1]
        self.init(design: design, qr: HouseholderQR(rx, tolerance: 0), weights: nil, collapsesCopies: true, solution: solution, line: descent)
    }

    /// What both methods share: the inference from the QR and the vertex found.
    private init(design: DesignMatrix, qr: HouseholderQR, weights: [Double]?, collapsesCopies: Bool, solution: Solution, line: LineDescent?) {
        let observations = weights.map { $0.reduce(0, +) } ?? Double(design.rows)
        let s = solution.sum / observations
        let gram = qr.inverseGram
        let z = Distributions.normalQuantile975
        estimates = design.terms.indices.map { j in
            TermEstimate(term: design.terms[j].name,
                         coefficient: Coefficient(estimate: solution.beta[j], standardError: s * gram[j, j].squareRoot(), quantile: z,
                                                  pValue: Distributions.normalTwoSidedP))
        }
        self.design = design
        self.qr = qr
        self.weights = weights
        self.observations = observations
        self.collapsesCopies = collapsesCopies
        coefficients = solution.beta
        sumAbsoluteDeviations = solution.sum
        scale = s
        basis = solution.basis
        rowsOnFit = solution.rowsOnFit
        largestMultiplier = solution.largestMultiplier
        flatEdges = solution.flatEdges
        pivots = solution.pivots
        degeneratePivots = solution.degeneratePivots
        self.line = line
    }

    public func estimate(_ term: String) -> Coefficient? { estimates.first { $0.term == term }?.coefficient }

    /// The profile log-likelihood over a pair of coefficients on a grid (`us` for the first,
    /// `vs` for the second; row-major by `vs`): at each point the other coefficients and the
    /// scale maximised out, that is the least-absolute-deviations fit of y − u·xₐ − v·x_b on the
    /// other columns, −n·log(2·Σ|r|/n) − n. Each point starts from its neighbour's optimum
    /// (the grid walked back and forth), in two fixed halves, one per core. With frequency
    /// weights the rows are scaled by them and n is their sum.
    public func profile(pair: (Int, Int), us: [Double], vs: [Double], y original: [Double]) -> [Double] {
        // Rows that repeat are one row with their count at every point (their shifted responses
        // stay equal): collapsed once, not at each of the grid's fits.
        let distinct = weights == nil && collapsesCopies ? DistinctRows(x: design.matrix, y: original) : nil
        let (x, y) = distinct.map { ($0.x, $0.y) } ?? LeastAbsoluteDeviations.weighted(design.matrix, original, weights)
        let others = (0..<p).filter { $0 != pair.0 && $0 != pair.1 }
        let rows = x.rows
        let rest = others.isEmpty ? Matrix(rows: rows, columns: 0) : Matrix(columns: others.map(x.column))
        let ca = x.column(pair.0), cb = x.column(pair.1)
        let count = observations
        return ProfileWalk.fill(width: us.count, height: vs.count, start: others.map { coefficients[$0] }) { i, j, start in
            let shifted = (0..<rows).map { y[$0] - ca[$0] * us[i] - cb[$0] * vs[j] }
            var sum = LeastAbsoluteDeviations.sumAbsolute(shifted)
            var end = start
            if !others.isEmpty {
                guard let best = try? LeastAbsoluteDeviations.solve(x: rest, y: shifted, start: start, collapse: collapsesCopies) else { return nil }
                sum = best.sum
                end = best.beta
            }
            return (sum > 0 ? -count * (log(2 * sum / count) + 1) : .infinity, end)
        }.values
    }

    /// The likelihood-ratio test of each predictor column against the fit without it:
    /// 2(ℓ − ℓ₀) = 2n·log(Σ|r₀|/Σ|r|), on χ² with the column's coefficients as degrees of
    /// freedom (asymptotically, as for any likelihood ratio).
    public func termTests(y original: [Double]) throws -> [TermTest] {
        try design.predictorGroups.map { group in
            let kept = (0..<p).filter { !group.indices.contains($0) }
            let (x, y) = LeastAbsoluteDeviations.weighted(design.removing(group.indices).matrix, original, weights)
            let fit = try LeastAbsoluteDeviations.solve(x: x, y: y, start: kept.map { coefficients[$0] }, collapse: collapsesCopies)
            let lr = max(0, 2 * observations * log(fit.sum / sumAbsoluteDeviations))
            return TermTest(term: group.column, degreesOfFreedom: group.indices.count, statistic: lr,
                            pValue: Distributions.chiSquaredSurvival(lr, degreesOfFreedom: group.indices.count), distribution: "chi2")
        }
    }

    /// The rows scaled by their frequency weights (as given without them): Σwᵢ|yᵢ − xᵢᵀβ| is
    /// the plain sum of absolute deviations of the scaled rows.
    static func weighted(_ x: Matrix, _ y: [Double], _ weights: [Double]?) -> (Matrix, [Double]) {
        guard let weights else { return (x, y) }
        var scaled = x
        scaled.storage.withUnsafeMutableBufferPointer { s in
            for j in 0..<x.columns { for i in 0..<x.rows { s[j * x.rows + i] *= weights[i] } }
        }
        return (scaled, zip(y, weights).map(*))
    }

    /// What the exact method ends with.
    struct Solution {
        var beta: [Double]
        var sum: Double
        var basis: [Int]
        var rowsOnFit: Int
        var largestMultiplier: Double
        var flatEdges: Int
        var pivots: Int
        var degeneratePivots: Int
    }

    /// The least-absolute-deviations fit of `y` on the columns of `x`, from `start` (nil:
    /// reweighted least squares from the least-squares fit), ending on a vertex proved optimal.
    ///
    /// Identical rows (the same design row and response, as rounded data give by the thousand)
    /// are one row counted as often: k|yᵢ − xᵢᵀβ| = |kyᵢ − kxᵢᵀβ|, so the programme on the
    /// distinct rows scaled by their counts has the same optimum. Without that, every copy of
    /// a basis row lies on the fit and the degenerate swaps walk through the copies (10⁷ rows on
    /// 16,495 points did not finish in 300 s). The basis is reported as the first copy of each
    /// row, and the rows on the fit are counted with their copies.
    static func solve(x: Matrix, y: [Double], start: [Double]? = nil, collapse: Bool = true,
                      maxPivots: Int = LeastAbsoluteDeviations.maxPivots) throws -> Solution {
        guard collapse, let distinct = DistinctRows(x: x, y: y) else { return try solveRows(x: x, y: y, start: start, maxPivots: maxPivots) }
        var solution = try solveRows(x: distinct.x, y: distinct.y, start: start, maxPivots: maxPivots)
        solution.basis = solution.basis.map { distinct.first[$0] }
        // Rows on the fit, counted with their copies: the distinct rows' residuals at β̂.
        let fitted = distinct.x.times(solution.beta)
        var onFit = 0
        for i in 0..<distinct.y.count {
            let r = distinct.y[i] - fitted[i]
            if abs(r) <= 1e-12 * (abs(distinct.y[i]) + abs(fitted[i])) { onFit += distinct.copies[i] }
        }
        solution.rowsOnFit = max(onFit, solution.basis.count)
        return solution
    }

    /// Rows of (x, y) that occur more than once, each kept once and scaled by its count; nil
    /// when copies are rare (fewer than 1 row in 10 in a strided sample of up to 20,000, or in
    /// the whole), so that ordinary continuous data are solved as they are.
    public struct DistinctRows: Sendable {
        /// The distinct rows, each multiplied by its count (the programme's rows).
        public var x: Matrix
        public var y: [Double]
        /// Each distinct row's count and its first row in the original.
        public var copies: [Int]
        public var first: [Int]

        public init?(x original: Matrix, y original_y: [Double]) {
            let n = original.rows, p = original.columns
            guard n > 50, n < Int(Int32.max) else { return nil }
            // Row i's values, read from the column-major storage: a hash of their bits, and
            // equality of two rows, with no array made per row.
            let grouped: (copies: [Int], first: [Int])? = original.storage.withUnsafeBufferPointer { xs in
                original_y.withUnsafeBufferPointer { ys in
                    /// A mix of the row's bits (multiply and shift: cheap, and the same on every
                    /// run; the grouping never depends on it beyond speed).
                    func hash(_ i: Int) -> UInt64 {
                        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
                        for j in 0..<p { h = (h ^ xs[j * n + i].bitPattern) &* 0xBF58_476D_1CE4_E5B9; h ^= h >> 31 }
                        h = (h ^ ys[i].bitPattern) &* 0x94D0_49BB_1331_11EB
                        return h ^ (h >> 29)
                    }
                    func same(_ a: Int, _ b: Int) -> Bool {
                        guard ys[a].bitPattern == ys[b].bitPattern else { return false }
                        for j in 0..<p where xs[j * n + a].bitPattern != xs[j * n + b].bitPattern { return false }
                        return true
                    }
                    /// Rows `indices` grouped: each distinct row's count and first row, through an
                    /// open-addressing table of distinct-row numbers (linear probing, at most half
                    /// full), so no two rows are merged unless equal.
                    func group(_ indices: StrideTo<Int>) -> (copies: [Int], first: [Int]) {
                        var copies: [Int] = [], first: [Int] = []
                        var mask = 1023
                        var table = [Int32](repeating: -1, count: mask + 1)
                        func insert(_ k: Int, hash h: UInt64) {
                            var slot = Int(truncatingIfNeeded: h) & mask
                            while table[slot] >= 0 { slot = (slot + 1) & mask }
                            table[slot] = Int32(k)
                        }
                        for i in indices {
                            let h = hash(i)
                            var slot = Int(truncatingIfNeeded: h) & mask
                            while true {
                                let k = Int(table[slot])
                                if k < 0 {
                                    table[slot] = Int32(copies.count); copies.append(1); first.append(i)
                                    if 2 * copies.count > mask {
                                        // Twice the room, every distinct row placed again.
                                        mask = 2 * mask + 1
                                        table = [Int32](repeating: -1, count: mask + 1)
                                        for (r, row) in first.enumerated() { insert(r, hash: hash(row)) }
                                    }
                                    break
                                }
                                if same(first[k], i) { copies[k] += 1; break }
                                slot = (slot + 1) & mask
                            }
                        }
                        return (copies, first)
                    }
                    // A strided sample decides whether the whole pass is worth making.
                    let sample = group(stride(from: 0, to: n, by: max(1, n / 20_000)))
                    guard sample.copies.count * 10 < sample.copies.reduce(0, +) * 9 else { return nil }
                    return group(stride(from: 0, to: n, by: 1))
                }
            }
            guard let (copies, first) = grouped else { return nil }
            guard copies.count * 10 < n * 9 else { return nil }
            var x = Matrix(rows: copies.count, columns: p)
            for j in 0..<p { for (r, i) in first.enumerated() { x[r, j] = original[i, j] * Double(copies[r]) } }
            self.x = x
            self.y = first.enumerated().map { original_y[$0.element] * Double(copies[$0.offset]) }
            self.copies = copies
            self.first = first
        }
    }

    /// The simplex itself, on the rows as given.
    static func solveRows(x: Matrix, y: [Double], start: [Double]? = nil, maxPivots: Int = LeastAbsoluteDeviations.maxPivots) throws -> Solution {
        let n = x.rows, p = x.columns
        var beta = start ?? LeastAbsoluteDeviations.reweightedStart(x: x, y: y, from: HouseholderQR(x).leastSquares(y).coefficients)
        var r = [Double](repeating: 0, count: n)
        var onFit = [Bool](repeating: false, count: n)
        LeastAbsoluteDeviations.residuals(beta, x: x, y: y, into: &r, onFit: &onFit)
        var basis = try LeastAbsoluteDeviations.startingBasis(x: x, r: r)
        // σᵢ for rows on the fit outside the basis (the programme's choice of e⁺ or e⁻).
        var sigma = [Int8](repeating: 1, count: n)
        var a = [Double](repeating: 0, count: n)
        var pivots = 0, degenerate = 0, streak = 0, restarts = 0
        var lu: LUDecomposition
        var v: [Double]
        while true {
            guard let factored = LUDecomposition(LeastAbsoluteDeviations.rows(basis, of: x)) else {
                // Rounding made the basis singular: start again from the rows nearest the
                // current fit (at most a few times).
                restarts += 1
                guard restarts <= 3 else { throw LADError.singularBasis }
                LeastAbsoluteDeviations.residuals(beta, x: x, y: y, into: &r, onFit: &onFit)
                basis = try LeastAbsoluteDeviations.startingBasis(x: x, r: r)
                continue
            }
            lu = factored
            beta = lu.solve(basis.map { y[$0] })
            LeastAbsoluteDeviations.residuals(beta, x: x, y: y, into: &r, onFit: &onFit)
            for i in basis { r[i] = 0; onFit[i] = true }
            let inBasis = Set(basis)
            v = lu.solveTransposed(LeastAbsoluteDeviations.signedSum(x: x, r: r, onFit: onFit, sigma: sigma, excluding: inBasis))
            let eligible = (0..<p).filter { abs(v[$0]) > 1 + 1e-9 }
            if eligible.isEmpty { break }
            guard pivots < maxPivots else { throw LADError.noConvergence(pivots: pivots) }
            pivots += 1
            // Dantzig's choice (the steepest edge by its multiplier) while steps make progress;
            // Bland's (the lowest row) through a run of degenerate swaps.
            let k = streak == 0 ? eligible.max { abs(v[$0]) < abs(v[$1]) }! : eligible.min { basis[$0] < basis[$1] }!
            let s: Double = v[k] > 0 ? 1 : -1
            var unit = [Double](repeating: 0, count: p)
            unit[k] = s
            let d = lu.solve(unit)
            LeastAbsoluteDeviations.direction(d, x: x, into: &a)
            if let step = LeastAbsoluteDeviations.lineSearch(r: r, a: a, onFit: onFit) {
                basis[k] = step.row
                // Rows the step lands on (ties) keep the sign they had before it.
                for i in 0..<n where r[i] != 0 { sigma[i] = r[i] > 0 ? 1 : -1 }
                streak = 0
            } else {
                // The edge is blocked at t = 0 by a row on the fit whose sign the edge would
                // break: swap it into the basis; row k leaves on the side the edge points to.
                // A row crosses the edge when aᵢ = xᵢᵀd is more than rounding against |xᵢ|·|d|: a
                // row in the span of the basis rows that stay has aᵢ = 0 but for rounding, and
                // swapping it in would make the basis singular (a factor's rows, repeated with
                // other responses, do).
                let dSize = d.reduce(0) { max($0, abs($1)) }
                func crosses(_ i: Int) -> Bool {
                    var size = 0.0
                    for j in 0..<p { size += abs(x[i, j]) }
                    return abs(a[i]) > 1e-9 * size * dSize
                }
                guard let j = (0..<n).first(where: { onFit[$0] && !inBasis.contains($0) && crosses($0) && (a[$0] > 0) == (sigma[$0] > 0) })
                        ?? (0..<n).first(where: { onFit[$0] && !inBasis.contains($0) && crosses($0) }) else {
                    throw LADError.noConvergence(pivots: pivots)
                }
                sigma[basis[k]] = s > 0 ? -1 : 1
                basis[k] = j
                degenerate += 1
                streak += 1
            }
        }
        let sum = LeastAbsoluteDeviations.sumAbsolute(r)
        // Flat edges: a multiplier at ±1 whose edge does not raise the sum.
        var flat = 0
        let onFitCount = onFit.reduce(0) { $0 + ($1 ? 1 : 0) }
        for k in 0..<p where abs(v[k]) >= 1 - 1e-9 {
            var unit = [Double](repeating: 0, count: p)
            unit[k] = v[k] > 0 ? 1 : -1
            LeastAbsoluteDeviations.direction(lu.solve(unit), x: x, into: &a)
            if LeastAbsoluteDeviations.initialSlope(r: r, a: a, onFit: onFit) <= 1e-9 * a.reduce(0, { $0 + abs($1) }) { flat += 1 }
        }
        return Solution(beta: beta, sum: sum, basis: basis, rowsOnFit: onFitCount, largestMultiplier: v.map(abs).max() ?? 0,
                        flatEdges: flat, pivots: pivots, degeneratePivots: degenerate)
    }

    /// The p × p matrix of the design's rows `rows`.
    static func rows(_ rows: [Int], of x: Matrix) -> Matrix {
        var m = Matrix(rows: rows.count, columns: x.columns)
        for (k, i) in rows.enumerated() { for j in 0..<x.columns { m[k, j] = x[i, j] } }
        return m
    }

    /// rᵢ = yᵢ − xᵢᵀβ, and whether row i is on the fit (|rᵢ| within 10⁻¹² of the size of its
    /// terms, where rounding alone could leave it); segments of rows on both cores.
    static func residuals(_ beta: [Double], x: Matrix, y: [Double], into r: inout [Double], onFit: inout [Bool]) {
        let n = x.rows, p = x.columns
        x.storage.withUnsafeBufferPointer { xs in
            r.withUnsafeMutableBufferPointer { rs in
                onFit.withUnsafeMutableBufferPointer { zs in
                    let rb = rs.baseAddress!, zb = zs.baseAddress!
                    let segment = 1 << 14, pieces = (n + segment - 1) / segment
                    DispatchQueue.concurrentPerform(iterations: pieces) { piece in
                        let lo = piece * segment, hi = min(n, lo + segment)
                        var size = [Double](repeating: 0, count: hi - lo)
                        for i in lo..<hi { rb[i] = y[i]; size[i - lo] = abs(y[i]) }
                        for j in 0..<p where beta[j] != 0 {
                            let b = beta[j], col = xs.baseAddress! + j * n
                            for i in lo..<hi { let t = col[i] * b; rb[i] -= t; size[i - lo] += abs(t) }
                        }
                        for i in lo..<hi { zb[i] = abs(rb[i]) <= 1e-12 * size[i - lo] }
                    }
                }
            }
        }
        for i in 0..<n where onFit[i] { r[i] = 0 }
    }

    /// aᵢ = xᵢᵀd for every row, set to exactly 0 where it is within 10⁻¹² of the size of its
    /// terms (a row the direction does not move, up to rounding).
    static func direction(_ d: [Double], x: Matrix, into a: inout [Double]) {
        let n = x.rows, p = x.columns
        x.storage.withUnsafeBufferPointer { xs in
            a.withUnsafeMutableBufferPointer { out in
                let ab = out.baseAddress!
                let segment = 1 << 14, pieces = (n + segment - 1) / segment
                DispatchQueue.concurrentPerform(iterations: pieces) { piece in
                    let lo = piece * segment, hi = min(n, lo + segment)
                    var size = [Double](repeating: 0, count: hi - lo)
                    for i in lo..<hi { ab[i] = 0 }
                    for j in 0..<p where d[j] != 0 {
                        let b = d[j], col = xs.baseAddress! + j * n
                        for i in lo..<hi { let t = col[i] * b; ab[i] += t; size[i - lo] += abs(t) }
                    }
                    for i in lo..<hi where abs(ab[i]) <= 1e-12 * size[i - lo] { ab[i] = 0 }
                }
            }
        }
    }

    /// Σ σᵢxᵢ over the rows outside the basis: σᵢ the sign of rᵢ, or the programme's sign for
    /// a row on the fit.
    static func signedSum(x: Matrix, r: [Double], onFit: [Bool], sigma: [Int8], excluding basis: Set<Int>) -> [Double] {
        let n = x.rows
        var sign = [Double](repeating: 0, count: n)
        for i in 0..<n where !basis.contains(i) { sign[i] = onFit[i] ? Double(sigma[i]) : (r[i] > 0 ? 1 : -1) }
        return x.transposeTimes(sign)
    }

    /// The one-sided slope of Σ|rᵢ − t aᵢ| at t = 0⁺: rows on the fit and rows moving away
    /// raise it by |aᵢ|, rows approaching zero lower it.
    static func initialSlope(r: [Double], a: [Double], onFit: [Bool]) -> Double {
        var s = 0.0
        for i in r.indices where a[i] != 0 {
            if onFit[i] || (r[i] > 0) != (a[i] > 0) { s += abs(a[i]) } else { s -= abs(a[i]) }
        }
        return s
    }

    /// The exact minimum of Σ|rᵢ − t aᵢ| over t > 0: the step and the row reached there
    /// (the earliest row on a tie), or nil when the sum does not fall along the ray.
    static func lineSearch(r: [Double], a: [Double], onFit: [Bool]) -> (t: Double, row: Int)? {
        var falling = 0.0, rising = 0.0
        var pairs: [Pair] = []
        for i in r.indices where a[i] != 0 {
            if onFit[i] || (r[i] > 0) != (a[i] > 0) {
                rising += abs(a[i])
            } else {
                falling += abs(a[i])
                pairs.append(Pair(slope: r[i] / a[i], weight: abs(a[i])))
            }
        }
        guard falling > rising * (1 + 1e-12) else { return nil }
        // Crossing breakpoint i turns −|aᵢ| into +|aᵢ|: the minimum is where the crossed
        // weight first reaches half the excess.
        let t = weightedMedian(&pairs, target: (falling - rising) / 2)
        guard let row = r.indices.first(where: { a[$0] != 0 && !onFit[$0] && (r[$0] > 0) == (a[$0] > 0) && r[$0] / a[$0] == t }) else { return nil }
        return (t, row)
    }

    /// Σ|rᵢ|, compensated.
    static func sumAbsolute(_ r: [Double]) -> Double {
        var s = 0.0, c = 0.0
        for v in r {
            let y = abs(v) - c
            let t = s + y
            c = (t - s) - y
            s = t
        }
        return s
    }

    /// Iteratively reweighted least squares toward the least-absolute-deviations fit
    /// (weights 1/max(|rᵢ|, δ)), from `start`: only a starting point for the exact method, so
    /// a few steps, fewer at large n (each is a pass over the rows of O(p²) per row).
    static func reweightedStart(x: Matrix, y: [Double], from start: [Double]) -> [Double] {
        let n = x.rows, p = x.columns
        let steps = max(2, min(20, 400_000_000 / max(1, n * p * p)))
        var beta = start
        var r = [Double](repeating: 0, count: n)
        var onFit = [Bool](repeating: false, count: n)
        for _ in 0..<steps {
            residuals(beta, x: x, y: y, into: &r, onFit: &onFit)
            let mean = r.reduce(0) { $0 + abs($1) } / Double(n)
            guard mean > 0 else { break }
            let delta = 1e-6 * mean
            let w = r.map { 1 / max(abs($0), delta) }
            var gram = Matrix(rows: p, columns: p)
            var rhs = [Double](repeating: 0, count: p)
            for j in 0..<p {
                for k in 0...j {
                    var s = 0.0
                    for i in 0..<n { s += x[i, j] * w[i] * x[i, k] }
                    gram[j, k] = s; gram[k, j] = s
                }
                var s = 0.0
                for i in 0..<n { s += x[i, j] * w[i] * y[i] }
                rhs[j] = s
            }
            guard let chol = Cholesky(gram) else { break }
            let next = chol.solve(rhs)
            guard next.allSatisfy(\.isFinite) else { break }
            beta = next
        }
        return beta
    }

    /// p rows in general position nearest the fit: the rows by |rᵢ|, each kept when it is
    /// not (to 10⁻¹⁰ of its length) a combination of the rows kept before it. Columns are
    /// first scaled to their largest magnitude (which leaves the question unchanged and keeps
    /// an uncentred column in the 10⁵s from swamping the others).
    static func startingBasis(x: Matrix, r: [Double]) throws -> [Int] {
        let n = x.rows, p = x.columns
        let scale = (0..<p).map { j -> Double in
            let m = x.storage[(j * n)..<((j + 1) * n)].reduce(0) { max($0, abs($1)) }
            return m > 0 ? 1 / m : 1
        }
        var kept: [Int] = []
        var orthonormal: [[Double]] = []
        func consider(_ i: Int) {
            let row = (0..<p).map { x[i, $0] * scale[$0] }
            var rest = row
            for q in orthonormal {
                let dot = zip(q, rest).reduce(0) { $0 + $1.0 * $1.1 }
                for j in 0..<p { rest[j] -= dot * q[j] }
            }
            let norm = euclideanNorm(rest), size = euclideanNorm(row)
            guard norm > 1e-10 * size, size > 0 else { return }
            kept.append(i)
            orthonormal.append(rest.map { $0 / norm })
        }
        // The nearest 32p rows first; all rows by distance only when those do not span.
        let candidates = min(n, 32 * p)
        var order = Array(0..<n)
        if candidates < n {
            var magnitudes = r.map(abs)
            var sorted = magnitudes
            let limit = quickSelect(&sorted, candidates - 1)
            order = (0..<n).filter { magnitudes[$0] <= limit }
            magnitudes = []
        }
        order.sort { (abs(r[$0]), $0) < (abs(r[$1]), $1) }
        for i in order where kept.count < p { consider(i) }
        if kept.count < p && order.count < n {
            let rest = Set(order)
            for i in (0..<n).filter({ !rest.contains($0) }).sorted(by: { (abs(r[$0]), $0) < (abs(r[$1]), $1) }) where kept.count < p { consider(i) }
        }
        guard kept.count == p else { throw LADError.singularBasis }
        return kept
    }

    /// The value of rank `k` (0-based) of `values` (reordered in place).
    static func quickSelect(_ values: inout [Double], _ k: Int) -> Double {
        var lo = 0, hi = values.count - 1
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        while lo < hi {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let pivot = values[lo + Int((state >> 33) % UInt64(hi - lo + 1))]
            var i = lo, j = hi
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j { values.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { hi = j } else if k >= i { lo = i } else { return values[k] }
        }
        return values[k]
    }
}

/// Why a least-absolute-deviations fit has no answer to report.
public enum LADError: Error, Equatable, CustomStringConvertible {
    case perfectFit
    case singularBasis
    case noConvergence(pivots: Int)

    public var description: String {
        switch self {
        case .perfectFit:
            return "every row lies exactly on the fit: every residual is 0, so the Laplace likelihood rises without bound as the scale goes to 0 and has no maximum"
        case .singularBasis:
            return "the least-absolute-deviations method found no p rows in general position to start from (the design's rows span fewer dimensions than its columns)"
        case let .noConvergence(pivots):
            return "the least-absolute-deviations method did not reach a proven optimum in \(pivots) pivots"
        }
    }
}
