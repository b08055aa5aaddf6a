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
        var m2 = 0.0, m3 = 0.0, m4 = 0.0
        for i in x.indices {
            let r = y[i] - w * x[i] - b
            let r2 = r * r
            m2 += r2; m3 += r2 * r; m4 += r2 * r2
        }
        let nn = Double(n)
        m2 /= nn; m3 /= nn; m4 /= nn
        skewness = m3 / pow(m2, 1.5)
        excessKurtosis = m4 / (m2 * m2) - 3
        jarqueBera = nn / 6 * (skewness * skewness + excessKurtosis * excessKurtosis / 4)
        jarqueBeraP = exp(-jarqueBera / 2)
        // Regress r² on x: R² = Sxu² / (Sxx · Suu) with u = r².
        var sxu = 0.0, suu = 0.0
        let mx = fit.statistics.meanX
        for i in x.indices {
            let r = y[i] - w * x[i] - b
            let u = r * r - m2
            sxu += (x[i] - mx) * u
            suu += u * u
        }
        let r2 = suu > 0 ? sxu * sxu / (fit.statistics.sxx * suu) : 0
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
        let ranks: [Int] = n <= maxPoints ? Array(0..<n) : (0..<maxPoints).map { Int((Double($0) + 0.5) / Double(maxPoints) * Double(n)) }
        // Only the plotted order statistics are needed: select them (O(n log k)) rather than
        // sort all n.
        if n <= maxPoints { studentised.sort() } else { select(&studentised, ranks: ranks) }
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
                // Residuals of the same least squares on pure noise, studentised the same way.
                let noise = SufficientStatistics(x: x, y: e)
                let sw = noise.sxy / noise.sxx, sb = noise.meanY - sw * noise.meanX
                let rss = max(0, noise.syy - sw * noise.sxy)
                let ss = (rss / Double(n - 2)).squareRoot()
                var r = (0..<n).map { i in (e[i] - sw * x[i] - sb) / (ss * max(1e-12, 1 - leverage(x[i])).squareRoot()) }
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
        let observed = ranks.map { studentised[$0] }
        let outside = zip(observed, zip(lower, upper)).filter { $0 < $1.0 || $0 > $1.1 }.count
        return QQ(theoretical: theoretical, observed: observed, lower: lower, upper: upper, simulated: simulated,
                  simulations: simulated ? simulations : 0, outside: outside)
    }

    /// Rearranges `values` so that each position in `ranks` (increasing) holds the value a
    /// full sort would put there: quickselect on the middle rank, then the same on each side
    /// with the ranks that fall there. - Complexity: O(n log ranks.count) expected.
    static func select(_ values: inout [Double], ranks: [Int]) {
        values.withUnsafeMutableBufferPointer { a in
            var stack: [(lo: Int, hi: Int, r0: Int, r1: Int)] = [(0, a.count - 1, 0, ranks.count - 1)]
            while let (lo0, hi0, r0, r1) = stack.popLast() {
                guard r0 <= r1, lo0 < hi0 else { continue }
                let mid = (r0 + r1) / 2
                let k = ranks[mid]
                var lo = lo0, hi = hi0
                // Quickselect position k within [lo, hi].
                while lo < hi {
                    let m = lo + (hi - lo) / 2
                    // Median of three as the pivot.
                    let p = Swift.max(Swift.min(a[lo], a[m]), Swift.min(Swift.max(a[lo], a[m]), a[hi]))
                    var i = lo, j = hi
                    while i <= j {
                        while a[i] < p { i += 1 }
                        while a[j] > p { j -= 1 }
                        if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
                    }
                    if k <= j { hi = j } else if k >= i { lo = i } else { break }
                }
                stack.append((lo0, k - 1, r0, mid - 1))
                stack.append((k + 1, hi0, mid + 1, r1))
            }
        }
    }
}
