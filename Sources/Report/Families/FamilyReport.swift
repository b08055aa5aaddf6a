import Foundation
import Likelihood
import Mustache

/// A noise family as the report shows it: its derivation, its model section, its figures,
/// its rows of the stdout summary, its checks and its fields of `report.json`. One type per
/// family, each in its own file beside this one, plus one template pair (`derivation-…` and
/// `model-…`); the rest of the report reaches the family only through this protocol.
protocol FamilyReport {
    /// The name users type and the default model name.
    static var kind: ModelKind { get }
    /// The noise model in the stdout summary's heading, e.g. "Gaussian (least squares)".
    static var summaryName: String { get }
    /// `family` in report.json.
    static var jsonFamily: String { get }
    /// The derivation this family's models follow on the page.
    static var derivation: Derivation { get }
    /// The template partial of one model's section.
    static var modelPartial: String { get }
    /// The figure kinds of one model, in page order (`<model>-<kind>` files).
    static var figureKinds: [String] { get }
    /// Whether the family puts noise around a line for y itself (linear, Laplace, Student-t):
    /// these are compared on the same data.
    static var isLocationFamily: Bool { get }
    /// The name of the coefficient table's statistic: "t" or "z".
    static var statisticName: String { get }
    /// The built-in data fitted when no file is given.
    static func builtinData(seed: UInt64) -> Dataset
    /// Fits the family. Throws `FitError` (located by the caller) or `ReportError`.
    static func analyse(_ request: ModelRequest, x: [Double], y: [Double], name: String, source: String) throws -> ModelAnalysis
    /// One figure of `figureKinds`; `aspect` is the plot area's height over its width.
    static func figure(_ kind: String, _ m: ModelAnalysis, aspect: Double) -> ReportFigure
    /// The stdout summary's lines after the coefficient table.
    static func summary(_ m: ModelAnalysis) -> [String]
    /// The model section's own values and checks.
    static func page(_ m: ModelAnalysis, _ page: inout ModelPage)
    /// The family's own fields of the model's entry in report.json.
    static func json(_ m: ModelAnalysis, _ o: inout [String: JSON])
    /// Warnings about this fit for the page, stderr and report.json.
    static func warnings(_ m: ModelAnalysis) -> [String]
}

extension FamilyReport {
    static var isLocationFamily: Bool { false }
    static var statisticName: String { "z" }
    static func warnings(_ m: ModelAnalysis) -> [String] { [] }
    /// A number for prose and captions, to `digits` significant digits.
    static func s(_ v: Double, _ digits: Int = 3) -> String { NumberFormat.significant(v, digits) }
}

/// A derivation section of the page.
/// Its title is the family's `derivationTitle` piece.
struct Derivation {
    var partial: String
    var id: String
}

/// The registry of families, in page order.
enum Families {
    static let all: [any FamilyReport.Type] = [LinearReport.self, LaplaceReport.self, StudentTReport.self,
                                               LogisticReport.self, PoissonReport.self]
    static var names: [String] { all.map { $0.kind.rawValue } }

    static func family(_ kind: ModelKind) -> any FamilyReport.Type {
        all.first { $0.kind == kind }!
    }

    /// The derivations every page shows, whichever models it has: the two the report exists
    /// to prove (least squares and cross-entropy).
    static let alwaysDerived: Set<String> = ["linear", "logistic"]
}

/// How a failed check reads in the checks table (the words are in `checks.mustache`).
enum CheckFailure {
    case fails, didNotArrive, tooFar
}

/// The values and checks of one model's section, filled by the page builder and the family.
struct ModelPage {
    var values: [String: MustacheValue] = [:]
    var tex: [String: MustacheValue] = [:]
    var checks: [MustacheValue] = []

    /// A row of the checks table. `passes` decides the verdict; by default the two agree to
    /// 1e-9 relative (every derivation identity holds to rounding, about 1e-15).
    /// - Parameters:
    ///   - b: the value `a` is checked against; the difference shown is relative to it (a
    ///     slope 13 times too large shows as 12, not as 0.92).
    ///   - atMost: the claim is the inequality a ≤ b, and the row shows it so ("0.50 ≤ 1"),
    ///     not as a difference.
    mutating func check(_ what: String, _ left: String, _ right: String, _ a: Double, _ b: Double, passes: Bool? = nil,
                        failure: CheckFailure = .fails, atMost: Bool = false) {
        // Against an exact zero a relative difference means nothing: show the absolute one.
        let relative = b == 0 ? abs(a - b) : abs(a - b) / abs(b)
        let ok = passes ?? (atMost ? a <= b : relative <= 1e-9)
        let shown = atMost ? "\(NumberFormat.significant(a, 3)) ≤ \(NumberFormat.significant(b, 3))"
            : relative == 0 ? "0" : NumberFormat.significant(relative, 2)
        checks.append(["what": .string(what), "left": .string(left), "right": .string(right),
                       "leftValue": .string(NumberFormat.significant(a, 12)),
                       "rightValue": .string(NumberFormat.significant(b, 12)),
                       "difference": .string(shown),
                       "passed": .bool(ok), "fails": .bool(!ok && failure == .fails),
                       "didNotArrive": .bool(!ok && failure == .didNotArrive), "tooFar": .bool(!ok && failure == .tooFar)])
    }

    subscript(key: String) -> MustacheValue? {
        get { values[key] }
        set { values[key] = newValue }
    }
}
