import Foundation

/// One predictor column as the model specification receives it.
public enum PredictorColumn: Sendable, Equatable {
    /// Numbers, used as they are (one coefficient).
    case numeric(name: String, values: [Double])
    /// Levels compared as exact strings, treatment-coded (one coefficient per level but the
    /// reference). `reference` nil: the first level in sorted order, as R's default.
    case categorical(name: String, values: [String], reference: String?)
    /// The same with each row's level given by its code into `levels` (as the streaming
    /// reader delivers a text column): no string per row.
    case coded(name: String, codes: [Double], levels: [String], reference: String?)

    public var name: String {
        switch self {
        case let .numeric(name, _), let .categorical(name, _, _), let .coded(name, _, _, _): return name
        }
    }

    var count: Int {
        switch self {
        case let .numeric(_, values): return values.count
        case let .categorical(_, values, _): return values.count
        case let .coded(_, codes, _, _): return codes.count
        }
    }
}

/// How one categorical column was coded: its levels in sorted order, how many rows each has,
/// and the reference level (the one without a coefficient).
public struct CategoricalCoding: Sendable, Equatable {
    public let column: String
    public let levels: [String]
    public let counts: [Int]
    public let reference: String
    /// Levels with leading or trailing spaces (kept, but a user should hear of them).
    public var levelsWithSpaces: [String] { levels.filter { $0 != $0.trimmingCharacters(in: .whitespaces) } }
}

/// One column of the design matrix, by the name statsmodels and R print: `(Intercept)`,
/// `COLUMN` for a numeric predictor, `COLUMN[LEVEL]` for a level's dummy.
public struct DesignTerm: Sendable, Equatable {
    public let name: String
    /// The predictor column it comes from (nil for the intercept).
    public let column: String?
    /// The level its dummy marks (categorical terms only).
    public let level: String?

    public static let interceptName = "(Intercept)"
}

/// Why a model specification cannot become a design matrix. Each names the columns (and,
/// where it helps, the rows) at fault.
public enum DesignError: Error, Equatable, CustomStringConvertible {
    case lengthMismatch(column: String, rows: Int, expected: Int)
    case oneLevel(column: String, level: String)
    case unknownReference(column: String, reference: String, levels: [String])
    case duplicateColumn(String)
    case responseAsPredictor(String)
    case tooManyCoefficients(coefficients: Int, rows: Int)
    case aliased(term: String, combination: [String])
    case nonFinite(column: String, row: Int)
    case textResponse(column: String, example: String)
    case responseNotTwoLevels(column: String, levels: [String])
    case unknownPositive(level: String, levels: [String])
    case referenceOnNumeric(column: String)
    /// A categorical response (softmax) with a value that is not a class code.
    case nonIntegerClass(column: String, row: Int, value: String)
    /// A categorical response with one class.
    case oneClass(column: String, level: String)
    /// `--reference-class` names no class of the response.
    case unknownReferenceClass(level: String, levels: [String])

    public var description: String {
        switch self {
        case let .lengthMismatch(column, rows, expected):
            return "predictor \(Message.quoted(column)) has \(rows) rows, the others \(expected)"
        case let .oneLevel(column, level):
            return "categorical column \(Message.quoted(column)) has one level (\(Message.quoted(level))) in the rows used: it cannot explain anything; leave it out"
        case let .unknownReference(column, reference, levels):
            return "--reference \(Message.escaped(column))=\(Message.escaped(reference)): \(Message.quoted(reference)) is not a level of \(Message.quoted(column)); its levels are \(levels.prefix(20).map { Message.quoted($0) }.joined(separator: ", "))"
        case let .duplicateColumn(column):
            return "predictor \(Message.quoted(column)) is listed twice"
        case let .responseAsPredictor(column):
            return "\(Message.quoted(column)) is the response; it cannot also be a predictor"
        case let .tooManyCoefficients(p, n):
            return "the model has \(p) coefficients but only \(n) rows: at least \(p + 1) rows are needed to estimate them and the noise"
        case let .aliased(term, combination):
            let others = combination.isEmpty ? "is zero in every row" : "is a linear combination of \(combination.map { Message.escaped($0) }.joined(separator: ", "))"
            return "exact collinearity: the design column \(Message.quoted(term)) \(others), so its coefficient is not identified; leave one of them out"
        case let .nonIntegerClass(column, row, value):
            return "response \(Message.quoted(column)), data row \(row + 1): \(value) is not a class (text, or a whole-number code)"
        case let .oneClass(column, level):
            return "response \(Message.quoted(column)) has the one class \(Message.quoted(level)) in the rows used: a softmax model needs at least two"
        case let .unknownReferenceClass(level, levels):
            let shown = levels.prefix(8).map { Message.quoted($0) }.joined(separator: ", ")
            return "--reference-class \(Message.quoted(level)): not a class of the response (\(shown)\(levels.count > 8 ? ", …" : ""))"
        case let .textResponse(column, example):
            return "response \(Message.quoted(column)) holds text (\(Message.quoted(example))): only a logistic model takes a response of two levels"
        case let .responseNotTwoLevels(column, levels):
            let shown = levels.prefix(6).map { Message.quoted($0) }.joined(separator: ", ")
            return "response \(Message.quoted(column)) has \(levels.count) level\(levels.count == 1 ? "" : "s") (\(shown)\(levels.count > 6 ? ", …" : "")): a logistic model needs exactly two"
        case let .unknownPositive(level, levels):
            return "--positive \(Message.escaped(level)): the response's levels are \(levels.map { Message.quoted($0) }.joined(separator: " and "))"
        case let .referenceOnNumeric(column):
            return "--reference \(Message.escaped(column))=…: \(Message.quoted(column)) is numeric and not a predictor made categorical (add --factor \(Message.escaped(column)))"
        case let .nonFinite(column, row):
            return "predictor \(Message.quoted(column)) is not a finite number in data row \(row)"
        }
    }
}

