import Dispatch
import Foundation
import Likelihood
import Mustache

/// A model of several predictors or categorical columns (issue 19), fitted on the
/// p-dimensional layer (`ModelData`, `LinearRegression`, `GeneralizedLinearFit`): everything
/// its page section, figures, summary and report.json show.
struct SeveralAnalysis {
    enum Fit {
        case linear(LinearRegression)
        case glm(GeneralizedLinearFit)
        case laplace(LeastAbsoluteDeviations)
        case studentT(StudentTRegression)
        case softmax(SoftmaxFit)
    }

    var name: String
    var request: ModelRequest
    /// Where the data came from, as the page and report.json name it.
    var source: String
    var data: ModelData
    var fit: Fit
    var tests: [TermTest]
    /// The standardised predictors' condition number and each design column's VIF (in the
    /// design's order, the intercept left out).
    var conditionNumber: Double
    var vif: [Double]
    /// η̂ = Xβ̂ per row, and the fitted mean (ŷ, p̂ or μ̂).
    var eta: [Double]
    var fitted: [Double]
    /// The design columns the likelihood surface is drawn over (`--pair`, checked).
    var pair: (Int, Int) = (1, 0)
    /// Each coefficient's 95 % profile-likelihood interval (GLMs up to `profileRowLimit` rows).
    var profile: [(lower: Double, upper: Double)]? = nil
    /// Above this many rows the profile intervals (about 80 warm-started fits per coefficient)
    /// are not computed: there the Wald and profile intervals agree to a fraction of a
    /// standard error anyway.
    static let profileRowLimit = 200_000
    /// Gradient descent and Newton in every dimension (least squares and logistic).
    var descents: SeveralDescents? = nil
    /// The checks of the Gaussian assumption (least squares).
    var residualChecks: SeveralResidualChecks? = nil
    /// The normal Q–Q plot's points and envelope (least squares).
    var qq: ResidualDiagnostics.QQ? = nil
    /// With frequency weights, the row of each observation written out (whole weights, at most
    /// `GroupedReport.expansionLimit` observations): the residual checks and plots are those of
    /// these rows, as the raw data would give them.
    var residualRows: [Int]? = nil
    /// The responses and fitted values the residual checks and plots see: the rows, or the
    /// observations written out.
    var residualData: (y: [Double], fitted: [Double]) {
        guard let rows = residualRows else { return (y, fitted) }
        return (rows.map { y[$0] }, rows.map { fitted[$0] })
    }
    /// The descents' step budget: 10,000 steps, fewer when a logistic step's pass over the
    /// rows would make them cost more than about 4·10⁸ multiply-adds (at least 500).
    static func stepBudget(kind: ModelKind, rows: Int, columns: Int) -> Int {
        // A line search (Poisson) evaluates the loss about twice a step: half the steps.
        kind == .linear ? 10_000 : max(500, min(10_000, (kind == .poisson ? 200_000_000 : 400_000_000) / max(1, rows * columns)))
    }
    /// Whether the GLM's costly pictures are drawn: the descents (a pass over the rows a
    /// step, at least 500 steps) and the profile surface (a few Newton steps over the rows at
    /// each of at least 11 × 11 points) each within about 2·10⁹ multiply-adds. Least squares
    /// needs no pass over the rows for either.
    static func affordsGLMPictures(rows: Int, columns: Int) -> Bool {
        Double(rows) * Double(columns * columns + 3 * columns) * 4 * 121 <= 2e9 && rows * columns * 500 <= 2_000_000_000
    }
    /// Whether a softmax's descents are run: a step costs about two passes of p(K − 1)
    /// multiply-adds over the rows, and the two descents at least 500 steps each, within about
    /// 2·10⁹ multiply-adds (ANES, 944 rows × 36 parameters: yes; 10⁶ rows × 27: no).
    static func affordsSoftmaxDescents(rows: Int, parameters: Int) -> Bool {
        Double(rows) * Double(parameters) * 2 * 500 <= 2e9
    }
    /// False when the rows make the GLM's descents and profile surface too costly to draw.
    var drawsGLMPictures = true
    var prose: Prose? = nil
    /// Gaussian, Laplace and Student-t noise on this design (continuous responses, with
    /// `--compare`, up to `SeveralNoiseComparison.rowLimit` rows).
    var noiseComparison: SeveralNoiseComparison? = nil
    /// The comparison was asked for but the rows are too many.
    var comparisonSkipped = false
    /// Poisson: Pearson's χ² = Σ (yᵢ − μ̂ᵢ)²/μ̂ᵢ; over n − p it estimates the dispersion, 1 when
    /// the counts vary as a Poisson variable does.
    var pearsonChiSquared: Double? = nil
    /// Softmax: the 95 % profile-likelihood intervals of the strongest numeric predictor's
    /// coefficients (one per class but the reference), parameter index and ends (nil: an inner
    /// maximisation did not converge; ±∞: unbounded).
    var classProfiles: [(index: Int, lower: Double?, upper: Double?)] = []
    /// Softmax: counts of (true class, most probable class), for the page and report.json.
    var classConfusion: [[Int]] = []
    /// Above this many rows × parameters² the class profiles and the per-predictor tests (refits
    /// of the model) are not computed: 10⁶ rows with K = 10 and three predictors would spend
    /// 7 s on the tests alone.
    static let classProfileWork = 200_000_000
    /// Grouped data or weights: the same model refitted on the rows one observation at a time.
    var expanded: GroupedReport.Expanded? = nil
    /// `--penalty`: the MAP fit beside the MLE, its path, cross-validation and evidence.
    var penalty: PenaltyAnalysis? = nil
    var dispersion: Double? { pearsonChiSquared.map { $0 / residualDegreesOfFreedom } }
    /// Observations less coefficients: the rows, or the frequency weights' sum (binomial
    /// groups count once each, as R and statsmodels count them).
    var residualDegreesOfFreedom: Double { data.observations - Double(design.columns) }
    /// Each row's weight in the likelihood (frequency × trials), nil when every row counts once.
    var weights: [Double]? { data.likelihoodWeights }

