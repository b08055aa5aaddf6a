import Foundation
import Likelihood
import Mustache

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

    /// "x − 4.2" for a positive shift and "x + 4.2" for a negative one (never "x − −4.2").
    static func minus(_ v: Double, digits: Int = 4) -> String {
        v < 0 ? "+ \(s(-v, digits))" : "− \(s(v, digits))"
    }

    /// How far a descent that did not arrive got, as a phrase after a comma: the share of the
    /// way it covered, measured in standard errors, and never "0 %" for one that went backwards
    /// or "100 %" for one that stopped just short.
    static func progress(_ m: ModelAnalysis, _ path: OptimizerPath) -> String {
        let d = m.descent!
        let start = d.startDistance(path), end = d.distance(path.end)
        let backwards = end >= start, nearly = !backwards && d.shareCovered(path) >= 0.9995
        return m.common("progress", ["backwards": .bool(backwards), "nearly": .bool(nearly), "partly": .bool(!backwards && !nearly),
                                     "end": .string(s(end, nearly ? 2 : 3)), "start": .string(s(start)),
                                     "share": .string(percent(m, d.shareCovered(path)))])
    }

    /// Where a descent ended, for the sentences.
    static func pathValues(_ m: ModelAnalysis, _ path: OptimizerPath) -> [String: MustacheValue] {
        let d = m.descent!
        return ["arrived": .bool(d.arrived(path)), "steps": Prose.count(path.iterations), "stalled": .bool(path.converged),
                "end": .string(point(path.end)), "mle": .string(point(d.mle)), "w": .string(s(path.end.w, 4)), "b": .string(s(path.end.b, 4)),
                "progress": d.arrived(path) ? .bool(false) : .string(progress(m, path))]
    }

    /// What gradient descent did on the original (w, b), and why.
    static func rawDescent(_ m: ModelAnalysis) -> String {
        let d = m.descent!, path = d.raw
        let kappa = d.hessian.conditionNumber
        let needed = stepsToShrinkMillionfold(eta: path.learningRate, mu: d.hessian.eigenvalues.0)
        var values = pathValues(m, path)
        values["lossName"] = .string(m.text("lossName"))
        values["kappa"] = .string(s(kappa))
        values["round"] = .bool(kappa < 10)
        values["eta"] = .string(s(path.learningRate, 4))
        values["needed"] = needed.isFinite ? .string(s(needed, 2)) : .bool(false)
        return m.common("rawDescent", values)
    }

    static func percent(_ m: ModelAnalysis, _ share: Double) -> String {
        let nearlyAll = share >= 0.9995 && share < 1, tiny = share > 0 && share < 0.0005
        return m.common("percent", ["nearlyAll": .bool(nearlyAll), "tiny": .bool(tiny), "plain": .bool(!nearlyAll && !tiny),
                                    "value": .string(NumberFormat.fixed(share * 100, share >= 0.1 ? 0 : 1))])
    }

    /// What gradient descent did on standardised x; `effect` says what standardising does to
    /// the loss when the family knows it exactly (else the condition numbers say it).
    static func standardisedDescent(_ m: ModelAnalysis, effect: String?) -> String {
        let d = m.descent!, path = d.standardised, z = d.standardisation
        var values = pathValues(m, path)
        values["shift"] = .string(minus(z.mean))
        values["scale"] = .string(s(z.scale, 4))
        values["effect"] = effect.map(MustacheValue.string) ?? .bool(false)
        values["before"] = .string(s(d.hessian.conditionNumber))
        values["after"] = .string(s(d.standardisedHessian.conditionNumber))
        values["meanNegative"] = .bool(z.mean < 0)
        values["absMean"] = .string(s(abs(z.mean), 4))
        values["distance"] = .string(distanceText(m, d.distance(path.end)))
        return m.common("standardisedDescent", values)
    }

    /// How far a descent's end lies from the MLE, as a clause: exactly there, within the
    /// power of ten above a tiny distance (4·10⁻¹⁵ is "within 10⁻¹⁴"), or the distance.
    static func distanceText(_ m: ModelAnalysis, _ v: Double) -> String {
        m.common("distance", ["exact": .bool(v == 0),
                              "within": v > 0 && v < 1e-3 ? .string(NumberFormat.powerOfTen(Int(ceil(log10(v))))) : .bool(false),
                              "far": v >= 1e-3 ? .string(s(v, 2)) : .bool(false)])
    }
}
