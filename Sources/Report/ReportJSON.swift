import Likelihood
import Plot

/// `report.json` as DESIGN §4 specifies it.
enum ReportJSON {
    static func document(_ analyses: [ModelAnalysis], several: [SeveralAnalysis] = [], order: [String]? = nil,
                         comparisons: [ComparisonAnalysis] = [], warnings: [String], version: String, figures: [JSON] = []) -> String {
        var byName: [String: JSON] = [:]
        for m in several { byName[m.name] = SeveralReport.json(m) }
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
                "family": .string(m.family.jsonFamily),
                "model": .string(m.kind.rawValue),
                "aic_parameters": .int(m.fit.parameterCount),
            ]
            m.family.json(m, &o)
            byName[m.name] = .object(o)
        }
        // In the order the models were asked for.
        let models = (order ?? analyses.map(\.name) + several.map(\.name)).compactMap { byName[$0] }
        return JSON.object([
            "generator": .string("mle-report \(version)"),
            "models": .array(models),
            "comparisons": .array(comparisons.map(Comparison.json)),
            "warnings": .array(warnings.map(JSON.string)),
            "figures": .array(figures),
        ]).serialized()
    }

    /// One figure of the page for report.json's manifest: its number on the page, the files
    /// written for it (per theme and format, relative to the report folder; none when the page
    /// inlines it), its caption and alt text as the page gives them, and its size.
    static func figure(_ fig: ReportFigure, number: Int, model: String?, themes: [Theme], formats: [ImageFormat],
                       narrow: NarrowRendering?, scale: Double, inline: Bool) -> JSON {
        var files: [JSON] = [], narrowFiles: [JSON] = []
        if !inline {
            for theme in themes {
                for format in formats {
                    files.append(.object(["theme": .string(theme.name), "format": .string(format.rawValue),
                                          "path": .string("figures/" + ReportOptions.fileName(fig.name, theme: theme, format: format.rawValue))]))
                }
                if let narrow {
                    narrowFiles.append(.object(["theme": .string(theme.name), "format": .string(narrow.format.rawValue),
                                                "path": .string("figures/" + ReportOptions.fileName(fig.name, theme: theme, format: narrow.format.rawValue,
                                                                                                    narrow: true))]))
                }
            }
        }
        var o: [String: JSON] = [
            // A derivation section's figure belongs to no model.
            "name": .string(fig.name), "number": .int(number), "model": model.map(JSON.string) ?? .null,
            "title": .string(fig.figure.accessibleTitle), "caption": .string(fig.caption), "alt": .string(fig.altText),
            "width_pt": .number(fig.figure.width), "height_pt": .number(fig.figure.height),
            "png_scale": .number(scale), "inline": .bool(inline), "files": .array(files),
        ]
        // The renderings the page serves to narrow screens (phones), when there is a page.
        if let narrow {
            o["narrow"] = .object(["width_pt": .number(narrow.width), "height_pt": .number(narrow.height(of: fig)), "files": .array(narrowFiles)])
        }
        return .object(o)
    }

    /// The standardised descent (the one practitioners run) at the top, the original one
    /// nested, each with where it ended and whether it arrived.
    static func gradientDescent(_ m: ModelAnalysis) -> JSON {
        let d = m.descent!
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
