import Foundation
import XCTest
@testable import Likelihood

/// `--delimiter` and `--na` (issue 18, §4): files separated by another byte, and missing
/// markers beyond the standard ones, read alike by the full parser and the streaming reader.
final class CSVDialectTests: XCTestCase {
    typealias LCG = StreamingReaderTests.LCG

    func write(_ text: String) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dialect-\(UUID().uuidString).csv").path
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    /// The streaming reader's numbers of `path` at each block size: those of `expected`.
    @discardableResult
    func assertStreamingGives(_ expected: (x: [Double], y: [Double], keptRows: [Int]), path: String, dialect: CSVDialect,
                              blocks: [Int], _ what: String = "", line: UInt = #line) throws -> [Dataset] {
        try blocks.map { block in
            let fast = try ColumnReader.read(path: path, source: URL(fileURLWithPath: path).lastPathComponent, columns: ["x", "y"],
                                             dialect: dialect, blockSize: block)
            let got = try fast.pairedNumbers("x", "y", dropMissing: true)
            XCTAssertEqual(got.x, expected.x, "\(what) block \(block)", line: line)
            XCTAssertEqual(got.y, expected.y, "\(what) block \(block)", line: line)
            XCTAssertEqual(got.keptRows, expected.keptRows, "\(what) block \(block)", line: line)
            return fast
        }
    }

    /// The same table written with each separator gives the same numbers; quoted fields may
    /// hold the separator; a tab file keeps its padding spaces trimmed (a tab is no padding
    /// there).
    func testEverySeparatorReadsTheSameTable() throws {
        let rows = [("1", "2.5", "a"), ("2", " 3.5 ", "b, c; d|e\tf"), ("3", "NA", "g"), ("4", "8.25", "h")]
        var results: [[Double]] = []
        for separator in [",", ";", "\t", "|", ":"] {
            let dialect = CSVDialect(delimiter: separator.utf8.first!)
            var text = ["x", "y", "note"].joined(separator: separator) + "\n"
            for (x, y, note) in rows { text += [x, y, "\"\(note)\""].joined(separator: separator) + "\r\n" }
            let slow = try CSVReader.parse(Array(text.utf8), source: "t.csv", dialect: dialect)
            XCTAssertEqual(slow.columnNames, ["x", "y", "note"], "separator \(Message.quoted(separator))")
            let pair = try slow.pairedNumbers("x", "y", dropMissing: true)
            XCTAssertEqual(pair.keptRows, [0, 1, 3])
            results.append(pair.y)
            let path = write(text)
            defer { try? FileManager.default.removeItem(atPath: path) }
            try assertStreamingGives(pair, path: path, dialect: dialect, blocks: [1, 3, 7, 64, ColumnReader.blockSize],
                                     "separator \(Message.quoted(separator))")
        }
        XCTAssertEqual(results, Array(repeating: [2.5, 3.5, 8.25], count: 5))
    }

    /// Read with the wrong separator, a file is one column; the message says which separator
    /// the header holds and the option that reads it. Text after a closing quote names the
    /// separator in use.
    func testWrongSeparatorsAreNamedWithTheOptionThatReadsThem() throws {
        let semicolons = try CSVReader.parse(Array("x;y\n1;2\n".utf8), source: "s.csv")
        XCTAssertThrowsError(try semicolons.numbers("x")) {
            XCTAssertEqual("\($0)", "s.csv: no column named \"x\"; the header is one column holding semicolons, so the file looks semicolon-separated: give --delimiter ';'")
        }
        let tabs = try CSVReader.parse(Array("x\ty\n1\t2\n".utf8), source: "t.csv")
        XCTAssertThrowsError(try tabs.numbers("y")) { XCTAssertTrue("\($0)".hasSuffix("looks tab-separated: give --delimiter tab"), "\($0)") }
        let commas = try CSVReader.parse(Array("x,y\n1,2\n".utf8), source: "c.csv", dialect: CSVDialect(delimiter: 0x3B))
        XCTAssertThrowsError(try commas.numbers("x")) {
            XCTAssertTrue("\($0)".hasSuffix("looks comma-separated, the default: leave out --delimiter"), "\($0)")
        }
        XCTAssertThrowsError(try CSVReader.parse(Array("x;y\n\"1\",2\n".utf8), source: "q.csv", dialect: CSVDialect(delimiter: 0x3B))) {
            XCTAssertEqual("\($0)", "q.csv:2:4: text after the closing quote of a field; expected ';' or end of line")
        }
        XCTAssertThrowsError(try CSVReader.parse(Array("x\ty\n\"1\" ,2\n".utf8), source: "q.csv", dialect: CSVDialect(delimiter: 0x09))) {
            XCTAssertEqual("\($0)", "q.csv:2:5: text after the closing quote of a field; expected tab or end of line")
        }
    }

