import Likelihood

/// `report.json` as DESIGN §4 specifies it.
enum ReportJSON {
    static func document(_ analyses: [ModelAnalysis], warnings: [String], version: String) -> String {
        var models: [JSON] = []
        for m in analyses {
            var o: [String: JSON] = [
                "name": .string(m.name),
                "n": .int(m.n),
                "x": .string(m.request.x),
                "y": .string(m.request.y),
                "data": .string(m.source),
                "w": .number(m.w),
                "b": .number(m.b),
                "w_se": .number(m.coefficients.w.standardError),
                "b_se": .number(m.coefficients.b.standardError),
                "log_likelihood": .number(m.logLikelihood),
                "aic": .number(m.aic),
                "bic": .number(m.bic),
                "converged": .bool(m.converged),
                "iterations": .int(m.iterations),
                "gradient_descent": .object([
                    "w": .number(m.gradientDescent.end.w), "b": .number(m.gradientDescent.end.b),
                    "iterations": .int(m.gradientDescent.iterations), "converged": .bool(m.gradientDescent.converged),
                    "learning_rate": .number(m.gradientDescent.learningRate),
                ]),
            ]
            switch m.fit {
            case let .linear(f):
                o["family"] = .string("gaussian")
                o["method"] = .string("closed-form least squares (centred sums)")
                o["sigma2_mle"] = .number(f.sigma2MLE)
                o["sigma2_unbiased"] = .number(f.sigma2Unbiased)
                o["r_squared"] = .number(f.rSquared)
                o["mse"] = .number(f.sigma2MLE)
            case let .logistic(f):
                o["family"] = .string("bernoulli")
                o["method"] = .string("Newton-Raphson with step-halving")
                o["null_log_likelihood"] = .number(f.nullLogLikelihood)
                o["pseudo_r_squared"] = .number(f.pseudoRSquared)
                o["mean_cross_entropy"] = .number(-f.logLikelihood / Double(f.n))
            }
            models.append(.object(o))
        }
        return JSON.object([
            "generator": .string("mle-report \(version)"),
            "models": .array(models),
            "warnings": .array(warnings.map(JSON.string)),
        ]).serialized()
    }
}
