import Foundation
import XCTest
@testable import Likelihood

/// Grouped data, frequency weights and exposures (issue 22) against statsmodels' GLM
/// (Tests/Corpus/Grouped/reference.json, written by make_reference.py there, which also finds
/// the profile-likelihood intervals independently with Brent's method on statsmodels refits),
/// and against the same data written out one observation per row.
final class GroupedDataTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Corpus/Grouped")

    func reference(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: Self.corpus.appendingPathComponent("reference.json"))
        return (try JSONSerialization.jsonObject(with: data) as! [String: Any])[name] as! [String: Any]
    }

    func load(_ file: String, _ spec: ModelSpecification, _ response: ModelSpecification.Response) throws -> ModelData {
        let path = Self.corpus.appendingPathComponent(file).path
        let data = try ColumnReader.read(path: path, source: file, columns: spec.columns, text: spec.factors,
                                         autoText: Set(spec.predictors + (response == .binary ? [spec.response] : [])))
        return try ModelData.build(spec, data: data, response: response, dropMissing: false)
    }

    func fit(_ m: ModelData, _ family: any CanonicalFamily) throws -> GeneralizedLinearFit {
        try GeneralizedLinearFit(design: m.design, y: m.y, family: family, weights: m.likelihoodWeights, offset: m.offset,
                                 constant: m.binomialConstant, observations: m.observations)
    }

    /// Estimates and SEs to 1e-8 relative, log L and the deviance to 1e-10, and (where the
    /// reference has them) the profile-likelihood intervals to 1e-6 of the SE.
    func assertMatches(_ f: GeneralizedLinearFit, _ ref: [String: Any], y: [Double], family: any CanonicalFamily,
                       file: StaticString = #filePath, line: UInt = #line) {
        let terms = ref["terms"] as! [String], estimates = ref["estimates"] as! [Double], se = ref["se"] as! [Double]
        XCTAssertEqual(f.estimates.map(\.term), terms, file: file, line: line)
        for (j, e) in f.estimates.enumerated() {
            XCTAssertEqual(e.coefficient.estimate, estimates[j], accuracy: 1e-8 * max(abs(estimates[j]), se[j]), e.term, file: file, line: line)
            XCTAssertEqual(e.coefficient.standardError, se[j], accuracy: 1e-8 * se[j], "SE \(e.term)", file: file, line: line)
        }
        let logL = ref["log_likelihood"] as! Double, deviance = ref["deviance"] as! Double
        XCTAssertEqual(f.logLikelihood, logL, accuracy: 1e-10 * abs(logL), file: file, line: line)
        XCTAssertEqual(f.deviance, deviance, accuracy: 1e-9 * max(deviance, 1), file: file, line: line)
        if let profile = ref["profile_ci"] as? [[Double]] {
            for j in profile.indices {
                let (lo, hi) = f.profileInterval(j, y: y, family: family)
                XCTAssertEqual(lo, profile[j][0], accuracy: 1e-6 * se[j], "profile lower \(terms[j])", file: file, line: line)
                XCTAssertEqual(hi, profile[j][1], accuracy: 1e-6 * se[j], "profile upper \(terms[j])", file: file, line: line)
            }
        }
    }

    /// MASS's budworm (SF ~ sex + ldose, 12 groups of 20): statsmodels' estimates, SEs, log L
    /// (binomial coefficients included, 88.19 of it) and deviance (6.757 on 9 df, as R prints),
    /// and the profile-likelihood intervals R's confint() reports. Bliss's beetles likewise.
    func testBudwormAndBeetlesAgainstStatsmodelsAndTheProfile() throws {
        let spec = ModelSpecification(response: "numdead", predictors: ["sex", "ldose"], trials: "total")
        let m = try load("budworm.csv", spec, .binary)
        let f = try fit(m, BernoulliLogit())
        assertMatches(f, try reference("budworm"), y: m.y, family: BernoulliLogit())
        XCTAssertEqual(f.deviance, 6.757, accuracy: 5e-4)
        XCTAssertEqual(m.observations, 12)
        XCTAssertEqual(f.observations, 12)
        // Σ log C(20, sᵢ) by hand, from the counts.
        let dead: [Double] = [1, 4, 9, 13, 18, 20, 0, 2, 6, 10, 12, 16]
        let constant = dead.reduce(0) { $0 + lgamma(21) - lgamma($1 + 1) - lgamma(21 - $1) }
        XCTAssertEqual(f.constant, constant, accuracy: 1e-12 * constant)

        let beetles = try load("beetles.csv", ModelSpecification(response: "killed", predictors: ["dose"], trials: "exposed"), .binary)
        assertMatches(try fit(beetles, BernoulliLogit()), try reference("beetles"), y: beetles.y, family: BernoulliLogit())
    }

    /// Grouped and expanded: the budworm's 240 moths written out one row each (0/1), and UCB
    /// admissions' 4526 applicants from their 24 frequency-weighted rows, give the same
    /// estimates and SEs to 1e-10, and log L differs by exactly Σ log C(nᵢ, sᵢ) (0 for weights).
    func testGroupedAndExpandedFitsAreTheSame() throws {
        let m = try load("budworm.csv", ModelSpecification(response: "numdead", predictors: ["sex", "ldose"], trials: "total"), .binary)
        let grouped = try fit(m, BernoulliLogit())
        var ldose: [Double] = [], male: [Double] = [], y: [Double] = []
        let x = m.design
        for i in 0..<m.y.count {
            let n = Int(m.trials![i]), s = Int(m.successes![i])
            for k in 0..<n { ldose.append(x.column(2)[i]); male.append(x.column(1)[i]); y.append(k < s ? 1 : 0) }
        }
        let expandedDesign = try DesignMatrix.build([.numeric(name: "male", values: male), .numeric(name: "ldose", values: ldose)])
        let expanded = try GeneralizedLinearFit(design: expandedDesign, y: y, family: BernoulliLogit())
        XCTAssertEqual(y.count, 240)
        for j in 0..<3 {
            let a = grouped.estimates[j].coefficient, b = expanded.estimates[j].coefficient
            XCTAssertEqual(a.estimate, b.estimate, accuracy: 1e-10 * abs(b.estimate))
            XCTAssertEqual(a.standardError, b.standardError, accuracy: 1e-10 * b.standardError)
        }
        XCTAssertEqual(grouped.logLikelihood - grouped.constant, expanded.logLikelihood, accuracy: 1e-10 * abs(expanded.logLikelihood))

        let u = try load("ucbadmissions.csv", ModelSpecification(response: "Admit", predictors: ["Gender", "Dept"], positive: "Admitted",
                                                                 weights: "Freq"), .binary)
        let weighted = try fit(u, BernoulliLogit())
        assertMatches(weighted, try reference("ucbadmissions"), y: u.y, family: BernoulliLogit())
        XCTAssertEqual(u.observations, 4526)
        var columns = [[Double]](repeating: [], count: u.design.columns - 1), yy: [Double] = []
        for i in 0..<u.y.count {
            for _ in 0..<Int(u.frequencyWeights![i]) {
                for j in 1..<u.design.columns { columns[j - 1].append(u.design.column(j)[i]) }
                yy.append(u.y[i])
            }
        }
        let d = try DesignMatrix.build(columns.enumerated().map { .numeric(name: "c\($0.offset)", values: $0.element) })
        let e = try GeneralizedLinearFit(design: d, y: yy, family: BernoulliLogit())
        XCTAssertEqual(yy.count, 4526)
        for j in 0..<u.design.columns {
            XCTAssertEqual(weighted.coefficients[j], e.coefficients[j], accuracy: 1e-10 * max(abs(e.coefficients[j]), 1e-3))
            XCTAssertEqual(weighted.estimates[j].coefficient.standardError, e.estimates[j].coefficient.standardError,
                           accuracy: 1e-10 * e.estimates[j].coefficient.standardError)
        }
        XCTAssertEqual(weighted.logLikelihood, e.logLikelihood, accuracy: 1e-10 * abs(e.logLikelihood))
        XCTAssertEqual(weighted.bic, e.bic, accuracy: 1e-9 * e.bic)
    }

    /// MASS's Insurance: Claims ~ District + Group + Age with exposure Holders (statsmodels'
    /// exposure=, R's offset(log(Holders))): residual deviance 51.42 on 54 df as in MASS; the
    /// same with every row weighted 2 (statsmodels freq_weights) doubles log L and leaves the
    /// estimates; esoph and star98 (grouped binomial, up to 10⁴ trials a row) agree too.
    func testExposureFrequencyWeightsAndLargeGroups() throws {
        let spec = ModelSpecification(response: "Claims", predictors: ["District", "Group", "Age"], factors: ["District"], exposure: "Holders")
        let m = try load("insurance.csv", spec, .count)
        let f = try fit(m, PoissonLog())
        assertMatches(f, try reference("insurance"), y: m.y, family: PoissonLog())
        XCTAssertEqual(f.deviance, 51.42, accuracy: 5e-3)
        // The intercept-only rate model: log(Σ claims / Σ holders), in closed form.
        let rate = log(m.y.reduce(0, +) / m.exposure!.reduce(0, +))
        let null = m.y.indices.reduce(0.0) { s, i in
            let mu = m.exposure![i] * exp(rate)
            return s + m.y[i] * log(mu) - mu - lgamma(m.y[i] + 1)
        }
        XCTAssertEqual(f.nullLogLikelihood, null, accuracy: 1e-10 * abs(null))

        var doubled = spec
        doubled.weights = "Two"
        let path = Self.corpus.appendingPathComponent("insurance.csv").path
        var text = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        text[0] += ",Two"
        for k in 1..<text.count { text[k] += ",2" }
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("insurance-doubled-\(getpid()).csv")
        try (text.joined(separator: "\n") + "\n").write(to: copy, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: copy) }
        let data = try ColumnReader.read(path: copy.path, source: "copy", columns: doubled.columns, text: ["District"],
                                         autoText: Set(doubled.predictors))
        let m2 = try ModelData.build(doubled, data: data, response: .count, dropMissing: false)
        let f2 = try fit(m2, PoissonLog())
        let ref2 = try reference("insurance_doubled")
        let est = ref2["estimates"] as! [Double], se = ref2["se"] as! [Double]
        for j in est.indices {
            XCTAssertEqual(f2.coefficients[j], est[j], accuracy: 1e-8 * max(abs(est[j]), se[j]))
            XCTAssertEqual(f2.estimates[j].coefficient.standardError, se[j], accuracy: 1e-8 * se[j])
        }
        XCTAssertEqual(f2.logLikelihood, ref2["log_likelihood"] as! Double, accuracy: 1e-10 * 368.7)

        let esoph = try load("esoph.csv", ModelSpecification(response: "ncases", predictors: ["agegp", "alcgp", "tobgp"], trials: "total"), .binary)
        assertMatches(try fit(esoph, BernoulliLogit()), try reference("esoph"), y: esoph.y, family: BernoulliLogit())
        let star = try load("star98.csv", ModelSpecification(response: "NABOVE", predictors: ["LOWINC", "PERASIAN", "PERBLACK", "PERHISP", "PCTCHRT", "PCTYRRND"],
                                                             trials: "NTESTED"), .binary)
        assertMatches(try fit(star, BernoulliLogit()), try reference("star98"), y: star.y, family: BernoulliLogit())
    }

    /// Least squares with frequency weights: Galton's 928 families grouped into 102 distinct
    /// (parent, child) pairs with their counts give statsmodels' OLS on the raw rows (estimates,
    /// SEs to 1e-10 relative, log L, R²) and the F test's residual degrees of freedom, 926.
    func testLeastSquaresWithFrequencyWeightsIsTheRawFit() throws {
        let m = try load("galton-counts.csv", ModelSpecification(response: "child", predictors: ["parent"], weights: "families"), .continuous)
        let f = try LinearRegression(design: m.design, y: m.y, weights: m.frequencyWeights)
        let ref = try reference("galton_counts")
        let estimates = ref["estimates"] as! [Double], se = ref["se"] as! [Double]
        XCTAssertEqual(m.y.count, ref["rows_grouped"] as? Int)
        XCTAssertEqual(f.observations, Double(ref["rows_raw"] as! Int))
        for (j, e) in f.estimates.enumerated() {
            XCTAssertEqual(e.coefficient.estimate, estimates[j], accuracy: 1e-10 * abs(estimates[j]))
            XCTAssertEqual(e.coefficient.standardError, se[j], accuracy: 1e-10 * se[j])
        }
        XCTAssertEqual(f.logLikelihood, ref["log_likelihood"] as! Double, accuracy: 1e-10 * 2063.6)
        XCTAssertEqual(f.rSquared, ref["r_squared"] as! Double, accuracy: 1e-12)
        XCTAssertEqual(f.degreesOfFreedom, 926)
        XCTAssertEqual(try f.termTests(y: m.y)[0].statistic, pow(estimates[1] / se[1], 2), accuracy: 1e-8 * 246.8)
    }

    /// The rows written out, each repeated its (whole) frequency weight times: the design's
    /// columns after the intercept, and the response.
    func writtenOut(_ m: ModelData) throws -> (design: DesignMatrix, y: [Double]) {
        let w = m.frequencyWeights!
        let rows = w.indices.flatMap { i in [Int](repeating: i, count: Int(w[i])) }
        let columns = (1..<m.design.columns).map { j -> PredictorColumn in
            let c = m.design.column(j)
            return .numeric(name: m.design.terms[j].name, values: rows.map { c[$0] })
        }
        return (try DesignMatrix.build(columns), rows.map { m.y[$0] })
    }

    /// Laplace and Student-t noise take frequency weights. Against fits of the weighted
    /// likelihood made independently (make_reference.py: HiGHS on the weighted linear programme;
    /// scipy's multistart L-BFGS-B, BFGS and Newton on the weighted Student-t log-likelihood):
    /// Galton's 102 (parent, child) pairs for 928 families, Macdonell's 924 height × finger cells
    /// for 3,000 criminals (623 empty, dropped) and Pearson and Lee's 746 cells for 4,892 pairs,
    /// many with half counts. Laplace: the vertex to 1e-9 (unique optima), Σwᵢ|rᵢ| and log L to
    /// 1e-12. Student-t: log L to 1e-10 relative (the reference's numerical polish stops there),
    /// estimates to 1e-4 SE and SEs to 1e-4 relative (a numerical Hessian), ν̂ to 1e-4 relative.
    func testLaplaceAndStudentTWithFrequencyWeightsAgainstIndependentFits() throws {
        let cases: [(String, String, ModelSpecification)] = [
            ("galton_counts", "galton-counts.csv", ModelSpecification(response: "child", predictors: ["parent"], weights: "families")),
            ("macdonell", "macdonell.csv", ModelSpecification(response: "height", predictors: ["finger"], weights: "frequency")),
            ("pearson_lee", "pearson-lee.csv", ModelSpecification(response: "child", predictors: ["parent", "gp"], weights: "frequency")),
        ]
        for (name, file, spec) in cases {
            let m = try load(file, spec, .continuous)
            let lad = try LeastAbsoluteDeviations(design: m.design, y: m.y, weights: m.frequencyWeights)
            let l = try reference(name + "_laplace")
            XCTAssertEqual(lad.estimates.map(\.term), l["terms"] as! [String], name)
            XCTAssertEqual(m.y.count, l["rows"] as? Int, name)
            XCTAssertEqual(lad.observations, l["observations"] as! Double, name)
            XCTAssertTrue(lad.unique, name)
            for (j, e) in (l["estimates"] as! [Double]).enumerated() {
                XCTAssertEqual(lad.coefficients[j], e, accuracy: 1e-9 * max(1, abs(e)), "\(name) laplace \(j)")
            }
            let sad = l["sum_absolute_deviations"] as! Double, ll = l["log_likelihood"] as! Double
            XCTAssertEqual(lad.sumAbsoluteDeviations, sad, accuracy: 1e-12 * sad, name)
            XCTAssertEqual(lad.logLikelihood, ll, accuracy: 1e-12 * abs(ll), name)
            XCTAssertEqual(lad.scale, l["scale"] as! Double, accuracy: 1e-12, name)

            let t = try StudentTRegression(design: m.design, y: m.y, weights: m.frequencyWeights)
            let r = try reference(name + "_student_t")
            let tll = r["log_likelihood"] as! Double, se = r["se"] as! [Double]
            XCTAssertEqual(t.logLikelihood, tll, accuracy: 1e-10 * abs(tll), name)
            XCTAssertGreaterThanOrEqual(t.logLikelihood, tll - 1e-12 * abs(tll), "\(name): no higher maximum than the reference's")
            XCTAssertEqual(t.nuAtCap, r["nu_at_cap"] as! Bool, name)
            XCTAssertEqual(t.nu, r["nu"] as! Double, accuracy: 1e-4 * t.nu, name)
            XCTAssertEqual(t.scale, r["scale"] as! Double, accuracy: 1e-6 * t.scale, name)
            XCTAssertEqual(t.bic, log(t.observations) * Double(t.parameterCount) - 2 * t.logLikelihood, accuracy: 1e-9, name)
            for (j, e) in (r["estimates"] as! [Double]).enumerated() {
                XCTAssertEqual(t.coefficients[j], e, accuracy: 1e-4 * se[j], "\(name) t \(j)")
                XCTAssertEqual(t.estimates[j].coefficient.standardError, se[j], accuracy: 1e-4 * se[j], "\(name) t SE \(j)")
            }
        }
    }

    /// The same two fits equal the rows written out (Galton: 928 rows; Macdonell: 3,000): the
    /// estimates to 1e-9 SE, SEs to 1e-9 relative, log L, AIC and BIC to 1e-11, the term tests,
    /// the profile over the pair and (Student-t) the checks of the maximum.
    func testLaplaceAndStudentTWithFrequencyWeightsEqualTheRowsWrittenOut() throws {
        let cases: [(String, ModelSpecification)] = [
            ("galton-counts.csv", ModelSpecification(response: "child", predictors: ["parent"], weights: "families")),
            ("macdonell.csv", ModelSpecification(response: "height", predictors: ["finger"], weights: "frequency")),
        ]
        for (file, spec) in cases {
            let m = try load(file, spec, .continuous)
            let raw = try writtenOut(m)
            let weighted = try LeastAbsoluteDeviations(design: m.design, y: m.y, weights: m.frequencyWeights)
            // The written-out rows as they are (not collapsed back into counts).
            let expanded = try LeastAbsoluteDeviations(design: raw.design, y: raw.y, collapsingCopies: false)
            let tWeighted = try StudentTRegression(design: m.design, y: m.y, weights: m.frequencyWeights)
            let tExpanded = try StudentTRegression(design: raw.design, y: raw.y, collapsingCopies: false)
            XCTAssertEqual(weighted.observations, Double(raw.y.count), file)
            let pairs: [([TermEstimate], [TermEstimate], Double, Double, Double, Double)] = [
                (weighted.estimates, expanded.estimates, weighted.logLikelihood, expanded.logLikelihood, weighted.bic, expanded.bic),
                (tWeighted.estimates, tExpanded.estimates, tWeighted.logLikelihood, tExpanded.logLikelihood, tWeighted.bic, tExpanded.bic),
            ]
            for (a, b, la, lb, ba, bb) in pairs {
                for j in a.indices {
                    let se = a[j].coefficient.standardError
                    XCTAssertEqual(a[j].coefficient.estimate, b[j].coefficient.estimate, accuracy: 1e-9 * se, "\(file) \(j)")
                    XCTAssertEqual(se, b[j].coefficient.standardError, accuracy: 1e-9 * se, "\(file) SE \(j)")
                }
                XCTAssertEqual(la, lb, accuracy: 1e-11 * abs(lb), file)
                XCTAssertEqual(ba, bb, accuracy: 1e-11 * abs(bb), file)
            }
            XCTAssertEqual(tWeighted.nu, tExpanded.nu, accuracy: 1e-7 * tExpanded.nu, file)
            XCTAssertEqual(tWeighted.nuFloor, tExpanded.nuFloor, file)
            for (a, b) in zip(try weighted.termTests(y: m.y), try expanded.termTests(y: raw.y)) {
                XCTAssertEqual(a.statistic, b.statistic, accuracy: 1e-8 * b.statistic, file)
            }
            for (a, b) in zip(try tWeighted.termTests(y: m.y), try tExpanded.termTests(y: raw.y)) {
                XCTAssertEqual(a.statistic, b.statistic, accuracy: 1e-6 * b.statistic, file)
            }
            // The profile over (slope, intercept) on a 3 × 3 grid about the estimates.
            let se = weighted.estimates.map(\.coefficient.standardError)
            let us = [-1.0, 0, 1].map { weighted.coefficients[1] + $0 * se[1] }, vs = [-1.0, 0, 1].map { weighted.coefficients[0] + $0 * se[0] }
            for (a, b) in zip(weighted.profile(pair: (1, 0), us: us, vs: vs, y: m.y), expanded.profile(pair: (1, 0), us: us, vs: vs, y: raw.y)) {
                XCTAssertEqual(a, b, accuracy: 1e-10 * abs(b), file)
            }
            for (a, b) in zip(tWeighted.profile(pair: (1, 0), us: us, vs: vs, y: m.y), tExpanded.profile(pair: (1, 0), us: us, vs: vs, y: raw.y)) {
                XCTAssertEqual(a, b, accuracy: 1e-10 * abs(b), file)
            }
            let check = tWeighted.checkMaximum(y: m.y)
            XCTAssertEqual(check.logLikelihood, tWeighted.logLikelihood, accuracy: 1e-11 * abs(check.logLikelihood), file)
            XCTAssertLessThan(check.largestStep, 1e-6, file)
        }
    }

    /// Identical rows are solved once with their count: Galton's 928 raw rows (102 distinct
    /// (parent, child) points) give the weighted fit of the counts and the independent linear
    /// programme (to 1e-9), the basis names raw rows that lie on the fit, and the rows on the
    /// fit are counted with their copies; the Student-t fit and both profiles equal the weighted
    /// ones.
    func testLeastAbsoluteDeviationsOnRowsWithCopies() throws {
        let tiesCorpus = Self.corpus.deletingLastPathComponent().appendingPathComponent("Ties/galton.csv")
        let spec = ModelSpecification(response: "child", predictors: ["parent"])
        let raw = try ModelData.build(spec, data: try ColumnReader.read(path: tiesCorpus.path, source: "galton.csv", columns: spec.columns),
                                      response: .continuous, dropMissing: false)
        XCTAssertNotNil(LeastAbsoluteDeviations.DistinctRows(x: raw.design.matrix, y: raw.y))
        XCTAssertEqual(LeastAbsoluteDeviations.DistinctRows(x: raw.design.matrix, y: raw.y)?.copies.count, 102)
        let fit = try LeastAbsoluteDeviations(design: raw.design, y: raw.y)
        let ref = try reference("galton_counts_laplace")
        for (j, e) in (ref["estimates"] as! [Double]).enumerated() { XCTAssertEqual(fit.coefficients[j], e, accuracy: 1e-9 * max(1, abs(e))) }
        XCTAssertEqual(fit.sumAbsoluteDeviations, ref["sum_absolute_deviations"] as! Double, accuracy: 1e-9)
        XCTAssertEqual(fit.logLikelihood, ref["log_likelihood"] as! Double, accuracy: 1e-9)
        let fitted = raw.design.times(fit.coefficients)
        let onFit = raw.y.indices.filter { abs(raw.y[$0] - fitted[$0]) <= 1e-9 }
        XCTAssertEqual(fit.rowsOnFit, onFit.count)
        XCTAssertTrue(fit.basis.allSatisfy { onFit.contains($0) })
        // Student-t: the passes over all rows take each distinct row once with its count; the
        // fit and the profile over (slope, intercept) equal the weighted fit of the counts.
        let counts = try load("galton-counts.csv", ModelSpecification(response: "child", predictors: ["parent"], weights: "families"), .continuous)
        let t = try StudentTRegression(design: raw.design, y: raw.y)
        let tw = try StudentTRegression(design: counts.design, y: counts.y, weights: counts.frequencyWeights)
        let tRaw = try StudentTRegression(design: raw.design, y: raw.y, collapsingCopies: false)
        XCTAssertEqual(t.logLikelihood, tRaw.logLikelihood, accuracy: 1e-11 * abs(tRaw.logLikelihood))
        XCTAssertEqual(t.coefficients[1], tRaw.coefficients[1], accuracy: 1e-9 * tRaw.estimates[1].coefficient.standardError)
        let ladRaw = try LeastAbsoluteDeviations(design: raw.design, y: raw.y, collapsingCopies: false)
        XCTAssertEqual(fit.coefficients, ladRaw.coefficients)
        XCTAssertEqual(fit.rowsOnFit, ladRaw.rowsOnFit)
        XCTAssertEqual(t.logLikelihood, tw.logLikelihood, accuracy: 1e-11 * abs(tw.logLikelihood))
        for j in 0..<2 {
            let se = tw.estimates[j].coefficient.standardError
            XCTAssertEqual(t.coefficients[j], tw.coefficients[j], accuracy: 1e-9 * se)
            XCTAssertEqual(t.estimates[j].coefficient.standardError, se, accuracy: 1e-9 * se)
        }
        let us = [0.6, 0.65, 0.7], vs = [20.0, 24, 28]
        for (a, b) in zip(t.profile(pair: (1, 0), us: us, vs: vs, y: raw.y), tw.profile(pair: (1, 0), us: us, vs: vs, y: counts.y)) {
            XCTAssertEqual(a, b, accuracy: 1e-10 * abs(b))
        }
        for (a, b) in zip(fit.profile(pair: (1, 0), us: us, vs: vs, y: raw.y),
                          try LeastAbsoluteDeviations(design: counts.design, y: counts.y, weights: counts.frequencyWeights)
                            .profile(pair: (1, 0), us: us, vs: vs, y: counts.y)) {
            XCTAssertEqual(a, b, accuracy: 1e-10 * abs(b))
        }
        // Continuous data have no copies: solved as they are.
        let mac = try load("macdonell.csv", ModelSpecification(response: "height", predictors: ["finger"], weights: "frequency"), .continuous)
        XCTAssertNil(LeastAbsoluteDeviations.DistinctRows(x: mac.design.matrix, y: mac.y))
    }

    /// Bad values are refused at their cell (file, line, column); rows of weight 0 are left
    /// out and counted.
    func testBadValuesAreLocatedAndZeroWeightsDropped() throws {
        func build(_ csv: String, _ spec: ModelSpecification, _ response: ModelSpecification.Response = .binary) throws -> ModelData {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("grouped-\(getpid())-\(csv.hashValue).csv")
            try csv.write(to: url, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: url) }
            let data = try ColumnReader.read(path: url.path, source: "g.csv", columns: spec.columns)
            return try ModelData.build(spec, data: data, response: response, dropMissing: false)
        }
        func message(_ body: () throws -> Any) -> String {
            do { _ = try body(); return "" } catch { return String(describing: error) }
        }
        let trials = ModelSpecification(response: "s", predictors: ["x"], trials: "n")
        XCTAssertEqual(message { try build("x,s,n\n1,2,5\n2,6,5\n3,1,4\n", trials) },
                       "g.csv:3:3: column \"s\": \"6\" is not a number of successes: a whole number from 0 up to the row's trials")
        XCTAssertTrue(message { try build("x,s,n\n1,2,5\n2,1,4.5\n3,1,4\n", trials) }.hasPrefix("g.csv:3:5: column \"n\": \"4.5\" is not a number of trials"))
        XCTAssertTrue(message { try build("x,s,n\n1,2,5\n2,-1,4\n3,1,4\n", trials) }.hasPrefix("g.csv:3:3: column \"s\""))
        let weights = ModelSpecification(response: "y", predictors: ["x"], weights: "w")
        XCTAssertTrue(message { try build("x,y,w\n1,0,1\n2,1,-2\n3,1,1\n", weights) }.hasPrefix("g.csv:3:5: column \"w\": \"-2\" is not a weight"))
        XCTAssertTrue(message { try build("x,y,w\n1,0,0\n2,1,0\n", weights) }.contains("is 0, as is every weight in the rows used"))
        let exposure = ModelSpecification(response: "y", predictors: ["x"], exposure: "t")
        XCTAssertTrue(message { try build("x,y,t\n1,0,1\n2,1,0\n3,2,1\n", exposure, .count) }.hasPrefix("g.csv:3:5: column \"t\": \"0\" is not an exposure"))
        let m = try build("x,y,w\n1,0,1\n2,1,0\n3,1,2\n4,0,3\n5,1,1\n", weights)
        XCTAssertEqual(m.y.count, 4)
        XCTAssertEqual(m.zeroWeightRows, 1)
        XCTAssertEqual(m.droppedRows, 0)
        XCTAssertEqual(m.observations, 7)
        XCTAssertEqual(m.dataRow(1), 2, "the row after the dropped one keeps its place in the file")
    }

    /// Observations on one fit bound ν from below, as p rows do: in Galton's counts the line
    /// child = 69.2 holds 167 of the 928 families (the most on a line through two of the 11
    /// heaviest cells, by exact rational arithmetic over the file's decimals), so the
    /// likelihood is unbounded for ν ≤ 167/761 and ν is searched from 168/761. The raw rows
    /// (repeated rows counted once with their count) give the same; a ν held at 0.2 is refused
    /// with the reason, at 0.25 it fits. Six rows with one repeated three times (the small-data
    /// path): four observations on the line through it and one other row.
    func testObservationsOnOneFitBoundNu() throws {
        let counts = try load("galton-counts.csv", ModelSpecification(response: "child", predictors: ["parent"], weights: "families"), .continuous)
        let weighted = try StudentTRegression(design: counts.design, y: counts.y, weights: counts.frequencyWeights)
        XCTAssertEqual(weighted.heaviestFit, 167)
        XCTAssertEqual(weighted.nuFloor, 168.0 / 761, accuracy: 1e-15)
        let tiesCorpus = Self.corpus.deletingLastPathComponent().appendingPathComponent("Ties/galton.csv")
        let spec = ModelSpecification(response: "child", predictors: ["parent"])
        let raw = try ModelData.build(spec, data: try ColumnReader.read(path: tiesCorpus.path, source: "galton.csv", columns: spec.columns),
                                      response: .continuous, dropMissing: false)
        for collapsing in [true, false] {
            let t = try StudentTRegression(design: raw.design, y: raw.y, collapsingCopies: collapsing)
            XCTAssertEqual(t.heaviestFit, 167, "collapsing: \(collapsing)")
            XCTAssertEqual(t.nuFloor, weighted.nuFloor, accuracy: 1e-15)
        }
        XCTAssertThrowsError(try StudentTRegression(design: counts.design, y: counts.y, nu: 0.2, weights: counts.frequencyWeights)) { error in
            guard case let .studentTHeavyFit(k, n, p, nu)? = error as? FitError else { return XCTFail("\(error)") }
            XCTAssertEqual(k, 167); XCTAssertEqual(n, 928); XCTAssertEqual(p, 2); XCTAssertEqual(nu, 0.2)
            XCTAssertTrue("\(error)".contains("167 of the 928 observations lie exactly on one fit"), "\(error)")
            XCTAssertTrue("\(error)".contains("unbounded for ν ≤ k/(n − k) = 0.2194"), "\(error)")
        }
        XCTAssertNoThrow(try StudentTRegression(design: counts.design, y: counts.y, nu: 0.25, weights: counts.frequencyWeights))
        let small = try DesignMatrix.build([.numeric(name: "x", values: [1, 1, 1, 2, 3, 4])])
        let y = [2.0, 2, 2, 5, 3.5, 9]
        XCTAssertEqual(StudentTRegression.repeatedRows(x: small.matrix, y: y)?.copies, [3, 1, 1, 1])
        let t = try StudentTRegression(design: small, y: y, nu: 3)
        XCTAssertEqual(t.heaviestFit, 4, "(1, 2) three times and one more row on the line through it")
        // Rows at the response's commonest value lie on the fit with every slope 0: cpunish's 9
        // states with one execution (of 17), on income and region.
        let cpunish = Self.corpus.deletingLastPathComponent().appendingPathComponent("cpunish.csv")
        let exec = ModelSpecification(response: "EXECUTIONS", predictors: ["INCOME", "SOUTH"])
        let e = try ModelData.build(exec, data: try ColumnReader.read(path: cpunish.path, source: "cpunish.csv", columns: exec.columns),
                                    response: .continuous, dropMissing: false)
        XCTAssertEqual(StudentTRegression.commonestResponse(e.y, weights: nil), 9)
        let te = try StudentTRegression(design: e.design, y: e.y)
        XCTAssertEqual(te.heaviestFit, 9)
        XCTAssertEqual(te.nuFloor, 1.25)
        XCTAssertTrue(te.nuAtFloor)
        XCTAssertEqual(StudentTRegression.subsets(11, 2), 55)
        XCTAssertEqual(StudentTRegression.subsets(8, 5), 56)
    }
}
