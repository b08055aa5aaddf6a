import Foundation
import Likelihood
import Mustache
import Plot

/// The figures of a several-predictor model.
///
/// - `fitted`: for least squares the observed y against the fitted ŷ, with the line y = ŷ;
///   for a likelihood with a link, the observed share of ones (or mean count) in bins of the
///   fitted linear predictor η̂ = xᵀβ̂, with 95 % intervals, against the curve σ(η) (or e^η):
///   the calibration of the whole model in one picture.
/// - `effect`: the strongest numeric predictor's effect with the others held at their means
///   (categorical columns at their reference level): one line or curve per level of the first
///   categorical column; for least squares over the data when the design is one numeric and
///   one categorical column (the penguins' three lines), else over the partial residuals
///   (component plus residual: β̂ⱼxᵢⱼ + eᵢ), whose slope is exactly β̂ⱼ.
enum SeveralFigures {
    static func s(_ v: Double, _ digits: Int = 3) -> String { NumberFormat.significant(v, digits) }

    static func figure(_ kind: String, _ m: SeveralAnalysis) -> ReportFigure? {
        switch kind {
        case "fitted": return fitted(m)
        case "likelihood": return SoftmaxReport.fit(m) != nil ? SoftmaxReport.likelihood(m) : m.drawsGLMPictures ? likelihood(m) : nil
        case "descent": return SoftmaxReport.fit(m) != nil ? SoftmaxReport.descent(m) : descent(m)
        case "rootogram": return rootogram(m)
        case "qq": return qq(m)
        case "residuals": return residuals(m)
        case "effect": return effect(m)
        case "probabilities": return SoftmaxReport.probabilities(m)
        case "regions": return SoftmaxReport.regions(m)
        default: return PenaltyReport.figure(kind, m)
        }
    }

    /// A Poisson model's hanging rootogram, as with one predictor: each count's observed
    /// frequency against Σᵢ P(Y = k | μ̂ᵢ), μ̂ᵢ = e^(xᵢᵀβ̂).
    static func rootogram(_ m: SeveralAnalysis) -> ReportFigure? {
        guard m.kind == .poisson else { return nil }
        let prose = m.prose ?? Prose.shared
        let fitted = m.fitted
        let w = m.weights
        return PoissonReport.rootogram(name: m.name, y: m.y, bars: PoissonModel.rootogramBars(y: m.y, weight: w.map { w in { w[$0] } }) { fitted[$0] },
                                       expectedZeros: fitted.indices.reduce(0) { $0 + (w?[$1] ?? 1) * exp(-fitted[$1]) },
                                       label: { prose?.text("poisson", $0, $1, markup: true) ?? "" },
                                       text: { prose?.text("poisson", $0, $1) ?? "" })
    }

    /// The normal Q–Q plot of a least-squares fit's studentised residuals, as with one
    /// predictor, the leverages from the whole design.
    static func qq(_ m: SeveralAnalysis) -> ReportFigure? {
        guard let qq = m.qq, let d = m.residualChecks else { return nil }
        let prose = m.prose ?? Prose.shared
        return LinearReport.qqFigure(name: m.name, qq: qq, skewness: d.shape.skewness, kurtosis: d.shape.excessKurtosis, rows: m.residualRows?.count ?? m.n,
                                     label: { prose?.text("linear", $0, $1, markup: true) ?? "" }, text: { prose?.text("linear", $0, $1) ?? "" })
    }

    /// Residuals against fitted values, as with one predictor.
    static func residuals(_ m: SeveralAnalysis) -> ReportFigure? {
        guard case let .linear(fit) = m.fit, let d = m.residualChecks else { return nil }
        let prose = m.prose ?? Prose.shared
        let n = fit.observations, rss = fit.rss
        // With frequency weights, the observations written out.
        let (ys, fs) = m.residualData
        return fs.withUnsafeBufferPointer { fitted in
            ys.withUnsafeBufferPointer { y in
                LinearReport.residualFigure(name: m.name, rows: ys.count, fitted: { fitted[$0] }, response: { y[$0] }, sigma: (rss / n).squareRoot(),
                                            breuschPaganP: d.breuschPaganP, label: { prose?.text("linear", $0, $1, markup: true) ?? "" },
                                            text: { prose?.text("linear", $0, $1) ?? "" },
                                            densityLabel: prose?.text("common", "densityLegend", [:], markup: true) ?? "",
                                            tiedLabel: { prose?.text("common", "tiedDataLegend", ["data": .string($0), "distinct": .string($1)], markup: true) ?? "" })
            }
        }
    }

    /// Mean of `y` (share of ones for 0/1 data) in up to `count` bins of `x` cut at its
    /// quantiles, with a 95 % interval: Wilson's for shares, the mean ± 1.96 s/√k otherwise
    /// (s the bin's own standard deviation).
    /// Rows binned by x: the bin's mean x, its mean response with a 95 % interval, and (with
    /// `fitted`) the model's mean fitted value over the same rows, which is what the observed
    /// mean estimates when the model is right (not the curve at the mean x: with wide bins the
    /// two differ by more than a large sample's interval).
    struct Bin { var x: Double; var mean: Double; var low: Double; var high: Double; var count: Int; var expected: Double = .nan }