    var kind: ModelKind { request.kind }
    var design: DesignMatrix { data.design }
    var y: [Double] { data.y }
    var n: Int { data.y.count }

    /// What both kinds of fit share.
    var common: any RegressionFit {
        switch fit {
        case let .linear(f): return f
        case let .glm(f): return f
        case let .laplace(f): return f
        case let .studentT(f): return f
        case let .softmax(f): return f
        }
    }
    var estimates: [TermEstimate] { common.estimates }
    var coefficients: [Double] { estimates.map(\.coefficient.estimate) }
    var logLikelihood: Double { common.logLikelihood }
    var aic: Double { common.aic }
    var bic: Double { common.bic }
    /// Parameters AIC counts: the coefficients, the scale of a continuous noise (σ², s) and ν
    /// when estimated.
    var parameterCount: Int {
        switch fit {
        case .linear, .laplace: return design.columns + 1
        case .glm: return design.columns
        case let .softmax(f): return f.regression.parameterCount
        case let .studentT(f): return f.parameterCount
        }
    }
    /// A continuous response with a noise model (least squares, Laplace, Student-t).
    var continuous: Bool { kind == .linear || kind == .laplace || kind == .studentT }
    var iterations: Int { common.iterations }

    /// A piece of `text-several.mustache`.
    func text(_ piece: String, _ values: [String: MustacheValue] = [:]) -> String {
        (prose ?? Prose.shared)?.text("several", piece, values) ?? ""
    }
    /// A figure label (Pango markup) from `text-several.mustache`.
    func label(_ piece: String, _ values: [String: MustacheValue] = [:]) -> String {
        (prose ?? Prose.shared)?.text("several", piece, values, markup: true) ?? ""
    }

