import Likelihood

/// The compact per-model table printed on stdout, in the spirit of statsmodels' `summary()`.
enum Summary {
    static func text(_ m: ModelAnalysis) -> String {
        let p = { (v: Double) in NumberFormat.plain(v, 6) }
        // At least one space before every column, so that wide numbers never run together.
        func pad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(s.isEmpty ? 0 : 1, width - s.count)) + s }
        var lines: [String] = []
        let family = m.family.summaryName
        // Column names are user text: escaped so that no byte of them can drive the terminal.
        lines.append("== \(m.name): \(Message.escaped(m.request.y)) ~ \(Message.escaped(m.request.x)), \(family), n = \(m.n)")
        let statName = m.family.statisticName
        lines.append(pad("", 10) + pad("estimate", 14) + pad("std.err", 13) + pad(statName, 9) + pad("p", 10)
                     + pad("[0.025", 13) + pad("0.975]", 13))
        let c = m.coefficients
        for (name, k) in [("w (slope)", c.w), ("b (icept)", c.b)] {
            lines.append(name.padding(toLength: 10, withPad: " ", startingAt: 0) + pad(p(k.estimate), 14) + pad(p(k.standardError), 13)
                         + pad(NumberFormat.plain(k.statistic, 4), 9)
                         + pad(NumberFormat.pValue(k.pValue).replacingOccurrences(of: "< ", with: "<"), 10)
                         + pad(p(k.lower), 13) + pad(p(k.upper), 13))
        }
        lines += m.family.summary(m)
        if let d = m.descent {
            for (label, path) in [("gradient descent on x", d.raw), ("on standardised x", d.standardised)] {
                let outcome = d.arrived(path) ? "arrived" : "did NOT arrive (\(NumberFormat.plain(d.distance(path.end), 3)) standard errors away)"
                lines.append("\(label): \(path.iterations) steps of \(NumberFormat.plain(path.learningRate, 4)), \(outcome) at w = \(p(path.end.w)), b = \(p(path.end.b))")
            }
        }
        return lines.joined(separator: "\n")
    }
}
