import Foundation
import XCTest
import Likelihood
import Plot
@testable import Report

/// Each page figure's narrow rendering (issue 18, §5): on a phone's column (358 CSS px at a
/// width of 390 px) the main 640 pt rendering drew its smallest text at 4.5 px; the narrow one
/// keeps every text at 9 CSS px or more there.
final class NarrowFigureTests: XCTestCase {
    /// The column of a 390 px screen: the page's 1rem of padding on each side.
    static let phoneColumn = 358.0

    /// The figures of every family on its built-in data, and the comparison's.
    static func allFigures(_ options: ReportOptions) throws -> [ReportFigure] {
        var out: [ReportFigure] = []
        var models: [ModelAnalysis] = []
        for family in Families.all {
            let request = ModelRequest(kind: family.kind, dataPath: nil, x: "x", y: "y")
            let m = try ModelAnalysis.analyse(request, dataset: family.builtinData(seed: options.seed), name: family.kind.rawValue)
            models.append(m)
            out += FigureFactory.figures(for: m, options: options).compactMap { $0 }
        }
        let c = try Comparison.analyse(ComparisonRequest(dataPath: nil, x: "x", y: "y"), dataset: BuiltinData.outliers(seed: options.seed),
                                       name: "comparison", dropMissing: false)
        out.append(FigureFactory.finished(Comparison.figure(c), options: options))
        // The derivation sections' two-panel figures, stacked when narrow.
        out += DerivationFigures.make(analyses: models, comparisons: [c], prose: nil, options: options).values.sorted { $0.name < $1.name }
        return out
    }

    func testEveryNarrowRenderingKeepsItsTextAtNinePixelsOnAPhone() throws {
        let options = ReportOptions()
        let figures = try Self.allFigures(options)
        XCTAssertGreaterThanOrEqual(figures.count, 22, "every family's figures, the comparison's and the derivations'")
        let shown = Self.phoneColumn / ReportOptions.narrowWidth
        for fig in figures {
            let narrow = FigureFactory.narrow(fig, options: options)
            XCTAssertEqual(narrow.width, 360)
            XCTAssertEqual(narrow.height, fig.figure.panels.isEmpty ? options.narrowHeight : 2 * (options.narrowHeight - 40))
            let (smallest, extent) = narrow.textMetrics()
            XCTAssertTrue(smallest.isFinite, "\(fig.name) draws text")
            // Every text lies on the figure (a legend entry too long for 360 pt wraps).
            let box = try XCTUnwrap(extent)
            XCTAssertGreaterThanOrEqual(box.minX, 0, "\(fig.name): \(box)")
            XCTAssertGreaterThanOrEqual(box.minY, 0, "\(fig.name): \(box)")
            XCTAssertLessThanOrEqual(box.maxX, narrow.width, "\(fig.name): \(box)")
            XCTAssertLessThanOrEqual(box.maxY, narrow.height, "\(fig.name): \(box)")
            XCTAssertGreaterThanOrEqual(smallest * shown, 9, "\(fig.name): smallest text \(smallest) pt shown at \(smallest * shown) px")
            // The main rendering in the same column: what a phone had before. Its texts too lie
            // on it.
            let (mainSmallest, mainExtent) = fig.figure.textMetrics()
            let mainBox = try XCTUnwrap(mainExtent)
            XCTAssertTrue(mainBox.minX >= 0 && mainBox.minY >= 0 && mainBox.maxX <= fig.figure.width && mainBox.maxY <= fig.figure.height,
                          "\(fig.name): \(mainBox)")
            let main = mainSmallest * Self.phoneColumn / fig.figure.width
            XCTAssertLessThan(main, 6, "\(fig.name): the main rendering's text would be \(main) px on a phone")
        }
    }

    /// Narrow renderings keep the main one's ids apart (a single-file page inlines both), and
    /// their height follows the main figure's plot shape.
    func testNarrowRenderingsHaveTheirOwnIdsAndShape() throws {
        var options = ReportOptions()
        XCTAssertEqual(options.narrowHeight, 384, "a 640 × 480 figure's plot area is 390/530 as high as wide: 200 + 250 · 390/530")
        options.figureWidth = 640
        options.figureHeight = 640
        XCTAssertEqual(options.narrowHeight, 459)
        let fig = try Self.allFigures(ReportOptions())[0]
        let narrow = FigureFactory.narrow(fig, options: ReportOptions())
        XCTAssertEqual(narrow.idPrefix, fig.figure.idPrefix + "-narrow")
        let svg = String(decoding: try narrow.render(.svg), as: UTF8.self)
        XCTAssertTrue(svg.contains("width=\"360pt\""), String(svg.prefix(300)))
        XCTAssertFalse(svg.contains("id=\"\(fig.figure.idPrefix)-1\""), "no id of the main rendering")
    }

    /// The same on the real-data corpus (long column names in labels and legends, huge
    /// magnitudes in ticks): every narrow rendering keeps its texts on the figure and at
    /// 9 CSS px or more on a phone.
    func testNarrowRenderingsOfTheRealDataCorpusKeepTheirTextOnTheFigure() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Corpus")
        let configs = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.hasSuffix(".json") && $0 != "reference.json" && $0 != "families.json" }.sorted()
        XCTAssertGreaterThanOrEqual(configs.count, 14)
        var checked = 0
        for config in configs {
            var options = ReportOptions()
            try ConfigFile.apply(corpus.appendingPathComponent(config).path, to: &options)
            for (k, request) in options.models.enumerated() {
                let data = try CSVReader.read(path: try XCTUnwrap(request.dataPath))
                let m = try ModelAnalysis.analyse(request, dataset: data, name: "\(request.kind.rawValue)-\(k)", dropMissing: true)
                for fig in FigureFactory.figures(for: m, options: options).compactMap({ $0 }) {
                    let narrow = FigureFactory.narrow(FigureFactory.finished(fig, options: options), options: options)
                    let (smallest, extent) = narrow.textMetrics()
                    let box = try XCTUnwrap(extent)
                    XCTAssertTrue(box.minX >= 0 && box.minY >= 0 && box.maxX <= narrow.width && box.maxY <= narrow.height,
                                  "\(config) \(fig.name): \(box)")
                    XCTAssertGreaterThanOrEqual(smallest * Self.phoneColumn / narrow.width, 9, "\(config) \(fig.name)")
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 60)
    }
}
