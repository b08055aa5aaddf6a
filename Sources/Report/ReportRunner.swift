import Dispatch
import Foundation
import Likelihood
import Mustache
import Plot

/// One run: fit, draw, fill the templates, and write (or check) the output directory.
public enum ReportRunner {
    public static let version = "0.1.0"

    public struct Outcome {
        /// One summary table per model, for stdout.
        public var summaries: [String]
        public var warnings: [String]
        /// With `--check`: the files that would change (empty when the report is current).
        public var differences: [String]?
        /// Relative paths written.
        public var files: [String]
        /// Folders above `--out` that the run made (they were missing), outermost first.
        public var createdFolders: [String] = []
    }

    public static func run(_ options: ReportOptions, progress reportProgress: (String) -> Void = { _ in }) throws -> Outcome {
        // The figures are drawn, and the models fitted, on workers that report progress (one
        // report at a time: ProgressLine is not thread-safe); every worker has ended before
        // `run` returns or throws (it waits for them), so the closure does not escape.
        try withoutActuallyEscaping(reportProgress) { report in
            let reporter = Unchecked(report)
            let lock = NSLock()
            let send: @Sendable (String) -> Void = { message in
                lock.lock()
                reporter.value(message)
                lock.unlock()
            }
            // Long fits (Newton steps, pivots, binned surfaces) say how far they are.
            return try FitProgress.reporting(to: send) { try run(options, reporting: send) }
        }
    }

