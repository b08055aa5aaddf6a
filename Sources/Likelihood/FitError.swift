/// Why a model cannot be fitted to a data set. Rows are 0-based indices into the data;
/// the caller turns them into file positions.
public enum FitError: Error, Equatable, CustomStringConvertible {
    case lengthMismatch(x: Int, y: Int)
    case tooFewPoints(n: Int, needed: Int)
    case constantPredictor
    /// Poisson: x spans less than 1e-12 of its size (its fit works on x as given).
    case predictorSpreadTooSmall(span: Double, size: Double)
    case perfectFit
    /// Student-t with ν held at or below 2/(n − 2): the likelihood is unbounded as s → 0.
    case studentTUnbounded(nu: Double, n: Int)
    /// A search ran up a spike at a line through `points` of the rows, where the likelihood is
    /// unbounded for every ν down to `nu` (the given ν, or the smallest searched).
    case studentTSpike(points: Int, n: Int, nu: Double, fixed: Bool)
    /// The same with several predictors: `points` rows on one fit of the `p` coefficients.
    case studentTSpikeFit(points: Int, n: Int, p: Int, nu: Double, fixed: Bool)
    /// Observations (repeated or weighted rows) on one fit make the likelihood unbounded at ν.
    case studentTHeavyFit(observations: Double, n: Double, p: Int, nu: Double)
    case labelNotBinary(row: Int, value: Double)
    case singleClass(label: Int)
    case separation(Separation)
    case notACount(row: Int, value: Double)
    case allZeroCounts
    case countsAtOneEnd(x: Double, atMaximum: Bool)

    public var description: String {
        switch self {
        case let .lengthMismatch(x, y):
            return "x has \(x) values but y has \(y)"
        case let .tooFewPoints(n, needed):
            return "\(n) data point\(n == 1 ? "" : "s"); at least \(needed) are needed to fit a line and estimate its noise"
        case let .predictorSpreadTooSmall(span, size):
            return "x spans only \(shortNumber(span)) at a size of \(shortNumber(size)), less than 10^-12 of it: the Poisson fit cannot resolve a slope there; subtract a constant from x (for example its smallest value) and run again"
        case .constantPredictor:
            return "x is constant (its spread is below 4 units in the last place of its size), so the slope is not identifiable (every line through the mean fits equally well)"
        case let .studentTUnbounded(nu, n):
            return "with ν held at \(shortNumber(nu)), at most 2/(n − 2) = \(String(format: "%.4g", 2 / Double(n - 2))) for n = \(n), the Student-t likelihood has no maximum: a line through two points with the scale s → 0 makes it rise without bound (log L grows like ((n − 2)ν − 2)·log(1/s)); hold ν above that or let it be estimated"
        case let .studentTSpike(k, n, nu, fixed):
            let bound = Double(k) / Double(n - k)
            return "\(k) of the \(n) points lie exactly on one line, so the Student-t likelihood has no maximum"
                + (fixed ? " with ν held at \(shortNumber(nu))" : " for ν down to \(shortNumber(nu)) (the smallest the fit searches)")
                + ": with the scale s → 0 on that line log L grows like (k − (n − k)ν)·log(1/s), unbounded for ν ≤ k/(n − k) = \(String(format: "%.4g", bound)); hold ν above that with --nu"
        case let .studentTSpikeFit(k, n, p, nu, fixed):
            let bound = Double(k) / Double(n - k)
            return "every search ran into a spike: \(k) of the \(n) rows lie exactly on one fit of the \(p) coefficients, so the Student-t likelihood has no maximum"
                + (fixed ? " with ν held at \(shortNumber(nu))" : " for ν down to \(shortNumber(nu)) (the smallest the fit searches)")
                + ": with the scale s → 0 on that fit log L grows like (k − (n − k)ν)·log(1/s), unbounded for ν ≤ k/(n − k) = \(String(format: "%.4g", bound)); hold ν above that with --nu, or fit fewer coefficients"
        case let .studentTHeavyFit(k, n, p, nu):
            let bound = k / (n - k)
            return "\(shortNumber(k)) of the \(shortNumber(n)) observations lie exactly on one fit of the \(p) coefficients, so the Student-t likelihood has no maximum"
                + (nu >= 1000 ? " for any ν up to 1000" : " with ν held at \(shortNumber(nu))")
                + ": with the scale s → 0 on that fit log L grows like (k − (n − k)ν)·log(1/s), unbounded for ν ≤ k/(n − k) = \(String(format: "%.4g", bound))"
                + (nu >= 1000 ? "; fit the Gaussian (linear) model instead" : "; hold ν above that with --nu, or let it be estimated")
        case .perfectFit:
            return "the points lie exactly on a line: every residual is 0, so the likelihood rises without bound as the noise scale goes to 0 and no noise model (Gaussian, Laplace or Student-t) has an MLE"
        case let .labelNotBinary(_, value):
            return "label \(shortNumber(value)) is not 0 or 1 (the logistic model needs binary labels)"
        case let .singleClass(label):
            return "every label is \(label): the likelihood keeps rising as the intercept goes to \(label == 1 ? "+" : "−")∞, so the MLE does not exist"
        case let .separation(s):
            return s.description
        case let .notACount(_, value):
            return "\(shortNumber(value)) is not a count (the Poisson model needs whole numbers from 0 up to, but not including, 10^15)"
        case .allZeroCounts:
            return "every count is 0: the likelihood keeps rising as log μ goes to −∞, so the MLE does not exist"
        case let .countsAtOneEnd(x, atMaximum):
            return "every positive count is at x = \(shortNumber(x)), the \(atMaximum ? "largest" : "smallest") x: the likelihood keeps rising as w goes to \(atMaximum ? "+" : "−")∞, so the MLE does not exist"
        }
    }
}

/// A threshold on x that splits the labels perfectly (complete) or perfectly except for ties
/// at the threshold (quasi-complete). With either, the logistic likelihood has no maximum:
/// it keeps rising as |w| grows, and a "converged" fit would only report huge numbers.
public struct Separation: Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable { case complete, quasiComplete = "quasi-complete" }
    public var kind: Kind
    /// Every label-1 point has x above the threshold (true) or below it (false).
    public var onesAbove: Bool
    public var threshold: Double

    public var description: String {
        let side = onesAbove ? "above" : "below"
        let relation = kind == .complete ? "" : " or at"
        return "\(kind.rawValue) separation: every y = 1 lies \(side)\(relation) x = \(shortNumber(threshold)) and every y = 0 on the other side, so the likelihood keeps rising as |w| → ∞ and the logistic MLE does not exist"
    }
}

func shortNumber(_ v: Double) -> String {
    if v == v.rounded() && abs(v) < 1e15 { return String(Int(v)) }
    return String(v)
}
