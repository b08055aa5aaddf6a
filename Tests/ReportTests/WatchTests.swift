import Foundation
import XCTest

/// `--watch` renders again when an input changes and keeps the last good report on failure.
final class WatchTests: CLITestCase {
    func testRerendersOnChangeAndKeepsTheLastGoodReport() throws {
        write("d.csv", "x,y\n1,2\n2,3.5\n3,3.9\n4,6\n")
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = ["--data", "d.csv", "--out", "W", "--watch", "--quiet"]
        p.currentDirectoryURL = work
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        let lock = NSLock()
        var log = ""
        err.fileHandleForReading.readabilityHandler = { handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            lock.lock(); log += text; lock.unlock()
        }
        try p.run()
        defer { p.terminate(); p.waitUntilExit(); err.fileHandleForReading.readabilityHandler = nil }
        func waitFor(_ count: Int, _ needle: String) -> Bool {
            for _ in 0..<200 {
                lock.lock(); let n = log.components(separatedBy: needle).count - 1; lock.unlock()
                if n >= count { return true }
                usleep(50_000)
            }
            return false
        }
        XCTAssertTrue(waitFor(1, "watching"), log)
        XCTAssertEqual((try json("W/report.json")["models"] as! [[String: Any]])[0]["n"] as? Int, 4)
        usleep(1_100_000)   // a new modification time even on coarse clocks
        write("d.csv", "x,y\n1,2\n2,3.5\n3,3.9\n4,6\n5,7.1\n")
        XCTAssertTrue(waitFor(2, "] rendered in"), log)
        XCTAssertEqual((try json("W/report.json")["models"] as! [[String: Any]])[0]["n"] as? Int, 5)
        usleep(1_100_000)
        write("d.csv", "x,y\n1,2\n2,oops\n")
        XCTAssertTrue(waitFor(1, "render failed; the last good report stays"), log)
        lock.lock(); let text = log; lock.unlock()
        XCTAssertTrue(text.contains("error: d.csv:3:3: column \"y\": \"oops\" is not a number"), text)
        XCTAssertEqual((try json("W/report.json")["models"] as! [[String: Any]])[0]["n"] as? Int, 5, "the last good report stays")
    }
}
