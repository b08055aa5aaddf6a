import XCTest
@testable import Likelihood

final class CSVReaderTests: XCTestCase {
    private func parse(_ text: String) throws -> Dataset {
        try CSVReader.parse(Array(text.utf8), source: "t.csv")
    }

    private func assertError(_ text: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line,
                             column: String = "y") {
        XCTAssertThrowsError(try { let d = try parse(text); _ = try d.numbers("x"); _ = try d.numbers(column) }(),
                             file: file, line: line) { error in
            XCTAssertEqual("\(error)", expected, file: file, line: line)
        }
    }

    func testPlainFileIsReadColumnByColumn() throws {
        let d = try parse("x,y\n1,2\n3.5,-4e2\n")
        XCTAssertEqual(d.columnNames, ["x", "y"])
        XCTAssertEqual(try d.numbers("x"), [1, 3.5])
        XCTAssertEqual(try d.numbers("y"), [2, -400])
    }

    func testQuotedFieldsCRLFAndByteOrderMark() throws {
        let text = "\u{FEFF}\"a,b\",\"say \"\"hi\"\"\",x\r\n\"1\",\"2\r\nz\",3\r\n"
        let d = try parse(text)
        XCTAssertEqual(d.columnNames, ["a,b", "say \"hi\"", "x"])
        XCTAssertEqual(try d.numbers("a,b"), [1])
        XCTAssertEqual(try d.numbers("x"), [3])
        XCTAssertEqual(d.location(row: 0, column: "x"), SourceLocation(file: "t.csv", line: 3, column: 4))
    }

    /// R's write.csv and pandas' to_csv write an unnamed first column of row names: read, with
    /// its empty name, by the whole-file parser and the streaming reader alike.
    func testUnnamedFirstColumnOfRowNames() throws {
        let text = "\"\",\"x\",\"y\"\n\"1\",1.5,2\n\"2\",3,4\n"
        let d = try parse(text)
        XCTAssertEqual(d.columnNames, ["", "x", "y"])
        XCTAssertEqual(try d.numbers("x"), [1.5, 3])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rownames-\(getpid()).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let streamed = try ColumnReader.read(path: url.path, source: "t.csv", columns: ["x", "y"])
        XCTAssertEqual(try streamed.numbers("y"), [2, 4])
        XCTAssertEqual(streamed.columnNames, ["", "x", "y"])
    }

    func testNoFinalNewlineAndBlankLinesAreFine() throws {
        let d = try parse("x,y\n\n1,2\n\n3,4")
        XCTAssertEqual(try d.numbers("y"), [2, 4])
        XCTAssertEqual(d.location(row: 1, column: "y"), SourceLocation(file: "t.csv", line: 5, column: 3))
    }

    func testEveryDefectNamesLineAndColumn() {
        assertError("", "t.csv: the file is empty; a header row naming the columns is required")
        assertError("x,y\n", "t.csv: the file has a header row but no data rows")
        assertError("x,y\n1,2\n3\n", "t.csv:3:2: row has 1 field, but the header has 2")
        assertError("x,y\n1,2,5\n", "t.csv:2:5: row has 3 fields, but the header has 2")
        assertError("x,y\n1,abc\n", "t.csv:2:3: column \"y\": \"abc\" is not a number")
        assertError("x,y\n1,NaN\n", "t.csv:2:3: column \"y\": \"NaN\" marks a missing value; --drop-missing leaves such rows out")
        assertError("x,y\n1,NA\n", "t.csv:2:3: column \"y\": \"NA\" marks a missing value; --drop-missing leaves such rows out")
        assertError("x,y\n1,-inf\n", "t.csv:2:3: column \"y\": \"-inf\" is not a finite number")
        assertError("x,y\n1,1e400\n", "t.csv:2:3: column \"y\": \"1e400\" is not a finite number")
        assertError("x,y\n1,\n", "t.csv:2:3: column \"y\": empty field (a missing value; --drop-missing leaves such rows out)")
        assertError("x,x\n1,2\n", "t.csv:1:3: duplicate column name \"x\" (also column 1)")
        assertError("x,\n1,2\n", "t.csv:1:3: empty column name in the header row")
        assertError(",x,\n1,2,3\n", "t.csv:1:4: empty column name in the header row")
        assertError("x,y\n1,\"2\n", "t.csv:2:3: quoted field is never closed (missing '\"')")
        assertError("x,y\n1,2\"\n", "t.csv:2:4: '\"' inside an unquoted field; quote the whole field and double the quote")
        assertError("x,y\n1,\"2\"z\n", "t.csv:2:6: text after the closing quote of a field; expected ',' or end of line")
        assertError("x,y\n1,2\n", "t.csv: no column named \"z\"; the columns are \"x\", \"y\"", column: "z")
        assertError("x,y\n1,0x10\n", "t.csv:2:3: column \"y\": \"0x10\" is not a number")
    }

    func testInvalidUTF8IsLocated() {
        let bytes: [UInt8] = Array("x,y\n1,é".utf8) + [0xFF] + Array("\n".utf8)
        XCTAssertThrowsError(try CSVReader.parse(bytes, source: "t.csv")) { error in
            XCTAssertEqual("\(error)", "t.csv:2:4: invalid UTF-8 byte sequence; save the file as UTF-8")
        }
        // Overlong encodings and surrogates are not UTF-8 either.
        XCTAssertThrowsError(try CSVReader.parse([0x78, 0xC0, 0x80], source: "t.csv"))
        XCTAssertThrowsError(try CSVReader.parse([0x78, 0xED, 0xA0, 0x80], source: "t.csv"))
    }

