import Foundation
import XCTest
@testable import Likelihood

/// The streaming column reader against the position-keeping parser, and the decimal parser
/// against the standard library.
final class StreamingReaderTests: XCTestCase {
    struct LCG {
        var state: UInt64
        mutating func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 11 }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    func parsed(_ text: String) -> Double? {
        Array(text.utf8).withUnsafeBufferPointer { DecimalParser.parse($0.baseAddress!, count: $0.count) }
    }

    /// Every accepted string converts to exactly the bits `Double(String)` gives.
    func testDecimalParserAgreesBitForBitWithTheStandardLibrary() {
        var random = LCG(state: 2026)
        var checked = 0
        let adversarial = ["9007199254740993", "9007199254740992.5", "2.2250738585072011e-308", "2.2250738585072014e-308",
                           "4.9e-324", "2.4703282292062327e-324", "1e23", "8.98846567431158e307", "1.7976931348623157e308",
                           "0.1", "0.30000000000000004", "123456789012345678901234567890", "-0", "+0.0", "1e-400", "1e400",
                           "7.2057594037927933e16", "5e-324", "000000000000000000000000001.5", "1.0000000000000002",
                           "9999999999999999999", "18446744073709551615", "0.000000000000000000000000000001"]
        for text in adversarial {
            XCTAssertEqual(parsed(text)?.bitPattern, Double(text)?.bitPattern, text)
        }
        for _ in 0..<400_000 {
            var text = ""
            if random.below(4) == 0 { text += random.below(2) == 0 ? "-" : "+" }
            let digits = 1 + random.below(24)
            let point = random.below(digits + 2)
            for k in 0..<digits {
                if k == point { text += "." }
                text += String(random.below(10))
            }
            if random.below(3) == 0 { text += (random.below(2) == 0 ? "e" : "E") + String(random.below(700) - 350) }
            XCTAssertEqual(parsed(text)?.bitPattern, Double(text)?.bitPattern, text)
            checked += 1
        }
        // Not numbers: the grammar refuses what Double(String) would accept or misread.
        for text in ["", "-", ".", "e5", "1e", "1e+", "0x10", "inf", "nan", "1.2.3", "1 2", "1\u{0}", "1_000", "١٢"] {
            XCTAssertNil(parsed(text), text.debugDescription)
        }
        XCTAssertEqual(checked, 400_000)
    }

