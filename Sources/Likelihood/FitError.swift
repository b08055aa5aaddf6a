/// Why a model cannot be fitted to a data set. Rows are 0-based indices into the data;
/// the caller turns them into file positions.
public enum FitError: Error, Equatable, CustomStringConvertible {
    case lengthMismatch(x: Int, y: Int)
    case tooFewPoints(n: Int, needed: Int)
    case constantPredictor
    case perfectFit
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
        case .constantPredictor:
            return "x is constant, so the slope is not identifiable (every line through the mean fits equally well)"
        case .perfectFit:
            return "the points lie exactly on a line: the residual variance is 0 and the likelihood is unbounded, so no Gaussian MLE exists"
        case let .labelNotBinary(_, value):
            return "label \(shortNumber(value)) is not 0 or 1 (the logistic model needs binary labels)"
        case let .singleClass(label):
            return "every label is \(label): the likelihood keeps rising as the intercept goes to \(label == 1 ? "+" : "−")∞, so the MLE does not exist"
        case let .separation(s):
            return s.description
        case let .notACount(_, value):
            return "\(shortNumber(value)) is not a count (the Poisson model needs non-negative whole numbers)"
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
