import Foundation

/// What a several-predictor model is asked to fit, as the user wrote it: the response, the
/// predictor columns in order, which numeric columns are categorical (`--factor`), the
/// reference level of any categorical column (`--reference COL=LEVEL`) and, for a two-level
/// response, which level is modelled as 1 (`--positive`).
public struct ModelSpecification: Sendable, Equatable {
    public var response: String
    public var predictors: [String]
    public var factors: Set<String>
    public var references: [String: String]
    public var positive: String?
    /// Grouped data and weights (issue 22): a column of frequency weights (each row stands for
    /// that many identical observations), of binomial trials (the response then counts the
    /// successes among them), and of exposures (a Poisson rate's log offset).
    public var weights: String? = nil
    public var trials: String? = nil
    public var exposure: String? = nil

    public init(response: String, predictors: [String], factors: Set<String> = [], references: [String: String] = [:], positive: String? = nil,
                weights: String? = nil, trials: String? = nil, exposure: String? = nil) {
        self.response = response; self.predictors = predictors; self.factors = factors
        self.references = references; self.positive = positive
        self.weights = weights; self.trials = trials; self.exposure = exposure
    }

    /// What the response must be. `categorical`: K ≥ 2 classes (text or integer codes), each
    /// row's y the index of its class among them, the reference (`positive` names it, else the
    /// first in sorted order) index 0.
    public enum Response: Sendable { case continuous, binary, count, categorical }

    /// The columns to read: numbers, unless they turn out not to be (`ColumnReader`'s
    /// `autoText`), except the factors, which are read as text from the start.
    public var columns: [String] { [response] + predictors + [weights, trials, exposure].compactMap { $0 } }
}

/// A model specification made concrete on a data set: the design matrix, the response as
/// numbers (a two-level response coded 0/1), and what was done to get there.
public struct ModelData: Sendable {
    public let design: DesignMatrix
    public let y: [Double]
    /// Rows of the data set used (all of them unless rows with a missing value were dropped).
    public let rows: Int
    public let droppedRows: Int
    /// The data set's row of each row used, when rows with a missing value were dropped
    /// (empty when every row is used).
    let keptRows: [Int]
    /// The data set's row (0-based) of row `k` of the rows used, for messages.
    public func dataRow(_ k: Int) -> Int { keptRows.isEmpty ? k : keptRows[k] }
    /// A response given as two levels: (the level coded 0, the level coded 1).
    public let responseLevels: (zero: String, one: String)?
    /// A categorical response's classes, the reference first, then the others in sorted
    /// order: yᵢ is the index of row i's class here.
    public var classes: [String]? = nil
    /// Frequency weights of the rows used (`--weights`), nil without.
    public var frequencyWeights: [Double]? = nil
    /// Binomial trials of the rows used (`--trials`), with y the share of successes; nil without.
    public var trials: [Double]? = nil
    /// Exposures of the rows used (`--exposure`), nil without.
    public var exposure: [Double]? = nil
    /// Rows left out because their weight (or their number of trials) is 0.
    public var zeroWeightRows = 0
    /// Each row's weight in the likelihood: its frequency times its trials (nil when neither).
    public var likelihoodWeights: [Double]? {
        switch (frequencyWeights, trials) {
        case let (f?, t?): return zip(f, t).map(*)
        case let (f?, nil): return f
        case let (nil, t?): return t
        case (nil, nil): return nil
        }
    }
    /// Σ of `likelihoodWeights` (the Bernoulli trials or observations in all), else the rows.
    public var likelihoodWeightTotal: Double { likelihoodWeights.map { $0.reduce(0, +) } ?? Double(y.count) }
    /// log(exposure), the offset of a rate model.
    public var offset: [Double]? { exposure?.map { Foundation.log($0) } }
    /// Observations the rows stand for: the sum of the frequency weights (each group once
    /// when the rows are binomial groups), else the rows.
    public var observations: Double { frequencyWeights.map { $0.reduce(0, +) } ?? Double(y.count) }
    /// The successes of binomial groups (the share times the trials).
    public var successes: [Double]? { trials.map { zip($0, y).map { ($0 * $1).rounded() } } }
    /// Σ fᵢ log C(nᵢ, sᵢ) over binomial groups: the part of the grouped log-likelihood that no
    /// coefficient changes (0 without trials).
    public var binomialConstant: Double {
        guard let trials, let successes else { return 0 }
        let f = frequencyWeights ?? [Double](repeating: 1, count: trials.count)
        var sum = 0.0
        for i in trials.indices { sum += f[i] * (lgamma(trials[i] + 1) - lgamma(successes[i] + 1) - lgamma(trials[i] - successes[i] + 1)) }
        return sum
    }