    /// Fits the request's model to the data set.
    static func analyse(_ request: ModelRequest, dataset: Dataset, name: String, source: String, dropMissing: Bool,
                        compare: Bool = true) throws -> SeveralAnalysis {
        let spec = ModelSpecification(response: request.y, predictors: request.predictors, factors: Set(request.factors),
                                      references: request.references, positive: request.kind == .softmax ? request.referenceClass : request.positive,
                                      weights: request.weights, trials: request.trials, exposure: request.exposure)
        let response: ModelSpecification.Response = request.kind == .logistic ? .binary : request.kind == .poisson ? .count
            : request.kind == .softmax ? .categorical : .continuous
        let what = "\(request.kind.rawValue) model of \(Message.quoted(request.y)) on \(request.predictors.map { Message.quoted($0) }.joined(separator: ", "))"
        do {
            let data = try Timing.measure("design") { try ModelData.build(spec, data: dataset, response: response, dropMissing: dropMissing) }
            // The response's own rules, as the one-predictor families state them, at the cell.
            func cell(_ k: Int) -> String {
                dataset.location(row: data.dataRow(k), column: request.y).map(String.init(describing:)) ?? "\(dataset.source): data row \(data.dataRow(k) + 1)"
            }
            if let bad = data.y.firstIndex(where: { !$0.isFinite || abs($0) > 1e150 }) {
                throw ReportError("\(cell(bad)): column \(Message.quoted(request.y)): not a finite number below 1e150 in size")
            }
            if response == .binary, data.trials == nil, let bad = data.y.firstIndex(where: { $0 != 0 && $0 != 1 }) {
                throw ReportError("\(cell(bad)): column \(Message.quoted(request.y)): \(NumberFormat.plain(data.y[bad], 6)) is not a label: a logistic response is 0 or 1, or two levels such as Yes/No")
            }
            if response == .count, let bad = data.y.firstIndex(where: { $0 < 0 || $0 != $0.rounded() || $0 >= 1e15 }) {
                throw ReportError("\(cell(bad)): column \(Message.quoted(request.y)): \(NumberFormat.plain(data.y[bad], 6)) is not a count (a whole number from 0 up to, but not including, 10^15)")
            }
            if request.kind == .softmax {
                // K classes: the softmax fitter; its section, figures and report.json entry are
                // SoftmaxReport's.
                let f = try Timing.measure("softmax fit") {
                    try SoftmaxFit(design: data.design, labels: data.y.map { Int($0) }, classes: data.classes ?? [], weights: data.frequencyWeights)
                }
                // Each predictor's test refits the model; like the profile intervals, up to a budget.
                let work = data.y.count * f.regression.parameterCount * f.regression.parameterCount
                let tests = work <= classProfileWork ? Timing.measure("term tests") { f.termTests(labels: data.y.map { Int($0) }) } : []
                var m = SeveralAnalysis(name: name, request: request, source: source, data: data, fit: .softmax(f), tests: tests,
                                        conditionNumber: 0, vif: [], eta: [], fitted: [])
                (m.conditionNumber, m.vif) = collinearity(data, qr: f.qr)
                m.drawsGLMPictures = false
                m.classConfusion = f.regression.confusion(design: data.design, labels: data.y.map { Int($0) })
                let parameters = f.regression.parameterCount
                if let j = SoftmaxReport.strongest(m, f).first, data.y.count * parameters * parameters <= classProfileWork {
                    let labels = data.y.map { Int($0) }, p = data.design.columns
                    let indices = (1..<f.classNames.count).map { ($0 - 1) * p + j }
                    var ends = [(lower: Double?, upper: Double?)](repeating: (nil, nil), count: indices.count)
                    Timing.measure("profile intervals") {
                        ends.withUnsafeMutableBufferPointer { out in
                            let base = out.baseAddress!
                            DispatchQueue.concurrentPerform(iterations: indices.count) { k in
                                base[k] = f.regression.profileInterval(indices[k], design: data.design, labels: labels)
                            }
                        }
                    }
                    m.classProfiles = zip(indices, ends).map { ($0, $1.lower, $1.upper) }
                }
                // The descents over the categorical cross-entropy, in all p(K − 1) dimensions,
                // while a step's pass over the rows keeps them within budget.
                if affordsSoftmaxDescents(rows: data.y.count, parameters: parameters) {
                    let labels = data.y.map { Int($0) }
                    let k = f.classNames.count
                    var information = SoftmaxRegression.evaluate(f.regression.parameters, data.design, labels, k, derivatives: true,
                                                                 weights: data.frequencyWeights).h
                    for i in information.storage.indices { information.storage[i] /= data.observations }
                    m.descents = Timing.measure("descents") {
                        SeveralDescents.run(x: data.design, y: data.y, loss: .softmax(classes: k), mle: f.regression.parameters,
                                            standardErrors: f.regression.standardErrors, qr: f.qr, hessian: information,
                                            // A softmax step costs about two logistic steps per coefficient.
                                            stepBudget: stepBudget(kind: .softmax, rows: data.y.count, columns: 2 * parameters),
                                            weights: data.frequencyWeights)
                    }
                }
                return m
            }
            // The family's likelihood (nil for least squares, which has its own exact fit).
            let family = SeveralAnalysis.family(request.kind)
            let fit: Fit
            let tests: [TermTest]
            if let family {
                let f = try Timing.measure("Newton fit") {
                    try GeneralizedLinearFit(design: data.design, y: data.y, family: family, weights: data.likelihoodWeights, offset: data.offset,
                                             constant: data.binomialConstant, observations: data.observations)
                }
                fit = .glm(f); tests = try Timing.measure("term tests") { try f.termTests(y: data.y, family: family) }
            } else if request.kind == .laplace {
                let f = try Timing.measure("least absolute deviations") {
                    try LeastAbsoluteDeviations(design: data.design, y: data.y, weights: data.frequencyWeights)
                }
                fit = .laplace(f); tests = try Timing.measure("term tests") { try f.termTests(y: data.y) }
            } else if request.kind == .studentT {
                // The fit and its tests together: a reduced model may find a fit that raises
                // the floor of ν for both (`fitWithTermTests`).
                let (f, t) = try Timing.measure("Student-t search and term tests") {
                    try StudentTRegression.fitWithTermTests(design: data.design, y: data.y, nu: request.nu, weights: data.frequencyWeights)
                }
                fit = .studentT(f); tests = t
            } else {
                let f = try Timing.measure("least squares") { try LinearRegression(design: data.design, y: data.y, weights: data.frequencyWeights) }
                fit = .linear(f); tests = try f.termTests(y: data.y)
            }
            var m = SeveralAnalysis(name: name, request: request, source: source, data: data, fit: fit, tests: tests,
                                    conditionNumber: 0, vif: [], eta: [], fitted: [])
            let common = m.common
            // Least squares, Laplace and Student-t factor the √w-scaled rows already.
            let (kappa, vif) = family == nil ? data.design.collinearity(qr: common.qr) : collinearity(data, qr: common.qr)
            let beta = common.estimates.map(\.coefficient.estimate)
            var eta = data.design.times(beta)
            if let offset = data.offset { for i in eta.indices { eta[i] += offset[i] } }
            let fitted: [Double]
            switch request.kind {
            case .logistic: fitted = eta.map(Numerics.sigmoid)
            case .poisson: fitted = eta.map(exp)
            default: fitted = eta
            }
            (m.conditionNumber, m.vif, m.eta, m.fitted) = (kappa, vif, eta, fitted)
            if request.kind == .poisson || data.trials != nil {
                // Σ wᵢ (yᵢ − μᵢ)² / V(μᵢ): V = μ for counts, μ(1 − μ) per trial for binomial groups.
                let w = data.likelihoodWeights
                var chi2 = 0.0
                for (i, (y, mu)) in zip(data.y, fitted).enumerated() {
                    chi2 += (w?[i] ?? 1) * (y - mu) * (y - mu) / (request.kind == .poisson ? mu : mu * (1 - mu))
                }
                m.pearsonChiSquared = chi2
            }
            if request.isGrouped, case let .glm(f) = fit, let family {
                m.expanded = Timing.measure("expanded refit") { GroupedReport.expand(data, fit: f, family: family) }
            }
            if request.isGrouped, family == nil {
                m.expanded = Timing.measure("expanded refit") { GroupedReport.expand(data, fit: fit, nu: request.nu) }
            }
            m.pair = try SeveralFigures.pair(m)
            if let request = request.penalty {
                m.penalty = try PenaltyAnalysis.run(request, design: data.design, y: data.y, family: family, mle: beta, source: dataset.source)
            }
            if m.continuous && compare {
                if data.y.count <= SeveralNoiseComparison.rowLimit {
                    m.noiseComparison = SeveralNoiseComparison.run(fit, design: data.design, y: data.y, nu: request.nu, weights: data.frequencyWeights)
                } else {
                    m.comparisonSkipped = true
                }
            }
            // The residual checks count observations: with frequency weights they are made on the
            // rows written out (the weighted fit's R has RᵀR = XᵀWX, theirs), when they can be.
            if request.kind == .linear && data.frequencyWeights == nil {
                m.residualChecks = Timing.measure("residual checks") { SeveralResidualChecks(y: data.y, fitted: fitted, design: data.design) }
                m.qq = Timing.measure("Q–Q plot") { SeveralResidualChecks.qq(design: data.design, y: data.y, fitted: fitted, qr: common.qr) }
            } else if request.kind == .linear, let rows = GroupedReport.writtenOutRows(data) {
                let x = data.design.selecting(rows: rows)
                m.residualRows = rows
                let (ry, rf) = m.residualData
                m.residualChecks = Timing.measure("residual checks") { SeveralResidualChecks(y: ry, fitted: rf, design: x) }
                m.qq = Timing.measure("Q–Q plot") { SeveralResidualChecks.qq(design: x, y: ry, fitted: rf, qr: common.qr) }
            }
            m.drawsGLMPictures = request.kind == .linear || affordsGLMPictures(rows: data.y.count, columns: data.design.columns)
            // The conditioning lesson in every dimension: the mean loss's Hessian at the MLE,
            // 2XᵀX/n (from R), XᵀWX/n, or XᵀX/n for the absolute error's valley.
            if m.drawsGLMPictures {
                let r = common.qr.r
                var hessian = r.transposed.times(r)
                let loss: DescentLoss
                switch fit {
                case .softmax: return m   // not reached: a softmax model returns above
                case .linear: loss = .leastSquares; for k in hessian.storage.indices { hessian.storage[k] *= 2 }
                case let .glm(f):
                    loss = request.kind == .logistic ? .logistic : .poisson
                    hessian = f.derivatives(at: f.coefficients, y: data.y, family: family!).h
                case .laplace: loss = .laplace
                case let .studentT(f):
                    loss = .studentT(scale: f.scale, nu: f.nu)
                    hessian = SeveralDescents.studentTHessian(f.coefficients, x: data.design, y: data.y, scale: f.scale, nu: f.nu,
                                                              weights: data.frequencyWeights)
                }
                for k in hessian.storage.indices { hessian.storage[k] /= data.likelihoodWeightTotal }
                // A robust fit starts from least squares, as its own search does; the others from 0.
                let descentStart = request.kind == .studentT
                    ? (try? LinearRegression(design: data.design, y: data.y, weights: data.frequencyWeights))?.estimates.map(\.coefficient.estimate) : nil
                // The robust losses' passes over rows that repeat (rounded data) take each distinct
                // row once with its count: the same mean loss and gradient.
                var (dx, dy, dw) = (data.design, data.y, data.likelihoodWeights)
                if loss == .laplace || request.kind == .studentT, dw == nil,
                   let distinct = LeastAbsoluteDeviations.DistinctRows(x: data.design.matrix, y: data.y) {
                    (dx, dy, dw) = (data.design.selecting(rows: distinct.first), distinct.first.map { data.y[$0] }, distinct.copies.map(Double.init))
                }
                m.descents = Timing.measure("descents") {
                    SeveralDescents.run(x: dx, y: dy, loss: loss, mle: beta,
                                        standardErrors: common.estimates.map(\.coefficient.standardError), qr: common.qr,
                                        hessian: hessian, stepBudget: stepBudget(kind: request.kind, rows: data.y.count, columns: data.design.columns),
                                        start: descentStart, weights: dw, offset: data.offset)
                }
                if request.kind == .linear {
                    // For least squares the Hessian is 2XᵀX/n: its condition number is κ(R)², taken
                    // from R's singular values (the eigenvalues of XᵀX lose the small end first).
                    m.descents?.rawCondition = pow(SingularValues.conditionNumber(common.qr.r), 2)
                }
            }
            if case let .glm(f) = fit, let family, data.y.count <= profileRowLimit {
                var intervals = [(lower: Double, upper: Double)](repeating: (0, 0), count: data.design.columns)
                // The coefficients are independent searches: on both cores, each into its slot.
                intervals.withUnsafeMutableBufferPointer { out in
                    let base = out.baseAddress!
                    DispatchQueue.concurrentPerform(iterations: out.count) { j in base[j] = f.profileInterval(j, y: data.y, family: family) }
                }
                m.profile = intervals
            }
            return m
        } catch let error as DesignError {
            throw ReportError("\(dataset.source): \(what): \(error)")
        } catch let error as GLMError {
            throw ReportError("\(dataset.source): \(what): \(error)")
        } catch let error as LADError {
            throw ReportError("\(dataset.source): \(what): \(error)")
        } catch let error as FitError {
            throw ReportError("\(dataset.source): \(what): \(error)")
        } catch let error as SoftmaxError {
            throw ReportError("\(dataset.source): \(what): \(error)")
        }
    }