    /// `weights`: how many observations each row stands for (frequencies, a group's trials).
    static func bins(x: [Double], y: [Double], count: Int, kind: ModelKind, fitted: [Double]? = nil, weights: [Double]? = nil) -> [Bin] {
        let n = x.count
        let k = max(1, min(count, n / 3))
        var sample = n > 20_000 ? RandomGenerator.onePerBlock(n: n, stride: n / 20_000, seed: 0xB1A5).map { x[$0] } : x
        sample.sort()
        let cuts = (1..<max(k, 1)).map { sample[$0 * sample.count / k] }
        var rows = [Double](repeating: 0, count: k), sx = [Double](repeating: 0, count: k)
        var sy = [Double](repeating: 0, count: k), syy = [Double](repeating: 0, count: k), sf = [Double](repeating: 0, count: k)
        for i in 0..<n {
            // Binary search of the cuts: a value equal to a cut goes to the lower bin.
            var lo = 0, hi = cuts.count
            while lo < hi { let mid = (lo + hi) / 2; if cuts[mid] < x[i] { lo = mid + 1 } else { hi = mid } }
            let w = weights?[i] ?? 1
            rows[lo] += w; sx[lo] += w * x[i]; sy[lo] += w * y[i]; syy[lo] += w * y[i] * y[i]
            if let fitted { sf[lo] += w * fitted[i] }
        }
        let z = Distributions.normalQuantile975
        return (0..<k).compactMap { j in
            guard rows[j] > 0 else { return nil }
            let r = rows[j], mean = sy[j] / r
            switch kind {
            case .logistic:
                return shareBin(x: sx[j] / r, share: mean, weight: r, fitted: sf[j] / r)
            default:
                // Counts too: the bin's own spread, not the Poisson variance the model assumes
                // (overdispersed counts would get intervals far too narrow).
                let variance = rows[j] > 1 ? max(0, (syy[j] - r * mean * mean) / (r - 1)) : 0
                let half = z * (variance / r).squareRoot()
                return Bin(x: sx[j] / r, mean: mean, low: kind == .poisson ? max(0, mean - half) : mean - half, high: mean + half, count: Int(r.rounded()),
                           expected: sf[j] / r)
            }
        }
    }

    /// One diamond: a share of `weight` observations at `x`, with Wilson's 95 % interval for
    /// that many, and the model's mean probability there.
    static func shareBin(x: Double, share: Double, weight: Double, fitted: Double) -> Bin {
        let (low, high) = Distributions.wilson95(share: share, count: weight)
        return Bin(x: x, mean: share, low: low, high: high, count: Int(weight.rounded()), expected: fitted)
    }

    /// Each binomial group's share of successes at its η̂, for its trials (times its frequency).
    static func groupShares(_ m: SeveralAnalysis) -> [Bin] {
        m.y.indices.map { shareBin(x: m.eta[$0], share: m.y[$0], weight: m.weights?[$0] ?? 1, fitted: m.fitted[$0]) }.sorted { $0.x < $1.x }
    }

    /// Frequency-weighted 0/1 rows pooled by their linear predictor (rows with the same
    /// predictors share η̂ exactly): each value's share of ones over the observations its rows
    /// stand for; nil above 60 distinct values.
    static func pooledShares(_ m: SeveralAnalysis) -> [Bin]? {
        var groups: [Double: (ones: Double, total: Double, fitted: Double)] = [:]
        for i in m.y.indices {
            let w = m.weights?[i] ?? 1
            var g = groups[m.eta[i]] ?? (0, 0, m.fitted[i])
            g.ones += w * m.y[i]; g.total += w
            groups[m.eta[i]] = g
            if groups.count > 60 { return nil }
        }
        return groups.keys.sorted().compactMap { eta in
            let g = groups[eta]!
            return g.total > 0 ? shareBin(x: eta, share: g.ones / g.total, weight: g.total, fitted: g.fitted) : nil
        }
    }

    static func axis(_ lo: Double, _ hi: Double, count: Int = 200) -> [Double] {
        (0..<count).map { lo + (hi - lo) * Double($0) / Double(count - 1) }
    }

    /// Points of a scatter, or a density layer above `FigureFactory.densityThreshold`. With
    /// frequency weights (`m` given and weighted) each point is sized by the observations it
    /// stands for, and the density counts observations.
    static func addPoints(to f: inout Figure, x: [Double], y: [Double], color: Color, label: String, densityLabel: String,
                          weightedBy m: SeveralAnalysis? = nil) {
        let weights = m?.data.frequencyWeights
        if x.count > FigureFactory.densityThreshold {
            FigureFactory.addDensity(to: &f, x: x, y: y, label: weights == nil ? densityLabel : m!.label("observationDensityLegend"), weights: weights)
        } else if let m, let weights {
            FigureFactory.addTiedScatter(to: &f, zip(x, y).map { Point($0, $1) }, label: label, weights: weights) { _, distinct in
                m.label("weightedRowsLegend", ["observations": .string(GroupedReport.trimmed(m.data.observations)), "distinct": .string(distinct)])
            }
        } else {
            f.marks.append(.scatter(points: zip(x, y).map { Point($0, $1) }, color: color.withAlpha(0.55), size: 5, shape: .circle,
                                    edge: nil, label: label))
        }
    }

