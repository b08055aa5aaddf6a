import Foundation
import Likelihood

/// Gradient descent on a model's mean loss twice, in the original (w, b) and on standardised
/// x, with the facts the page states about both, all computed from the paths themselves.
public struct Descent {
    public var raw: OptimizerPath
    public var standardised: OptimizerPath
    /// Hessian of the mean loss at the MLE in the original (w, b).
    public var hessian: SymmetricMatrix2
    public var standardisation: Standardisation
    public var mle: Parameters
    /// The conventional standard errors of (ŵ, b̂), the unit in which distances are told.
    public var standardErrors: (w: Double, b: Double)
    /// The exact MLE when `mle` is the minimum of an approximation (binned data); nil when
    /// the descents ran on the exact loss.
    public var exactMLE: Parameters? = nil

    public init(raw: OptimizerPath, standardised: OptimizerPath, hessian: SymmetricMatrix2, standardisation: Standardisation,
                mle: Parameters, standardErrors: (w: Double, b: Double)) {
        self.raw = raw; self.standardised = standardised; self.hessian = hessian
        self.standardisation = standardisation; self.mle = mle; self.standardErrors = standardErrors
    }

    /// A descent has arrived when its end lies within this many standard errors of the MLE
    /// in both coordinates (or agrees with it to 1e-10 relative, whichever is looser).
    public static let arrivalTolerance = 1e-6

    /// The Hessian in standardised (v, c): `J⁻ᵀ H J⁻¹`, the inverse of the transformed covariance.
    public var standardisedHessian: SymmetricMatrix2 {
        standardisation.standardised(covariance: hessian.inverse).inverse
    }

    /// Distance of a point from the MLE in standard errors: the larger of the two coordinates'.
    public func distance(_ p: Parameters) -> Double {
        max(abs(p.w - mle.w) / standardErrors.w, abs(p.b - mle.b) / standardErrors.b)
    }

    public func arrived(_ path: OptimizerPath) -> Bool {
        let end = path.end
        guard end.w.isFinite, end.b.isFinite else { return false }
        let close = { (a: Double, b: Double, se: Double) in
            abs(a - b) <= max(Descent.arrivalTolerance * se, 1e-10 * abs(b))
        }
        return close(end.w, mle.w, standardErrors.w) && close(end.b, mle.b, standardErrors.b)
    }

    /// How much of the way from the start to the MLE the path covered, in the metric of the
    /// standard errors: 1 − distance(end)/distance(start).
    /// Distance of a path's start from the MLE, in standard errors (in the original (w, b)).
    public func startDistance(_ path: OptimizerPath) -> Double {
        distance(path.standardisation?.original(path.points[0]) ?? path.points[0])
    }

    public func shareCovered(_ path: OptimizerPath) -> Double {
        let start = startDistance(path)
        guard start > 0 else { return 1 }
        return max(0, 1 - distance(path.end) / start)
    }
}