    /// The condition number and VIFs of the observations: with frequency weights or binomial
    /// trials, those of the rows written out (each row's weight in the likelihood), from the QR
    /// of the √w-scaled design, whose R is theirs; otherwise from the fit's own QR.
    static func collinearity(_ data: ModelData, qr: HouseholderQR) -> (Double, [Double]) {
        guard let w = data.likelihoodWeights else { return data.design.collinearity(qr: qr) }
        let scaled = data.design.scaled(by: w.map { $0.squareRoot() })
        return data.design.collinearity(qr: HouseholderQR(scaled.matrix))
    }

    /// The likelihood of a GLM kind (nil for the families with exact solvers of their own).
    static func family(_ kind: ModelKind) -> (any CanonicalFamily)? {
        kind == .logistic ? BernoulliLogit() : kind == .poisson ? PoissonLog() : nil
    }

    /// The family's mean loss in words (`lossName` of text-several).
    var lossName: String {
        text("lossName", ["linear": .bool(kind == .linear), "logistic": .bool(kind == .logistic), "poisson": .bool(kind == .poisson),
                          "laplace": .bool(kind == .laplace), "studentT": .bool(kind == .studentT),
                          "softmax": .bool(kind == .softmax)])
    }

    /// The profile log-likelihood over the pair on the grid `us` × `vs` (row-major by `vs`), by
    /// each family's own fitter at every point; nil for least squares, whose profile is closed.
    func profileLogLikelihood(us: [Double], vs: [Double]) -> [Double]? {
        switch fit {
        case .linear, .softmax: return nil
        case let .glm(f): return f.profile(pair: pair, us: us, vs: vs, y: y, family: SeveralAnalysis.family(kind)!)
        case let .laplace(f): return f.profile(pair: pair, us: us, vs: vs, y: y)
        case let .studentT(f): return f.profile(pair: pair, us: us, vs: vs, y: y)
        }
    }