/// The columnar design matrix of a model specification: an intercept, then each predictor in
/// the order given (numeric: itself; categorical: one 0/1 dummy per level but the
/// reference), with the names of its columns and the coding of every categorical one.
///
/// The rows are not copied: each design column is a view of the data (`ColumnSource`), and
/// the passes over the rows (`fill`, `times`, `transposeTimes`, the streamed QR) read them a
/// block at a time. `matrix`, the dense n × p copy that the exact small-data solvers
/// (least absolute deviations, Student-t) work on, is built on first use and kept.
public struct DesignMatrix: Sendable {
    public let terms: [DesignTerm]
    /// How each design column is made from the data, in the terms' order.
    public let sources: [ColumnSource]
    public let rows: Int
    private let dense: DenseCache

    /// The dense n × p matrix, built on first use (O(n p) memory) and kept.
    public var matrix: Matrix { dense.matrix(self) }
    /// Whether `matrix` has been built (the streamed passes never build it).
    public var isMaterialised: Bool { dense.isBuilt }

    /// The order of levels: numbers by value when every level is one (1, 2, 10), else by
    /// Unicode scalars (byte order, the same on every machine and locale).
    public static func levelOrder(_ a: String, _ b: String) -> Bool {
        if let x = Double(a), let y = Double(b), x != y { return x < y }
        return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
    }
    public let codings: [CategoricalCoding]

    public var columns: Int { sources.count }

    public init(terms: [DesignTerm], sources: [ColumnSource], rows: Int, codings: [CategoricalCoding]) {
        precondition(terms.count == sources.count, "one source per term")
        self.terms = terms
        self.sources = sources
        self.rows = rows
        self.codings = codings
        dense = DenseCache()
    }

    /// A design over the columns of a dense matrix.
    public init(terms: [DesignTerm], matrix: Matrix, codings: [CategoricalCoding]) {
        self.init(terms: terms, sources: (0..<matrix.columns).map { .values(matrix.column($0)) }, rows: matrix.rows, codings: codings)
    }

    /// The design of a straight line, (1, x): the one-predictor model as the case p = 1 of the
    /// several-predictor one (x shared, not copied).
    public static func line(_ x: [Double], name: String = "x") -> DesignMatrix {
        DesignMatrix(terms: [DesignTerm(name: DesignTerm.interceptName, column: nil, level: nil), DesignTerm(name: name, column: name, level: nil)],
                     sources: [.constant(1), .values(x)], rows: x.count, codings: [])
    }