    static func fitted(_ m: SeveralAnalysis) -> ReportFigure {
        var f = Figure()
        let y = markupEscaped(m.request.y)
        let dense = m.n > FigureFactory.densityThreshold
        var values: [String: MustacheValue] = ["y": .string(m.request.y), "n": Prose.count(m.n), "dense": .bool(dense),
                                               "linear": .bool(m.continuous), "logistic": .bool(m.kind == .logistic), "eachGroup": .bool(false), "grouped": .bool(false), "sameTrials": .bool(false), "pooled": .bool(false),
                                               "poisson": .bool(m.kind == .poisson), "gaussian": .bool(m.kind == .linear),
                                               "laplace": .bool(m.kind == .laplace), "studentT": .bool(m.kind == .studentT)]
        if m.continuous {
            f.title = m.label("observedFittedTitle")
            f.xLabel = m.label("fittedAxis", ["y": .string(m.request.y)])
            f.yLabel = y
            let lo = min(m.fitted.min()!, m.y.min()!), hi = max(m.fitted.max()!, m.y.max()!)
            addPoints(to: &f, x: m.fitted, y: m.y, color: Palette.blue, label: m.label("rowsLegend", ["n": .string(String(m.n))]),
                      densityLabel: m.label("densityLegend"), weightedBy: m)
            f.marks.append(.line(points: [Point(lo, lo), Point(hi, hi)], color: Palette.vermillion, width: 1.6, dash: [],
                                 label: m.label("identityLegend")))
            // The rows the heavy-tailed fit discounts (weight below ½), or the rows the
            // least-absolute-deviations plane passes through, marked over the others.
            if m.n <= FigureFactory.densityThreshold {
                var marked: [Int] = []
                var label = ""
                if case let .studentT(fit) = m.fit {
                    let w = fit.weights(y: m.y)
                    marked = m.y.indices.filter { w[$0] < 0.5 }
                    label = m.label("discountedLegend", ["rows": Prose.count(marked.count)])
                } else if case let .laplace(fit) = m.fit {
                    marked = fit.basis
                    label = m.label("basisLegend", ["rows": Prose.count(marked.count)])
                }
                if !marked.isEmpty {
                    f.marks.append(.scatter(points: marked.map { Point(m.fitted[$0], m.y[$0]) }, color: Palette.orange, size: 7, shape: .diamond,
                                            edge: .edge, label: label))
                }
            }
            switch m.fit {
            case .softmax: break
            case let .linear(fit):
                values["r2"] = .string(s(fit.rSquared, 4))
                values["sigma"] = .string(s(fit.sigma2Unbiased.squareRoot()))
            case let .laplace(fit):
                values["scale"] = .string(s(fit.scale))
                values["onFit"] = Prose.count(fit.rowsOnFit)
                values["p"] = .string(String(fit.p))
                values["marked"] = .bool(m.n <= FigureFactory.densityThreshold)
            case let .studentT(fit):
                values["scale"] = .string(s(fit.scale))
                values["nu"] = .string(s(fit.nu))
                let w = fit.weights(y: m.y)
                values["discounted"] = Prose.count(w.filter { $0 < 0.5 }.count)
                values["marked"] = .bool(m.n <= FigureFactory.densityThreshold && w.contains { $0 < 0.5 })
            case .glm:
                break
            }
        } else {
            f.title = m.label(m.kind == .logistic ? (m.data.trials != nil ? "groupCalibrationTitle" : "calibrationTitle") : "countCalibrationTitle")
            f.xLabel = m.label("etaAxis", ["offset": .bool(m.data.exposure != nil)])
            f.yLabel = m.kind == .logistic ? m.label("shareAxis", ["y": .string(m.request.y)]) : m.label("meanCountAxis", ["y": .string(m.request.y)])
            let lo = m.eta.min()!, hi = m.eta.max()!
            let xs = axis(lo, hi)
            let curve = xs.map { m.kind == .logistic ? Numerics.sigmoid($0) : exp($0) }
            // Binomial groups (up to 60) are shown one by one, each with its own interval; more
            // rows, or frequencies, are binned with their weights.
            // Frequency-weighted 0/1 rows with few distinct predictor values are pooled per value
            // (UCB admissions: 24 rows, 12 combinations of gender and department).
            let pooled = m.kind == .logistic && m.data.trials == nil && m.data.frequencyWeights != nil ? pooledShares(m) : nil
            let eachGroup = (m.data.trials != nil && m.n <= 60) || pooled != nil
            let b = pooled ?? (eachGroup ? groupShares(m) : bins(x: m.eta, y: m.y, count: 10, kind: m.kind, fitted: m.fitted, weights: m.weights))
            values["eachGroup"] = .bool(eachGroup)
            values["pooled"] = .bool(pooled != nil)
            values["grouped"] = .bool(m.data.trials != nil || m.data.frequencyWeights != nil)
            f.marks.append(.line(points: zip(xs, curve).map { Point($0, $1) }, color: Palette.vermillion, width: 2, dash: [],
                                 label: m.label(m.kind == .logistic ? "sigmoidLegend" : "expLegend")))
            f.marks.append(.errorBars(points: b.map { Point($0.x, $0.mean) }, lower: b.map(\.low), upper: b.map(\.high), color: Palette.green, label: nil))
            f.marks.append(.scatter(points: b.map { Point($0.x, $0.mean) }, color: Palette.green, size: 7, shape: .diamond, edge: .edge,
                                    label: m.label(pooled != nil ? "pooledShareLegend" : eachGroup ? "groupShareLegend" : m.kind == .logistic ? (m.data.trials != nil ? "binSuccessLegend" : "binShareLegend") : "binMeanLegend")))
            if m.kind == .logistic { f.yLimits = (-0.03, 1.03) }
            // A bin is calibrated when the model's mean fitted value over its rows lies in its
            // interval (the curve at the bin's mean η̂ is off by Jensen's gap, which 10⁶ rows a
            // bin resolve).
            let covered = b.filter { $0.expected >= $0.low && $0.expected <= $0.high }.count
            values["bins"] = Prose.count(b.count)
            values["covered"] = Prose.count(covered)
            values["fewest"] = .string(String(b.map(\.count).min() ?? 0))
            values["most"] = .string(String(b.map(\.count).max() ?? 0))
            values["sameTrials"] = .bool(b.map(\.count).min() == b.map(\.count).max())
            values["from"] = .string(s(lo)); values["to"] = .string(s(hi))
        }
        f.accessibleTitle = m.text("fittedAccessibleTitle", ["model": .string(m.name)])
        return ReportFigure(name: "\(m.name)-fitted", figure: f, caption: m.text("fittedCaption", values), altText: m.text("fittedAlt", values))
    }

