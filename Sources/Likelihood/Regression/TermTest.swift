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
        return DesignMatrix(terms: keep.map { terms[$0] }, matrix: Matrix(columns: keep.map(matrix.column)),
                            codings: codings.filter { c in keep.contains { terms[$0].column == c.column } })
    }
}

extension LinearRegression {
    /// The F test of each predictor column, by refitting without it.
    public func termTests(y: [Double]) throws -> [TermTest] {
        try design.predictorGroups.map { group in
            let reduced = try LinearRegression(design: design.removing(group.indices), y: y)
            let df = Double(group.indices.count)
            let f = ((reduced.rss - rss) / df) / (rss / Double(degreesOfFreedom))
            return TermTest(term: group.column, degreesOfFreedom: group.indices.count, statistic: f,
                            pValue: Distributions.fSurvival(f, numerator: df, denominator: Double(degreesOfFreedom)), distribution: "F")
        }
    }
}

extension GeneralizedLinearFit {
    /// The likelihood-ratio test of each predictor column, by refitting without it (from this
    /// fit's other coefficients, so each refit takes a few Newton steps).
    public func termTests<F: CanonicalFamily>(y: [Double], family: F) throws -> [TermTest] {
        try design.predictorGroups.map { group in
            let reduced = design.removing(group.indices)
            let start = (0..<p).filter { !group.indices.contains($0) }.map { coefficients[$0] }
            let fit = try GeneralizedLinearFit.maximise(from: start, x: reduced.matrix, y: y, family: family, terms: reduced.terms.map(\.name))
            let lr = max(0, 2 * (logLikelihood - fit.logL))
            return TermTest(term: group.column, degreesOfFreedom: group.indices.count, statistic: lr,
                            pValue: Distributions.chiSquaredSurvival(lr, degreesOfFreedom: group.indices.count), distribution: "chi2")
        }
    }
}