    /// A decimal comma and a spreadsheet's own missing marker are not numbers; each message
    /// says what to do.
    func testDecimalCommasAndForeignMarkersGetAdvice() throws {
        let semi = CSVDialect(delimiter: 0x3B)
        let d = try CSVReader.parse(Array("x;y\n1;2,5\n2;#N/A\n3;None\n4;-1,25\n".utf8), source: "d.csv", dialect: semi)
        XCTAssertThrowsError(try d.numbers("y")) {
            XCTAssertEqual("\($0)", "d.csv:2:3: column \"y\": \"2,5\" is not a number: numbers are read with a decimal point, so convert decimal commas first (for example \"2.5\")")
        }
        XCTAssertThrowsError(try d.pairedNumbers("x", "y", dropMissing: true)) {
            XCTAssertEqual("\($0)", "d.csv:2:3: column \"y\": \"2,5\" is not a number: numbers are read with a decimal point, so convert decimal commas first (for example \"2.5\")")
        }
        let e = try CSVReader.parse(Array("x,y\n1,#N/A\n2,None\n".utf8), source: "e.csv")
        XCTAssertThrowsError(try e.numbers("y")) {
            XCTAssertEqual("\($0)", "e.csv:2:3: column \"y\": \"#N/A\" is not a number; if it marks a missing value, say so with --na '#N/A'")
        }
    }

    /// Extra markers: any case, trimmed; a numeric marker matches the value however it is
    /// written, and only that value; without --drop-missing each is named as a missing value.
    func testExtraMarkersMarkMissingValuesInBothReaders() throws {
        let dialect = CSVDialect(missingMarkers: ["#N/A", " none ", "-999", "NA", "."])
        XCTAssertEqual(dialect.markers, ["#n/a", "none", "-999", "."], "standard markers and duplicates are not kept twice")
        XCTAssertTrue(dialect.isMissing("-999.0"))
        XCTAssertTrue(dialect.isMissing("-9.99e2"))
        XCTAssertFalse(dialect.isMissing("-999.5"))
        XCTAssertFalse(dialect.isMissing("999"))
        XCTAssertTrue(dialect.isMissing("NONE"))
        let text = "x,y\n1,2\n2,#n/a\n3, None\n-999.0,4\n5,.\n6,-999.5\n7,\"-999\"\n8,9\n"
        let slow = try CSVReader.parse(Array(text.utf8), source: "m.csv", dialect: dialect)
        let pair = try slow.pairedNumbers("x", "y", dropMissing: true)
        XCTAssertEqual(pair.x, [1, 6, 8])
        XCTAssertEqual(pair.y, [2, -999.5, 9])
        XCTAssertEqual(pair.keptRows, [0, 5, 7])
        let path = write(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let blocks = [1, 2, 5, 64, ColumnReader.blockSize]
        for (block, fast) in zip(blocks, try assertStreamingGives(pair, path: path, dialect: dialect, blocks: blocks)) {
            XCTAssertThrowsError(try fast.numbers("y"), "block \(block)") {
                XCTAssertEqual("\($0)", "\(fast.source):3:3: column \"y\": \"#n/a\" marks a missing value; --drop-missing leaves such rows out")
            }
            XCTAssertThrowsError(try fast.numbers("x"), "block \(block)") {
                XCTAssertEqual("\($0)", "\(fast.source):5:1: column \"x\": \"-999.0\" marks a missing value; --drop-missing leaves such rows out")
            }
        }
        // Without the dialect the same file is an error at its first foreign marker.
        XCTAssertThrowsError(try CSVReader.parse(Array(text.utf8), source: "m.csv").pairedNumbers("x", "y", dropMissing: true)) {
            XCTAssertTrue("\($0)".hasPrefix("m.csv:3:3: column \"y\": \"#n/a\" is not a number"), "\($0)")
        }
    }

    /// Large semicolon files with sentinels, parsed in two halves at once, agree with the full
    /// parser row for row.
    func testLargeFilesWithAnotherSeparatorAndSentinelsAgree() throws {
        var random = LCG(state: 5)
        let dialect = CSVDialect(delimiter: 0x3B, missingMarkers: ["-999", "#N/A"])
        var text = "x;note;y\n"
        var row = 0
        while text.utf8.count < 2_500_000 {
            let note = random.below(7) == 0 ? "\"a;\nb\"" : "n\(row)"
            let y = random.below(40) == 0 ? "-999" : random.below(60) == 0 ? "#N/A" : String(random.below(100_000))
            text += "\(row);\(note);\(y)\n"
            row += 1
        }
        let path = write(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let expected = try CSVReader.parse(Array(text.utf8), source: "t.csv", dialect: dialect).pairedNumbers("x", "y", dropMissing: true)
        XCTAssertLessThan(expected.x.count, row, "some rows were missing")
        XCTAssertGreaterThan(expected.x.count, row * 9 / 10)
        XCTAssertFalse(expected.y.contains(-999))
        try assertStreamingGives(expected, path: path, dialect: dialect, blocks: [1 << 20, (1 << 20) + 13])
    }

    func testTheCommandLineNamesOfSeparators() {
        XCTAssertEqual(CSVDialect.delimiter(named: "tab"), 0x09)
        XCTAssertEqual(CSVDialect.delimiter(named: "\\t"), 0x09)
        XCTAssertEqual(CSVDialect.delimiter(named: ";"), 0x3B)
        XCTAssertEqual(CSVDialect.delimiter(named: "semicolon"), 0x3B)
        XCTAssertEqual(CSVDialect.delimiter(named: "|"), 0x7C)
        for bad in ["", ".", "-", "x", "1", "\"", " ", ";;", "é", "#"] {
            XCTAssertNil(CSVDialect.delimiter(named: bad), bad)
        }
        XCTAssertEqual(CSVDialect(delimiter: 0x09).delimiterArgument, "tab")
        XCTAssertEqual(CSVDialect(delimiter: 0x3B).delimiterName, "';'")
    }
}
