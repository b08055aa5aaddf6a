import Foundation
import XCTest
@testable import Likelihood

/// Several predictors and categorical columns on real data (Tests/Corpus/Multi, issue 19),
/// read by the streaming reader as a user's file is, against statsmodels' OLS and GLM
/// (reference.json, written by make_reference.py).
final class SeveralPredictorTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Corpus/Multi")

    static func reference(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: corpus.appendingPathComponent("reference.json"))
        return (try JSONSerialization.jsonObject(with: data) as! [String: Any])[name] as! [String: Any]
    }

    static func load(_ file: String, _ spec: ModelSpecification, _ kind: ModelSpecification.Response, dropMissing: Bool = false) throws -> ModelData {
        let path = corpus.appendingPathComponent(file).path
        let data = try ColumnReader.read(path: path, source: file, columns: spec.columns, text: spec.factors, autoText: Set(spec.columns))
        return try ModelData.build(spec, data: data, response: kind, dropMissing: dropMissing)
    }

    /// statsmodels names a level's term `C(col)[T.level]`; ours is `col[level]`.
    static func ourName(_ term: String) -> String {
        if term == "Intercept" { return "(Intercept)" }
        guard term.hasPrefix("C(") else { return term }
        let column = term.dropFirst(2).prefix { $0 != ")" }
        let level = term.split(separator: "[", maxSplits: 1)[1].dropFirst(2).dropLast()
        return "\(column)[\(level)]"
    }

    func check(_ estimates: [TermEstimate], logL: Double, tests: [TermTest], against ref: [String: Any], tolerance: Double,
               file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(logL, ref["log_likelihood"] as! Double, accuracy: tolerance * abs(ref["log_likelihood"] as! Double), file: file, line: line)
        let coefficients = ref["coefficients"] as! [[String: Any]]
        XCTAssertEqual(estimates.count, coefficients.count, file: file, line: line)
        for c in coefficients {
            let name = Self.ourName(c["term"] as! String)
            let mine = try XCTUnwrap(estimates.first { $0.term == name }?.coefficient, name, file: file, line: line)
            let b = c["estimate"] as! Double, se = c["se"] as! Double
            XCTAssertEqual(mine.estimate, b, accuracy: tolerance * max(abs(b), se), name, file: file, line: line)
            XCTAssertEqual(mine.standardError, se, accuracy: tolerance * se, name, file: file, line: line)
        }
        for t in ref["term_tests"] as! [[String: Any]] {
            let mine = try XCTUnwrap(tests.first { $0.term == t["term"] as! String }, file: file, line: line)
            XCTAssertEqual(mine.degreesOfFreedom, t["df"] as! Int, file: file, line: line)
            let s = t["statistic"] as! Double
            XCTAssertEqual(mine.statistic, s, accuracy: 1e-6 * max(1, s), mine.term, file: file, line: line)
            let p = t["p"] as! Double
            XCTAssertEqual(mine.pValue, p, accuracy: max(1e-12, 1e-6 * p), mine.term, file: file, line: line)
        }
    }

    /// Penguins: body mass on flipper length and species (three levels, Adelie the
    /// reference); the two rows with a missing measurement dropped. Agreement to 1e-9
    /// relative (QR against statsmodels' pinv: both exact to ~1e-12 on these well-posed data).
    func testPenguinsLinearMatchesStatsmodels() throws {
        let spec = ModelSpecification(response: "body_mass_g", predictors: ["flipper_length_mm", "species"])
        XCTAssertThrowsError(try Self.load("penguins.csv", spec, .continuous)) {
            XCTAssertTrue("\($0)".contains("penguins.csv:5:"), "the first missing value, located: \($0)")
        }
        let m = try Self.load("penguins.csv", spec, .continuous, dropMissing: true)
        XCTAssertEqual(m.droppedRows, 2)
        XCTAssertEqual(m.design.codings, [CategoricalCoding(column: "species", levels: ["Adelie", "Chinstrap", "Gentoo"], counts: [151, 68, 123], reference: "Adelie")])
        let fit = try LinearRegression(design: m.design, y: m.y)
        try check(fit.estimates, logL: fit.logLikelihood, tests: try fit.termTests(y: m.y), against: try Self.reference("penguins"), tolerance: 1e-9)
    }

    /// ISLP Default: a Yes/No response (Yes modelled as 1, the second level in sorted order)
    /// on balance, income and student (Yes/No). Newton to the last digits: 1e-8 relative
    /// against statsmodels' IRLS (which stops at a 1e-8 deviance change).
    func testDefaultLogisticMatchesStatsmodels() throws {
        let spec = ModelSpecification(response: "default", predictors: ["balance", "income", "student"])
        let m = try Self.load("default.csv", spec, .binary)
        XCTAssertEqual(m.responseLevels?.zero, "No")
        XCTAssertEqual(m.responseLevels?.one, "Yes")
        XCTAssertEqual(m.y.reduce(0, +), 333, "333 defaults among 10,000")
        let fit = try GeneralizedLinearFit(design: m.design, y: m.y, family: BernoulliLogit())
        XCTAssertLessThan(fit.iterations, 15)
        try check(fit.estimates, logL: fit.logLikelihood, tests: try fit.termTests(y: m.y, family: BernoulliLogit()),
                  against: try Self.reference("default"), tolerance: 1e-9)
        // --positive No flips every sign and keeps every standard error.
        var flipped = spec
        flipped.positive = "No"
        let f = try GeneralizedLinearFit(design: try Self.load("default.csv", flipped, .binary).design,
                                         y: try Self.load("default.csv", flipped, .binary).y, family: BernoulliLogit())
        for (a, b) in zip(fit.estimates, f.estimates) {
            XCTAssertEqual(a.coefficient.estimate, -b.coefficient.estimate, accuracy: 1e-9 * a.coefficient.standardError)
            XCTAssertEqual(a.coefficient.standardError, b.coefficient.standardError, accuracy: 1e-9 * a.coefficient.standardError)
        }
        flipped.positive = "Maybe"
        XCTAssertThrowsError(try Self.load("default.csv", flipped, .binary)) {
            XCTAssertEqual("\($0)", "--positive Maybe: the response's levels are \"No\" and \"Yes\"")
        }
    }

    /// ISLP Bikeshare: hourly riders (Poisson) on temperature, humidity, working day and the
    /// weather (four levels, one of them a single hour of heavy rain); the weather's test
    /// has 3 degrees of freedom.
    func testBikesharePoissonMatchesStatsmodels() throws {
        let spec = ModelSpecification(response: "bikers", predictors: ["temp", "hum", "workingday", "weathersit"])
        let m = try Self.load("bikeshare.csv", spec, .count)
        XCTAssertEqual(m.design.terms.map(\.name), ["(Intercept)", "temp", "hum", "workingday", "weathersit[cloudy/misty]",
                                                    "weathersit[heavy rain/snow]", "weathersit[light rain/snow]"])
        let fit = try GeneralizedLinearFit(design: m.design, y: m.y, family: PoissonLog())
        try check(fit.estimates, logL: fit.logLikelihood, tests: try fit.termTests(y: m.y, family: PoissonLog()),
                  against: try Self.reference("bikeshare"), tolerance: 1e-9)
    }

    /// The design `copies` times over, row after row (each column's storage repeated).
    static func replicated(_ design: DesignMatrix, _ copies: Int) -> DesignMatrix {
        func repeatRows(_ v: [Double]) -> [Double] { Array((0..<copies).map { _ in v }.joined()) }
        return DesignMatrix(terms: design.terms, sources: design.sources.map { source -> ColumnSource in
            switch source {
            case .constant: return source
            case let .values(v): return .values(repeatRows(v))
            case let .indicator(codes, code): return .indicator(codes: repeatRows(codes), code: code)
            }
        }, rows: design.rows * copies, codings: design.codings)
    }

    /// Above `DesignMatrix.streamedRows` rows the fits stream the design (the QR as a
    /// triangle a segment at a time, the Newton passes a block at a time) and never build the
    /// dense matrix. Data repeated k times have exactly the same estimates; the logistic
    /// information is k times larger (SE / √k, LR statistics × k), and for least squares
    /// SE² scales by (n − p)/(kn − p). Checked against the statsmodels references of the
    /// penguins (× 300: 102,600 rows) and Default (× 11: 110,000 rows).
    func testLargeDesignsAreStreamedAndNeverCopied() throws {
        let penguins = try Self.load("penguins.csv", ModelSpecification(response: "body_mass_g", predictors: ["flipper_length_mm", "species"]),
                                     .continuous, dropMissing: true)
        let k = 300.0, n = Double(penguins.y.count), p = Double(penguins.design.columns)
        let big = Self.replicated(penguins.design, 300)
        XCTAssertGreaterThan(big.rows, DesignMatrix.streamedRows)
        let y = Array((0..<300).map { _ in penguins.y }.joined())
        let linear = try LinearRegression(design: big, y: y)
        let ref = try Self.reference("penguins")
        for c in ref["coefficients"] as! [[String: Any]] {
            let mine = try XCTUnwrap(linear.estimate(Self.ourName(c["term"] as! String)))
            let b = c["estimate"] as! Double, se = c["se"] as! Double
            XCTAssertEqual(mine.estimate, b, accuracy: 1e-9 * max(abs(b), se))
            XCTAssertEqual(mine.standardError, se * ((n - p) / (k * n - p)).squareRoot(), accuracy: 1e-9 * se)
        }
        _ = big.collinearity(qr: linear.qr)
        _ = try linear.termTests(y: y)
        _ = SeveralResidualChecks(y: y, fitted: big.times(linear.estimates.map(\.coefficient.estimate)), design: big)
        XCTAssertFalse(big.isMaterialised, "least squares, its tests and checks stream the design")

        let spec = ModelSpecification(response: "default", predictors: ["balance", "income", "student"])
        let m = try Self.load("default.csv", spec, .binary)
        let large = Self.replicated(m.design, 11)
        let labels = Array((0..<11).map { _ in m.y }.joined())
        let fit = try GeneralizedLinearFit(design: large, y: labels, family: BernoulliLogit())
        let logistic = try Self.reference("default")
        XCTAssertEqual(fit.logLikelihood, 11 * (logistic["log_likelihood"] as! Double), accuracy: 1e-9 * abs(fit.logLikelihood))
        for c in logistic["coefficients"] as! [[String: Any]] {
            let mine = try XCTUnwrap(fit.estimate(Self.ourName(c["term"] as! String)))
            let b = c["estimate"] as! Double, se = c["se"] as! Double
            XCTAssertEqual(mine.estimate, b, accuracy: 1e-8 * max(abs(b), se))
            XCTAssertEqual(mine.standardError, se / 11.0.squareRoot(), accuracy: 1e-8 * se)
        }
        let tests = try fit.termTests(y: labels, family: BernoulliLogit())
        for t in logistic["term_tests"] as! [[String: Any]] {
            let mine = try XCTUnwrap(tests.first { $0.term == t["term"] as! String })
            XCTAssertEqual(mine.statistic, 11 * (t["statistic"] as! Double), accuracy: 1e-6 * max(1, mine.statistic), mine.term)
        }
        XCTAssertFalse(large.isMaterialised, "the Newton fit and its tests stream the design")
    }

    /// The rootogram of a several-predictor Poisson fit (Bikeshare: bars of 20 counts): every
    /// row is counted once among the observed bars, the expected frequencies add up to n (each
    /// row's Poisson probabilities sum to 1), and a bar's expected frequency is Σᵢ Σₖ P(k | μ̂ᵢ)
    /// over its counts, summed here term by term from lgamma, to 1e-9.
    func testRootogramOfASeveralPredictorPoissonFit() throws {
        let spec = ModelSpecification(response: "bikers", predictors: ["temp", "hum", "workingday", "weathersit"])
        let m = try Self.load("bikeshare.csv", spec, .count)
        let fit = try GeneralizedLinearFit(design: m.design, y: m.y, family: PoissonLog())
        let mu = m.design.times(fit.coefficients).map(exp)
        let bars = PoissonModel.rootogramBars(y: m.y) { mu[$0] }
        XCTAssertEqual(bars.width, 20)
        XCTAssertEqual(bars.observed.reduce(0, +), Double(m.y.count))
        XCTAssertEqual(bars.expected.reduce(0, +), Double(m.y.count), accuracy: 1e-9 * Double(m.y.count))
        for j in [0, 5] {
            let (first, last) = bars.ranges[j]
            var direct = 0.0
            for u in mu { for k in first...last { direct += exp(Double(k) * log(u) - u - lgamma(Double(k) + 1)) } }
            XCTAssertEqual(bars.expected[j], direct, accuracy: 1e-9 * direct, "bar \(j)")
        }
    }

    /// Separation named by its terms: a label that is 1 exactly when x₁ + x₂ > 0.
    func testSeparationNamesTheTermsInvolved() throws {
        let x1: [Double] = [-2, -1, 0.5, 1, 2, -0.5, 1.5, -1.5], x2: [Double] = [1, -0.5, 0.2, -2, 0.5, 0.1, -1, 2]
        let y = zip(x1, x2).map { $0 + $1 > 0 ? 1.0 : 0 }
        let design = try DesignMatrix.build([.numeric(name: "x1", values: x1), .numeric(name: "x2", values: x2)])
        XCTAssertThrowsError(try GeneralizedLinearFit(design: design, y: y, family: BernoulliLogit())) {
            guard case let .noMaximum(family, terms)? = $0 as? GLMError else { return XCTFail("\($0)") }
            XCTAssertEqual(family, "bernoulli")
            XCTAssertEqual(terms, ["x1", "x2"])
        }
    }

    /// χ² and F tails against closed forms: P(χ²₂ > x) = e^(−x/2); P(χ²₄ > x) = e^(−x/2)(1 + x/2);
    /// F(1, ν) is t²(ν).
    func testTailProbabilitiesMatchClosedForms() {
        for x in [0.1, 1, 5, 30, 200] {
            XCTAssertEqual(Distributions.chiSquaredSurvival(x, degreesOfFreedom: 2), exp(-x / 2), accuracy: 1e-14 * max(1e-300, exp(-x / 2)) + 1e-16)
            XCTAssertEqual(Distributions.chiSquaredSurvival(x, degreesOfFreedom: 4), exp(-x / 2) * (1 + x / 2), accuracy: 1e-13 * exp(-x / 2) * (1 + x / 2) + 1e-16)
            XCTAssertEqual(Distributions.fSurvival(x, numerator: 1, denominator: 12),
                           Distributions.studentTTwoSidedP(x.squareRoot(), degreesOfFreedom: 12), accuracy: 1e-12)
        }
    }

    /// The profile over a pair is a maximisation over the other coefficients: at the MLE it
    /// is log L̂; at (β̂_balance + 1 SE, β̂₀ − 1 SE) it equals statsmodels' GLM of the other
    /// two columns with the pair as an offset (llf −786.3354487317478, IRLS to 1e-14); and
    /// near the MLE it follows −½ Δᵀ V_pair⁻¹ Δ (the profile's curvature), not the slice's
    /// −½ Δᵀ H_pair Δ, which would be lower wherever the pair is correlated with the rest.
    func testTheProfileOverAPairMaximisesTheOthers() throws {
        let spec = ModelSpecification(response: "default", predictors: ["balance", "income", "student"])
        let m = try Self.load("default.csv", spec, .binary)
        let fit = try GeneralizedLinearFit(design: m.design, y: m.y, family: BernoulliLogit())
        let b = fit.coefficients, se = fit.estimates.map(\.coefficient.standardError)
        let at = fit.profile(pair: (1, 0), us: [b[1], 0.005968409691512247], vs: [b[0], -11.361317862492768], y: m.y, family: BernoulliLogit())
        XCTAssertEqual(at[0], fit.logLikelihood, accuracy: 1e-9 * abs(fit.logLikelihood))
        XCTAssertEqual(at[3], -786.3354487317478, accuracy: 1e-9 * 786.3)
        let d = (0.05 * se[1], -0.05 * se[0])
        let near = fit.profile(pair: (1, 0), us: [b[1] + d.0], vs: [b[0] + d.1], y: m.y, family: BernoulliLogit())[0] - fit.logLikelihood
        let v = fit.covariance
        let det = v[1, 1] * v[0, 0] - v[0, 1] * v[0, 1]
        let quadratic = -0.5 * (v[0, 0] * d.0 * d.0 - 2 * v[0, 1] * d.0 * d.1 + v[1, 1] * d.1 * d.1) / det
        XCTAssertEqual(near, quadratic, accuracy: 0.01 * abs(quadratic), "second order: the third-order terms are 5 % of a 5 % step")
    }

    /// The whole surface the page draws for the penguins' sex on bill length, bill depth,
    /// flipper length and species (over bill depth and the intercept): every point has a
    /// maximum, at or below the fit's. (The page drawn before the walk started from the middle
    /// showed part of the bottom row at the darkest colour, beside points 5 below the maximum:
    /// −∞ where the inner fit from the corner's start had failed.)
    func testEveryPointOfAProfileSurfaceHasItsMaximum() throws {
        let spec = ModelSpecification(response: "sex", predictors: ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "species"])
        let m = try Self.load("penguins.csv", spec, .binary, dropMissing: true)
        let fit = try GeneralizedLinearFit(design: m.design, y: m.y, family: BernoulliLogit())
        let b = fit.coefficients, se = fit.estimates.map(\.coefficient.standardError)
        let us = (0..<41).map { b[2] + (Double($0) / 20 - 1) * 3.4 * se[2] }
        let vs = (0..<41).map { b[0] + (Double($0) / 20 - 1) * 3.4 * se[0] }
        let surface = fit.profile(pair: (2, 0), us: us, vs: vs, y: m.y, family: BernoulliLogit())
        XCTAssertTrue(surface.allSatisfy(\.isFinite), "\(surface.filter { !$0.isFinite }.count) points without a maximum")
        XCTAssertLessThanOrEqual(surface.max()!, fit.logLikelihood + 1e-9 * abs(fit.logLikelihood))
        XCTAssertEqual(surface[20 * 41 + 20], fit.logLikelihood, accuracy: 1e-9 * abs(fit.logLikelihood), "the centre is the fit")
    }

    /// The walk itself, with an inner maximisation that fails unless it starts within 1.5 of
    /// the point's optimum (here the point's own coordinates), as a logistic fit fails from a
    /// start whose weights underflow: from the middle of the grid outwards every point is
    /// reached from a neighbour's end; walked from a grid corner with the centre's start (the
    /// old walk), the first row's points failed one after another.
    func testTheProfileWalkReachesEveryPointFromANeighbour() {
        let width = 9, height = 8
        let (values, ends) = ProfileWalk.fill(width: width, height: height, start: [4, 4]) { i, j, start in
            let target = [Double(i), Double(j)]
            guard abs(start[0] - target[0]) + abs(start[1] - target[1]) <= 1.5 else { return nil }
            return (-(target[0] - 4) * (target[0] - 4) - (target[1] - 4) * (target[1] - 4), target)
        }
        XCTAssertTrue(values.allSatisfy(\.isFinite))
        XCTAssertEqual(ends[3 * width + 7], [7, 3])
        XCTAssertEqual(values[0], -32)
    }

    /// Each coefficient's 95 % profile-likelihood interval against brentq on statsmodels'
    /// offset fits (reference.json, to 1e-12 SE): ISLP Default (logistic) and Bikeshare
    /// (Poisson, whose |log L| of 4·10⁵ puts the inner fits' last steps below the resolution
    /// of log L; the one-row level's interval is lopsided, [−0.724, −0.068] against Wald's
    /// [−0.705, −0.052]). Tolerance 1e-7 standard errors.
    func testProfileIntervalsMatchTheReference() throws {
        for (name, file, spec, kind) in [
            ("default", "default.csv", ModelSpecification(response: "default", predictors: ["balance", "income", "student"]), ModelSpecification.Response.binary),
            ("bikeshare", "bikeshare.csv", ModelSpecification(response: "bikers", predictors: ["temp", "hum", "workingday", "weathersit"]), .count),
        ] {
            let m = try Self.load(file, spec, kind)
            let family: any CanonicalFamily = kind == .binary ? BernoulliLogit() : PoissonLog()
            let fit = try GeneralizedLinearFit(design: m.design, y: m.y, family: family)
            let ref = try Self.reference(name)["profile_ci"] as! [String: [Double]]
            for (j, e) in fit.estimates.enumerated() {
                let expected = try XCTUnwrap(ref[e.term], e.term)
                let got = fit.profileInterval(j, y: m.y, family: family)
                let se = e.coefficient.standardError
                XCTAssertEqual(got.lower, expected[0], accuracy: 1e-7 * se, "\(name) \(e.term)")
                XCTAssertEqual(got.upper, expected[1], accuracy: 1e-7 * se, "\(name) \(e.term)")
            }
        }
    }

    /// The descents in every dimension. Closed form first: for least squares on two
    /// standardised columns with correlation r, the Hessian in (intercept, v₁, v₂) is
    /// 2·diag(1, [[1, r], [r, 1]]), with condition number (1 + |r|)/(1 − |r|) when that
    /// exceeds 1. Then on real data: ISLP Default's raw cross-entropy has κ ≈ 7·10¹⁰ and
    /// gradient descent does not arrive in its budget, while on standardised columns it does,
    /// to the MLE within 10⁻⁶ standard errors; Newton arrives in under 15 steps.
    func testDescentsInEveryDimension() throws {
        let x1: [Double] = [1, 2, 3, 4, 5, 6, 7, 8], x2: [Double] = [2, 1, 4, 3, 6, 8, 5, 7]
        let y: [Double] = [3.1, 3.9, 7.2, 7.8, 11.1, 14.2, 12.1, 15.3]
        let design = try DesignMatrix.build([.numeric(name: "a", values: x1), .numeric(name: "b", values: x2)])
        let fit = try LinearRegression(design: design, y: y)
        let n = Double(y.count)
        let m1 = x1.reduce(0, +) / n, m2 = x2.reduce(0, +) / n
        let s12 = zip(x1, x2).reduce(0) { $0 + ($1.0 - m1) * ($1.1 - m2) }
        let r = s12 / (x1.reduce(0) { $0 + ($1 - m1) * ($1 - m1) } * x2.reduce(0) { $0 + ($1 - m2) * ($1 - m2) }).squareRoot()
        var h = design.matrix.gram
        for k in h.storage.indices { h.storage[k] *= 2 / n }
        let d = SeveralDescents.run(x: design, y: y, loss: .leastSquares, mle: fit.estimates.map(\.coefficient.estimate),
                                    standardErrors: fit.estimates.map(\.coefficient.standardError), qr: fit.qr, hessian: h, stepBudget: 10_000)
        XCTAssertEqual(d.standardisedCondition, max(1, (1 + abs(r)) / (1 - abs(r))), accuracy: 1e-9 * d.standardisedCondition)
        XCTAssertTrue(d.standardised.arrived)
        XCTAssertEqual(d.newton?.iterations, 1, "one Newton step solves least squares")
        XCTAssertGreaterThan(d.rawCondition, d.standardisedCondition)

        let spec = ModelSpecification(response: "default", predictors: ["balance", "income", "student"])
        let m = try Self.load("default.csv", spec, .binary)
        let g = try GeneralizedLinearFit(design: m.design, y: m.y, family: BernoulliLogit())
        var hg = GeneralizedLinearFit.derivatives(g.coefficients, m.design, m.y, BernoulliLogit()).h
        for k in hg.storage.indices { hg.storage[k] /= Double(m.y.count) }
        let dg = SeveralDescents.run(x: m.design, y: m.y, loss: .logistic, mle: g.coefficients,
                                     standardErrors: g.estimates.map(\.coefficient.standardError), qr: g.qr, hessian: hg, stepBudget: 10_000)
        XCTAssertGreaterThan(dg.rawCondition, 1e10)
        XCTAssertLessThan(dg.standardisedCondition, 100)
        XCTAssertFalse(dg.raw.arrived)
        XCTAssertTrue(dg.standardised.arrived, "distance \(dg.standardised.distance)")
        XCTAssertLessThan(try XCTUnwrap(dg.newton).iterations, 15)
        XCTAssertLessThanOrEqual(try XCTUnwrap(dg.newton).distance, 1e-9)
        for (a, b) in zip(dg.standardised.end, g.coefficients).enumerated().map({ $0.element }) {
            XCTAssertEqual(a, b, accuracy: 1e-5 * max(abs(b), 1e-3))
        }
    }

    /// The descents of the other families. Poisson (Bikeshare, 7 columns): the curvature is
    /// unbounded, so the step is found by backtracking; on standardised columns the descent
    /// ends on the Newton fit within 10⁻⁶ SE and Newton arrives in under 15 steps. Student-t
    /// (stack loss, from least squares): the fixed step 1/L with L = (ν + 1)/(νs²)·λ_max(XᵀX/n)
    /// never raises the loss, and the Hessian used for Newton and for κ matches central second
    /// differences of the loss. Laplace (stack loss): subgradient descent can never go below
    /// the linear programme's optimum, gets within 1 % of it on standardised columns, and there
    /// is no Newton path.
    func testDescentsOfPoissonStudentTAndLaplace() throws {
        let bikes = try Self.load("bikeshare.csv", ModelSpecification(response: "bikers", predictors: ["temp", "hum", "workingday", "weathersit"]), .count)
        let g = try GeneralizedLinearFit(design: bikes.design, y: bikes.y, family: PoissonLog())
        var h = GeneralizedLinearFit.derivatives(g.coefficients, bikes.design, bikes.y, PoissonLog()).h
        for k in h.storage.indices { h.storage[k] /= Double(bikes.y.count) }
        let dp = SeveralDescents.run(x: bikes.design, y: bikes.y, loss: .poisson, mle: g.coefficients,
                                     standardErrors: g.estimates.map(\.coefficient.standardError), qr: g.qr, hessian: h, stepBudget: 3000)
        XCTAssertEqual(dp.rule, .lineSearch)
        XCTAssertTrue(dp.standardised.arrived, "distance \(dp.standardised.distance)")
        XCTAssertLessThan(try XCTUnwrap(dp.newton).iterations, 15)
        XCTAssertLessThanOrEqual(try XCTUnwrap(dp.newton).distance, 1e-9)
        for path in [dp.raw, dp.standardised] {
            XCTAssertTrue(zip(path.gaps, path.gaps.dropFirst()).allSatisfy { $1 <= $0 + 1e-10 }, "a line search never climbs (beyond rounding)")
        }

        let stack = try Self.load("stackloss.csv", ModelSpecification(response: "STACKLOSS", predictors: ["AIRFLOW", "WATERTEMP", "ACIDCONC"]), .continuous)
        let t = try StudentTRegression(design: stack.design, y: stack.y)
        let n = Double(stack.y.count)
        var ht = SeveralDescents.studentTHessian(t.coefficients, x: stack.design, y: stack.y, scale: t.scale, nu: t.nu)
        for k in ht.storage.indices { ht.storage[k] /= n }
        // The Hessian against central second differences of the mean loss.
        func loss(_ b: [Double]) -> Double {
            let eta = stack.design.times(b)
            return zip(stack.y, eta).reduce(0) { $0 + (t.nu + 1) / 2 * log1p(($1.0 - $1.1) * ($1.0 - $1.1) / (t.nu * t.scale * t.scale)) } / n
        }
        for j in 0..<4 {
            for k in 0..<4 {
                let hj = 1e-6 * max(1, abs(t.coefficients[j])), hk = 1e-6 * max(1, abs(t.coefficients[k]))
                func at(_ a: Double, _ b: Double) -> Double {
                    var v = t.coefficients; v[j] += a; v[k] += b; return loss(v)
                }
                let numeric = (at(hj, hk) - at(hj, -hk) - at(-hj, hk) + at(-hj, -hk)) / (4 * hj * hk)
                XCTAssertEqual(ht[j, k], numeric, accuracy: 1e-5 * max(1, abs(numeric)), "H[\(j), \(k)]")
            }
        }
        let ols = try LinearRegression(design: stack.design, y: stack.y).estimates.map(\.coefficient.estimate)
        let dt = SeveralDescents.run(x: stack.design, y: stack.y, loss: .studentT(scale: t.scale, nu: t.nu), mle: t.coefficients,
                                     standardErrors: t.estimates.map(\.coefficient.standardError), qr: t.qr, hessian: ht, stepBudget: 10_000, start: ols)
        XCTAssertEqual(dt.rule, .fixed)
        XCTAssertEqual(dt.raw.points[0].beta, ols, "the descents start at least squares")
        for (a, b) in zip(dt.standardised.points[0].beta, ols) { XCTAssertEqual(a, b, accuracy: 1e-9 * max(1, abs(b))) }
        for path in [dt.raw, dt.standardised] {
            XCTAssertTrue(zip(path.gaps, path.gaps.dropFirst()).allSatisfy { $1 <= $0 + 1e-12 }, "1/L never climbs")
        }
        XCTAssertTrue(dt.standardised.arrived, "distance \(dt.standardised.distance)")
        XCTAssertLessThanOrEqual(try XCTUnwrap(dt.newton).distance, 1e-9)

        let lad = try LeastAbsoluteDeviations(design: stack.design, y: stack.y)
        let r = lad.qr.r
        var hl = r.transposed.times(r)
        for k in hl.storage.indices { hl.storage[k] /= n }
        let dl = SeveralDescents.run(x: stack.design, y: stack.y, loss: .laplace, mle: lad.coefficients,
                                     standardErrors: lad.estimates.map(\.coefficient.standardError), qr: lad.qr, hessian: hl, stepBudget: 10_000)
        XCTAssertEqual(dl.rule, .subgradient)
        XCTAssertNil(dl.newton)
        XCTAssertTrue(dl.raw.gaps.allSatisfy { $0 >= 0 } && dl.standardised.gaps.allSatisfy { $0 >= 0 })
        let end = stack.design.times(dl.standardised.end)
        let mae = zip(stack.y, end).reduce(0) { $0 + abs($1.0 - $1.1) } / n
        XCTAssertGreaterThanOrEqual(mae, lad.scale * (1 - 1e-12), "no point beats the exact optimum")
        XCTAssertLessThan(mae, lad.scale * 1.01)
        // The descent figure's backdrop: the profile log-likelihood gives back the profile MAE,
        // exp(−ℓ_p/n − 1)/2, which at the optimum's pair is the optimum's MAE and elsewhere
        // no lower.
        let (ua, ub) = (lad.coefficients[1], lad.coefficients[0])
        let profile = lad.profile(pair: (1, 0), us: [ua - 0.2, ua, ua + 0.2], vs: [ub - 5, ub, ub + 5], y: stack.y)
        let profileMAE = profile.map { exp(-$0 / n - 1) / 2 }
        XCTAssertEqual(profileMAE[4], lad.scale, accuracy: 1e-12 * lad.scale)
        XCTAssertTrue(profileMAE.allSatisfy { $0 >= lad.scale * (1 - 1e-12) })
    }

    /// The several-predictor Q–Q plot's points are the sorted internally studentised
    /// residuals rᵢ/(s√(1 − hᵢᵢ)), with leverages from the whole design: against statsmodels'
    /// OLSInfluence.resid_studentized_internal on Longley (7 columns, κ ≈ 5·10⁹ raw) and the
    /// penguins (a 3-level factor), to 1e-8 absolute; the simulated envelope brackets 95 % of
    /// each order statistic, so it holds the diagonal's neighbourhood.
    func testStudentisedResidualsWithSeveralPredictors() throws {
        let cases: [(String, String, ModelSpecification, Bool)] = [
            ("longley", "longley-full.csv", ModelSpecification(response: "TOTEMP", predictors: ["GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"]), false),
            ("penguins", "penguins.csv", ModelSpecification(response: "body_mass_g", predictors: ["flipper_length_mm", "species"]), true),
        ]
        for (name, file, spec, drop) in cases {
            let m = try Self.load(file, spec, .continuous, dropMissing: drop)
            let fit = try LinearRegression(design: m.design, y: m.y)
            let fitted = m.design.times(fit.estimates.map(\.coefficient.estimate))
            let qq = SeveralResidualChecks.qq(design: m.design, y: m.y, fitted: fitted, qr: fit.qr)
            let ref = try Self.reference(name)
            let expected = ref["studentised_residuals_sorted"] as! [Double]
            XCTAssertEqual(qq.observed.count, expected.count, name)
            for (a, b) in zip(qq.observed, expected) { XCTAssertEqual(a, b, accuracy: 1e-8, name) }
            XCTAssertEqual(m.design.leverages(qr: fit.qr).max()!, ref["leverage_max"] as! Double, accuracy: 1e-10, name)
            // Leverages sum to the number of coefficients (the hat matrix's trace).
            XCTAssertEqual(m.design.leverages(qr: fit.qr).reduce(0, +), Double(m.design.columns), accuracy: 1e-9, name)
            XCTAssertTrue(qq.simulated)
            XCTAssertTrue(zip(qq.lower, qq.upper).allSatisfy { $0 < $1 })
            let middle = qq.theoretical.count / 2
            XCTAssertLessThan(qq.lower[middle], qq.theoretical[middle])
            XCTAssertGreaterThan(qq.upper[middle], qq.theoretical[middle])
        }
    }

    /// The penguins' residual checks against statsmodels' het_breuschpagan (Koenker's
    /// studentised form, on all 4 design columns: 3 df) and jarque_bera, to 1e-9 relative.
    func testResidualChecksWithSeveralPredictors() throws {
        let spec = ModelSpecification(response: "body_mass_g", predictors: ["flipper_length_mm", "species"])
        let m = try Self.load("penguins.csv", spec, .continuous, dropMissing: true)
        let fit = try LinearRegression(design: m.design, y: m.y)
        let fitted = m.design.matrix.times(fit.estimates.map(\.coefficient.estimate))
        let checks = SeveralResidualChecks(residuals: zip(m.y, fitted).map { $0 - $1 }, design: m.design)
        let ref = try Self.reference("penguins")["residual_checks"] as! [String: Double]
        XCTAssertEqual(checks.degreesOfFreedom, 3)
        XCTAssertEqual(checks.breuschPagan, ref["breusch_pagan"]!, accuracy: 1e-9 * ref["breusch_pagan"]!)
        XCTAssertEqual(checks.breuschPaganP, ref["breusch_pagan_p"]!, accuracy: 1e-9 * ref["breusch_pagan_p"]!)
        XCTAssertEqual(checks.shape.jarqueBera, ref["jarque_bera"]!, accuracy: 1e-9 * ref["jarque_bera"]!)
        XCTAssertEqual(checks.shape.skewness, ref["skewness"]!, accuracy: 1e-9)
        XCTAssertEqual(checks.shape.excessKurtosis + 3, ref["kurtosis"]!, accuracy: 1e-9)
    }
}