    /// Whether row i is in the level whose dummy is design column `index` (nil: the reference
    /// level, in none of the dummies), read from the level codes the dummies are views of.
    static func levelMembership(_ m: SeveralAnalysis, dummies: [Int]) -> (Int, Int?) -> Bool {
        var codes: [Double] = [], codeOf: [Int: Double] = [:]
        for j in dummies {
            if case let .indicator(c, code) = m.design.sources[j] { codes = c; codeOf[j] = code }
        }
        let coded = Set(codeOf.values)
        return { i, index in index.map { codes[i] == codeOf[$0] } ?? !coded.contains(codes[i]) }
    }

    static func effect(_ m: SeveralAnalysis) -> ReportFigure? {
        guard let pair = m.pairPredictor, let column = m.design.terms[pair.index].column else { return nil }
        let x = m.design.column(pair.index)
        let beta = m.coefficients
        // The other columns at their means, dummies at the reference level (the lines vary them).
        let means = m.typicalRow
        let categorical = m.firstCategorical
        // Each row's level of the first categorical column.
        let inLevel = categorical.map { levelMembership(m, dummies: $0.indices) } ?? { _, _ in true }
        let levels: [(name: String, index: Int?)] = categorical.map { cat in
            Array(cat.coding.levels.prefix(7)).map { level in (level, cat.indices.first { m.design.terms[$0].level == level }) }
        } ?? [("", nil)]
        var base = 0.0
        for j in 0..<m.design.columns where j != pair.index { base += beta[j] * means[j] }
        let lo = x.min()!, hi = x.max()!
        let xs = axis(lo, hi)
        func mean(_ eta: Double) -> Double { m.kind == .logistic ? Numerics.sigmoid(eta) : m.kind == .poisson ? exp(eta) : eta }
        var f = Figure()
        f.xLabel = markupEscaped(column)
        let overData = m.continuous && m.request.predictors.count == 2 && categorical != nil
        let partial = m.continuous && !overData
        var values: [String: MustacheValue] = [
            "x": .string(column), "y": .string(m.request.y), "slope": .string(s(beta[pair.index], 4)),
            "linear": .bool(m.continuous), "logistic": .bool(m.kind == .logistic), "poisson": .bool(m.kind == .poisson),
            "overData": .bool(overData), "weighted": .bool(m.data.frequencyWeights != nil), "partial": .bool(partial), "hasLevels": .bool(categorical != nil),
            "levels": Prose.count(levels.count), "column": .string(categorical?.coding.column ?? ""),
            "allLevels": .bool((categorical?.coding.levels.count ?? 0) <= 7), "others": Prose.count(max(0, m.request.predictors.count - 1)),
            "alone": .bool(m.request.predictors.count == 1),
            "n": Prose.count(m.n),
        ]
        if partial {
            // Component plus residual: β̂ⱼxᵢⱼ + (yᵢ − ŷᵢ).
            let cr = (0..<m.n).map { beta[pair.index] * x[$0] + m.y[$0] - m.fitted[$0] }
            f.title = m.label("partialTitle", ["x": .string(column)])
            f.yLabel = m.label("partialAxis", ["x": .string(column)])
            addPoints(to: &f, x: x, y: cr, color: Palette.blue, label: m.label("partialLegend"), densityLabel: m.label("densityLegend"), weightedBy: m)
            f.marks.append(.line(points: [Point(lo, beta[pair.index] * lo), Point(hi, beta[pair.index] * hi)], color: Palette.vermillion,
                                 width: 2, dash: [], label: m.label("slopeLegend", ["slope": .string(s(beta[pair.index], 4))])))
        } else {
            f.title = m.label("effectTitle", ["x": .string(column)])
            f.yLabel = m.continuous ? markupEscaped(m.request.y)
                : m.kind == .logistic ? m.label("shareAxis", ["y": .string(m.request.y)]) : m.label("meanCountAxis", ["y": .string(m.request.y)])
            if overData {
                // The data, coloured by level, under their lines.
                for (k, level) in levels.enumerated() {
                    let rows = (0..<m.n).filter { inLevel($0, level.index) }
                    let color = Palette.lines[k % Palette.lines.count]
                    if m.n <= FigureFactory.densityThreshold {
                        if let w = m.data.frequencyWeights {
                            // Each point sized by the observations its rows stand for.
                            FigureFactory.addSizedMarkers(to: &f, FigureFactory.ties(rows.map { Point(x[$0], m.y[$0]) }, weights: rows.map { w[$0] }),
                                                          color: color.withAlpha(0.4), edge: nil, scale: 0.9, label: nil)
                        } else {
                            f.marks.append(.scatter(points: rows.map { Point(x[$0], m.y[$0]) }, color: color.withAlpha(0.45), size: 4.5,
                                                    shape: .circle, edge: nil, label: nil))
                        }
                    }
                }
            } else if !m.continuous {
                let b = bins(x: x, y: m.y, count: 8, kind: m.kind, weights: m.weights)
                f.marks.append(.errorBars(points: b.map { Point($0.x, $0.mean) }, lower: b.map(\.low), upper: b.map(\.high), color: Palette.green, label: nil))
                f.marks.append(.scatter(points: b.map { Point($0.x, $0.mean) }, color: Palette.green, size: 7, shape: .diamond, edge: .edge,
                                        label: m.label("marginalBinsLegend", ["x": .string(column)])))
                if m.kind == .logistic { f.yLimits = (-0.03, 1.03) }
            }
            for (k, level) in levels.enumerated() {
                let shift = level.index.map { beta[$0] } ?? 0
                // Over the data, each level's line spans its own rows.
                var span = xs
                if overData {
                    let own = (0..<m.n).filter { inLevel($0, level.index) }.map { x[$0] }
                    if let a = own.min(), let b = own.max(), b > a { span = axis(a, b, count: 2) }
                }
                let curve = span.map { mean(base + shift + beta[pair.index] * $0) }
                let label = categorical == nil ? m.label("effectLegend", ["others": .bool(m.request.predictors.count > 1)])
                    : m.label("levelLegend", ["column": .string(categorical!.coding.column), "level": .string(level.name),
                                               "reference": .bool(level.index == nil)])
                f.marks.append(.line(points: zip(span, curve).map { Point($0, $1) }, color: Palette.lines[k % Palette.lines.count],
                                     width: 2, dash: k == 0 ? [] : [[6, 3], [2, 2], [8, 3, 2, 3]][(k - 1) % 3], label: label))
            }
            if let cat = categorical {
                values["reference"] = .string(cat.coding.reference)
                values["shown"] = .string(levels.map(\.name).joined(separator: ", "))
            }
        }
        f.accessibleTitle = m.text("effectAccessibleTitle", ["model": .string(m.name), "x": .string(column)])
        return ReportFigure(name: "\(m.name)-effect", figure: f, caption: m.text("effectCaption", values), altText: m.text("effectAlt", values))
    }

