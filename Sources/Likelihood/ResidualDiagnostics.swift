import Foundation

/// Checks of the Gaussian assumption on least-squares residuals: their shape (skewness,
/// excess kurtosis, the Jarque–Bera test), whether their spread changes with x (the
/// Breusch–Pagan test in Koenker's studentised form), and the points of a normal Q–Q plot
/// with a 95 % envelope.
public struct ResidualDiagnostics: Sendable {
    public var n: Int
    /// m₃ / m₂^{3/2} and m₄ / m₂² − 3, with the moments mₖ = (1/n) Σ rᵢᵏ.
    public var skewness: Double
    public var excessKurtosis: Double
    /// Jarque and Bera (1980): n/6 · (S² + K²/4), χ²₂ under normality.
    public var jarqueBera: Double
    public var jarqueBeraP: Double
    /// Breusch and Pagan (1979) as studentised by Koenker (1981): n·R² of the regression of
    /// rᵢ² on xᵢ, χ²₁ under constant variance.
    public var breuschPagan: Double
    public var breuschPaganP: Double

    public init(fit: LinearFit, x: [Double], y: [Double]) {
        n = x.count
        let w = fit.w.estimate, b = fit.b.estimate
        // The statistics are scale-invariant, so they are computed on r / max|r| and on x
        // centred and divided by √Sxx: with y of order 10¹⁰⁰ the fourth powers of raw
        // residuals would overflow to ∞ and the statistics to NaN.
        var scale = 0.0
        for i in x.indices { scale = max(scale, abs(y[i] - w * x[i] - b)) }
        if !(scale > 0) || !scale.isFinite { scale = 1 }
        var m2 = 0.0, m3 = 0.0, m4 = 0.0
        for i in x.indices {
            let r = (y[i] - w * x[i] - b) / scale
            let r2 = r * r
            m2 += r2; m3 += r2 * r; m4 += r2 * r2
        }
        let nn = Double(n)
        m2 /= nn; m3 /= nn; m4 /= nn
        let shape = ResidualShape(m2: m2, m3: m3, m4: m4, n: n)
        (skewness, excessKurtosis, jarqueBera, jarqueBeraP) = (shape.skewness, shape.excessKurtosis, shape.jarqueBera, shape.jarqueBeraP)
        // Regress r² on x: R² = Sxu² / (Sxx · Suu) with u = r² (both scaled; R² is unchanged).
        var sxu = 0.0, suu = 0.0
        let mx = fit.statistics.meanX
        let rootSxx = fit.statistics.sxx.squareRoot()
        for i in x.indices {
            let r = (y[i] - w * x[i] - b) / scale
            let u = r * r - m2
            sxu += (x[i] - mx) / rootSxx * u
            suu += u * u
        }
        let r2 = suu > 0 && rootSxx > 0 ? min(1, sxu * sxu / suu) : 0
        breuschPagan = nn * r2
        breuschPaganP = Distributions.chiSquared1Survival(breuschPagan)
    }

    /// A normal Q–Q plot of the studentised residuals rᵢ / (s·√(1 − hᵢᵢ)): theoretical
    /// quantiles Φ⁻¹((k − 3/8)/(n + 1/4)) (Blom's positions) against the sorted residuals,
    /// with a pointwise 95 % envelope. Up to `simulationLimit` points the envelope is simulated
    /// (Atkinson 1985): `simulations` seeded samples of Gaussian noise are fitted by the same
    /// least squares, studentised and sorted, and the 2.5 % and 97.5 % of each order statistic
    /// kept. Above it, at most `maxPoints` evenly spaced order statistics are drawn and the
    /// envelope is the large-sample one, q ± 1.96·√(p(1 − p)/n)/φ(q).
    public struct QQ: Sendable {
        public var theoretical: [Double]
        public var observed: [Double]
        public var lower: [Double]
        public var upper: [Double]
        public var simulated: Bool
        public var simulations: Int
        /// Points outside the envelope.
        public var outside: Int
    }

    public static let simulationLimit = 5000
    public static let maxPoints = 500

