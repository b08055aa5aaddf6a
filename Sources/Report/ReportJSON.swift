import Likelihood

/// `report.json` as DESIGN §4 specifies it.
enum ReportJSON {
    static func document(_ analyses: [ModelAnalysis], warnings: [String], version: String) -> String {
        var models: [JSON] = []
        for m in analyses {
            var o: [String: JSON] = [
                "name": .string(m.name),
                "n": .int(m.n),
                "dropped_rows": .int(m.droppedRows),
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
                "gradient_descent": gradientDescent(m),
            ]
            switch m.fit {
            case let .linear(f):
                o["family"] = .string("gaussian")
                o["method"] = .string("closed-form least squares (centred sums)")
                o["sigma2_mle"] = .number(f.sigma2MLE)
                o["sigma2_unbiased"] = .number(f.sigma2Unbiased)
                o["r_squared"] = .number(f.rSquared)
                o["mse"] = .number(f.sigma2MLE)
                o["aic_parameters"] = .int(LinearGaussianModel.parameterCount)
                if case let .linear(r) = m.inference {
                    o["confidence_region"] = .object([
                        "kind": .string("F"), "confidence": .number(r.confidence), "f_quantile": .number(r.fQuantile),
                        "half_width_w": .number(r.halfWidthW), "half_width_b": .number(r.halfWidthB),
                    ])
                }
            case let .logistic(f):
                o["family"] = .string("bernoulli")
                o["method"] = .string("Newton-Raphson with step-halving")
                o["null_log_likelihood"] = .number(f.nullLogLikelihood)
                o["pseudo_r_squared"] = .number(f.pseudoRSquared)
                o["mean_cross_entropy"] = .number(-f.logLikelihood / Double(f.n))
                o["aic_parameters"] = .int(LogisticBernoulliModel.parameterCount)
                if case let .logistic(r) = m.inference {
                    o["likelihood_ratio_test"] = .object(["statistic": .number(r.likelihoodRatioStatistic),
                                                          "p_value": .number(r.likelihoodRatioPValue)])
                    o["w_profile_interval"] = .array([.number(r.profileW.lower), .number(r.profileW.upper)])
                    o["b_profile_interval"] = .array([.number(r.profileB.lower), .number(r.profileB.upper)])
                    o["confidence_region"] = .object(["kind": .string("likelihood-ratio"), "confidence": .number(r.confidence),
                                                      "log_likelihood_level": .number(r.regionLevel)])
                }
                if let data = m.logisticData, data.isApproximate {
                    let window = m.likelihoodRanges()
                    o["approximation"] = .object([
                        "applies_to": .array(["figures", "gradient_descent", "w_profile_interval", "b_profile_interval", "confidence_region"].map(JSON.string)),
                        "method": .string("x binned by class; each bin holds its count, mean and sum of squares of x; softplus taken to second order within each bin"),
                        "groups": .int(data.x.count),
                        "max_log_likelihood_error": .number(data.errorBound(slope: max(abs(window.w.0), abs(window.w.1)))),
                    ])
                }
            }
            models.append(.object(o))
        }
        return JSON.object([
            "generator": .string("mle-report \(version)"),
            "models": .array(models),
            "warnings": .array(warnings.map(JSON.string)),
        ]).serialized()
    }

    /// The standardised descent (the one practitioners run) at the top, the original one
    /// nested, each with where it ended and whether it arrived.
    static func gradientDescent(_ m: ModelAnalysis) -> JSON {
        let d = m.descent
        func entry(_ path: OptimizerPath, _ hessian: SymmetricMatrix2) -> [String: JSON] {
            var o: [String: JSON] = [
                "w": .number(path.end.w), "b": .number(path.end.b),
                "iterations": .int(path.iterations), "converged": .bool(path.converged), "arrived": .bool(d.arrived(path)),
                "learning_rate": .number(path.learningRate), "step_budget": .int(GradientDescent.stepBudget),
                "distance_in_standard_errors": .number(d.distance(path.end)),
                "condition_number": .number(hessian.conditionNumber),
                "parametrisation": .string(path.standardisation == nil ? "original" : "standardised"),
            ]
            if let z = path.standardisation {
                o["x_mean"] = .number(z.mean)
                o["x_scale"] = .number(z.scale)
            }
            return o
        }
        var top = entry(d.standardised, d.standardisedHessian)
        top["original"] = .object(entry(d.raw, d.hessian))
        return .object(top)
    }
}