    /// The design columns of the pair the surface is drawn over: `--pair a,b` when given (a
    /// term, or `(Intercept)`), else the strongest numeric predictor and the intercept.
    static func pair(_ m: SeveralAnalysis) throws -> (Int, Int) {
        try pair(request: m.request, design: m.design, name: m.name, strongest: m.pairPredictor?.index)
    }

    static func pair(request: ModelRequest, design: DesignMatrix, name: String, strongest: Int?) throws -> (Int, Int) {
        let names = design.terms.map(\.name)
        if let asked = request.pair {
            let found = asked.map { names.firstIndex(of: $0) }
            guard let a = found[0], let b = found[1] else {
                let missing = asked.first { !names.contains($0) } ?? asked[0]
                throw ReportError("--pair: \(Message.quoted(missing)) is not a term of \(name); its terms are \(names.map { Message.quoted($0) }.joined(separator: ", "))")
            }
            guard a != b else { throw ReportError("--pair: two different terms, got \(Message.quoted(asked[0])) twice") }
            return (a, b)
        }
        return (strongest ?? 1, 0)
    }

    /// Resolution per axis: 41 points, fewer when the rows make each point's fit costly
    /// (a GLM point takes a few Newton steps over every row).
    static func resolution(_ m: SeveralAnalysis) -> Int {
        guard m.kind != .linear else { return 301 }
        // A point costs about 130 ns a row (a few warm-started Newton steps): about a second
        // of work in all.
        return max(11, min(41, Int((7.7e6 / Double(max(1, m.n))).squareRoot())))
    }

