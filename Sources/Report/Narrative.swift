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

    /// "none of the 50 points", "1 of the 38 points", "12 of the 38 points" (`capital`: at the
    /// start of a sentence).
    static func of(_ k: Int, _ n: Int, _ plural: String, capital: Bool = false) -> String {
        k == 0 ? "\(capital ? "None" : "none") of the \(count(n)) \(plural)" : "\(count(k)) of the \(count(n)) \(plural)"
    }

    /// The two ends of a range with enough digits to tell them apart ("from 1.0213 to 1.0247",
    /// never "from 1.02 to 1.02").
    static func range(_ lo: Double, _ hi: Double) -> (String, String) {
        var digits = 3
        while digits < 12 && s(lo, digits) == s(hi, digits) && lo != hi { digits += 1 }
        return (s(lo, digits), s(hi, digits))
    }

    /// A correlation with enough digits that one short of ±1 never shows as "−1.00".
    static func correlation(_ r: Double) -> String {
        var digits = 2
        while digits < 8 && abs(r) < 1 && abs(Double(s(r, digits).replacingOccurrences(of: "−", with: "-")) ?? 0) >= 1 { digits += 1 }
        return s(r, digits)
    }

    /// The verb agreeing with a count: "lies" for 1, "lie" for any other (none included).
    static func verb(_ k: Int, _ singular: String, _ plural: String) -> String { k == 1 ? singular : plural }

    /// "x − 4.2" for a positive shift and "x + 4.2" for a negative one (never "x − −4.2").
    static func minus(_ v: Double, digits: Int = 4) -> String {
        v < 0 ? "+ \(s(-v, digits))" : "− \(s(v, digits))"
    }

    /// How far a descent that did not arrive got, as a phrase after a comma: the share of the
    /// way it covered, measured in standard errors, and never "0 %" for one that went backwards
    /// or "100 %" for one that stopped just short.
    static func progress(_ d: Descent, _ path: OptimizerPath) -> String {
        let start = d.startDistance(path), end = d.distance(path.end)
        if end >= start {
            return "ending further from the MLE than it started (\(s(end)) standard errors away, against \(s(start)) at the start)"
        }
        if d.shareCovered(path) >= 0.9995 {
            return "ending \(s(end, 2)) standard errors from the MLE, short of the 10⁻⁶ that counts as arriving"
        }
        return "having covered \(percent(d.shareCovered(path))) of the way (\(s(end)) standard errors from the MLE, against \(s(start)) at the start)"
    }

    /// What gradient descent did on the original (w, b), and why.
    static func rawDescent(_ m: ModelAnalysis, lossName: String) -> String {
        let d = m.descent!, path = d.raw
        let kappa = d.hessian.conditionNumber
        let mu = d.hessian.eigenvalues.0
        var text = "The Hessian of the \(lossName) at its minimum has condition number κ = \(s(kappa)): "
        if kappa < 10 {
            text += "the loss curves about equally in every direction, so the valley is round and the constant step η = \(s(path.learningRate, 4)) (1/L, the largest curvature) suits every direction. "
        } else {
            text += "the loss is \(s(kappa)) times more curved across its valley than along it. "
                + "The step η = \(s(path.learningRate, 4)) (1/L, the largest curvature) must be small enough not to overshoot across the valley, "
                + "and then it creeps along it, removing only a small share of the remaining error per step"
            let needed = stepsToShrinkMillionfold(eta: path.learningRate, mu: mu)
            text += needed.isFinite ? ": about \(s(needed, 2)) steps would be needed to shrink the error a million-fold. "
                                    : ". "
        }
        if d.arrived(path) {
            text += "Gradient descent on the original (w, b) from (0, 0) arrived at the MLE after \(count(path.iterations)) step\(path.iterations == 1 ? "" : "s"): it runs until a step moves neither parameter by more than 10⁻¹⁴ of its size\(kappa < 10 ? "" : ", far beyond the million-fold shrink counted above")."
        } else {
            text += "Gradient descent on the original (w, b) from (0, 0) did not arrive: after \(count(path.iterations)) steps"
                + (path.converged ? " its steps had become too small to move it further" : " (its budget)")
                + " it stopped at (w, b) = \(point(path.end)) against the MLE \(point(d.mle)), "
                + "\(progress(d, path))."
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
        var text = "Standardising x, z = (x \(minus(z.mean))) / \(s(z.scale, 4)), and descending on (v, c), the slope per standard deviation and the value at the mean of x, "
        if let effect {
            text += effect
        } else {
            text += "brings the condition number at the minimum from \(s(d.hessian.conditionNumber)) to \(s(kappa)). "
        }
        if d.arrived(path) {
            text += "Gradient descent from the same start arrived after \(count(path.iterations)) step\(path.iterations == 1 ? "" : "s"); "
                + "mapped back through w = v / \(s(z.scale, 4)) and b = c \(z.mean < 0 ? "+" : "−") w·\(s(abs(z.mean), 4)), \(distanceText(d.distance(path.end)))."
        } else {
            text += "Even so, gradient descent did not arrive within \(count(path.iterations)) steps: it stopped at (w, b) = \(point(path.end)) against the MLE \(point(d.mle)), \(progress(d, path))."
        }
        return text
    }

    /// How far a descent's end lies from the MLE, as a clause: exactly there, within the
    /// power of ten above a tiny distance (4·10⁻¹⁵ is "within 10⁻¹⁴"), or the distance.
    static func distanceText(_ v: Double) -> String {
        if v == 0 { return "its end is the MLE to the last digit" }
        if v < 1e-3 {
            let power = Int(ceil(log10(v)))
            return "its end agrees with the MLE to within \(NumberFormat.powerOfTen(power)) standard errors"
        }
        return "its end lies \(s(v, 2)) standard errors from the MLE"
    }

    /// What the residual checks say about the Gaussian assumption, from the numbers.
    /// - Parameter distinctY: how many different responses the rows hold (nil: not counted);
    ///   few of them (rounded heights, counts) make tied residuals that step outside an
    ///   envelope drawn for continuous noise, and the text says so.
    static func gaussianDiagnostics(_ d: ResidualDiagnostics, qq: ResidualDiagnostics.QQ, n: Int, distinctY: Int? = nil) -> String {
        var parts: [String] = []
        let tails = d.excessKurtosis > 1 ? "heavier tails than Gaussian noise (excess kurtosis \(s(d.excessKurtosis)), 0 for a normal)"
            : d.excessKurtosis < -0.5 ? "lighter tails than Gaussian noise (excess kurtosis \(s(d.excessKurtosis)), 0 for a normal)"
            : "tails close to Gaussian (excess kurtosis \(s(d.excessKurtosis)), 0 for a normal)"
        let skew = abs(d.skewness) > 0.5 ? "a skewed shape (skewness \(s(d.skewness)))" : "a nearly symmetric shape (skewness \(s(d.skewness)))"
        parts.append("The residuals have \(skew) and \(tails).")
        if d.jarqueBeraP < 0.05 {
            parts.append("The Jarque–Bera test rejects normal noise at the 5 % level (JB = \(s(d.jarqueBera, 4)), p \(NumberFormat.pRelation(d.jarqueBeraP)))\(d.excessKurtosis > 1 ? ": a heavy-tailed noise model (Laplace or Student-t) may describe these data better, and its loss is less swayed by outliers than the MSE" : "").")
        } else {
            parts.append("The Jarque–Bera test finds no evidence against normal noise (JB = \(s(d.jarqueBera, 4)), p \(NumberFormat.pRelation(d.jarqueBeraP))).")
        }
        if d.breuschPaganP < 0.05 {
            parts.append("The Breusch–Pagan test finds the spread of the residuals changing with x (LM = \(s(d.breuschPagan, 4)), p \(NumberFormat.pRelation(d.breuschPaganP))): the noise is not of one variance, so the standard errors of the table are not to be trusted as they stand.")
        } else {
            parts.append("The Breusch–Pagan test finds no evidence that the spread changes with x (LM = \(s(d.breuschPagan, 4)), p \(NumberFormat.pRelation(d.breuschPaganP))).")
        }
        parts.append("In the Q–Q plot \(of(qq.outside, qq.observed.count, "points plotted")) \(verb(qq.outside, "lies", "lie")) outside the 95 % envelope\(qq.outside == 0 ? "" : " (about \(max(1, Int((0.05 * Double(qq.observed.count)).rounded()))) would by chance, since the envelope holds each point only 95 % of the time)").")
        let expected = max(1, Int((0.05 * Double(qq.observed.count)).rounded()))
        if let k = distinctY, 2 * k <= n, qq.outside > 2 * expected {
            parts.append("The responses take only \(count(k)) different values among the \(count(n)) rows (rounded or counted data), so the residuals come in tied steps that the envelope, drawn for continuous noise, cannot follow: points outside it say as much about the rounding as about the noise.")
        }
        if n < 30 { parts.append("With only \(n) points, none of these tests has much power.") }
        return parts.joined(separator: " ")
    }
}