    private static func run(_ given: ReportOptions, reporting reportProgress: @escaping @Sendable (String) -> Void) throws -> Outcome {
        // The requests learn, once their data are read, whether a predictor holds text (a
        // categorical column makes the model a several-predictor one).
        var options = given
        Timing.begin()
        func progress(_ s: String) {
            if !s.hasPrefix("drawing figures:") && !s.hasPrefix("reading ") { Timing.mark(s) }
            reportProgress(s)
        }
        guard let defaultTemplates = TemplateLoader.defaultDirectory() else {
            throw ReportError("cannot find the default templates (set MLE_REPORT_TEMPLATES to the Templates folder)")
        }
        if let user = options.templatesDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: user, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ReportError("--templates: \(user): no such directory")
            }
        }
        let loader = TemplateLoader(userDirectory: options.templatesDirectory, defaultDirectory: defaultTemplates)
        // Every word of the page comes from the text templates: a broken one fails here, first.
        let prose = try Prose(loader: loader)
        // Refuse a folder the run may not replace before doing any work; the staging folder
        // then fills while the figures are drawn and is swapped in at the end, or deleted if
        // the run fails (when `staging` goes away uncommitted).
        if !options.check {
            let inputs = options.models.compactMap(\.dataPath).map { ("--data", $0) }
                + [options.configPath.map { ("--config", $0) }, options.templatesDirectory.map { ("--templates", $0) }].compactMap { $0 }
            try OutputDirectory.checkInputsOutside(options.outputDirectory, inputs: inputs)
        }
        let staging = options.check ? nil : try OutputDirectory.Staging(options.outputDirectory)
        defer { staging?.abandon() }

        // 1. Data and fits.
        var datasets: [String: Dataset] = [:]
        var inputs: [MustacheValue] = []
        var fits: [(ModelRequest, Dataset, String)] = []
        for (k, request) in options.models.enumerated() {
            let dataset: Dataset
            if let path = request.dataPath, datasets[path] == nil {
                // One read per file, of the columns its models use: the bytes parsed are the
                // bytes whose checksum the page shows.
                let (read, digest) = try readCSV(path, columns: columns(of: path, in: options.models), dialect: options.dialect,
                                                 text: textColumns(of: path, in: options.models), autoText: autoTextColumns(of: path, in: options.models),
                                                 progress: progress)
                dataset = read
                datasets[path] = dataset
                inputs.append(["name": .string(ReportOptions.path(path, relativeTo: options.outputParent)), "sha256": .string(digest),
                               "rows": .number(Double(dataset.rowCount))])
            } else {
                dataset = try loadDataset(request, options: options, cache: datasets)
            }
            if try detectText(request, in: dataset) { options.models[k].textDetected = true }
            fits.append((options.models[k], dataset, options.modelNames[k]))
        }
        // Models of several predictors (or categorical columns) go their own way (issue 19).
        let several = fits.filter { $0.0.isSeveral }
        fits = fits.filter { !$0.0.isSeveral }
        var comparisonJobs: [(ComparisonRequest, Dataset, String)] = []
        for (request, name) in zip(options.comparisons, options.comparisonNames) {
            let dataset: Dataset
            if let path = request.dataPath {
                dataset = try datasets[path] ?? ColumnReader.read(path: path, source: path, columns: [request.x, request.y], dialect: options.dialect)
            } else {
                dataset = BuiltinData.outliers(seed: options.seed)
            }
            comparisonJobs.append((request, dataset, name))
        }
        // The fits are independent: all at once, each into its own slot; the first error in
        // page order is the one reported. A comparison whose Laplace or Student-t fit a model
        // of the run already makes (same data and columns, ν estimated) waits for it instead.
        func reuses(_ c: ComparisonRequest) -> Bool {
            options.models.contains { $0.dataPath == c.dataPath && $0.x == c.x && $0.y == c.y
                && ($0.kind == .laplace || ($0.kind == .studentT && $0.nu == nil)) }
        }
        let early = comparisonJobs.indices.filter { !reuses(comparisonJobs[$0].0) }
        let late = comparisonJobs.indices.filter { reuses(comparisonJobs[$0].0) }
        progress("fitting \(fits.count) model\(fits.count == 1 ? "" : "s")\(comparisonJobs.isEmpty ? "" : " and comparing noise models")")
        var fitted = [Result<ModelAnalysis, Error>?](repeating: nil, count: fits.count)
        // Derivation figures drawn as soon as what they show is fitted.
        var earlyDerivation: [String: ReportFigure] = [:]
        var compared = [Result<ComparisonAnalysis, Error>?](repeating: nil, count: comparisonJobs.count)
        let slots = NSLock()
        // Each figure is drawn in every theme and format as soon as it is built, and each model's
        // figures are built (their grids sampled) as soon as its fit is done, so that no core
        // waits for another model's fit; rendered files go to the staging folder at once.
        let aspect = FigureFactory.plotAspect(options)
        let formats = options.singleFile ? [ImageFormat.svg] : options.formats
        let themes = options.themes.map { theme -> Theme in
            var t = theme
            t.transparent = options.transparent
            return t
        }
        let narrowFormat = options.narrowFormat
        let fileCount = options.figureNames.filter(options.wantsFigure).count * themes.count * (formats.count + (narrowFormat == nil ? 0 : 1))
        var rendered: [String: Result<[UInt8], Error>] = [:]
        let rendering = DispatchGroup()
        // On every way out, failures included: the workers use this frame's state.
        defer { rendering.wait() }
        func render(_ fig: ReportFigure, _ theme: Theme, _ format: ImageFormat, narrow: Bool) {
            var figure = narrow ? FigureFactory.narrow(fig, options: options) : fig.figure
            figure.theme = theme
            // Both renderings may be inlined in one page: their ids must differ.
            if theme.name == "dark" { figure.idPrefix += "-dark" }
            let name = ReportOptions.fileName(fig.name, theme: theme, format: format.rawValue, narrow: narrow)
            let result = Timing.measure("render \(fig.name) \(theme.name) \(format.rawValue)\(narrow ? " narrow" : "")") {
                Result { try figure.render(format, scale: options.scale) }
            }
            if case let .success(bytes) = result, !options.singleFile { staging?.add("figures/\(name)", bytes) }
            slots.lock()
            rendered[name] = result
            // (A model can draw other figures than its family's: Student-t data with Gaussian
            // tails get the Gaussian section.)
            let total = max(fileCount, rendered.count)
            progress("drawing figures: \(rendered.count) of \(total) files (\(rendered.count * 100 / max(total, 1)) %)")
            slots.unlock()
        }
        // Each render writes only its own slot, under the lock; `rendering.wait()` orders them
        // all before the reads.
        let renderWork = Unchecked(render)
        // PNGs first: they take about three times an SVG's time, and the shorter jobs left at
        // the end keep both cores busy to the last.
        let formatsByCost = formats.filter { $0 == .png } + formats.filter { $0 != .png }
        func draw(_ fig: ReportFigure) {
            for format in formatsByCost {
                for theme in themes {
                    DispatchQueue.global().async(group: rendering) { renderWork.value(fig, theme, format, false) }
                }
            }
            // The page's narrow renderings (for phones), last: they are the smallest jobs.
            if let narrowFormat {
                for theme in themes {
                    DispatchQueue.global().async(group: rendering) { renderWork.value(fig, theme, narrowFormat, true) }
                }
            }
        }
        var modelFigures = [[ReportFigure?]](repeating: [], count: fits.count)
        var comparisonFigures = [ReportFigure?](repeating: nil, count: comparisonJobs.count)
        var fittedCount = 0
        func compare(_ j: Int, known: KnownFits) {
            let (request, dataset, name) = comparisonJobs[j]
            let result = Result { () throws -> ComparisonAnalysis in
                var c = try Comparison.analyse(request, dataset: dataset, name: name, dropMissing: options.dropMissing, known: known)
                c.prose = prose
                if let path = request.dataPath { c.source = ReportOptions.path(path, relativeTo: options.outputParent) }
                return c
            }
            var figure: ReportFigure?
            if case let .success(c) = result, options.wantsFigure("\(c.name)-fits") {
                figure = FigureFactory.finished(Comparison.figure(c), options: options)
                draw(figure!)
            }
            slots.lock(); compared[j] = result; comparisonFigures[j] = figure; slots.unlock()
            // The Gaussian derivation's figure takes ν from the first comparison when no
            // Student-t model estimates it: drawn now, once the first linear fit is in too.
            if case let .success(c) = result, j == 0, options.wantsFigure(DerivationFigures.locationName),
               c.rows.contains(where: { $0.fit is StudentTFit }),
               !fits.contains(where: { $0.0.kind == .studentT && $0.0.nu == nil }) {
                slots.lock()
                let linearIndex = fits.firstIndex { $0.0.kind == .linear }
                var firstLinear: ModelAnalysis? = nil
                if let k = linearIndex, let r = fitted[k], case let .success(m) = r { firstLinear = m }
                slots.unlock()
                // No linear model, or its fit already in: the figure is final now.
                if linearIndex == nil || firstLinear != nil {
                    let analyses = firstLinear.map { [$0] } ?? []
                    let figure = DerivationFigures.location(analyses: analyses, comparisons: [c], prose: prose, options: options)
                    draw(figure)
                    slots.lock(); earlyDerivation[Families.family(.linear).derivation.id] = figure; slots.unlock()
                }
            }
        }
        // Each job on its own worker (not concurrentPerform: an apply nested inside another
        // runs one iteration at a time, and every fit and grid below uses applies of its own).
        let fitting = DispatchGroup()
        var severalResults = [Result<SeveralAnalysis, Error>?](repeating: nil, count: several.count)
        var severalFigures = [[ReportFigure?]](repeating: [], count: several.count)
        func severalJob(_ s: Int) {
            let (request, dataset, name) = several[s]
            let source = request.dataPath.map { ReportOptions.path($0, relativeTo: options.outputParent) } ?? dataset.source
            let result = Result { () throws -> SeveralAnalysis in
                var m = try SeveralAnalysis.analyse(request, dataset: dataset, name: name, source: source, dropMissing: options.dropMissing,
                                                    compare: options.compare)
                m.prose = prose
                return m
            }
            var figures: [ReportFigure?] = []
            if case let .success(m) = result {
                Timing.mark("\(m.name): fitted")
                figures = SeveralReport.figureKinds(request).map { kind in
                    guard options.wantsFigure("\(name)-\(kind)"), let made = SeveralFigures.figure(kind, m) else { return nil }
                    let figure = FigureFactory.finished(made, options: options)
                    draw(figure)
                    return figure
                }
            }
            slots.lock(); severalResults[s] = result; severalFigures[s] = figures; slots.unlock()
        }
        func figureJob(_ k: Int, _ j: Int, _ m: ModelAnalysis, _ kind: String) {
            let figure = Timing.measure("figure \(m.name)-\(kind)") { FigureFactory.figure(kind, for: m, aspect: aspect, options: options) }
            if let figure { draw(figure) }
            slots.lock(); modelFigures[k][j] = figure; slots.unlock()
        }
        func bernoulliJob(_ m: ModelAnalysis) {
            let figure = DerivationFigures.bernoulli(for: m, prose: prose, options: options)
            draw(figure)
            slots.lock(); earlyDerivation[Families.family(.logistic).derivation.id] = figure; slots.unlock()
        }
        let figureWork = Unchecked(figureJob), bernoulliWork = Unchecked(bernoulliJob)
        func job(_ k: Int) {
            if k >= fits.count + early.count { return severalJob(k - fits.count - early.count) }
            guard k < fits.count else { return compare(early[k - fits.count], known: KnownFits()) }
            let (request, dataset, name) = fits[k]
            let result = Result { () throws -> ModelAnalysis in
                var analysis = try ModelAnalysis.analyse(request, dataset: dataset, name: name, dropMissing: options.dropMissing)
                analysis.prose = prose
                // Messages name the file as typed; the page and report.json name it as the
                // canonical command does, so that two spellings of one run give one report.
                if let path = request.dataPath { analysis.source = ReportOptions.path(path, relativeTo: options.outputParent) }
                return analysis
            }
            guard case let .success(m) = result else {
                slots.lock(); fitted[k] = result; slots.unlock()
                return
            }
            Timing.mark("\(m.name): fitted")
            let kinds = m.family.figureKinds
            slots.lock()
            fitted[k] = result
            modelFigures[k] = [ReportFigure?](repeating: nil, count: kinds.count)
            fittedCount += 1
            progress("fitted \(fittedCount) of \(fits.count) model\(fits.count == 1 ? "" : "s") (\(m.name)); building its figures")
            slots.unlock()
            // Each figure is a job of its own, so that a core another fit frees takes the next
            // one (an apply here would run them one after another while the pool is busy).
            let model = Unchecked(m)
            for (j, kind) in kinds.enumerated() {
                DispatchQueue.global().async(group: fitting) { figureWork.value(k, j, model.value, kind) }
            }
            // The Bernoulli derivation's figure needs only the page's first logistic fit:
            // drawn now, its renderings share the cores with the fits still running.
            if m.kind == .logistic, k == fits.firstIndex(where: { $0.0.kind == .logistic }),
               options.wantsFigure(DerivationFigures.bernoulliName) {
                DispatchQueue.global().async(group: fitting) { bernoulliWork.value(model.value) }
            }
        }
        // Each job writes only its own slots (under the lock), and the waits order it before
        // the reads below.
        let work = Unchecked(job)
        for k in 0..<(fits.count + early.count + several.count) { DispatchQueue.global().async(group: fitting) { work.value(k) } }
        fitting.wait()
        // The first failure in the order the models were asked for.
        for k in options.models.indices {
            if let f = fits.firstIndex(where: { $0.2 == options.modelNames[k] }) { _ = try fitted[f]!.get() }
            if let s = several.firstIndex(where: { $0.2 == options.modelNames[k] }) { _ = try severalResults[s]!.get() }
        }
        let analyses = try fitted.map { try $0!.get() }
        let severals = try severalResults.map { try $0!.get() }
        DispatchQueue.concurrentPerform(iterations: late.count) { k in
            let c = comparisonJobs[late[k]].0
            var known = KnownFits()
            for m in analyses where m.request.dataPath == c.dataPath && m.request.x == c.x && m.request.y == c.y && m.request.nu == nil {
                known.add(m.result)
            }
            compare(late[k], known: known)
        }
        let comparisons = try compared.map { try $0!.get() }
        // The derivation sections' figures, drawn from the fits: the page's estimated ν and
        // its first linear and logistic models' points.
        let derivationFigures = DerivationFigures.make(analyses: analyses, comparisons: comparisons, prose: prose, options: options,
                                                       ready: earlyDerivation)
        for (id, fig) in derivationFigures where earlyDerivation[id] == nil { draw(fig) }
        Timing.mark("figures built")
        var warnings: [String] = []
        for m in analyses {
            if m.droppedRows > 0 {
                warnings.append(m.common("droppedWarning", [
                    "model": .string(m.name), "dropped": .string(String(m.droppedRows)), "rows": .string(String(m.droppedRows + m.n)),
                    "file": .string(Message.quoted(m.request.dataPath ?? m.source)), "x": .string(Message.quoted(m.request.x)),
                    "y": .string(Message.quoted(m.request.y)),
                ]))
            }
            warnings += m.notes.map { prose.text($0.file, $0.piece, $0.values) }
            warnings += m.family.warnings(m)
        }
        for m in severals { warnings += SeveralReport.warnings(m) }

        // 2. Figures, in page order once all are drawn: the first failure is the one reported.
        // The page needs them only when it inlines them; otherwise it is made while they draw.
        var files = OutputFiles()
        var inlineSVG: [String: String] = [:]
        func collectFigures() throws {
            rendering.wait()
            for fig in (modelFigures.flatMap { $0 } + severalFigures.flatMap { $0 } + comparisonFigures + Array(derivationFigures.values)).compactMap({ $0 }) {
                for theme in themes {
                    let renderings = formats.map { ($0, false) } + (narrowFormat.map { [($0, true)] } ?? [])
                    for (format, narrow) in renderings {
                        let name = ReportOptions.fileName(fig.name, theme: theme, format: format.rawValue, narrow: narrow)
                        let bytes = try rendered[name]!.get()
                        if options.singleFile {
                            // Inline SVG: drop the XML declaration, which is not allowed inside HTML.
                            var text = String(decoding: bytes, as: UTF8.self)
                            if text.hasPrefix("<?xml"), let end = text.range(of: "?>") { text = String(text[end.upperBound...]) }
                            // '$' and '\\' (from column names in titles and descriptions) as character
                            // references, so that the page's TeX pass never reads them as math.
                            if text.contains("$") || text.contains("\\") {
                                text = text.replacingOccurrences(of: "$", with: "&#36;").replacingOccurrences(of: "\\", with: "&#92;")
                            }
                            inlineSVG[name] = text.trimmingCharacters(in: .whitespacesAndNewlines)
                        } else {
                            files.add("figures/\(name)", bytes)
                        }
                    }
                }
            }
            Timing.mark("figures rendered")
        }
        if options.singleFile { try collectFigures() }


        // 4. The page.
        progress("writing the page")
        // Figures are numbered in page order: each family's models in the registry's order,
        // the comparisons after the last family they compare.
        enum PageItem { case derivation(String), model(Int), several(Int), comparison(Int) }
        var order: [PageItem] = []
        let lastLocation = Families.all.lastIndex { $0.isLocationFamily }
        for (index, family) in Families.all.enumerated() {
            if derivationFigures[family.derivation.id] != nil { order.append(.derivation(family.derivation.id)) }
            order += analyses.indices.filter { analyses[$0].kind == family.kind }.map(PageItem.model)
            // Softmax models follow the logistic ones: K classes after two.
            order += severals.indices.filter { severals[$0].kind == family.kind || (family.kind == .logistic && severals[$0].kind == .softmax) }
                .map(PageItem.several)
            if index == lastLocation { order += comparisons.indices.map(PageItem.comparison) }
        }
        var modelValues = [MustacheValue](repeating: .null, count: analyses.count)
        var comparisonValues = [MustacheValue](repeating: .null, count: comparisons.count)
        var severalValues = [MustacheValue](repeating: .null, count: severals.count)
        var number = 1
        var manifest: [JSON] = []
        let pageFormats = options.singleFile ? [] : options.formats
        let inlined = options.singleFile ? inlineSVG : nil
        let narrowPage = narrowFormat.map { NarrowRendering(format: $0, width: ReportOptions.narrowWidth, height: options.narrowHeight) }
        var derivationValues: [String: MustacheValue] = [:]
        for item in order {
            switch item {
            case let .derivation(id):
                let fig = derivationFigures[id]!
                derivationValues[id] = PageContext.figureValue(fig, number: number, formats: pageFormats, themes: options.themes,
                                                               narrow: narrowPage, inlineSVG: inlined)
                manifest.append(ReportJSON.figure(fig, number: number, model: nil, themes: themes, formats: formats,
                                                  narrow: narrowPage, scale: options.scale, inline: options.singleFile))
                number += 1
            case let .model(k):
                modelValues[k] = PageContext.model(analyses[k], figures: modelFigures[k], firstFigureNumber: number,
                                                   formats: pageFormats, themes: options.themes, narrow: narrowPage, inlineSVG: inlined)
                for (j, fig) in modelFigures[k].compactMap({ $0 }).enumerated() {
                    manifest.append(ReportJSON.figure(fig, number: number + j, model: analyses[k].name, themes: themes, formats: formats,
                                                      narrow: narrowPage, scale: options.scale, inline: options.singleFile))
                }
                number += modelFigures[k].compactMap { $0 }.count
            case let .several(k):
                severalValues[k] = SeveralReport.page(severals[k], figures: severalFigures[k], firstFigureNumber: number, formats: pageFormats,
                                                      themes: options.themes, narrow: narrowPage, inlineSVG: inlined)
                for (j, fig) in severalFigures[k].compactMap({ $0 }).enumerated() {
                    manifest.append(ReportJSON.figure(fig, number: number + j, model: severals[k].name, themes: themes, formats: formats,
                                                      narrow: narrowPage, scale: options.scale, inline: options.singleFile))
                }
                number += severalFigures[k].compactMap { $0 }.count
            case let .comparison(k):
                let value = PageContext.figureValue(comparisonFigures[k], number: number, formats: pageFormats,
                                                    themes: options.themes, narrow: narrowPage, inlineSVG: inlined)
                if let fig = comparisonFigures[k] {
                    manifest.append(ReportJSON.figure(fig, number: number, model: comparisons[k].name, themes: themes, formats: formats,
                                                      narrow: narrowPage, scale: options.scale, inline: options.singleFile))
                    number += 1
                }
                comparisonValues[k] = Comparison.page(comparisons[k], figure: comparisonFigures[k], figureValue: value, number: 0)
            }
        }
        // 3. report.json, with the manifest of the figures in page order.
        files.add("report.json", ReportJSON.document(analyses, several: severals, order: options.modelNames, comparisons: comparisons, warnings: warnings,
                                                     version: version, figures: manifest))

        let ids = sectionIDs(modelNames: analyses.map { $0.name } + severals.map(\.name), comparisonIDs: comparisons.map { $0.name })
        for k in modelValues.indices {
            guard case let .object(values) = modelValues[k] else { continue }
            var withID = values
            withID["id"] = .string(ids[k])
            modelValues[k] = .object(withID)
        }
        for k in severalValues.indices {
            guard case var .object(values) = severalValues[k] else { continue }
            values["id"] = .string(ids[analyses.count + k])
            severalValues[k] = .object(values)
        }
        var css = String(decoding: try loader.asset("style.css"), as: UTF8.self)
        // A user's extra.css comes after the stylesheet, so that its rules win.
        if let extra = try loader.extraStylesheet() { css += "\n/* extra.css from --templates */\n" + extra }
        let mathFont = try MathFont.bytes()
        if options.singleFile {
            // One self-contained file: the font travels inside the stylesheet.
            css = css.replacingOccurrences(of: "url(\"\(MathFont.fileName)\")",
                                           with: "url(\"data:font/otf;base64,\(Data(mathFont).base64EncodedString())\")")
        }
        let command = (["mle-report"] + options.canonicalArguments(relativeTo: options.outputParent)).map(shellQuoted).joined(separator: " ")
        var context: MustacheValue = [
            // The default title is the template's own (the `pageTitle` piece), so that it translates.
            "title": .string(options.title == ReportOptions().title ? prose.text("common", "pageTitle") : options.title),
            "version": .string(version),
            "models": .array(modelValues),
            "several": .array(severalValues),
            "sections": .array(sections(models: analyses, values: modelValues, several: zip(severals.map(\.kind), severalValues).map { ($0, $1) },
                                        comparisons: comparisonValues, derivationFigures: derivationValues, prose: prose)),

            "warnings": .array(warnings.map { ["text": .string($0)] }),
            "inputs": .array(inputs),
            "builtin": .bool(options.models.contains { $0.dataPath == nil }),
            "seed": .string(String(options.seed)),
            "command": .string(command),
            "singleFile": .bool(options.singleFile),
            "inlineCSS": .string(css),
        ]
        // Each family's models under its name too (`{{#linear}}…{{/linear}}`), as templates
        // written before `sections` expect.
        if case var .object(values) = context {
            for family in Families.all {
                values[family.kind.rawValue] = .array(zip(analyses, modelValues).filter { $0.0.kind == family.kind }.map(\.1))
            }
            context = .object(values)
        }
        let renderer = Renderer(loader: loader, strictness: .strict)
        renderer.isValidPartialName = TemplateLoader.isValidName
        renderer.dynamicPartialNames = ReportRunner.partialNames(in: context)
        // User text (column names, titles, file names) must stay text: besides HTML's
        // characters, escape the two that the TeX pass after rendering would read as math.
        renderer.escape = { raw in
            // Characters XML forbids never reach the page (inline SVG is XML; HTML calls them errors).
            let text = raw.unicodeScalars.contains(where: isForbiddenInXML)
                ? String(String.UnicodeScalarView(raw.unicodeScalars.map { isForbiddenInXML($0) ? "\u{FFFD}" : $0 })) : raw
            var out = Renderer.escapeHTML(text)
            if out.contains("$") || out.contains("\\") {
                out = out.replacingOccurrences(of: "$", with: "&#36;").replacingOccurrences(of: "\\", with: "&#92;")
            }
            return out
        }
        let html: String
        do {
            html = try renderer.render(named: "report", context)
        } catch let error as MustacheError {
            let path = loader.path(of: error.template) ?? error.template
            var described = error
            described.template = path
            throw ReportError(described.description)
        }
        // A text template that failed (a name its values lack) fails the run, before anything is written.
        try prose.check()
        if !options.noPage {
            files.add("index.html", try MathInHTML.typeset(html, source: "index.html (rendered from report.mustache)",
                                                           locate: { loader.locate(formula: $0) }))
            if !options.singleFile {
                files.add("assets/style.css", css)
                files.add("assets/\(MathFont.fileName)", mathFont)
            }
        }
        // The figures went to the staging folder as they were drawn; the rest goes now.
        if let staging {
            for path in files.files.keys.sorted() { staging.add(path, files.files[path]!) }
        }
        if !options.singleFile { try collectFigures() }

        // 5. Compare or swap in.
        if options.check {
            files.listFilesInMarker()
            return Outcome(summaries: summaries(analyses, severals, order: options.modelNames) + comparisons.map(Comparison.summary), warnings: warnings,
                           differences: files.differences(from: options.outputDirectory, tolerance: options.checkTolerance),
                           files: files.files.keys.sorted())
        }
        progress("replacing \(Message.escaped(options.outputDirectory, limit: 1000))")
        try staging!.commit()
        Timing.mark("done")
        return Outcome(summaries: summaries(analyses, severals, order: options.modelNames) + comparisons.map(Comparison.summary), warnings: warnings, differences: nil,
                       files: files.files.keys.sorted(), createdFolders: staging!.createdParents)
    }

    /// The section id of each model: its name, unless the page already uses that id (a model
    /// named by its family, such as "student-t", beside that family's derivation), then with
    /// "-model" after it.
    static func sectionIDs(modelNames: [String], comparisonIDs: [String]) -> [String] {
        var taken: Set<String> = ["likelihood", "why-log", "reproduce"]
        taken.formUnion(Families.all.map { $0.derivation.id })
        taken.formUnion(comparisonIDs)
        return modelNames.map { name in
            var id = name
            while taken.contains(id) { id += "-model" }
            taken.insert(id)
            return id
        }
    }

    /// The numbered sections after the two general ones: each family's derivation (the
    /// Gaussian and Bernoulli ones always, the others when a model uses them) followed by its
    /// models, in the registry's order. Each renders with its own partial (`partial`).
    static func sections(models: [ModelAnalysis], values: [MustacheValue], several: [(ModelKind, MustacheValue)] = [], comparisons: [MustacheValue],
                         derivationFigures: [String: MustacheValue] = [:], prose: Prose) -> [MustacheValue] {
        var out: [MustacheValue] = []
        var number = 3
        // The comparisons follow the last location family's models, whose derivations they need.
        let lastLocation = Families.all.lastIndex { $0.isLocationFamily }
        for (index, family) in Families.all.enumerated() {
            let mine = zip(models, values).filter { $0.0.kind == family.kind }.map(\.1) + several.filter { $0.0 == family.kind || (family.kind == .logistic && $0.0 == .softmax) }.map(\.1)
            let derived = !mine.isEmpty || Families.alwaysDerived.contains(family.kind.rawValue)
                || (family.isLocationFamily && !comparisons.isEmpty)
            defer {
                if index == lastLocation {
                    for value in comparisons {
                        guard case var .object(o) = value else { continue }
                        o["number"] = .number(Double(number))
                        out.append(.object(o))
                        number += 1
                    }
                }
            }
            guard derived else { continue }
            let d = family.derivation
            out.append(["partial": .string(d.partial), "id": .string(d.id), "title": .string(prose.text(family.kind.rawValue, "derivationTitle")),
                        "number": .number(Double(number)), "figure": derivationFigures[d.id] ?? .bool(false)])
            number += 1
            for value in mine {
                guard case var .object(o) = value else { continue }
                o["number"] = .number(Double(number))
                o["title"] = .string(prose.text("common", "modelSectionTitle", ["displayName": o["displayName"] ?? .string("")]))
                out.append(.object(o))
                number += 1
            }
        }
        return out
    }

    /// The columns the models read from `path`, in order of first use.
    static func columns(of path: String, in models: [ModelRequest]) -> [String] {
        var out: [String] = []
        for m in models where m.dataPath == path {
            for c in m.predictors + [m.y] + [m.weights, m.trials, m.exposure].compactMap({ $0 }) where !out.contains(c) { out.append(c) }
        }
        return out
    }

    /// Columns read as text from the start: the models' `--factor` columns.
    static func textColumns(of path: String, in models: [ModelRequest]) -> Set<String> {
        Set(models.filter { $0.dataPath == path }.flatMap(\.factors))
    }

    /// Columns read as numbers unless a cell is a word: every predictor, and a logistic
    /// model's response (two levels such as Yes/No).
    static func autoTextColumns(of path: String, in models: [ModelRequest]) -> Set<String> {
        Set(models.filter { $0.dataPath == path }.flatMap { $0.predictors + ($0.kind == .logistic || $0.kind == .softmax ? [$0.y] : []) })
    }

    /// Whether `request` meets a column of text it must treat as categorical: a predictor (or
    /// a logistic response) whose values are words. A column that is mostly numbers with a few
    /// words is a number column with a typo: its first bad cell is reported, located.
    static func detectText(_ request: ModelRequest, in dataset: Dataset) throws -> Bool {
        var found = false
        for column in request.predictors + (request.kind == .logistic ? [request.y] : [])
        where dataset.isText(column) && !request.factors.contains(column) {
            guard let (_, levels) = dataset.categorical(column) else { continue }
            let numeric = levels.filter { Double($0.trimmingCharacters(in: .whitespaces)) != nil }.count
            if numeric * 2 >= levels.count && levels.count > 2 { _ = try dataset.numbersOrMissing(column) }
            found = true
        }
        return found
    }

    /// The stdout summaries, in the order the models were asked for.
    static func summaries(_ analyses: [ModelAnalysis], _ several: [SeveralAnalysis], order: [String]) -> [String] {
        order.compactMap { name in
            analyses.first { $0.name == name }.map(Summary.text) ?? several.first { $0.name == name }.map(SeveralReport.summary)
        }
    }

    /// Streams a CSV file: its `columns` as numbers and the SHA-256 of its bytes, hashed on a
    /// second thread while the first parses (at most four blocks wait for the hasher).
    static func readCSV(_ path: String, columns: [String], dialect: CSVDialect, text: Set<String> = [], autoText: Set<String> = [],
                        progress: (String) -> Void) throws -> (Dataset, String) {
        let hashing = DispatchQueue(label: "mle-report.sha256")
        let room = DispatchSemaphore(value: 4)
        final class Box: @unchecked Sendable { var hasher = SHA256() }
        let box = Box()
        let shown = Message.escaped(path == StandardInput.path ? StandardInput.name : path)
        var lastPercent = -1
        // Standard input is copied to a private file first, read under its own name, and the
        // copy removed once read.
        let copy = path == StandardInput.path ? try StandardInput.materialise() : nil
        defer { if let copy { try? FileManager.default.removeItem(atPath: copy.folder) } }
        let readFrom = copy?.file ?? path, source = copy == nil ? path : StandardInput.name
        let dataset = try ColumnReader.read(path: readFrom, source: source, columns: columns, dialect: dialect, text: text, autoText: autoText, onBytes: { block in
            room.wait()
            hashing.async {
                block.withUnsafeBytes { box.hasher.update($0) }
                room.signal()
            }
        }, progress: { done, total in
            guard total > 0 else { return }
            let percent = min(100, done * 100 / total)
            if percent != lastPercent {
                lastPercent = percent
                let size = { (b: Int) in total >= 1 << 20 ? "\(b >> 20)" : "\(b >> 10)" }
                progress("reading \(shown): \(percent) % (\(size(done)) of \(size(total)) \(total >= 1 << 20 ? "MiB" : "KiB"))")
            }
        })
        Timing.mark("parsed \(shown)")
        let digest = hashing.sync { box.hasher.hex() }
        Timing.mark("hashed \(shown)")
        return (dataset, digest)
    }

    /// The data set of a request: the cached or freshly read CSV file, or the built-in data.
    static func loadDataset(_ request: ModelRequest, options: ReportOptions, cache: [String: Dataset]) throws -> Dataset {
        guard let path = request.dataPath else {
            return Families.family(request.kind).builtinData(seed: options.seed)
        }
        return try cache[path] ?? ColumnReader.read(path: path, source: path, columns: [request.x, request.y], dialect: options.dialect)
    }

    /// Fits the requested models and renders all their figures in every requested format,
    /// without writing anything: the figure stage alone, for benchmarks.
    /// - Returns: the number of files and their total size in bytes.
    public static func renderFigures(_ options: ReportOptions) throws -> (files: Int, bytes: Int) {
        var files = 0, bytes = 0
        for (k, request) in options.models.enumerated() {
            let dataset = try loadDataset(request, options: options, cache: [:])
            let m = try ModelAnalysis.analyse(request, dataset: dataset, name: "\(request.kind.rawValue)-\(k)")
            for fig in FigureFactory.figures(for: m, options: options).compactMap({ $0 }) {
                for format in options.formats {
                    bytes += try fig.figure.render(format, scale: options.scale).count
                    files += 1
                }
            }
        }
        return (files, bytes)
    }

    /// A word as a POSIX shell would need it typed.
    public static func shellQuoted(_ word: String) -> String {
        let safe = word.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_./=,:@%+".unicodeScalars.contains($0) }
        if safe && !word.isEmpty { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// A value handed to other threads whose safety the code around it ensures (each worker
/// writes only its own slots, under a lock, and a wait orders the writes before the reads).
private final class Unchecked<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

extension ReportRunner {
    /// The partial names the report itself put in the context (every `partial` value): the only
    /// names a dynamic partial may resolve to, whatever the user's data hold.
    static func partialNames(in value: MustacheValue) -> Set<String> {
        var names: Set<String> = []
        func walk(_ v: MustacheValue) {
            switch v {
            case let .array(items): items.forEach(walk)
            case let .object(fields):
                if case let .string(name)? = fields["partial"] { names.insert(name) }
                fields.values.forEach(walk)
            default: break
            }
        }
        walk(value)
        return names
    }
}