    /// Levels with leading or trailing spaces (kept as written), by column.
    public var levelsWithSpaces: [(column: String, level: String)] {
        design.codings.flatMap { c in c.levelsWithSpaces.map { (c.column, $0) } }
    }

    /// Builds the design of `spec` on `data`. Rows with a missing value in any used column
    /// are an error naming the first such cell, or are dropped with `dropMissing`.
    public static func build(_ spec: ModelSpecification, data: Dataset, response kind: ModelSpecification.Response,
                             dropMissing: Bool) throws -> ModelData {
        if spec.predictors.contains(spec.response) { throw DesignError.responseAsPredictor(spec.response) }
        for name in spec.columns where !data.columnNames.contains(name) {
            throw DataError.missingColumn(file: data.source, name: name, available: data.columnNames)
        }
        // Each used column as numbers or as level codes, NaN where missing.
        var values: [String: [Double]] = [:], levels: [String: [String]] = [:]
        for name in spec.columns {
            if spec.factors.contains(name) || data.isText(name), let (codes, names) = data.categorical(name) {
                values[name] = codes; levels[name] = names
            } else {
                values[name] = try data.numbersOrMissing(name)
            }
        }
        // Rows to use: column by column, the first missing cell of each (one tight scan per
        // column; most data sets have none, and then every row is used with no index list).
        let n = data.rowCount
        let columns = spec.columns.map { values[$0]! }
        let firstMissing = columns.map { c in c.withUnsafeBufferPointer { b in (0..<n).first { b[$0].isNaN } } }
        var keep: [Int] = []
        if let row = firstMissing.compactMap({ $0 }).min() {
            if !dropMissing {
                let column = spec.columns[firstMissing.firstIndex(of: row)!]
                throw data.missingError(row: row, column: column)
            }
            keep = (0..<n).filter { i in !columns.contains { $0[i].isNaN } }
        }
        var rowsUsed = firstMissing.allSatisfy({ $0 == nil }) ? n : keep.count
        guard rowsUsed > 0 else { throw DataError.noDataRows(file: data.source) }
        func used(_ name: String) -> [Double] { rowsUsed == n ? values[name]! : keep.map { values[name]![$0] } }

        // Weights, trials, exposures and binomial successes: each value checked at its cell,
        // then rows of weight 0 (or of no trials) left out and counted.
        func dataRow(_ k: Int) -> Int { rowsUsed == n ? k : keep[k] }
        func check(_ column: String?, _ reason: String, _ valid: (Int, Double) -> Bool) throws {
            guard let column else { return }
            if levels[column] != nil { throw data.invalidValue(row: dataRow(0), column: column, reason: reason) }
            let v = used(column)
            if let bad = v.indices.first(where: { !valid($0, v[$0]) }) { throw data.invalidValue(row: dataRow(bad), column: column, reason: reason) }
        }
        try check(spec.weights, "is not a weight: a frequency weight is a finite number from 0 up") { $1.isFinite && $1 >= 0 && $1 < 1e300 }
        try check(spec.trials, "is not a number of trials: a whole number from 0 up, below 10^15") { $1 >= 0 && $1 == $1.rounded() && $1 < 1e15 }
        try check(spec.exposure, "is not an exposure: a finite number above 0") { $1.isFinite && $1 > 0 && $1 < 1e300 }
        if let t = spec.trials {
            let trials = used(t)
            try check(spec.response, "is not a number of successes: a whole number from 0 up to the row's trials") { k, s in
                s >= 0 && s == s.rounded() && s <= trials[k]
            }
        }
        let zeroWeight: [Int] = {
            var zero = Set<Int>()
            for column in [spec.weights, spec.trials].compactMap({ $0 }) { for (k, v) in used(column).enumerated() where v == 0 { zero.insert(k) } }
            return zero.sorted()
        }()
        if !zeroWeight.isEmpty {
            if zeroWeight.count == rowsUsed {
                let column = spec.weights ?? spec.trials!
                throw data.invalidValue(row: dataRow(0), column: column,
                                        reason: "is 0, as is every \(spec.weights != nil ? "weight" : "number of trials") in the rows used: there is nothing to fit")
            }
            let dropped = Set(zeroWeight)
            keep = (0..<rowsUsed).filter { !dropped.contains($0) }.map(dataRow)
            rowsUsed = keep.count
        }

        // The response.
        var y = used(spec.response)
        var responseLevels: (String, String)? = nil
        var classes: [String]? = nil
        if let t = spec.trials {
            // Binomial groups: the share of successes, each group weighted by its trials.
            if levels[spec.response] != nil {
                throw data.invalidValue(row: dataRow(0), column: spec.response, reason: "is not a number of successes: with --trials the response counts the successes in each row")
            }
            y = zip(y, used(t)).map { $0 / $1 }
        } else if kind == .categorical {
            // Text levels, or numbers taken as codes (written as the shortest decimal).
            let text: [String]
            if let names = levels[spec.response] { text = y.map { names[Int($0)] } } else {
                if let bad = y.firstIndex(where: { $0 != $0.rounded() || abs($0) >= 1e15 }) {
                    throw DesignError.nonIntegerClass(column: spec.response, row: rowsUsed == n ? bad : keep[bad], value: shortNumber(y[bad]))
                }
                text = y.map(shortNumber)
            }
            let numeric = levels[spec.response] == nil
            var present = Array(Set(text)).sorted { numeric ? Double($0)! < Double($1)! : DesignMatrix.levelOrder($0, $1) }
            guard present.count >= 2 else { throw DesignError.oneClass(column: spec.response, level: present.first ?? "") }
            if let reference = spec.positive {
                guard let at = present.firstIndex(of: reference) else { throw DesignError.unknownReferenceClass(level: reference, levels: present) }
                present.remove(at: at)
                present.insert(reference, at: 0)
            }
            let index = Dictionary(uniqueKeysWithValues: present.enumerated().map { ($1, Double($0)) })
            y = text.map { index[$0]! }
            classes = present
        } else if let names = levels[spec.response] {
            guard kind == .binary else { throw DesignError.textResponse(column: spec.response, example: names.first ?? "") }
            let present = Array(Set(y.map { Int($0) })).map { names[$0] }.sorted(by: DesignMatrix.levelOrder)
            guard present.count == 2 else { throw DesignError.responseNotTwoLevels(column: spec.response, levels: present) }
            let one = spec.positive ?? present[1]
            guard present.contains(one) else { throw DesignError.unknownPositive(level: one, levels: present) }
            let zero = present.first { $0 != one }!
            y = y.map { names[Int($0)] == one ? 1 : 0 }
            responseLevels = (zero, one)
        } else if kind == .binary, let positive = spec.positive {
            // A numeric two-level response (0/1, 1/2): the level named is 1.
            let present = Array(Set(y)).sorted()
            guard present.count == 2 else {
                throw DesignError.responseNotTwoLevels(column: spec.response, levels: present.map(shortNumber))
            }
            guard let one = Double(positive), present.contains(one) else {
                throw DesignError.unknownPositive(level: positive, levels: present.map(shortNumber))
            }
            y = y.map { $0 == one ? 1 : 0 }
            responseLevels = (shortNumber(present.first { $0 != one }!), positive)
        }

        // The predictors.
        let predictors: [PredictorColumn] = spec.predictors.map { name in
            let v = used(name)
            if let names = levels[name] {
                return .coded(name: name, codes: v, levels: names, reference: spec.references[name])
            }
            return .numeric(name: name, values: v)
        }
        for name in spec.references.keys where levels[name] == nil {
            throw DesignError.referenceOnNumeric(column: name)
        }
        let design = try DesignMatrix.build(predictors, response: spec.response)
        var out = ModelData(design: design, y: y, rows: rowsUsed, droppedRows: n - rowsUsed - zeroWeight.count, keptRows: keep,
                            responseLevels: responseLevels)
        out.classes = classes
        out.frequencyWeights = spec.weights.map(used)
        out.trials = spec.trials.map(used)
        out.exposure = spec.exposure.map(used)
        out.zeroWeightRows = zeroWeight.count
        return out
    }
}