    /// Builds the design of `predictors` (all of one length), with an intercept first.
    /// Collinearity is not checked here (see `checkIdentified`), so that the same design can
    /// serve a penalised fit, where it is allowed.
    public static func build(_ predictors: [PredictorColumn], response: String? = nil) throws -> DesignMatrix {
        let n = predictors.first?.count ?? 0
        var seen = Set<String>()
        var columns: [ColumnSource] = [.constant(1)]
        var terms = [DesignTerm(name: DesignTerm.interceptName, column: nil, level: nil)]
        var codings: [CategoricalCoding] = []
        // Levels that occur, in sorted order; a dummy column for each but the reference.
        func addCoded(_ name: String, _ codes: [Double], _ names: [String], _ reference: String?) throws {
            var rows = [Int](repeating: 0, count: names.count)
            for c in codes { rows[Int(c)] += 1 }
            let present = names.indices.filter { rows[$0] > 0 }.sorted { levelOrder(names[$0], names[$1]) }
            let levels = present.map { names[$0] }
            guard levels.count >= 2 else { throw DesignError.oneLevel(column: name, level: levels.first ?? "") }
            let ref = reference ?? levels[0]
            guard let refIndex = levels.firstIndex(of: ref) else { throw DesignError.unknownReference(column: name, reference: ref, levels: levels) }
            codings.append(CategoricalCoding(column: name, levels: levels, counts: present.map { rows[$0] }, reference: ref))
            for (k, code) in present.enumerated() where k != refIndex {
                columns.append(.indicator(codes: codes, code: Double(code)))
                terms.append(DesignTerm(name: "\(name)[\(levels[k])]", column: name, level: levels[k]))
            }
        }
        for predictor in predictors {
            guard seen.insert(predictor.name).inserted else { throw DesignError.duplicateColumn(predictor.name) }
            if let response, predictor.name == response { throw DesignError.responseAsPredictor(response) }
            guard predictor.count == n else { throw DesignError.lengthMismatch(column: predictor.name, rows: predictor.count, expected: n) }
            switch predictor {
            case let .numeric(name, values):
                if let bad = values.firstIndex(where: { !$0.isFinite }) { throw DesignError.nonFinite(column: name, row: bad + 1) }
                columns.append(.values(values))
                terms.append(DesignTerm(name: name, column: name, level: nil))
            case let .categorical(name, values, reference):
                var codeOf: [String: Int] = [:], names: [String] = []
                let codes = values.map { v -> Double in
                    if let c = codeOf[v] { return Double(c) }
                    codeOf[v] = names.count
                    names.append(v)
                    return Double(names.count - 1)
                }
                try addCoded(name, codes, names, reference)
            case let .coded(name, codes, names, reference):
                try addCoded(name, codes, names, reference)
            }
        }
        return DesignMatrix(terms: terms, sources: columns, rows: n, codings: codings)
    }

    /// Refuses a design whose coefficients are not all identified: more coefficients than
    /// rows less one (the noise needs a degree of freedom), or a column that is (to R's
    /// tolerance) a linear combination of earlier ones, named with the terms that make it up.
    ///
    /// Above `streamedRows` rows the decomposition is of the streamed triangle R (X = QR, Q
    /// never kept): the same kept and aliased columns, R and (XᵀX)⁻¹, but no `qTransposeTimes`
    /// of an n-vector (`qr.rows` is then p).
    @discardableResult
    public func checkIdentified(qr given: HouseholderQR? = nil) throws -> HouseholderQR {
        guard columns < rows else { throw DesignError.tooManyCoefficients(coefficients: columns, rows: rows) }
        let qr = given ?? (rows > DesignMatrix.streamedRows ? HouseholderQR(StreamedTriangle.of(self)) : HouseholderQR(matrix))
        try checkAliasing(qr)
        return qr
    }

    /// Throws for the first aliased column of `qr`, naming the terms it is made of.
    func checkAliasing(_ qr: HouseholderQR) throws {
        guard let first = qr.aliased.first else { return }
        throw DesignError.aliased(term: terms[first].name, combination: combination(of: first, qr: qr))
    }

    /// Above this many rows the passes over the design stream it a block at a time (the QR
    /// as a streamed triangle) and never build the dense `matrix`.
    public static let streamedRows = 100_000

    /// The kept terms that an aliased column is made of: the nonzero coefficients of its
    /// least-squares fit on the kept columns before it.
    func combination(of j: Int, qr: HouseholderQR) -> [String] {
        let before = qr.kept.filter { $0 < j }
        guard !before.isEmpty else { return [] }
        let sub = HouseholderQR(Matrix(columns: before.map(column)))
        let (beta, _) = sub.leastSquares(column(j))
        let scale = max(1e-300, beta.reduce(0) { max($0, abs($1)) })
        return zip(sub.kept, beta).filter { abs($0.1) > 1e-6 * scale }.map { terms[before[$0.0]].name }
    }

