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

    /// "1 step", "8 steps".
    static func steps(_ k: Int) -> String { k == 1 ? "step" : "\(count(k)) steps" }

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
    static func rawDescent(_ m: ModelAnalysis, lossName: String) -> String {
        let d = m.descent!, path = d.raw
        let kappa = d.hessian.conditionNumber
        let mu = d.hessian.eigenvalues.0
        var text = "The Hessian of the \(lossName) at its minimum has condition number κ = \(s(kappa)): "
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

    /// What gradient descent did on standardised x; `effect` says what standardising does to
    /// the loss when the family knows it exactly (else the condition numbers say it).
    static func standardisedDescent(_ m: ModelAnalysis, effect: String?) -> String {
        let d = m.descent!, path = d.standardised, z = d.standardisation
        let kappa = d.standardisedHessian.conditionNumber
        var text = "Standardising x, z = (x − \(s(z.mean, 4))) / \(s(z.scale, 4)), and descending on (v, c), the slope per standard deviation and the value at the mean of x, "
        if let effect {
            text += effect
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

    /// What the residual checks say about the Gaussian assumption, from the numbers.
    static func gaussianDiagnostics(_ d: ResidualDiagnostics, qq: ResidualDiagnostics.QQ, n: Int) -> String {
        var parts: [String] = []
        let tails = d.excessKurtosis > 1 ? "heavier tails than Gaussian noise (excess kurtosis \(s(d.excessKurtosis)), 0 for a normal)"
            : d.excessKurtosis < -0.5 ? "lighter tails than Gaussian noise (excess kurtosis \(s(d.excessKurtosis)), 0 for a normal)"
            : "tails close to Gaussian (excess kurtosis \(s(d.excessKurtosis)), 0 for a normal)"
        let skew = abs(d.skewness) > 0.5 ? "a skewed shape (skewness \(s(d.skewness)))" : "a nearly symmetric shape (skewness \(s(d.skewness)))"
        parts.append("The residuals have \(skew) and \(tails).")
        if d.jarqueBeraP < 0.05 {
            parts.append("The Jarque–Bera test rejects normal noise at the 5 % level (JB = \(s(d.jarqueBera, 4)), p = \(NumberFormat.pValue(d.jarqueBeraP)))\(d.excessKurtosis > 1 ? ": a heavy-tailed noise model (Laplace or Student-t) may describe these data better, and its loss is less swayed by outliers than the MSE" : "").")
        } else {
            parts.append("The Jarque–Bera test finds no evidence against normal noise (JB = \(s(d.jarqueBera, 4)), p = \(NumberFormat.pValue(d.jarqueBeraP))).")
        }
        if d.breuschPaganP < 0.05 {
            parts.append("The Breusch–Pagan test finds the spread of the residuals changing with x (LM = \(s(d.breuschPagan, 4)), p = \(NumberFormat.pValue(d.breuschPaganP))): the noise is not of one variance, so the standard errors of the table are not to be trusted as they stand.")
        } else {
            parts.append("The Breusch–Pagan test finds no evidence that the spread changes with x (LM = \(s(d.breuschPagan, 4)), p = \(NumberFormat.pValue(d.breuschPaganP))).")
        }
        parts.append("In the Q–Q plot \(qq.outside) of the \(qq.observed.count) points plotted lie outside the 95 % envelope\(qq.outside == 0 ? "" : " (about \(max(1, Int((0.05 * Double(qq.observed.count)).rounded()))) would by chance, since the envelope holds each point only 95 % of the time)").")
        if n < 30 { parts.append("With only \(n) points, none of these tests has much power.") }
        return parts.joined(separator: " ")
    }
}
