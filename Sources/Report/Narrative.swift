import Foundation
import Likelihood

/// The sentences of the page and the alt texts that state facts about the data, computed
/// from the numbers (never canned, because every data set says something different).
enum Narrative {
    static func s(_ v: Double, _ digits: Int = 3) -> String { NumberFormat.significant(v, digits) }

    /// Steps of constant step `eta` that shrink the error along the flattest direction of a
    /// quadratic bowl with smallest curvature `mu` by a factor 10⁶: `ln 10⁶ / −ln(1 − η μ)`.
    static func stepsToShrinkMillionfold(eta: Double, mu: Double) -> Double {
        let contraction = -log1p(-min(max(eta * mu, 0), 1 - 1e-16))
        return contraction > 0 ? log(1e6) / contraction : .infinity
    }

    static func count(_ k: Int) -> String {
        let digits = String(k)
        guard k >= 10_000 else { return digits }
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append("\u{202F}") }
            out.append(c)
        }
        return String(out.reversed())
    }

    static func point(_ p: Parameters) -> String { "(\(s(p.w, 4)), \(s(p.b, 4)))" }

    /// What gradient descent did on the original (w, b), and why.
    static func rawDescent(_ m: ModelAnalysis) -> String {
        let d = m.descent, path = d.raw
        let kappa = d.hessian.conditionNumber
        let mu = d.hessian.eigenvalues.0
        var text = "The Hessian of the \(lossName(m)) at its minimum has condition number κ = \(s(kappa)): "
        if kappa < 10 {
            text += "the loss curves about equally in every direction, so the valley is round and the constant step η = \(s(path.learningRate, 4)) (1/L, the largest curvature) suits every direction. "
        } else {
            text += "the loss is \(s(kappa, 2)) times more curved across its valley than along it. "
                + "The step η = \(s(path.learningRate, 4)) (1/L, the largest curvature) must be small enough not to overshoot across the valley, "
                + "and then it creeps along it, removing only a small share of the remaining error per step"
            let needed = stepsToShrinkMillionfold(eta: path.learningRate, mu: mu)
            text += needed.isFinite ? ": about \(s(needed, 2)) steps would be needed to shrink the error a million-fold. "
                                    : ". "
        }
        if d.arrived(path) {
            text += "Gradient descent on the original (w, b) from (0, 0) arrived at the MLE after \(count(path.iterations)) steps."
        } else {
            let covered = d.shareCovered(path)
            text += "Gradient descent on the original (w, b) from (0, 0) did not arrive: after \(count(path.iterations)) steps"
                + (path.converged ? " its steps had become too small to move it further" : " (its budget)")
                + " it stopped at (w, b) = \(point(path.end)) against the MLE \(point(d.mle)), "
                + "having covered \(percent(covered)) of the way (measured in standard errors)."
        }
        return text
    }

    static func percent(_ share: Double) -> String {
        if share >= 0.9995 && share < 1 { return "more than 99.9 %" }
        if share > 0 && share < 0.0005 { return "less than 0.1 %" }
        return "\(NumberFormat.fixed(share * 100, share >= 0.1 ? 0 : 1)) %"
    }

    /// What gradient descent did on standardised x.
    static func standardisedDescent(_ m: ModelAnalysis) -> String {
        let d = m.descent, path = d.standardised, z = d.standardisation
        let kappa = d.standardisedHessian.conditionNumber
        var text = "Standardising x, z = (x − \(s(z.mean, 4))) / \(s(z.scale, 4)), and descending on (v, c), the slope per standard deviation and the value at the mean of x, "
        if m.kind == .linear {
            text += "makes the Hessian 2·I (condition number 1): a round bowl, where the steepest direction points straight at the minimum and one step of η = 1/2 lands on it. "
        } else {
            text += "brings the condition number at the minimum from \(s(d.hessian.conditionNumber)) to \(s(kappa)). "
        }
        if d.arrived(path) {
            text += "Gradient descent from the same start arrived after \(count(path.iterations)) step\(path.iterations == 1 ? "" : "s"); "
                + "mapped back through w = v / \(s(z.scale, 4)) and b = c − w·\(s(z.mean, 4)), its end agrees with the MLE to within \(distanceText(d.distance(path.end))) standard errors."
        } else {
            text += "Even so, gradient descent did not arrive within \(count(path.iterations)) steps: it stopped at (w, b) = \(point(path.end)) against the MLE \(point(d.mle)), having covered \(percent(d.shareCovered(path))) of the way."
        }
        return text
    }

    static func distanceText(_ v: Double) -> String {
        v == 0 ? "0" : (v < 1e-12 ? "10⁻¹²" : s(v, 1))
    }

    static func lossName(_ m: ModelAnalysis) -> String {
        m.kind == .linear ? "mean squared error" : "mean cross-entropy"
    }

    /// Whether the logistic surface is close enough to quadratic for the Wald numbers, judged
    /// by comparing the Wald and profile-likelihood intervals of w and the two tests of w = 0.
    static func logisticShape(_ m: ModelAnalysis) -> (sentence: String, waldTrustworthy: Bool)? {
        guard case let .logistic(inference) = m.inference, case let .logistic(fit) = m.fit else { return nil }
        let wald = (fit.w.lower, fit.w.upper)
        let profile = inference.profileW
        let width = wald.1 - wald.0
        let shift = max(abs(profile.lower - wald.0), abs(profile.upper - wald.1))
        let mismatch = profile.lower.isFinite && profile.upper.isFinite ? shift / width : .infinity
        let waldP = fit.w.pValue, lrP = inference.likelihoodRatioPValue
        let disagree = (waldP < 0.05) != (lrP < 0.05)
        let intervals = "the Wald interval for w is [\(s(wald.0, 4)), \(s(wald.1, 4))] and the profile-likelihood interval [\(s(profile.lower, 4)), \(s(profile.upper, 4))]"
        let tests = "the Wald test of w = 0 gives p = \(NumberFormat.pValue(waldP)) and the likelihood-ratio test p = \(NumberFormat.pValue(lrP))"
        if disagree || mismatch > 0.1 {
            var text = "Here it is far from quadratic: \(intervals), and \(tests)."
            if disagree {
                text += " The two tests reach different conclusions at the 5 % level"
                text += waldP > lrP ? "; the Wald statistic understates the evidence, as it does when the classes are close to separated (the Hauck–Donner effect), so trust the likelihood-ratio numbers."
                                    : "; trust the likelihood-ratio numbers, which do not rest on the quadratic approximation."
            } else {
                text += " The ends differ by \(percent(min(mismatch, 9.99))) of the Wald interval's width: prefer the likelihood-ratio interval."
            }
            return (text, false)
        }
        return ("Here it is nearly so: \(intervals), which differ by \(percent(mismatch)) of the interval's width, and \(tests). The Wald standard errors in the table are a fair summary.", true)
    }

    /// What is approximated at large n, with its bound; nil when everything is exact.
    static func approximation(_ m: ModelAnalysis) -> String? {
        guard let data = m.logisticData, data.isApproximate, let exact = m.descent.exactMLE else { return nil }
        let window = m.likelihoodRanges()
        let bound = data.errorBound(slope: max(abs(window.w.0), abs(window.w.1)))
        return "With n = \(count(m.n)) rows and a continuous x, the figures, the gradient-descent paths and the profile-likelihood intervals use the data binned by class into \(count(data.x.count)) bins of x (count, mean and spread of x in each; the likelihood taken to second order within each bin): "
            + "there the log-likelihood is within \(s(bound, 2)) of its exact value everywhere in the likelihood figure. "
            + "The estimates, standard errors, log-likelihoods and the likelihood-ratio test use every row; the binned loss's minimum lies \(s(m.descent.distance(exact), 2)) standard errors from the exact MLE."
    }
}