    /// The profile log-likelihood over a pair of coefficients with their exact joint region:
    /// for least squares in closed form (RSS rises by Δᵀ V⁻¹ Δ, V the pair's block of (XᵀX)⁻¹,
    /// and σ² is maximised out too), the F region RSS ≤ RSS_min (1 + 2F/(n − p)); for a GLM by
    /// Newton at every grid point, the likelihood-ratio region χ²₂(0.95)/2 below the top.
    static func likelihood(_ m: SeveralAnalysis) -> ReportFigure {
        let (a, b) = m.pair
        let ea = m.estimates[a].coefficient, eb = m.estimates[b].coefficient
        let cov: Matrix
        let depth: Double
        // Observations: the rows, or the frequency weights' sum.
        let nObs = m.data.observations
        let df = nObs - Double(m.design.columns)
        switch m.fit {
        case let .softmax(f):
            cov = f.regression.covariance
            depth = Distributions.chiSquared2Quantile(0.95) / 2
        case let .linear(f):
            cov = f.inverseGram
            let fq = Distributions.fQuantile2(0.95, denominatorDegreesOfFreedom: df)
            depth = nObs / 2 * log1p(2 * fq / df)
        case let .glm(f):
            cov = f.covariance
            depth = Distributions.chiSquared2Quantile(0.95) / 2
        case let .laplace(f):
            cov = f.qr.inverseGram
            depth = Distributions.chiSquared2Quantile(0.95) / 2
        case let .studentT(f):
            cov = f.covariance
            depth = Distributions.chiSquared2Quantile(0.95) / 2
        }
        let k = resolution(m)
        func surface(_ reach: Double) -> (us: [Double], vs: [Double], values: [Double]) {
            let us = SurfaceGrid.axis(ea.estimate - reach * ea.standardError, ea.estimate + reach * ea.standardError, count: k)
            let vs = SurfaceGrid.axis(eb.estimate - reach * eb.standardError, eb.estimate + reach * eb.standardError, count: k)
            var values: [Double]
            switch m.fit {
            case .softmax: values = []
            case let .linear(f):
                // (XᵀX)⁻¹'s pair block inverted: RSS(Δ) = RSS + Δᵀ B Δ.
                let vaa = cov[a, a], vab = cov[a, b], vbb = cov[b, b]
                let det = vaa * vbb - vab * vab
                values = []
                values.reserveCapacity(k * k)
                for v in vs {
                    for u in us {
                        let du = u - ea.estimate, dv = v - eb.estimate
                        let rise = (vbb * du * du - 2 * vab * du * dv + vaa * dv * dv) / det
                        values.append(-nObs / 2 * log1p(rise / f.rss))
                    }
                }
            case .glm, .laplace, .studentT:
                values = (m.profileLogLikelihood(us: us, vs: vs) ?? []).map { $0 - m.logLikelihood }
            }
            return (us, vs, values)
        }
        // The window reaches 3.4 standard errors each way; where the likelihood-ratio region
        // is wider than that (a likelihood far from quadratic: heavy tails, near separation),
        // it widens until the region's edge is inside (at most three times).
        var reach = 3.4
        var (us, vs, values) = surface(reach)
        if m.kind != .linear {
            for _ in 0..<3 {
                let border = (0..<(k * k)).filter { i in i % k == 0 || i % k == k - 1 || i / k == 0 || i / k == k - 1 }
                guard border.contains(where: { values[$0] > -depth }) else { break }
                reach *= 1.8
                (us, vs, values) = surface(reach)
            }
        }
        let grid = SurfaceGrid(w: us, b: vs, values: values)
        let floor = max(grid.minimum, -4 * depth)
        var fig = Figure()
        let nameA = m.design.terms[a].name, nameB = m.design.terms[b].name
        fig.xLabel = markupEscaped(nameA)
        fig.yLabel = markupEscaped(nameB)
        fig.showsGrid = false
        fig.title = m.label("profileTitle", ["a": .string(nameA), "b": .string(nameB)])
        fig.marks.append(.heatmap(Heatmap(x: us, y: vs, values: values.map { $0.isFinite ? $0 : floor }, range: (floor, 0), smooth: true)))
        let boundary = FigureFactory.regionBoundary(grid, level: -depth, around: Parameters(w: ea.estimate, b: eb.estimate))
        fig.marks.append(.line(points: boundary.map { Point($0.w, $0.b) }, color: .white, width: 2.2, dash: [], label: m.label("regionLegend")))
        fig.marks.append(.point(Point(ea.estimate, eb.estimate), shape: .star, color: Palette.vermillion, size: 13, label: m.label("mleLegend")))
        fig.xLimits = (us.first!, us.last!)
        fig.yLimits = (vs.first!, vs.last!)
        fig.colorbar = Colorbar(range: (floor, 0), label: m.label("profileColorbar"), marks: [(-depth, .white)])
        fig.accessibleTitle = m.text("profileAccessibleTitle", ["model": .string(m.name)])
        let r = cov[a, b] / (cov[a, a] * cov[b, b]).squareRoot()
        let values2: [String: MustacheValue] = [
            "a": .string(nameA), "b": .string(nameB), "linear": .bool(m.kind == .linear), "others": Prose.count(m.design.columns - 2),
            "laplace": .bool(m.kind == .laplace), "studentT": .bool(m.kind == .studentT), "newton": .bool(m.kind != .linear && m.kind != .laplace),
            "grid": .string(String(k)), "depth": .string(s(depth, 4)), "correlation": .string(Narrative.correlation(r)),
            "tilted": .bool(abs(r) > 0.3), "strongly": .bool(abs(r) > 0.9), "reach": .string(s(reach, 2)),
            "aHat": .string(s(ea.estimate, 4)), "bHat": .string(s(eb.estimate, 4)), "clipped": .bool(grid.minimum < floor),
        ]
        return ReportFigure(name: "\(m.name)-likelihood", figure: fig, caption: m.text("profileCaption", values2),
                            altText: m.text("profileAlt", values2))
    }