    public static func qq(fit: LinearFit, x: [Double], y: [Double], simulations: Int = 199, seed: UInt64 = 11) -> QQ {
        let n = x.count
        let s = fit.sigma2Unbiased.squareRoot()
        let stats = fit.statistics
        func leverage(_ xi: Double) -> Double {
            1 / Double(n) + (xi - stats.meanX) * (xi - stats.meanX) / stats.sxx
        }
        var studentised = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let r = y[i] - fit.w.estimate * x[i] - fit.b.estimate
            studentised[i] = r / (s * max(1e-12, 1 - leverage(x[i])).squareRoot())
        }
        return qq(studentised: studentised, simulations: simulations, seed: seed) { e in
            // Residuals of the same least squares on pure noise, studentised the same way.
            let noise = SufficientStatistics(x: x, y: e)
            let sw = noise.sxy / noise.sxx, sb = noise.meanY - sw * noise.meanX
            let rss = max(0, noise.syy - sw * noise.sxy)
            let ss = (rss / Double(n - 2)).squareRoot()
            return (0..<n).map { i in (e[i] - sw * x[i] - sb) / (ss * max(1e-12, 1 - leverage(x[i])).squareRoot()) }
        }
    }

    /// The Q–Q plot of studentised residuals of a least-squares fit with any design, with
    /// `studentise` mapping a sample of standard Gaussian noise (one value per row) to the
    /// studentised residuals of the same fit on it, for the simulated envelope.
    public static func qq(studentised: [Double], simulations: Int = 199, seed: UInt64 = 11,
                          studentise: ([Double]) -> [Double]) -> QQ {
        var studentised = studentised
        let n = studentised.count
        let ranks: [Int] = n <= maxPoints ? Array(0..<n) : (0..<maxPoints).map { Int((Double($0) + 0.5) / Double(maxPoints) * Double(n)) }
        // Only the plotted order statistics are needed: select them (O(n log k)) rather than
        // sort all n.
        if n <= maxPoints { studentised.sort() }
        let selected = n <= maxPoints ? ranks.map { studentised[$0] } : orderStatistics(studentised, ranks: ranks)
        let positions = ranks.map { (Double($0 + 1) - 0.375) / (Double(n) + 0.25) }
        let theoretical = positions.map { -Distributions.normalQuantileUpper($0) }
        var lower: [Double], upper: [Double]
        let simulated = n <= simulationLimit
        if simulated {
            var random = RandomGenerator(seed: seed)
            var samples = [[Double]](repeating: [], count: ranks.count)
            var e = [Double](repeating: 0, count: n)
            for _ in 0..<simulations {
                for i in 0..<n { e[i] = random.nextNormal() }
                var r = studentise(e)
                r.sort()
                for (k, rank) in ranks.enumerated() { samples[k].append(r[rank]) }
            }
            lower = []; upper = []
            for var values in samples {
                values.sort()
                // The 2.5 % and 97.5 % points of 199 values: the 5th and the 195th.
                lower.append(values[Int((0.025 * Double(simulations + 1)).rounded()) - 1])
                upper.append(values[Int((0.975 * Double(simulations + 1)).rounded()) - 1])
            }
        } else {
            lower = []; upper = []
            for (p, q) in zip(positions, theoretical) {
                let density = exp(-q * q / 2) / (2 * Double.pi).squareRoot()
                let half = Distributions.normalQuantile975 * (p * (1 - p) / Double(n)).squareRoot() / density
                lower.append(q - half); upper.append(q + half)
            }
        }
        let observed = selected
        let outside = zip(observed, zip(lower, upper)).filter { $0 < $1.0 || $0 > $1.1 }.count
        return QQ(theoretical: theoretical, observed: observed, lower: lower, upper: upper, simulated: simulated,
                  simulations: simulated ? simulations : 0, outside: outside)
    }

    /// The values a full sort would put at `ranks` (increasing), in three passes without
    /// sorting: count the values in 65,536 equal cells of their range, find the cell of each
    /// rank from the running counts, then collect only the values of those cells and sort
    /// them (a few hundred values each). - Complexity: O(n + collected log collected).
    static func orderStatistics(_ values: [Double], ranks: [Int]) -> [Double] {
        guard let lo = values.min(), let hi = values.max(), hi > lo else { return ranks.map { _ in values.first ?? .nan } }
        let cells = 1 << 16
        let scale = Double(cells) / (hi - lo)
        @inline(__always) func cell(_ v: Double) -> Int { Swift.min(cells - 1, Int((v - lo) * scale)) }
        var counts = [Int](repeating: 0, count: cells)
        for v in values { counts[cell(v)] += 1 }
        // The cell of each rank and the rank of that cell's first value.
        var wanted: [Int: (first: Int, slot: Int)] = [:]
        var cellOfRank: [Int] = []
        var before = 0, c = 0
        for r in ranks {
            while before + counts[c] <= r { before += counts[c]; c += 1 }
            if wanted[c] == nil { wanted[c] = (before, wanted.count) }
            cellOfRank.append(c)
        }
        var slotOfCell = [Int](repeating: -1, count: cells)
        for (cellIndex, entry) in wanted { slotOfCell[cellIndex] = entry.slot }
        var buckets = [[Double]](repeating: [], count: wanted.count)
        for v in values {
            let slot = slotOfCell[cell(v)]
            if slot >= 0 { buckets[slot].append(v) }
        }
        for k in buckets.indices { buckets[k].sort() }
        return zip(ranks, cellOfRank).map { r, c in
            let entry = wanted[c]!
            return buckets[entry.slot][r - entry.first]
        }
    }
}

/// The shape of residuals from their central moments m₂, m₃, m₄ (of residuals in any scale):
/// skewness m₃/m₂^{3/2}, excess kurtosis m₄/m₂² − 3, and the Jarque–Bera statistic
/// n/6 · (S² + K²/4) with its χ²₂ p-value e^{−JB/2}.
public struct ResidualShape: Sendable, Equatable {
    public var skewness: Double
    public var excessKurtosis: Double
    public var jarqueBera: Double
    public var jarqueBeraP: Double

    public init(m2: Double, m3: Double, m4: Double, n: Int) {
        skewness = m2 > 0 ? m3 / pow(m2, 1.5) : 0
        excessKurtosis = m2 > 0 ? m4 / (m2 * m2) - 3 : 0
        jarqueBera = Double(n) / 6 * (skewness * skewness + excessKurtosis * excessKurtosis / 4)
        jarqueBeraP = exp(-jarqueBera / 2)
    }
}
