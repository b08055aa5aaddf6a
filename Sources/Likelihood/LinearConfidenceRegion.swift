import Foundation

/// The exact joint confidence region for (w, b) of the linear-Gaussian model with σ² unknown.
///
/// `{(w, b) : (θ − θ̂)ᵀ XᵀX (θ − θ̂) ≤ 2 s² F(level; 2, n − 2)}`, an ellipse. Writing
/// `u = w − ŵ` and `c = (b − b̂) + u·x̄` (the shift of the line at the mean of x), the quadratic
/// form is `Sxx u² + n c²`, so the ellipse has an exact parametrisation. It is also the set
/// where the profile log-likelihood (σ² maximised out) stays above `ℓ̂ − n/2·log(1 + 2F/(n − 2))`:
/// the F region and the likelihood-ratio region coincide for this model.
public struct LinearConfidenceRegion: Equatable, Sendable {
    public var confidence: Double
    /// F(confidence; 2, n − 2).
    public var fQuantile: Double
    /// The ellipse's half-widths along w and b: `√(2F)` standard errors (wider than the
    /// t interval's `t(0.975; n − 2)` standard errors, because the region covers both at once).
    public var halfWidthW: Double
    public var halfWidthB: Double
    /// The profile log-likelihood on the boundary.
    public var profileLevel: Double
    let centre: Parameters
    let meanX: Double
    let radiusU: Double
    let radiusC: Double

    public init(_ fit: LinearFit, confidence: Double = 0.95) {
        let s = fit.statistics
        let n = Double(s.n)
        let df = n - 2
        let f = Distributions.fQuantile2(confidence, denominatorDegreesOfFreedom: df)
        let r = (2 * fit.sigma2Unbiased * f).squareRoot()
        self.confidence = confidence
        fQuantile = f
        centre = Parameters(w: fit.w.estimate, b: fit.b.estimate)
        meanX = s.meanX
        radiusU = r / s.sxx.squareRoot()
        radiusC = r / n.squareRoot()
        halfWidthW = radiusU
        halfWidthB = r * (1 / n + s.meanX * s.meanX / s.sxx).squareRoot()
        profileLevel = fit.logLikelihood - n / 2 * log1p(2 * f / df)
    }

    /// `count` points on the boundary, evenly spaced in the ellipse's parameter, closed (the
    /// last equals the first).
    public func boundary(count: Int = 361) -> [Parameters] {
        (0..<count).map { k in
            let phi = 2 * Double.pi * Double(k % (count - 1)) / Double(count - 1)
            let u = radiusU * cos(phi), c = radiusC * sin(phi)
            return Parameters(w: centre.w + u, b: centre.b + c - u * meanX)
        }
    }

    /// Whether (w, b) lies inside the region (boundary included).
    public func contains(_ p: Parameters) -> Bool {
        let u = p.w - centre.w
        let c = (p.b - centre.b) + u * meanX
        return (u / radiusU) * (u / radiusU) + (c / radiusC) * (c / radiusC) <= 1 + 1e-12
    }
}

extension LinearGaussianModel {
    /// The profile log-likelihood `max_σ² log L(w, b, σ²) = −n/2 · (log(2π·RSS(w, b)/n) + 1)`.
    /// - Complexity: O(1).
    @inlinable
    public static func profileLogLikelihood(w: Double, b: Double, statistics s: SufficientStatistics) -> Double {
        let n = Double(s.n)
        return -0.5 * n * (log(2 * Double.pi * max(s.rss(w: w, b: b), .leastNormalMagnitude) / n) + 1)
    }
}
