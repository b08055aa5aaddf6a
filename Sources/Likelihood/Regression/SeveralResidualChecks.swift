import Foundation

/// The checks of the Gaussian assumption on the residuals of a least-squares fit with
/// several predictors: their skewness and excess kurtosis with the Jarque–Bera test, and
/// the Breusch–Pagan test of constant variance in Koenker's studentised form, n·R² of the
/// regression of the squared residuals on every column of the design (χ² with p − 1
/// degrees of freedom under constant variance), as statsmodels' `het_breuschpagan` and
/// R's `lmtest::bptest` compute it.
public struct SeveralResidualChecks: Sendable, Equatable {
    /// Skewness, excess kurtosis and the Jarque–Bera test.
    public var shape: ResidualShape
    public var breuschPagan: Double
    public var breuschPaganP: Double
    public var degreesOfFreedom: Int

    /// - Parameter residuals: y − Xβ̂, one per row of `design`.
    public init(residuals: [Double], design: DesignMatrix) {
        self.init(y: residuals, fitted: [Double](repeating: 0, count: residuals.count), design: design)
    }

    /// The same from the response and the fitted values (no array of residuals is made).
    public init(y: [Double], fitted: [Double], design: DesignMatrix) {
        precondition(y.count == fitted.count, "one fitted value per response")
        let n = Double(y.count)
        // Scale-free statistics, computed on r / max|r| so that no fourth power overflows.
        var scale = zip(y, fitted).reduce(0) { max($0, abs($1.0 - $1.1)) }
        if !(scale > 0) || !scale.isFinite { scale = 1 }
        var m2 = 0.0, m3 = 0.0, m4 = 0.0
        var squares = [Double](repeating: 0, count: y.count)
        for i in y.indices {
            let v = (y[i] - fitted[i]) / scale, v2 = v * v
            m2 += v2; m3 += v2 * v; m4 += v2 * v2
            squares[i] = v2
        }
        shape = ResidualShape(m2: m2 / n, m3: m3 / n, m4: m4 / n, n: y.count)
        degreesOfFreedom = design.columns - 1
        let rSquared = (try? LinearRegression(design: design, y: squares))?.rSquared ?? 0
        breuschPagan = n * max(0, rSquared)
        breuschPaganP = Distributions.chiSquaredSurvival(breuschPagan, degreesOfFreedom: max(1, degreesOfFreedom))
    }
}

extension SeveralResidualChecks {
    /// The normal Q–Q plot of the studentised residuals eᵢ / (s√(1 − hᵢᵢ)) of a least-squares
    /// fit with any design, s² = RSS/(n − p), with the envelope `ResidualDiagnostics.qq`
    /// draws: simulated up to its limit (each noise sample fitted by the same least squares
    /// through the orthonormal columns Z = XR⁻¹, residual e − Z Zᵀe), large-sample above.
    /// - Parameter qr: the design's QR (or any R with RᵀR = XᵀX, as the streamed fit has).
    public static func qq(design: DesignMatrix, y: [Double], fitted: [Double], qr: HouseholderQR,
                          simulations: Int = 199, seed: UInt64 = 11) -> ResidualDiagnostics.QQ {
        let n = y.count, p = qr.rank
        let leverage = design.leverages(qr: qr)
        var rss = 0.0
        for i in 0..<n { rss += (y[i] - fitted[i]) * (y[i] - fitted[i]) }
        let s = (rss / Double(max(1, n - p))).squareRoot()
        var studentised = leverage
        for i in 0..<n { studentised[i] = (y[i] - fitted[i]) / (s * max(1e-12, 1 - leverage[i]).squareRoot()) }
        let basis: Matrix? = n <= ResidualDiagnostics.simulationLimit ? design.orthonormalBasis(qr: qr) : nil
        return ResidualDiagnostics.qq(studentised: studentised, simulations: simulations, seed: seed) { e in
            guard let z = basis else { return e }
            var r = e
            for j in 0..<p {
                var c = 0.0
                for i in 0..<n { c += z[i, j] * e[i] }
                for i in 0..<n { r[i] -= c * z[i, j] }
            }
            let ss = (r.reduce(0) { $0 + $1 * $1 } / Double(max(1, n - p))).squareRoot()
            for i in 0..<n { r[i] /= ss * max(1e-12, 1 - leverage[i]).squareRoot() }
            return r
        }
    }
}

extension DesignMatrix {
    /// Z = XR⁻¹ over the QR's kept columns for rows `range`, written column-major (leading
    /// dimension `range.count`) to `out`, which must hold `range.count × rank` values: the
    /// columns of Z are orthonormal over all the rows, since ZᵀZ = R⁻ᵀXᵀXR⁻¹ = I.
    func whiten(_ range: Range<Int>, r: Matrix, kept: [Int], into out: UnsafeMutablePointer<Double>) {
        let m = range.count
        fill(range, columns: kept, into: out)
        // Column j of Z from xⱼ = Σ_{k ≤ j} Rₖⱼ zₖ, in place, left to right.
        for j in 0..<kept.count {
            let zj = out + j * m
            for k in 0..<j {
                let rkj = r[k, j]
                guard rkj != 0 else { continue }
                let zk = out + k * m
                for i in 0..<m { zj[i] -= rkj * zk[i] }
            }
            let d = 1 / r[j, j]
            for i in 0..<m { zj[i] *= d }
        }
    }

    /// The leverages hᵢᵢ, the diagonal of the hat matrix X(XᵀX)⁻¹Xᵀ: the squared row norms
    /// of Z = XR⁻¹, taken in blocks of rows (no n × p copy).
    /// - Complexity: O(n p²) time, O(n) memory for the result.
    public func leverages(qr: HouseholderQR) -> [Double] {
        let r = qr.r, kept = qr.kept, p = kept.count, block = 4096
        var h = [Double](repeating: 0, count: rows)
        var buffer = [Double](repeating: 0, count: block * max(1, p))
        h.withUnsafeMutableBufferPointer { hv in
            buffer.withUnsafeMutableBufferPointer { b in
                var start = 0
                while start < rows {
                    let m = Swift.min(block, rows - start)
                    whiten(start..<(start + m), r: r, kept: kept, into: b.baseAddress!)
                    for j in 0..<p {
                        let zj = b.baseAddress! + j * m
                        for i in 0..<m { hv[start + i] += zj[i] * zj[i] }
                    }
                    start += m
                }
            }
        }
        return h
    }

    /// Z = XR⁻¹, n × rank, whole (for small designs).
    public func orthonormalBasis(qr: HouseholderQR) -> Matrix {
        var z = Matrix(rows: rows, columns: qr.rank)
        z.storage.withUnsafeMutableBufferPointer { whiten(0..<rows, r: qr.r, kept: qr.kept, into: $0.baseAddress!) }
        return z
    }
}
