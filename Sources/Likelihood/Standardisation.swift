import Foundation

/// The change of coordinates that standardises x: `z = (x − mean) / scale`.
///
/// A line `η = w·x + b` is the line `η = v·z + c` with `v = w·scale` (the change in η per
/// standard deviation of x) and `c = b + w·mean` (η at the mean of x). Gradient descent in
/// (v, c) sees a loss whose curvature no longer depends on where x sits or how large it is,
/// which is why practitioners standardise inputs before descending.
public struct Standardisation: Equatable, Sendable {
    public var mean: Double
    /// The population standard deviation of x (`√(Sxx/n)`), positive.
    public var scale: Double

    public init(mean: Double, scale: Double) {
        self.mean = mean
        self.scale = scale
    }

    /// The standardisation of the x in `statistics`.
    public init(_ statistics: SufficientStatistics) {
        self.init(mean: statistics.meanX, scale: (statistics.sxx / Double(max(statistics.n, 1))).squareRoot())
    }

    /// (w, b) → (v, c).
    public func standardised(_ p: Parameters) -> Parameters {
        Parameters(w: p.w * scale, b: p.b + p.w * mean)
    }

    /// (v, c) → (w, b).
    public func original(_ p: Parameters) -> Parameters {
        let w = p.w / scale
        return Parameters(w: w, b: p.b - w * mean)
    }

    /// A covariance matrix of (w, b) expressed in (v, c): `J Σ Jᵀ` with `J = [[s, 0], [m, 1]]`.
    public func standardised(covariance c: SymmetricMatrix2) -> SymmetricMatrix2 {
        let s = scale, m = mean
        return SymmetricMatrix2(a: s * s * c.a, c: s * (m * c.a + c.c), d: m * m * c.a + 2 * m * c.c + c.d)
    }
}

/// A symmetric 2×2 matrix `[[a, c], [c, d]]`.
public struct SymmetricMatrix2: Equatable, Sendable {
    public var a: Double
    public var c: Double
    public var d: Double

    public init(a: Double, c: Double, d: Double) {
        self.a = a; self.c = c; self.d = d
    }

    /// Eigenvalues, smaller first. The smaller one is computed as `det / larger`, which keeps
    /// its relative accuracy when the matrix is badly conditioned (the textbook
    /// `mean − radius` loses every digit there).
    public var eigenvalues: (Double, Double) {
        let mean = (a + d) / 2
        let radius = hypot((a - d) / 2, c)
        let large = mean + radius
        let determinant = a * d - c * c
        return (large > 0 ? determinant / large : mean - radius, large)
    }

    /// The ratio of the largest to the smallest eigenvalue (∞ when singular).
    public var conditionNumber: Double {
        let (small, large) = eigenvalues
        return small > 0 ? large / small : .infinity
    }

    public var inverse: SymmetricMatrix2 {
        let det = a * d - c * c
        return SymmetricMatrix2(a: d / det, c: -c / det, d: a / det)
    }
}