    /// The mean loss the descents minimise, profiled over the pair (every other coefficient
    /// at its best), on the grid `us` × `vs`, with its minimum: −ℓ_p/n for a GLM (the mean
    /// negative log-likelihood), and for Laplace the mean absolute error, which the profile
    /// log-likelihood −n(log(2·MAE) + 1) gives back. Nil for Student-t, whose descents run at
    /// s and ν held while its profile maximises them too: contours of another function.
    static func profileLoss(_ m: SeveralAnalysis, us: [Double], vs: [Double]) -> (grid: SurfaceGrid, minimum: Double)? {
        let n = Double(m.n)
        switch m.fit {
        case .softmax: return nil
        case .glm:
            guard let raw = m.profileLogLikelihood(us: us, vs: vs) else { return nil }
            return (SurfaceGrid(w: us, b: vs, values: raw.map { -$0 / n }), -m.logLikelihood / n)
        case let .laplace(f):
            guard let raw = m.profileLogLikelihood(us: us, vs: vs) else { return nil }
            return (SurfaceGrid(w: us, b: vs, values: raw.map { exp(-$0 / n - 1) / 2 }), f.scale)
        case .linear, .studentT:
            return nil
        }
    }

    /// The optimisers in every dimension: their paths projected onto the pair's two
    /// coefficients over the profile mean loss (closed form for least squares, `profileLoss`
    /// for logistic, Poisson and Laplace, none for Student-t), and the loss above its minimum
    /// against the iteration, on a log scale.
    static func descent(_ m: SeveralAnalysis) -> ReportFigure? {
        guard let d = m.descents else { return nil }
        let (a, b) = m.pair
        let nameA = m.design.terms[a].name, nameB = m.design.terms[b].name
        let mle = (m.coefficients[a], m.coefficients[b])
        // The loss at the minimum, for the rounding floor of the gaps.
        let minimumLoss: Double
        switch m.fit {
        case let .linear(f): minimumLoss = f.rss / m.data.observations
        case let .laplace(f): minimumLoss = f.scale
        default: minimumLoss = -m.logLikelihood / Double(m.n)
        }
        var fig = descentPanels(m, d, a: a, b: b, nameA: markupEscaped(nameA), nameB: markupEscaped(nameB), mle: mle, minimumLoss: minimumLoss) { xr, yr in
            if case let .linear(f) = m.fit {
                // Profile MSE: RSS rises by Δᵀ B Δ over the pair (B the inverse of its (XᵀX)⁻¹ block).
                let v = f.inverseGram
                let det = v[a, a] * v[b, b] - v[a, b] * v[a, b]
                let us = SurfaceGrid.axis(xr.0, xr.1, count: 160), vs = SurfaceGrid.axis(yr.0, yr.1, count: 160)
                var values: [Double] = []
                for y in vs { for x in us {
                    let du = x - mle.0, dv = y - mle.1
                    values.append((f.rss + (v[b, b] * du * du - 2 * v[a, b] * du * dv + v[a, a] * dv * dv) / det) / m.data.observations)
                } }
                let grid = SurfaceGrid(w: us, b: vs, values: values)
                return FigureFactory.lossContours(grid, minimum: f.rss / m.data.observations)
            } else if let grid = profileLoss(m, us: SurfaceGrid.axis(xr.0, xr.1, count: resolution(m)),
                                             vs: SurfaceGrid.axis(yr.0, yr.1, count: resolution(m))) {
                return FigureFactory.lossContours(grid.grid, minimum: grid.minimum)
            }
            return nil
        }
        fig.accessibleTitle = m.text("descentAccessibleTitle", ["model": .string(m.name)])
        let values: [String: MustacheValue] = [
            "a": .string(nameA), "b": .string(nameB), "linear": .bool(m.kind == .linear), "p": .string(String(m.design.columns)),
            "rawSteps": Prose.count(d.raw.iterations), "rawArrived": .bool(d.raw.arrived), "zSteps": Prose.count(d.standardised.iterations),
            "zArrived": .bool(d.standardised.arrived), "newtonSteps": d.newton.map { Prose.count($0.iterations) } ?? .bool(false),
            "newtonArrived": .bool(d.newton?.arrived ?? false), "subgradient": .bool(d.rule == .subgradient),
            "count": .string(m.text(d.newton == nil ? "two" : "three")), "studentT": .bool(m.kind == .studentT),
            "profiled": .bool(m.kind != .linear && m.kind != .studentT), "loss": .string(m.lossName),
        ]
        return ReportFigure(name: "\(m.name)-descent", figure: fig, caption: m.text("descentCaption", values), altText: m.text("descentAlt", values))
    }