    /// The numeric predictor whose coefficient has the largest |statistic|: the one the
    /// effect figure is drawn against (nil when every predictor is categorical).
    var pairPredictor: (index: Int, name: String)? {
        let numeric = design.terms.indices.filter { design.terms[$0].column != nil && design.terms[$0].level == nil }
        guard let best = numeric.max(by: { abs(estimates[$0].coefficient.statistic) < abs(estimates[$1].coefficient.statistic) }) else { return nil }
        return (best, design.terms[best].name)
    }

    /// A design row with every numeric column at its mean and every dummy at 0 (the reference
    /// level: a dummy's mean is its share, which would mix levels), the intercept 1: the point
    /// the effect and class-probability figures hold the other predictors at.
    var typicalRow: [Double] {
        design.terms.indices.map { j in
            let term = design.terms[j]
            if term.column == nil { return 1 }
            if term.level != nil { return 0 }
            return design.column(j).reduce(0, +) / Double(n)
        }
    }

    /// The first categorical column, if any, with its design columns.
    var firstCategorical: (coding: CategoricalCoding, indices: [Int])? {
        guard let c = design.codings.first else { return nil }
        return (c, design.terms.indices.filter { design.terms[$0].column == c.column })
    }

    /// The predictors in words: `a, b and c`.
    var predictorList: String {
        let names = request.predictors
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " " + text("and") + " " + names.last!
    }
}
