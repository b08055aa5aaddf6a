import Foundation
import Likelihood

/// Which noise do the data support, given the design? The same design fitted with Gaussian,
/// Laplace and Student-t noise and compared by log-likelihood, AIC and BIC (every constant
/// kept, so the three are on one scale): the comparison of noise models with p predictors.
struct SeveralNoiseComparison {
    struct Row {
        var kind: ModelKind
        var logLikelihood = 0.0
        var parameters = 0
        var aic = 0.0
        var bic = 0.0
        /// Student-t: ν̂, and whether it ran to its cap.
        var nu: Double? = nil
        var nuAtCap = false
        var nuAtFloor = false
        /// Why the family could not be fitted.
        var error: String? = nil
    }

    var rows: [Row]

    /// Above this many rows the other two noise models are not fitted (the Student-t search
    /// alone takes dozens of passes over the rows); the page says so.
    static let rowLimit = 1_000_000

    var fitted: [Row] { rows.filter { $0.error == nil } }
    var bestByAIC: Row? { fitted.min { $0.aic < $1.aic } }
    var bestByBIC: Row? { fitted.min { $0.bic < $1.bic } }

    /// Fits the families the section's own fit is not, on its design and response (and its
    /// frequency weights).
    static func run(_ own: SeveralAnalysis.Fit, design: DesignMatrix, y: [Double], nu: Double?, weights: [Double]? = nil) -> SeveralNoiseComparison {
        func row(_ kind: ModelKind, _ fit: any RegressionFit, parameters: Int) -> Row {
            Row(kind: kind, logLikelihood: fit.logLikelihood, parameters: parameters, aic: fit.aic, bic: fit.bic)
        }
        func failed(_ kind: ModelKind, _ error: Error) -> Row { Row(kind: kind, error: "\(error)") }
        var gaussian: Row, laplace: Row, student: Row
        var lad: LeastAbsoluteDeviations? = nil
        switch own {
        case let .linear(f): gaussian = row(.linear, f, parameters: f.p + 1)
        default:
            do { let f = try LinearRegression(design: design, y: y, weights: weights); gaussian = row(.linear, f, parameters: f.p + 1) } catch { gaussian = failed(.linear, error) }
        }
        if case let .laplace(f) = own {
            lad = f
            laplace = row(.laplace, f, parameters: f.p + 1)
        } else {
            do { let f = try LeastAbsoluteDeviations(design: design, y: y, weights: weights); lad = f; laplace = row(.laplace, f, parameters: f.p + 1) }
            catch { laplace = failed(.laplace, error) }
        }
        func t(_ f: StudentTRegression) -> Row {
            var r = row(.studentT, f, parameters: f.parameterCount)
            r.nu = f.nu; r.nuAtCap = f.nuAtCap; r.nuAtFloor = f.nuAtFloor
            return r
        }
        if case let .studentT(f) = own {
            student = t(f)
        } else {
            do { student = t(try StudentTRegression(design: design, y: y, nu: nu, lad: lad, weights: weights)) } catch { student = failed(.studentT, error) }
        }
        return SeveralNoiseComparison(rows: [gaussian, laplace, student])
    }
}