    /// The two panels of a descent figure: the paths of `d`'s optimisers projected on the
    /// parameters `a` and `b` over `contours` (given the window), and each one's loss above
    /// `minimumLoss` against the iteration on a log scale.
    static func descentPanels(_ m: SeveralAnalysis, _ d: SeveralDescents, a: Int, b: Int, nameA: String, nameB: String, mle: (Double, Double),
                              minimumLoss: Double, contours: ((Double, Double), (Double, Double)) -> ContourSet?) -> Figure {
        let rule: [String: MustacheValue] = ["subgradient": .bool(d.rule == .subgradient)]
        var paths: [(SeveralPath, Color, String)] = [
            (d.raw, Palette.blue, m.label("rawPathLegend", rule.merging(["steps": Prose.count(d.raw.iterations), "arrived": .bool(d.raw.arrived)]) { $1 })),
            (d.standardised, Palette.green, m.label("standardisedPathLegend", ["steps": Prose.count(d.standardised.iterations),
                                                                               "arrived": .bool(d.standardised.arrived)])),
        ]
        if let newton = d.newton {
            paths.append((newton, Palette.vermillion, m.label("newtonPathLegend", ["steps": Prose.count(newton.iterations),
                                                                                   "arrived": .bool(newton.arrived)])))
        }
        var left = Figure()
        left.title = m.label("pathsTitle")
        left.xLabel = nameA
        left.yLabel = nameB
        let all = paths.flatMap { $0.0.points.map { ($0.beta[a], $0.beta[b]) } } + [mle]
        let lo = (all.map(\.0).min()!, all.map(\.1).min()!), hi = (all.map(\.0).max()!, all.map(\.1).max()!)
        let pad = (0.08 * max(hi.0 - lo.0, 1e-12), 0.08 * max(hi.1 - lo.1, 1e-12))
        let xr = (lo.0 - pad.0, hi.0 + pad.0), yr = (lo.1 - pad.1, hi.1 + pad.1)
        if let contours = contours(xr, yr) { left.marks.append(.contours(contours)) }
        for (path, color, label) in paths {
            left.marks.append(.path(points: path.points.map { Point($0.beta[a], $0.beta[b]) }, color: color, label: label))
        }
        left.marks.append(.point(Point(mle.0, mle.1), shape: .star, color: .ink, size: 13, label: m.label("mleLegend")))
        left.xLimits = xr; left.yLimits = yr
        var right = Figure()
        right.title = m.label("gapTitle")
        right.xLabel = m.label("iterationAxis")
        right.yLabel = m.label("gapAxis")
        var top = -Double.infinity, bottom = Double.infinity
        for (path, color, label) in paths {
            // Below about 10⁻¹⁴ of the loss the gap is rounding: the line ends where it gets there.
            let floor = 1e-14 * max(abs(path.gaps.last.map { _ in minimumLoss } ?? 1), 1e-300)
            var pts: [Point] = []
            for (p, g) in zip(path.points, path.gaps) {
                if g <= floor { if pts.isEmpty == false || p.iteration > 0 { pts.append(Point(Double(p.iteration), log10(floor))) }; break }
                pts.append(Point(Double(p.iteration), log10(g)))
            }
            for q in pts { top = max(top, q.y); bottom = min(bottom, q.y) }
            if !pts.isEmpty { right.marks.append(.line(points: pts, color: color, width: 1.8, dash: [], label: nil)) }
            _ = label
        }
        right.xLimits = (0, Double(max(1, paths.map { $0.0.iterations }.max()!)))
        if top.isFinite { right.yLimits = (max(bottom, top - 18) - 0.5, top + 0.5) }
        var fig = Figure()
        fig.panels = [left, right]
        return fig
    }
}
