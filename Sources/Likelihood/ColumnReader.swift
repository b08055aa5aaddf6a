import Dispatch
import Foundation

/// Reads the named columns of a CSV file straight into `[Double]`, streaming.
///
/// The file is read in blocks of 8 MiB; only the columns asked for are converted (with
/// `DecimalParser`), and no text or position is kept per cell, so memory is the columns
/// plus two blocks whatever the file's size. Every other column is still checked for
/// structure (quotes, field counts, UTF-8), so a file that `CSVReader.parse` would refuse is
/// refused here too; an unused column may hold text. A defect is located — line, column and
/// message exactly as `CSVReader.parse` reports it — by reading the file again with that
/// slower, position-keeping parser, which only happens on the way to an error.
///
/// Missing values (`CSVDialect.isMissing`) in the columns asked for become NaN and are
/// listed by row, so `Dataset.pairedNumbers` can drop them or report the first one.
public enum ColumnReader {
    public static let blockSize = 8 << 20

    /// - Parameters:
    ///   - onBytes: called with every block of the file in order (to hash it as it streams;
    ///     `Data` is shared, not copied, so another thread may keep it).
    ///   - progress: called after each block with the bytes read so far and the file's size.
    ///   - text: columns read as text (categorical levels, see `Dataset.categorical`), and
    ///     `autoText` columns that are numbers unless a cell is neither a number nor a missing
    ///     marker: then the read starts again with that column as text.
    public static func read(path: String, source: String, columns wanted: [String], dialect: CSVDialect = .standard,
                            text: Set<String> = [], autoText: Set<String> = [],
                            blockSize: Int = ColumnReader.blockSize,
                            onBytes: (Data) -> Void = { _ in },
                            progress: (Int, Int) -> Void = { _, _ in }) throws -> Dataset {
        var text = text
        var hashed = 0
        while true {
            do {
                return try readOnce(path: path, source: source, columns: wanted, dialect: dialect, text: text, autoText: autoText,
                                    blockSize: blockSize, onBytes: { block, offset in
                                        // A second attempt hands on only the bytes the first did not.
                                        let end = offset + block.count
                                        guard end > hashed else { return }
                                        onBytes(offset >= hashed ? block : block.subdata(in: (hashed - offset)..<block.count))
                                        hashed = end
                                    }, progress: progress)
            } catch let s as SwitchToText {
                text.insert(wanted[s.slot])
            }
        }
    }

    /// Thrown by the scan when an `autoText` column meets a cell that is not a number.
    struct SwitchToText: Error { let slot: Int }