    /// The predictors standardised (each non-intercept column centred and scaled to unit
    /// length): the matrix whose condition number and inverse Gram diagonal (the variance
    /// inflation factors) describe collinearity free of the columns' units.
    public var standardisedPredictors: Matrix {
        let p = columns - 1
        var out = Matrix(rows: rows, columns: p)
        for j in 0..<p {
            let c = column(j + 1)
            let mean = c.reduce(0, +) / Double(rows)
            let centred = c.map { $0 - mean }
            let norm = euclideanNorm(centred[...])
            for i in 0..<rows { out[i, j] = norm > 0 ? centred[i] / norm : 0 }
        }
        return out
    }

    /// The condition number of the standardised predictors (1 for orthogonal ones; 30 and
    /// more is the usual sign of harmful collinearity) and each predictor column's variance
    /// inflation factor, 1 / (1 − R²ⱼ) of column j on the others: how many times its
    /// coefficient's variance exceeds what it would be were it uncorrelated with the rest.
    ///
    /// With the QR decomposition of the full design (intercept first, no column aliased) no
    /// further pass over the rows is needed: R's lower-right block is the R factor of the
    /// centred predictors, whose column norms are theirs; scaled to unit columns it is the R
    /// of the standardised ones.
    public func collinearity(qr: HouseholderQR? = nil) -> (conditionNumber: Double, vif: [Double]) {
        let p = columns - 1
        if let qr, qr.kept == Array(0..<columns), p > 0 {
            let r = qr.r
            var rz = Matrix(rows: p, columns: p)
            for b in 0..<p {
                let norm = euclideanNorm((0...b).map { r[$0 + 1, b + 1] })
                guard norm > 0 else { return (.infinity, [Double](repeating: .infinity, count: p)) }
                for a in 0...b { rz[a, b] = r[a + 1, b + 1] / norm }
            }
            let inv = rz.upperTriangularInverse
            let vif = (0..<p).map { a in (a..<p).reduce(0.0) { $0 + inv[a, $1] * inv[a, $1] } }
            return (SingularValues.conditionNumber(rz), vif)
        }
        let z = standardisedPredictors
        guard z.columns > 0 else { return (1, []) }
        let qr = HouseholderQR(z, tolerance: 0)
        guard qr.rank == z.columns else { return (.infinity, [Double](repeating: .infinity, count: z.columns)) }
        return (SingularValues.conditionNumber(qr.r), qr.inverseGram.diagonal)
    }
}

/// How one design column is made from the data, without a copy of its rows.
public enum ColumnSource: Sendable, Equatable {
    /// The same value in every row (the intercept's 1).
    case constant(Double)
    /// A numeric column as it is (its storage shared with the data set's).
    case values([Double])
    /// 1 where the row's level code is `code`, else 0 (a treatment dummy).
    case indicator(codes: [Double], code: Double)
}

extension DesignMatrix {
    /// The same terms with every row multiplied by `factors[i]` (√wᵢ for weighted least
    /// squares): each column stored as numbers.
    public func scaled(by factors: [Double]) -> DesignMatrix {
        DesignMatrix(terms: terms, sources: (0..<columns).map { j in .values(zip(column(j), factors).map(*)) }, rows: rows, codings: codings)
    }

    /// The same terms on rows `indices` of this design (repeats allowed: rows written out one
    /// observation each; distinct rows), each column's source kept in kind. The categorical
    /// codings are kept as they are: their level counts describe the rows this design was
    /// built from.
    public func selecting(rows indices: [Int]) -> DesignMatrix {
        DesignMatrix(terms: terms, sources: sources.map { source in
            switch source {
            case let .constant(v): return .constant(v)
            case let .values(v): return .values(indices.map { v[$0] })
            case let .indicator(codes, code): return .indicator(codes: indices.map { codes[$0] }, code: code)
            }
        }, rows: indices.count, codings: codings)
    }

    /// Design column `j` as an array (a numeric column's own storage, no copy).
    public func column(_ j: Int) -> [Double] {
        switch sources[j] {
        case let .constant(v): return [Double](repeating: v, count: rows)
        case let .values(v): return v
        case let .indicator(codes, code): return codes.map { $0 == code ? 1 : 0 }
        }
    }

    /// Writes rows `range` of the design columns `columns`, column-major with leading
    /// dimension `range.count`, to `out`.
    public func fill(_ range: Range<Int>, columns: [Int], into out: UnsafeMutablePointer<Double>) {
        let m = range.count
        guard m > 0 else { return }
        for (k, j) in columns.enumerated() {
            let target = out + k * m
            switch sources[j] {
            case let .constant(v):
                target.update(repeating: v, count: m)
            case let .values(v):
                v.withUnsafeBufferPointer { target.update(from: $0.baseAddress! + range.lowerBound, count: m) }
            case let .indicator(codes, code):
                codes.withUnsafeBufferPointer { c in
                    let base = c.baseAddress! + range.lowerBound
                    for i in 0..<m { target[i] = base[i] == code ? 1 : 0 }
                }
            }
        }
    }

