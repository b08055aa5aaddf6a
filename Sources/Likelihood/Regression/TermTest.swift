import Foundation

/// The test of one predictor column as a whole (all its design columns at once: a
/// categorical column's every level), against the model without it: R's
/// `drop1(..., test = "Chisq")` for a likelihood fit, the exact F test for least squares.
public struct TermTest: Sendable, Equatable {
    /// The predictor column.
    public let term: String
    /// How many coefficients it has.
    public let degreesOfFreedom: Int
    /// The likelihood-ratio statistic 2(ℓ − ℓ₀) (χ² with `degreesOfFreedom`), or for least
    /// squares F = ((RSS₀ − RSS)/df) / (RSS/(n − p)).
    public let statistic: Double
    public let pValue: Double
    /// "F" or "chi2".
    public let distribution: String
}

extension DesignMatrix {
    /// The predictor columns in order, each with the indices of its design columns.
    public var predictorGroups: [(column: String, indices: [Int])] {
        var out: [(String, [Int])] = []
        for (j, term) in terms.enumerated() {
            guard let c = term.column else { continue }
            if let k = out.firstIndex(where: { $0.0 == c }) { out[k].1.append(j) } else { out.append((c, [j])) }
        }
        return out
    }

    /// The design without the given design columns (the intercept kept).
    public func removing(_ indices: [Int]) -> DesignMatrix {
        let keep = (0..<columns).filter { !indices.contains($0) }
        return DesignMatrix(terms: keep.map { terms[$0] }, sources: keep.map { sources[$0] }, rows: rows,
                            codings: codings.filter { c in keep.contains { terms[$0].column == c.column } })
    }
}

extension LinearRegression {
    /// The F test of each predictor column. No refit is needed: for least squares the rise in
    /// RSS when the coefficients β_G are set free of the others is exactly
    /// β̂_Gᵀ [(XᵀX)⁻¹_GG]⁻¹ β̂_G, so F is that over df, over s².
    public func termTests(y: [Double]) throws -> [TermTest] {
        let beta = estimates.map(\.coefficient.estimate)
        return design.predictorGroups.map { group in
            let g = group.indices
            var block = Matrix(rows: g.count, columns: g.count)
            for (a, i) in g.enumerated() { for (b, j) in g.enumerated() { block[a, b] = inverseGram[i, j] } }
            let rise: Double
            if let c = Cholesky(block) {
                let bg = g.map { beta[$0] }
                rise = zip(bg, c.solve(bg)).reduce(0) { $0 + $1.0 * $1.1 }
            } else {
                rise = .infinity
            }
            let df = Double(g.count)
            let f = (rise / df) / (rss / residualDegreesOfFreedom)
            return TermTest(term: group.column, degreesOfFreedom: g.count, statistic: f,
                            pValue: Distributions.fSurvival(f, numerator: df, denominator: residualDegreesOfFreedom), distribution: "F")
        }
    }
}

extension GeneralizedLinearFit {
    /// Where the model without the `dropped` columns starts: the maximum of the quadratic
    /// approximation of log L at β̂ with those coefficients held at 0, β̂_a − Σ_ad Σ_dd⁻¹ β̂_d
    /// (Σ = H⁻¹, the covariance). Exact for a quadratic log-likelihood; for a GLM it saves the
    /// refit a step or two over starting from β̂_a itself (each step a pass over the rows).
    func reducedStart(active: [Int], dropped: [Int]) -> [Double] {
        var block = Matrix(rows: dropped.count, columns: dropped.count)
        for (a, i) in dropped.enumerated() { for (b, j) in dropped.enumerated() { block[a, b] = covariance[i, j] } }
        guard let c = Cholesky(block) else { return active.map { coefficients[$0] } }
        let z = c.solve(dropped.map { coefficients[$0] })
        let start = active.map { a in coefficients[a] - zip(dropped, z).reduce(0) { $0 + covariance[a, $1.0] * $1.1 } }
        return start.allSatisfy(\.isFinite) ? start : active.map { coefficients[$0] }
    }

    /// The likelihood-ratio test of each predictor column, by refitting without it (from the
    /// quadratic approximation's answer, `reducedStart`, so each refit takes a few Newton
    /// steps).
    public func termTests<F: CanonicalFamily>(y: [Double], family: F) throws -> [TermTest] {
        try design.predictorGroups.map { group in
            // The model without the group: the same design with those columns left out of the
            // fit (no copy of the others), from this fit's other coefficients.
            let active = (0..<p).filter { !group.indices.contains($0) }
            let fit = try GeneralizedLinearFit.maximise(from: reducedStart(active: active, dropped: group.indices), x: design, y: y, family: family,
                                                        terms: active.map { design.terms[$0].name }, active: active, offset: offset,
                                                        weights: weights)
            let lr = max(0, 2 * (logLikelihood - constant - fit.logL))
            return TermTest(term: group.column, degreesOfFreedom: group.indices.count, statistic: lr,
                            pValue: Distributions.chiSquaredSurvival(lr, degreesOfFreedom: group.indices.count), distribution: "chi2")
        }
    }
}