    func testNonNumericColumnsNotUsedAreAllowed() throws {
        let d = try parse("name,x\nalpha,1\nbeta,2\n")
        XCTAssertEqual(try d.numbers("x"), [1, 2])
    }

    func testArbitraryBytesNeverTrap() {
        var random = RandomGenerator(seed: 7)
        let alphabet: [UInt8] = [0x2C, 0x22, 0x0A, 0x0D, 0x31, 0x2E, 0x65, 0x2D, 0x20, 0xC3, 0xA9, 0xFF, 0x78, 0x79]
        for _ in 0..<3000 {
            let length = Int(random.next() % 40)
            let bytes = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            // Each input parses to a rectangular table, or fails with one short located line.
            do {
                let d = try CSVReader.parse(bytes, source: "f")
                XCTAssertFalse(d.columnNames.isEmpty)
                for name in d.columnNames {
                    do { let values = try d.numbers(name); XCTAssertEqual(values.count, d.rowCount) } catch {
                        XCTAssertTrue("\(error)".hasPrefix("f:"), "\(error)")
                    }
                }
            } catch {
                let text = "\(error)"
                XCTAssertTrue(text.hasPrefix("f"), text)
                XCTAssertFalse(text.contains("\n"), text)
                XCTAssertLessThan(text.count, 400, text)
            }
        }
    }

    func testMissingFileAndDirectory() {
        XCTAssertThrowsError(try CSVReader.read(path: "/nonexistent/file.csv", name: "file.csv")) {
            XCTAssertEqual("\($0)", "file.csv: cannot read the file: no such file")
        }
        XCTAssertThrowsError(try CSVReader.read(path: NSTemporaryDirectory(), name: "tmp")) {
            XCTAssertEqual("\($0)", "tmp: cannot read the file: it is a directory")
        }
    }

    /// A cell's position found by parsing only up to its row is the one the full parser keeps,
    /// for every row and column of a file with a byte-order mark, blank lines, CRLF and LF,
    /// quoted fields with commas and line breaks, and multi-byte characters.
    func testLocatingOneCellAgreesWithTheFullParser() throws {
        let text = "\u{FEFF}a, \"b c\" ,z\r\n\r\n1,\"x,\ny\",é\n\n2,3,\"q\"\"\"\r\n4,\"\n\n\",5\n6,7,8"
        let bytes = Array(text.utf8)
        let full = try CSVReader.parse(bytes, source: "t.csv")
        XCTAssertEqual(full.rowCount, 4)
        for column in ["a", "b c", "z"] {
            for row in 0..<full.rowCount {
                let cell = CSVReader.cell(ofRow: row, column: column, in: bytes, source: "t.csv")
                XCTAssertEqual(cell?.at, full.location(row: row, column: column), "row \(row), column \(column)")
                XCTAssertEqual(cell?.text, full.text(row: row, column: column))
            }
            XCTAssertNil(CSVReader.cell(ofRow: full.rowCount, column: column, in: bytes, source: "t.csv"))
        }
        XCTAssertNil(CSVReader.cell(ofRow: 0, column: "nope", in: bytes, source: "t.csv"))
        XCTAssertEqual(CSVReader.cell(ofRow: 3, column: "z", in: bytes, source: "t.csv")?.at,
                       SourceLocation(file: "t.csv", line: 10, column: 5))
    }

    /// The one-pass error finder (bounded memory, used for messages about streamed files)
    /// gives exactly the error of the full parser followed by the number check of the wanted
    /// columns, on thousands of seeded mutations of a small file: bad, empty, missing and
    /// non-finite cells, ragged rows, blank lines, quotes, bad header names, a BOM.
    func testFirstErrorAgreesWithTheFullParser() throws {
        var random = RandomGenerator(seed: 4242)
        func pick<T>(_ options: [T]) -> T { options[Int(random.next() % UInt64(options.count))] }
        let cells = ["1", "2.5", "-3e2", " 4 ", "", "NA", "nan", "inf", "abc", "0x10", "\"7\"", "\"a,b\"", "\"1\n2\"", "1e999", "é"]
        let headers = ["x,y,z", "x, y ,z", "x,,z", "x,y,x", "y,x", "x,z", "\"x\",\"y\",z"]
        var agreed = 0
        for _ in 0..<3000 {
            var lines = [pick(headers)]
            for _ in 0..<Int(random.next() % 6) {
                let width = pick([3, 3, 3, 3, 2, 4])
                lines.append((0..<width).map { _ in pick(cells) }.joined(separator: ","))
                if random.next() % 5 == 0 { lines.append("") }
            }
            var text = lines.joined(separator: pick(["\n", "\r\n"]))
            if random.next() % 4 == 0 { text = "\u{FEFF}" + text }
            let bytes = Array(text.utf8)
            let wanted = pick([["x", "y"], ["y", "x"], ["z"], ["x", "q"]])
            var expected: String?
            do {
                let data = try CSVReader.parse(bytes, source: "m.csv")
                for name in wanted { try data.checkNumbersOrMissing(name) }
            } catch {
                expected = "\(error)"
            }
            XCTAssertEqual(CSVReader.firstError(in: bytes, source: "m.csv", wanted: wanted).map { "\($0)" }, expected, text.debugDescription)
            if expected != nil { agreed += 1 }
        }
        XCTAssertGreaterThan(agreed, 1000, "most mutations are errors")
    }
}