    static func readOnce(path: String, source: String, columns wanted: [String], dialect: CSVDialect,
                         text: Set<String>, autoText: Set<String>, blockSize: Int,
                         onBytes: (Data, Int) -> Void, progress: (Int, Int) -> Void) throws -> Dataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError.unreadable(file: source, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw DataError.unreadable(file: source, reason: "it is a directory") }
        // Only regular files: a device (/dev/zero) or a FIFO has no end or no size up front.
        // Opened without blocking, so that a FIFO with no writer is refused instead of waited on.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            throw DataError.unreadable(file: source, reason: String(cString: strerror(errno)).lowercased())
        }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw DataError.unreadable(file: source, reason: "not a regular file (a device, FIFO or socket is not read)")
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        let total = Int(info.st_size)

        var state = State(wanted: wanted, dialect: dialect, text: text, autoText: autoText)
        var buffer: [UInt8] = []
        var readSoFar = 0
        var first = true
        var reserved = false
        var retryAt = 0
        while true {
            // read(upToCount:) reports a read error (EIO) as an error; readData traps on one.
            let block: Data
            do { block = try handle.read(upToCount: max(1, blockSize)) ?? Data() } catch {
                throw DataError.unreadable(file: source, reason: "read error after \(readSoFar) bytes (\(error.localizedDescription))")
            }
            let final = block.isEmpty
            if !final {
                onBytes(block, readSoFar)
                readSoFar += block.count
                buffer.append(contentsOf: block)
            }
            if first {
                // The byte-order mark is judged once three bytes are in (blocks may be tiny).
                guard buffer.count >= 3 || final else { continue }
                first = false
                if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { buffer.removeFirst(3) }
            }
            // A record longer than a block (one huge field) is parsed again only once the
            // buffer has doubled, so that reading it stays linear instead of rescanning the
            // whole buffer after every block.
            if !final && buffer.count < retryAt { progress(readSoFar, total); continue }
            let consumed: Int
            do {
                consumed = try buffer.withUnsafeBufferPointer { try state.consumeInParallel($0, final: final) }
            } catch is Located {
                throw locate(path: path, source: source, wanted: wanted, dialect: dialect)
            }
            buffer.removeFirst(consumed)
            retryAt = consumed == 0 ? 2 * buffer.count : 0
            if !reserved && state.rows > 0 && consumed > 0 {
                // Room for the whole file's rows at the first block's bytes per row (2 %
                // over), so that the columns are not copied as they grow. At most 2²⁷ rows:
                // a file whose first rows are much shorter than the rest must not reserve
                // far more than it needs (past that, the columns grow as usual).
                reserved = true
                state.bytesPerRow = Double(consumed) / Double(state.rows)
                let estimate = Int(min(Double(total) / state.bytesPerRow * 1.02, Double(1 << 27))) + 1024
                for s in state.values.indices { state.values[s].reserveCapacity(estimate) }
            }
            progress(readSoFar, total)
            if final { break }
        }
        guard let names = state.names else { throw DataError.emptyFile(file: source) }
        guard state.rows > 0 else { throw DataError.noDataRows(file: source) }
        for name in wanted where !names.contains(name) {
            throw DataError.missingColumn(file: source, name: name, available: names)
        }
        var levels: [String: [String]] = [:]
        for (s, name) in wanted.enumerated() where state.isText[s] { levels[name] = state.levelNames[s] }
        return Dataset(source: source, columnNames: names, numericColumns: wanted.enumerated().map { ($0.element, state.values[$0.offset]) },
                       levels: levels,
                       missingRows: Dictionary(uniqueKeysWithValues: wanted.enumerated().map { ($0.element, state.missing[$0.offset]) }),
                       rowCount: state.rows, dialect: dialect, slowPath: { slowParse(path: path, source: source, dialect: dialect) },
                       locator: { row, column in
                           (try? CSVReader.contents(path: path, name: source)).flatMap {
                               CSVReader.cell(ofRow: row, column: column, in: $0, source: source, dialect: dialect)
                           }
                       })
    }

    /// The file read again by the position-keeping parser (only on the way to a message).
    static func slowParse(path: String, source: String, dialect: CSVDialect) -> Dataset? {
        guard let bytes = try? CSVReader.contents(path: path, name: source) else { return nil }
        return try? CSVReader.parse(bytes, source: source, dialect: dialect)
    }

    /// Thrown inside the fast scan when something is wrong; the slow parser then says what
    /// and where.
    struct Located: Error {}

    /// The error `CSVReader.parse` gives for this file and these columns.
    static func locate(path: String, source: String, wanted: [String], dialect: CSVDialect) -> Error {
        let bytes: [UInt8]
        do { bytes = try CSVReader.contents(path: path, name: source) } catch { return error }
        if let error = CSVReader.firstError(in: bytes, source: source, wanted: wanted, dialect: dialect) { return error }
        return DataError.unreadable(file: source, reason: "the fast reader and the full parser disagree about this file; please report it")
    }

    struct State {
        let wanted: [String]
        let dialect: CSVDialect
        /// Bytes that end an unquoted field (the separator, `\n`, `\r`) or may not appear in
        /// one (`"`).
        let fieldStop: [Bool]
        var names: [String]?
        /// For each column of the file, the index in `wanted` (or -1).
        var slot: [Int] = []
        var values: [[Double]]
        var missing: [[Int]]
        var rows = 0
        /// Bytes per record in the first block (0 before), to size the columns.
        var bytesPerRow = 0.0
        /// Per wanted column: read as text (its values are level codes), or switched to text
        /// at its first cell that is not a number.
        let isText: [Bool]
        let isAuto: [Bool]
        /// Per text column: the code of each level, and the levels in order of first appearance.
        var levelCodes: [[String: Int]]
        var levelNames: [[String]]

        init(wanted: [String], dialect: CSVDialect = .standard, text: Set<String> = [], autoText: Set<String> = []) {
            self.wanted = wanted
            self.dialect = dialect
            isText = wanted.map(text.contains)
            isAuto = wanted.map { autoText.contains($0) && !text.contains($0) }
            levelCodes = Array(repeating: [:], count: wanted.count)
            levelNames = Array(repeating: [], count: wanted.count)
            let delimiter = Int(dialect.delimiter)
            fieldStop = (0..<256).map { $0 == delimiter || $0 == 0x0A || $0 == 0x0D || $0 == 0x22 }
            values = Array(repeating: [], count: wanted.count)
            missing = Array(repeating: [], count: wanted.count)
        }

        /// `consume` on two halves of the block at once, split at a record boundary: a newline
        /// outside quotes (the block starts outside quotes, and every quote byte toggles the
        /// state, doubled quotes twice). The second half's rows and missing-value rows follow
        /// the first's. Small blocks, and blocks whose middle has no such newline, go whole.
        mutating func consumeInParallel(_ bytes: UnsafeBufferPointer<UInt8>, final: Bool) throws -> Int {
            let n = bytes.count
            guard names != nil, n >= 1 << 20, let base = bytes.baseAddress else { return try consume(bytes, final: final) }
            // The parity of the quotes before the middle (a count the compiler vectorises).
            var quotes = 0
            for k in 0..<(n / 2) { quotes &+= base[k] == 0x22 ? 1 : 0 }
            var inside = quotes & 1 == 1
            var split = n / 2
            while split < n && (inside || base[split] != 0x0A) {
                if base[split] == 0x22 { inside.toggle() }
                split += 1
            }
            guard split < n else { return try consume(bytes, final: final) }
            split += 1
            var second = State(wanted: wanted, dialect: dialect,
                               text: Set(wanted.indices.filter { isText[$0] }.map { wanted[$0] }),
                               autoText: Set(wanted.indices.filter { isAuto[$0] }.map { wanted[$0] }))
            second.names = names
            second.slot = slot
            if bytesPerRow > 0 {
                let estimate = Int(Double(n - split) / bytesPerRow * 1.05) + 64
                for s in second.values.indices { second.values[s].reserveCapacity(estimate) }
            }
            var firstResult: Result<Int, Error> = .success(0), secondResult: Result<Int, Error> = .success(0)
            let head = UnsafeBufferPointer(start: base, count: split)
            let rest = UnsafeBufferPointer(start: base + split, count: n - split)
            DispatchQueue.concurrentPerform(iterations: 2) { k in
                if k == 0 { firstResult = Result { try self.consume(head, final: true) } }
                else { secondResult = Result { try second.consume(rest, final: final) } }
            }
            let used = try firstResult.get()
            precondition(used == split, "the first half ends at a record boundary")
            let usedRest = try secondResult.get()
            for s in 0..<wanted.count {
                if isText[s] {
                    // The second half's codes, renumbered into the first half's levels (new
                    // levels after the first half's: the order of first appearance in the file).
                    let remap = second.levelNames[s].map { intern($0, slot: s) }
                    values[s].append(contentsOf: second.values[s].map { $0.isNaN ? $0 : Double(remap[Int($0)]) })
                } else {
                    values[s].append(contentsOf: second.values[s])
                }
                missing[s].append(contentsOf: second.missing[s].map { $0 + rows })
            }
            rows += second.rows
            return split + usedRest
        }

        /// Consumes every complete record of `bytes` (all of them when `final`); returns how
        /// many bytes it used.
        mutating func consume(_ bytes: UnsafeBufferPointer<UInt8>, final: Bool) throws -> Int {
            guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
            let used = try scan(base, bytes.count, final: final)
            // UTF-8: only the bytes used, and only when one is above 0x7F, need the full check.
            var high: UInt8 = 0
            for b in UnsafeBufferPointer(start: base, count: used) { high |= b }
            if high & 0x80 != 0 {
                guard String(validating: UnsafeBufferPointer(start: base, count: used), as: UTF8.self) != nil else { throw Located() }
            }
            return used
        }

        /// Drops the cells of a record that was not complete (it is read again whole).
        mutating func dropPartialRecord() {
            for s in 0..<wanted.count {
                if values[s].count > rows { values[s].removeLast(values[s].count - rows) }
                while let last = missing[s].last, last >= rows { missing[s].removeLast() }
            }
        }

        mutating func scan(_ base: UnsafePointer<UInt8>, _ n: Int, final: Bool) throws -> Int {
            var p = 0
            if names == nil {
                guard let end = try headerEnd(base, n, final: final) else { return 0 }
                p = end
            }
            let fields = names!.count
            let stop = fieldStop
            let delimiter = dialect.delimiter
            let sentinels = !dialect.numericMarkers.isEmpty
            while p < n {
                let recordStart = p
                // Blank line.
                if base[p] == 0x0A || base[p] == 0x0D {
                    if base[p] == 0x0D && p + 1 >= n && !final { return recordStart }
                    p += (base[p] == 0x0D && p + 1 < n && base[p + 1] == 0x0A) ? 2 : 1
                    continue
                }
                var field = 0
                // Cells are appended as they are read; a record cut by the end of the block
                // takes its cells back (`dropPartialRecord`) and is read again from the next.
                while true {
                    let s = field < fields ? slot[field] : -1
                    // The common case first: a wanted plain number followed by a separator is
                    // parsed in the same pass that finds its end.
                    if s >= 0, !isText[s], let (v, used) = DecimalParser.parsePrefix(base + p, limit: n - p), v.isFinite,
                       p + used < n, base[p + used] == delimiter || base[p + used] == 0x0A || base[p + used] == 0x0D {
                        if sentinels && dialect.isMissing(value: v) {
                            values[s].append(.nan)
                            missing[s].append(rows)
                        } else {
                            values[s].append(v)
                        }
                        p += used
                    } else {
                        // Anything else: skip spaces, then a quoted or a plain field.
                        var q = p
                        while q < n && dialect.isPadding(base[q]) { q += 1 }
                        var contentStart = p, contentEnd = p
                        var quotedText: [UInt8]? = nil
                        if q < n && base[q] == 0x22 {
                            var text: [UInt8] = []
                            var k = q + 1
                            var closed = false
                            while k < n {
                                if base[k] == 0x22 {
                                    if k + 1 < n && base[k + 1] == 0x22 { text.append(0x22); k += 2; continue }
                                    if k + 1 >= n && !final { break }
                                    closed = true; k += 1
                                    break
                                }
                                text.append(base[k]); k += 1
                            }
                            if !closed {
                                if final { throw Located() }
                                dropPartialRecord()
                                return recordStart
                            }
                            while k < n && dialect.isPadding(base[k]) { k += 1 }
                            if k < n && base[k] != delimiter && base[k] != 0x0A && base[k] != 0x0D { throw Located() }
                            quotedText = text
                            p = k
                        } else {
                            var k = p
                            while k < n && !stop[Int(base[k])] { k += 1 }
                            if k < n && base[k] == 0x22 { throw Located() }
                            contentStart = p; contentEnd = k
                            p = k
                        }
                        if p >= n && !final { dropPartialRecord(); return recordStart }
                        if s >= 0 && isText[s] {
                            let raw = quotedText.map { String(decoding: $0, as: UTF8.self) }
                                ?? String(decoding: UnsafeBufferPointer(start: base + contentStart, count: contentEnd - contentStart), as: UTF8.self)
                            if dialect.isMissing(raw) {
                                values[s].append(.nan)
                                missing[s].append(rows)
                            } else {
                                values[s].append(Double(intern(raw, slot: s)))
                            }
                        } else if s >= 0 {
                            let value: Double?
                            if let text = quotedText {
                                value = text.withUnsafeBufferPointer { number($0.baseAddress!, 0, $0.count, missingAt: s) }
                            } else {
                                value = number(base, contentStart, contentEnd, missingAt: s)
                            }
                            guard let v = value else { throw isAuto[s] ? SwitchToText(slot: s) : Located() }
                            values[s].append(v)
                            if v.isNaN { missing[s].append(rows) }
                        }
                    }
                    field += 1
                    if p < n && base[p] == delimiter { p += 1; continue }
                    // End of record: newline or end of input.
                    if p < n {
                        if base[p] == 0x0D {
                            if p + 1 >= n && !final { dropPartialRecord(); return recordStart }
                            p += (p + 1 < n && base[p + 1] == 0x0A) ? 2 : 1
                        } else {
                            p += 1
                        }
                    }
                    break
                }
                guard field == fields else { throw Located() }
                rows += 1
            }
            return p
        }

        /// The code of `level` in text column `s`, a new one when first seen.
        mutating func intern(_ level: String, slot s: Int) -> Int {
            if let code = levelCodes[s][level] { return code }
            let code = levelNames[s].count
            levelCodes[s][level] = code
            levelNames[s].append(level)
            return code
        }

        /// A wanted cell: its number, or NaN for a missing marker (remembered by row), or nil.
        func number(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, missingAt s: Int) -> Double? {
            var a = start, b = end
            while a < b && (base[a] == 0x20 || base[a] == 0x09) { a += 1 }
            while b > a && (base[b - 1] == 0x20 || base[b - 1] == 0x09) { b -= 1 }
            if let v = DecimalParser.parse(base + a, count: b - a), v.isFinite { return dialect.isMissing(value: v) ? .nan : v }
            let text = String(decoding: UnsafeBufferPointer(start: base + a, count: b - a), as: UTF8.self)
            if dialect.isMissing(text) { return .nan }
            return nil
        }

        /// Parses the header record with the full parser; returns where the data begin, or nil
        /// when the block does not yet hold the whole header.
        mutating func headerEnd(_ base: UnsafePointer<UInt8>, _ n: Int, final: Bool) throws -> Int? {
            let bytes = Array(UnsafeBufferPointer(start: base, count: n))
            var parser = CSVReader.Parser(bytes: bytes, index: 0, source: "", dialect: dialect)
            while true {
                let record: CSVReader.Record?
                do { record = try parser.nextRecord() } catch { if final { throw Located() }; return nil }
                guard let record else { return final ? n : nil }
                // The record must end inside the block (or the input must be over).
                if parser.index >= n && !final { return nil }
                if record.fields.count == 1, record.fields[0].text.isEmpty, !record.fields[0].quoted { continue }
                let fieldNames = record.fields.map { $0.text.trimmingSpaces() }
                // An empty name is refused, but for an unnamed first column of row names.
                if fieldNames.indices.contains(where: { fieldNames[$0].isEmpty && !($0 == 0 && fieldNames.count > 1) })
                    || Set(fieldNames).count != fieldNames.count { throw Located() }
                if String(validating: UnsafeBufferPointer(start: base, count: parser.index), as: UTF8.self) == nil { throw Located() }
                names = fieldNames
                slot = fieldNames.map { wanted.firstIndex(of: $0) ?? -1 }
                return parser.index
            }
        }
    }
}