    func write(_ text: String) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString).csv").path
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    /// Random files with quotes, line breaks inside quotes, CRLF, blank lines, a BOM, text in
    /// unused columns and missing markers, read with blocks of 1 to 64 bytes, give exactly the
    /// slow parser's numbers; the same files broken in one place give exactly its message.
    func testStreamingReaderMatchesTheFullParserAtEveryBlockBoundary() throws {
        var random = LCG(state: 7)
        for trial in 0..<150 {
            let rows = 1 + random.below(30)
            let newline = random.below(3) == 0 ? "\r\n" : "\n"
            var text = (random.below(4) == 0 ? "\u{FEFF}" : "") + "x,\"note, quoted\",y" + newline
            for _ in 0..<rows {
                let x = random.below(8) == 0 ? "NA" : String(Double(random.below(100000)) / 100)
                let note: String
                switch random.below(4) {
                case 0: note = "\"two\nlines, \"\"quoted\"\"\""
                case 1: note = "plain é text"
                case 2: note = ""
                default: note = "\"\""
                }
                let y = random.below(10) == 0 ? "" : " \(random.below(1000))e-2 "
                text += "\(x),\(note),\(y)" + newline
                if random.below(10) == 0 { text += newline }
            }
            let path = write(text)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let slow = try CSVReader.parse(Array(text.utf8), source: "t.csv")
            for block in [1, 2, 3, 7, 64] {
                let fast = try ColumnReader.read(path: path, source: "t.csv", columns: ["x", "y"], blockSize: block)
                XCTAssertEqual(fast.rowCount, slow.rowCount, "trial \(trial), block \(block)")
                let a = try fast.pairedNumbers("x", "y", dropMissing: true), b = try slow.pairedNumbers("x", "y", dropMissing: true)
                XCTAssertEqual(a.x, b.x, "trial \(trial), block \(block)")
                XCTAssertEqual(a.y, b.y)
                XCTAssertEqual(a.keptRows, b.keptRows)
            }
            // Break it at a random byte and compare the messages.
            var bytes = Array(text.utf8)
            let at = random.below(bytes.count)
            bytes[at] = [UInt8(ascii: "\""), UInt8(ascii: "q"), 0xFF, UInt8(ascii: ",")][random.below(4)]
            let broken = String(decoding: bytes, as: UTF8.self) == String(bytes: bytes, encoding: .utf8) ? nil : bytes
            let path2 = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString).csv").path
            FileManager.default.createFile(atPath: path2, contents: Data(broken ?? bytes))
            defer { try? FileManager.default.removeItem(atPath: path2) }
            var slowMessage: String? = nil
            do {
                let d = try CSVReader.parse(broken ?? bytes, source: "t.csv")
                for c in ["x", "y"] { try d.checkNumbersOrMissing(c) }
            } catch { slowMessage = "\(error)" }
            for block in [1, 5, 64] {
                var fastMessage: String? = nil
                do { _ = try ColumnReader.read(path: path2, source: "t.csv", columns: ["x", "y"], blockSize: block) } catch { fastMessage = "\(error)" }
                XCTAssertEqual(fastMessage, slowMessage, "trial \(trial), block \(block), byte \(at)")
            }
        }
    }

    func testADefectInTheLastRowOrAnUnusedColumnIsFound() throws {
        var text = "x,label,y\n"
        for k in 0..<20_000 { text += "\(k),a,\(k % 7)\n" }
        let ragged = write(text + "1,2\n")
        defer { try? FileManager.default.removeItem(atPath: ragged) }
        XCTAssertThrowsError(try ColumnReader.read(path: ragged, source: "r.csv", columns: ["x", "y"], blockSize: 4096)) {
            XCTAssertEqual("\($0)", "r.csv:20002:4: row has 2 fields, but the header has 3")
        }
        // A quote inside an unquoted field of the unused text column is a defect of the file.
        let quote = write(text + "5,a\"b,6\n")
        defer { try? FileManager.default.removeItem(atPath: quote) }
        XCTAssertThrowsError(try ColumnReader.read(path: quote, source: "q.csv", columns: ["x", "y"], blockSize: 4096)) {
            XCTAssertEqual("\($0)", "q.csv:20002:4: '\"' inside an unquoted field; quote the whole field and double the quote")
        }
        let last = write(text + "5,a,6x\n")
        defer { try? FileManager.default.removeItem(atPath: last) }
        XCTAssertThrowsError(try ColumnReader.read(path: last, source: "l.csv", columns: ["x", "y"])) {
            XCTAssertEqual("\($0)", "l.csv:20002:5: column \"y\": \"6x\" is not a number")
        }
    }

    /// Blocks of a megabyte and more are parsed in two halves at once: the split must respect
    /// quoted line breaks, and the halves must join in order.
    func testHalvesOfLargeBlocksJoinInOrder() throws {
        var random = LCG(state: 11)
        var text = "x,note,y\n"
        var row = 0
        while text.utf8.count < 3_000_000 {
            let note = random.below(5) == 0 ? "\"a\nb,\"\"c\"\"\nd\"" : "n\(row)"
            let y = random.below(50) == 0 ? "NA" : String(random.below(100_000))
            text += "\(row),\(note),\(y)\n"
            row += 1
        }
        let path = write(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let slow = try CSVReader.parse(Array(text.utf8), source: "t.csv")
        let expected = try slow.pairedNumbers("x", "y", dropMissing: true)
        for block in [1 << 20, (1 << 20) + 37, 3 << 20] {
            let fast = try ColumnReader.read(path: path, source: "t.csv", columns: ["x", "y"], blockSize: block)
            XCTAssertEqual(fast.rowCount, row)
            let got = try fast.pairedNumbers("x", "y", dropMissing: true)
            XCTAssertEqual(got.x, expected.x, "block \(block)")
            XCTAssertEqual(got.y, expected.y)
            XCTAssertEqual(got.keptRows, expected.keptRows)
        }
    }

    /// Text columns (issue 19): levels read in both halves of large blocks, quoted and with
    /// spaces kept, come out as the full parser's cells, in order of first appearance; an
    /// `autoText` column that meets a word part-way is read again as text, and the bytes are
    /// handed to `onBytes` once.
    func testTextColumnsMatchTheFullParserAcrossHalvesAndRestarts() throws {
        var random = LCG(state: 19)
        var text = "x,kind,code\n"
        let kinds = ["apple", "\"pear, ripe\"", " fig", "NA", "kiwi"]
        var row = 0
        while text.utf8.count < 3_000_000 {
            // The last kind appears only in the second half; "code" turns into text there too.
            let kind = text.utf8.count < 1_500_000 ? kinds[random.below(4)] : kinds[random.below(5)]
            let code = text.utf8.count > 2_000_000 && random.below(1000) == 0 ? "n/k" : String(random.below(4))
            text += "\(row),\(kind),\(code)\n"
            row += 1
        }
        let path = write(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let slow = try CSVReader.parse(Array(text.utf8), source: "t.csv")
        for block in [1 << 20, (1 << 20) + 37, 3 << 20] {
            var bytes = 0
            let fast = try ColumnReader.read(path: path, source: "t.csv", columns: ["x", "kind", "code"], text: ["kind"], autoText: ["code"],
                                             blockSize: block, onBytes: { bytes += $0.count })
            XCTAssertEqual(bytes, text.utf8.count, "every byte hashed once")
            XCTAssertTrue(fast.isText("kind"))
            XCTAssertTrue(fast.isText("code"), "switched to text at its first word")
            XCTAssertFalse(fast.isText("x"))
            for column in ["kind", "code"] {
                let (codes, levels) = try XCTUnwrap(fast.categorical(column))
                let (slowCodes, slowLevels) = try XCTUnwrap(slow.categorical(column))
                XCTAssertEqual(levels, slowLevels, "block \(block)")
                XCTAssertEqual(codes.map { $0.isNaN ? -1 : $0 }, slowCodes.map { $0.isNaN ? -1 : $0 }, "block \(block)")
            }
            XCTAssertEqual(try XCTUnwrap(fast.categorical("kind")).levels.sorted(), [" fig", "apple", "kiwi", "pear, ripe"])
            XCTAssertEqual(try fast.numbersOrMissing("x"), try slow.numbersOrMissing("x"))
        }
    }

    /// Numbers the reader parses in the same pass that finds their end (a wanted field that
    /// is a number right up to its separator), and near misses that must take the general
    /// path, give exactly the full parser's numbers or message at every block size.
    enum Either: Equatable { case numbers([UInt64], [UInt64]), message(String) }

    func testNumbersReadInOnePassMatchTheFullParser() throws {
        let fields = ["1e5", "+.5", "-0", "5.", "0.1e-3", "12345678901234567890123", "9007199254740993", "1E+2",
                      "2.5e-400", "NA", "", "1e999", "1e", "1.5x", "-", ".", "1..2", "0x10", " 7", "8 ", "\"9\""]
        for (k, field) in fields.enumerated() {
            for newline in ["\n", "\r\n"] {
                let text = "x,y" + newline + "1,\(field)" + newline + "\(field),2" + newline + "3,4"
                let path = write(text)
                defer { try? FileManager.default.removeItem(atPath: path) }
                // The numbers' bit patterns, or the message.
                var slow: Either
                do {
                    let d = try CSVReader.parse(Array(text.utf8), source: "n.csv")
                    for c in ["x", "y"] { try d.checkNumbersOrMissing(c) }
                    let p = try d.pairedNumbers("x", "y", dropMissing: true)
                    slow = .numbers(p.x.map(\.bitPattern), p.y.map(\.bitPattern))
                } catch { slow = .message("\(error)") }
                for block in [1, 2, 3, 5, 64, ColumnReader.blockSize] {
                    var fast: Either
                    do {
                        let d = try ColumnReader.read(path: path, source: "n.csv", columns: ["x", "y"], blockSize: block)
                        let p = try d.pairedNumbers("x", "y", dropMissing: true)
                        fast = .numbers(p.x.map(\.bitPattern), p.y.map(\.bitPattern))
                    } catch { fast = .message("\(error)") }
                    XCTAssertEqual(fast, slow, "field \(k) \(field), block \(block)")
                }
            }
        }
    }

    /// A field far longer than a block (here 4 MB in 64-byte blocks: 65,536 blocks) is read
    /// once the buffer has doubled enough, not rescanned after every block (which took
    /// 65,536 scans of up to 4 MB each); its row and the rows around it come out right.
    func testAFieldLongerThanManyBlocksIsReadInOnePassPerDoubling() throws {
        let long = String(repeating: "z", count: 4 << 20)
        let path = write("x,y,note\n1,2,a\n3,4,\(long)\n5,7,b\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let d = try ColumnReader.read(path: path, source: "t.csv", columns: ["x", "y"], blockSize: 64)
        XCTAssertEqual(try d.numbers("x"), [1, 3, 5])
        XCTAssertEqual(try d.numbers("y"), [2, 4, 7])
    }
}
