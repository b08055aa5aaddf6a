import Foundation

/// What every several-predictor fit shares (least squares and the Newton fitter alike), so
/// that the report reads it without asking which fit it has.
public protocol RegressionFit: Sendable {
    var design: DesignMatrix { get }
    var estimates: [TermEstimate] { get }
    var logLikelihood: Double { get }
    var aic: Double { get }
    var bic: Double { get }
    /// The QR decomposition of the design (its identification and collinearity).
    var qr: HouseholderQR { get }
    /// Newton steps taken (0 for a closed form).
    var iterations: Int { get }
}

extension LinearRegression: RegressionFit {
    public var iterations: Int { 0 }
}

extension GeneralizedLinearFit: RegressionFit {}

extension LeastAbsoluteDeviations: RegressionFit {}

extension StudentTRegression: RegressionFit {}

/// A named coefficient of a several-predictor fit: the row of statsmodels' and R's table.
public struct TermEstimate: Sendable, Equatable {
    public let term: String
    public let coefficient: Coefficient
}

/// The Gaussian (least-squares) fit of y on a design matrix, exact in p dimensions through
/// Householder QR (never the normal equations): the maximum-likelihood coefficients, σ̂² =
/// RSS/n, and the conventional inference of R's `lm` (standard errors from s² = RSS/(n − p),
/// t statistics on n − p degrees of freedom).
///
/// With a design of an intercept and one numeric column it is the one-predictor fit; the
/// report keeps using `LinearGaussianModel` there until the model layer moves over (issue 19).
public struct LinearRegression: Sendable {
    public let design: DesignMatrix
    public let estimates: [TermEstimate]
    /// (XᵀX)⁻¹ from R⁻¹R⁻ᵀ, in the design's term order.
    public let inverseGram: Matrix
    public let rss: Double
    public let n: Int
    /// The QR decomposition of the design (of √W X with frequency weights).
    public let qr: HouseholderQR
    /// Frequency weights (nil: each row once); with them RSS, TSS and n are weighted sums.
    public let weights: [Double]?
    /// Observations: the rows, or the sum of the frequency weights.
    public let observations: Double
    public var p: Int { design.columns }
    public var degreesOfFreedom: Int { Int(residualDegreesOfFreedom.rounded()) }
    /// n − p with n the observations (the frequency weights' sum need not be whole).
    public var residualDegreesOfFreedom: Double { observations - Double(p) }
    /// RSS / n: the MLE of σ².
    public var sigma2MLE: Double { rss / observations }
    /// RSS / (n − p): the unbiased estimate, behind the standard errors.
    public var sigma2Unbiased: Double { rss / residualDegreesOfFreedom }
    /// 1 − RSS/TSS about the mean.
    public let rSquared: Double
    /// The Gaussian log-likelihood at the MLE, constants included: −n/2 (log(2π σ̂²) + 1).
    public var logLikelihood: Double { -observations / 2 * (log(2 * Double.pi * sigma2MLE) + 1) }
    /// AIC with k = p + 1 parameters (the coefficients and σ²).
    public var aic: Double { 2 * Double(p + 1) - 2 * logLikelihood }
    public var bic: Double { log(observations) * Double(p + 1) - 2 * logLikelihood }