    /// The value of column `j` when it is the same in every row (the intercept's 1), else nil.
    public func constantValue(_ j: Int) -> Double? {
        if case let .constant(v) = sources[j] { return v }
        return nil
    }

    /// Runs `body` with a pointer to the rows of each of `columns` that is stored as it is
    /// (a numeric column), nil for the others (the intercept, dummies), so that a pass over
    /// the rows reads those in place instead of copying them.
    public func withColumnPointers<R>(_ columns: [Int], _ body: ([UnsafePointer<Double>?]) throws -> R) rethrows -> R {
        func walk(_ k: Int, _ found: [UnsafePointer<Double>?]) throws -> R {
            guard k < columns.count else { return try body(found) }
            if case let .values(v) = sources[columns[k]], !v.isEmpty {
                return try v.withUnsafeBufferPointer { try walk(k + 1, found + [$0.baseAddress!]) }
            }
            return try walk(k + 1, found + [nil])
        }
        return try walk(0, [])
    }

    /// Xβ, one column at a time over the sources.
    /// - Complexity: O(n p), no copy of the design.
    public func times(_ beta: [Double]) -> [Double] {
        precondition(beta.count == columns, "one coefficient per design column")
        var out = [Double](repeating: 0, count: rows)
        out.withUnsafeMutableBufferPointer { o in
            for (j, b) in beta.enumerated() where b != 0 {
                switch sources[j] {
                case let .constant(v):
                    for i in 0..<rows { o[i] += v * b }
                case let .values(v):
                    v.withUnsafeBufferPointer { c in for i in 0..<rows { o[i] += c[i] * b } }
                case let .indicator(codes, code):
                    codes.withUnsafeBufferPointer { c in for i in 0..<rows where c[i] == code { o[i] += b } }
                }
            }
        }
        return out
    }

    /// Xᵀ(a − b) (Xᵀa without `minus`) and Σᵢ |xᵢⱼ|(|aᵢ| + |bᵢ|) per column, with no array of
    /// a − b made: the product and the size of the sums it is the difference of, the scale its
    /// rounding is relative to.
    public func transposeTimes(_ a: [Double], minus b: [Double]? = nil) -> (product: [Double], absolute: [Double]) {
        precondition(a.count == rows && (b?.count ?? rows) == rows, "one entry per row")
        let zero = [Double](repeating: 0, count: b == nil ? rows : 0)
        var product = [Double](repeating: 0, count: columns), absolute = product
        a.withUnsafeBufferPointer { av in
            (b ?? zero).withUnsafeBufferPointer { bv in
                for j in 0..<columns {
                    var s = 0.0, t = 0.0
                    switch sources[j] {
                    case let .constant(c):
                        for i in 0..<rows { s += c * (av[i] - bv[i]); t += abs(c) * (abs(av[i]) + abs(bv[i])) }
                    case let .values(x):
                        x.withUnsafeBufferPointer { xs in
                            for i in 0..<rows { s += xs[i] * (av[i] - bv[i]); t += abs(xs[i]) * (abs(av[i]) + abs(bv[i])) }
                        }
                    case let .indicator(codes, code):
                        codes.withUnsafeBufferPointer { c in
                            for i in 0..<rows where c[i] == code { s += av[i] - bv[i]; t += abs(av[i]) + abs(bv[i]) }
                        }
                    }
                    product[j] = s; absolute[j] = t
                }
            }
        }
        return (product, absolute)
    }
}

/// The dense copy of a design, built once on first use by whichever thread asks first.
final class DenseCache: @unchecked Sendable {
    private let lock = NSLock()
    private var built: Matrix?

    var isBuilt: Bool { lock.lock(); defer { lock.unlock() }; return built != nil }

    func matrix(_ design: DesignMatrix) -> Matrix {
        lock.lock(); defer { lock.unlock() }
        if let built { return built }
        var m = Matrix(rows: design.rows, columns: design.columns)
        m.storage.withUnsafeMutableBufferPointer { s in
            design.fill(0..<design.rows, columns: Array(0..<design.columns), into: s.baseAddress!)
        }
        built = m
        return m
    }
}
