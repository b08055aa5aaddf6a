import Foundation
import Likelihood

/// A penalised (maximum a posteriori) fit beside a model's MLE (issue 20): the fit at the
/// chosen λ, the regularisation path, k-fold cross-validation and, for Gaussian ridge, the
/// evidence's empirical-Bayes λ and the posterior's standard deviations.
struct PenaltyAnalysis {
    var request: PenaltyRequest
    var penalty: Penalty
    var standardised: StandardisedDesign
    /// The MAP at the chosen λ.
    var fit: PenalisedFit
    /// The MLE on the standardised predictors (θ₀ the intercept), from the model's own fit.
    var mle: [Double]
    var path: PenalisedPath?
    var crossValidation: CrossValidation?
    var evidence: RidgeEvidence?
    /// How λ was chosen: given, or cross-validation's one-standard-error choice.
    var chosenByCrossValidation: Bool
    /// Gaussian ridge: the posterior standard deviation of each coefficient on the original
    /// scale (the intercept's nil), with σ² estimated from the MAP's residuals.
    var posteriorSD: [Double?]? = nil
    /// The residual variance those standard deviations use, and the effective number of
    /// parameters tr(H) (the intercept counted).
    var sigma2: Double? = nil
    var effectiveParameters: Double? = nil
    /// The rows were few enough, but some fold could not be fitted (a rare outcome).
    var crossValidationFailed = false

    /// Folds of the cross-validation (10, or one per row below 10 rows: leave-one-out), and its
    /// seed (fixed: the same rows give the same folds).
    static let folds = 10
    static func folds(rows: Int) -> Int { min(folds, rows) }
    /// The fewest rows cross-validated.
    static let fewestRows = 5
    static let seed: UInt64 = 20_261_206
    /// Above this many rows the path and the cross-validation (about 1,100 fits) are not
    /// computed: a given λ is still fitted; `--lambda auto` is refused. Least squares fits
    /// them from sums of the rows (one pass); a GLM passes over the rows several times a fit,
    /// so its limit is on rows × design columns (cross-validation about 3 s on two cores there).
    static let pathRowLimit = 2_000_000
    static let glmPathWork = 200_000
    static func pathLimit(columns: Int, glm: Bool) -> Int { glm ? glmPathWork / max(1, columns) : pathRowLimit }

    /// The penalty's L1 share is 0: a Gaussian prior alone.
    var isRidge: Bool { penalty.alpha == 0 }