    /// Fits `y` on `design`. Throws `DesignError` when a coefficient is not identified.
    ///
    /// Above `DesignMatrix.streamedRows` rows (or with `segment` given) the QR is streamed:
    /// the triangle of [X | y] a segment of rows at a time gives R, Qᵀy and √RSS in one pass,
    /// with no copy of the design (`init(design:triangle:…)` finishes the fit).
    /// `weights`: frequency weights (each row stands for wᵢ identical observations): the fit
    /// is least squares on √wᵢ-scaled rows, with n = Σwᵢ.
    public init(design original: DesignMatrix, y original_y: [Double], segment: Int? = nil, weights: [Double]? = nil) throws {
        precondition(original_y.count == original.rows, "one response per row")
        let roots = weights?.map { $0.squareRoot() }
        let design = roots.map { original.scaled(by: $0) } ?? original
        let y = roots.map { zip(original_y, $0).map(*) } ?? original_y
        // TSS about the (weighted) mean of the response as given.
        let w = weights ?? [Double](repeating: 1, count: original.rows)
        let observations = weights.map { $0.reduce(0, +) } ?? Double(original.rows)
        let mean = zip(w, original_y).reduce(0) { $0 + $1.0 * $1.1 } / observations
        let tss = zip(w, original_y).reduce(0) { $0 + $1.0 * ($1.1 - mean) * ($1.1 - mean) }
        if design.rows > DesignMatrix.streamedRows || segment != nil {
            guard design.columns < design.rows else {
                throw DesignError.tooManyCoefficients(coefficients: design.columns, rows: design.rows)
            }
            let t = StreamedTriangle.of(design, appending: y, segment: segment ?? 1 << 14)
            try self.init(design: original, triangle: t, totalSumOfSquares: tss, weights: weights)
        } else {
            let qr = try design.checkIdentified()
            let (beta, rss) = qr.leastSquares(y)
            self.init(design: original, qr: qr, coefficients: beta, rss: rss, totalSumOfSquares: tss, weights: weights)
        }
    }

    /// The fit from the upper triangle of [X | y] (p + 1 columns: R, then Qᵀy over √RSS in
    /// the last column; fewer rows when RSS is 0): all a QR of the rows leaves for least
    /// squares, however it was reduced (streamed in segments, or, for one predictor, from the
    /// centred moments, `SufficientStatistics.triangle`).
    ///
    /// `tolerance`: the aliasing rule of `HouseholderQR` applied to R's columns (R's `lm`).
    /// A caller that has decided identification itself, in centred arithmetic, passes 0: an
    /// uncentred column such as x = 10¹⁴ + 0…59 has a part orthogonal to the intercept of
    /// 10⁻¹³ of its norm, aliased by the relative rule although it is known exactly.
    public init(design: DesignMatrix, triangle t: Matrix, totalSumOfSquares tss: Double, weights: [Double]? = nil,
                tolerance: Double = HouseholderQR.defaultTolerance) throws {
        let p = design.columns
        precondition(t.columns == p + 1, "the triangle of [X | y]")
        var rx = Matrix(rows: p, columns: p)
        for b in 0..<p { for a in 0...min(b, t.rows - 1) { rx[a, b] = t[a, b] } }
        // R's own QR keeps and aliases the columns as X's would (its columns have X's
        // norms, and the same parts orthogonal to the columns before them).
        let qr = HouseholderQR(rx, tolerance: tolerance)
        try design.checkAliasing(qr)
        let beta = qr.solveR(qr.qTransposeTimes((0..<p).map { $0 < t.rows ? t[$0, p] : 0 }))
        let rss = t.rows > p ? t[p, p] * t[p, p] : 0
        self.init(design: design, qr: qr, coefficients: beta, rss: rss, totalSumOfSquares: tss, weights: weights)
    }

    /// What both reductions share: the inference of R's `lm` from the QR, the coefficients
    /// and the residual sum of squares.
    private init(design: DesignMatrix, qr: HouseholderQR, coefficients beta: [Double], rss: Double, totalSumOfSquares tss: Double,
                 weights: [Double]?) {
        let observations = weights.map { $0.reduce(0, +) } ?? Double(design.rows)
        let gram = qr.inverseGram
        let df = observations - Double(design.columns)
        let s2 = rss / df
        let q = Distributions.studentTQuantile(0.975, degreesOfFreedom: df)
        estimates = design.terms.indices.map { j in
            TermEstimate(term: design.terms[j].name,
                         coefficient: Coefficient(estimate: beta[j], standardError: (s2 * gram[j, j]).squareRoot(), quantile: q,
                                                  pValue: { Distributions.studentTTwoSidedP($0, degreesOfFreedom: df) }))
        }
        self.design = design
        self.weights = weights
        self.observations = observations
        self.inverseGram = gram
        self.qr = qr
        self.rss = rss
        self.n = design.rows
        self.rSquared = tss > 0 ? 1 - rss / tss : 0
    }

    /// The estimate of `term`, if the design has it.
    public func estimate(_ term: String) -> Coefficient? { estimates.first { $0.term == term }?.coefficient }
}