    /// - Throws: `ReportError` when λ is `auto` but the rows cannot be cross-validated.
    static func run(_ request: PenaltyRequest, design: DesignMatrix, y: [Double], family: (any CanonicalFamily)?,
                    mle beta: [Double], source: String) throws -> PenaltyAnalysis {
        let n = y.count
        if design.columns < 2 {
            throw ReportError("\(source): --penalty: the model has no predictor coefficient to penalise (the intercept never is)")
        }
        let limit = pathLimit(columns: design.columns, glm: family != nil)
        let canValidate = n >= fewestRows && n <= limit
        if request.lambda == nil && !canValidate {
            let why = n < fewestRows ? "has \(n) rows; cross-validation needs at least \(fewestRows)"
                                    : "has \(n) rows; with \(design.columns) design columns the path and cross-validation run up to \(limit)"
            throw ReportError("\(source): --lambda auto chooses λ by cross-validation, but the model \(why): give --lambda L", usage: true)
        }
        let sd = Timing.measure("standardise") { StandardisedDesign(design) }
        var path: PenalisedPath? = nil
        var cv: CrossValidation? = nil
        // Least squares: the moments of the rows (one pass), from which the path, the evidence
        // and the posterior need no other.
        let moments: GaussianMoments? = family != nil ? nil : Timing.measure("moments") {
            let shift = GaussianSums.shifts(design: design, y: y)
            let sums = GaussianSums.byGroup(design: design, y: y, group: nil, groups: 1, shiftX: shift.x, shiftY: shift.y)[0]
            return GaussianMoments(sums, shiftX: shift.x, shiftY: shift.y)
        }
        // Gaussian ridge: the evidence's λ, and a path that reaches a tenth of it. glmnet's grid
        // stops at 10⁻⁴ of its top, which on a nearly collinear design (Longley) lies far above
        // the λ the evidence finds; the grid keeps its 100 log-spaced values.
        let evidence = request.kind == .ridge && n > design.columns ? moments.map { RidgeEvidence(moments: $0) } : nil
        var grid: [Double]? = nil
        if let moments {
            grid = PenalisedPath.grid(lambdaMax: moments.cross.map(abs).max() ?? 0, alpha: request.l1Share, rows: n, columns: design.columns)
            if let evidence, evidence.lambda.isFinite, evidence.lambda > 0, evidence.lambda / 10 < grid!.last! {
                let top = grid![0], bottom = evidence.lambda / 10, count = grid!.count
                grid = (0..<count).map { top * pow(bottom / top, Double($0) / Double(count - 1)) }
            }
        }
        if canValidate {
            path = Timing.measure("penalty path") {
                moments.map { PenalisedPath(moments: $0, kind: request.kind, alpha: request.alpha, lambdas: grid!) }
                    ?? PenalisedPath(standardised: sd, y: y, family: family, kind: request.kind, alpha: request.alpha)
            }
            cv = Timing.measure("cross-validation") {
                CrossValidation(design: design, y: y, family: family, kind: request.kind, alpha: request.alpha, lambdas: path!.lambdas,
                                folds: folds(rows: n), seed: seed)
            }
        }
        if canValidate && cv == nil && request.lambda == nil {
            let rare = family.map { _ in y.filter { $0 != 0 }.count } ?? 0
            throw ReportError("\(source): --lambda auto chooses λ by cross-validation, but a fold's training rows leave no finite fit (the response has \(rare) nonzero \(rare == 1 ? "row" : "rows") of \(n)): give --lambda L", usage: true)
        }
        let lambda = request.lambda ?? cv!.lambdaOneSE
        let penalty = Penalty(kind: request.kind, lambda: lambda, alpha: request.alpha)
        // Warm-started from the path's nearest λ above, as glmnet would.
        let start = path.flatMap { p in p.lambdas.lastIndex(where: { $0 >= lambda }).map { p.fits[$0].standardisedCoefficients } }
        let fit = Timing.measure("penalised fit") { PenalisedFit(standardised: sd, y: y, family: family, penalty: penalty, start: start) }
        // θⱼ = βⱼsⱼ, θ₀ = β₀ + Σ βⱼx̄ⱼ.
        var mle = beta
        for j in 1..<beta.count {
            mle[j] = beta[j] * sd.scales[j]
            mle[0] += beta[j] * sd.means[j]
        }
        var out = PenaltyAnalysis(request: request, penalty: penalty, standardised: sd, fit: fit, mle: mle, path: path, crossValidation: cv,
                                  evidence: nil, chosenByCrossValidation: request.lambda == nil)
        out.crossValidationFailed = canValidate && cv == nil
        out.evidence = evidence
        if let moments, penalty.alpha == 0 { out.posterior(moments: moments) }
        return out
    }

    /// The Gaussian ridge posterior: with the prior θⱼ ~ N(0, σ²/(nλ)) and a flat intercept,
    /// θ | y, σ² is normal with covariance σ²(ZᵀZ + nλI)⁻¹ = σ²·U diag(1/(dₖ + nλ)) Uᵀ, ZᵀZ = UDUᵀ
    /// (from the moments: ZᵀZ = nG). σ² = RSS/(n − tr H), tr H = 1 + Σ dₖ/(dₖ + nλ), the
    /// smoother's degrees of freedom.
    mutating func posterior(moments: GaussianMoments) {
        let n = Double(moments.rows)
        let q = moments.cross.count
        var g = moments.gram
        for k in g.storage.indices { g.storage[k] *= n }
        let eigen = SymmetricEigen(g)
        let shrink = n * penalty.lambda
        let df = 1 + eigen.values.reduce(0) { $0 + max(0, $1) / (max(0, $1) + shrink) }
        // RSS from the fit's objective, (1/2n)·RSS + penalty.
        let rss = 2 * n * (fit.objective - penalty.value(fit.standardisedCoefficients))
        guard n - df > 0 else { return }
        let s2 = rss / (n - df)
        var sds: [Double?] = [nil]
        for j in 0..<q {
            var v = 0.0
            for k in 0..<q { v += eigen.vectors[j, k] * eigen.vectors[j, k] / (max(0, eigen.values[k]) + shrink) }
            sds.append((s2 * v).squareRoot() / standardised.scales[j + 1])
        }
        posteriorSD = sds
        sigma2 = s2
        effectiveParameters = df
    }

    /// The coefficients the penalty set to exactly 0 (design indices).
    var zeros: [Int] { (1..<fit.standardisedCoefficients.count).filter { fit.standardisedCoefficients[$0] == 0 } }

    /// The mean loss (the objective without its penalty) on the standardised coefficients:
    /// (1/2n)‖y − Zθ‖² or −ℓ(θ)/n.
    static func meanLoss(_ theta: [Double], design: DesignMatrix, y: [Double], family: (any CanonicalFamily)?) -> Double {
        let n = Double(y.count)
        if let family { return -GeneralizedLinearFit.logLikelihood(theta, design, y, family) / n }
        let fitted = design.times(theta)
        return zip(y, fitted).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / (2 * n)
    }
}
