import Foundation
import XCTest

/// `--watch` renders again when an input changes and keeps the last good report on failure.
final class WatchTests: CLITestCase {
    /// A running `--watch` with its stderr collected.
    final class Session {
        let process = Process()
        private let pipe = Pipe()
        private let lock = NSLock()
        private var collected = ""
        var log: String { lock.lock(); defer { lock.unlock() }; return collected }

        init(_ arguments: [String], in folder: URL) throws {
            process.executableURL = CLITestCase.binary
            process.arguments = arguments
            process.currentDirectoryURL = folder
            process.standardError = pipe
            process.standardOutput = FileHandle.nullDevice
            pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let text = String(decoding: handle.availableData, as: UTF8.self)
                guard let self else { return }
                self.lock.lock(); self.collected += text; self.lock.unlock()
            }
            try process.run()
        }

        func stop() { process.terminate(); process.waitUntilExit(); pipe.fileHandleForReading.readabilityHandler = nil }

        /// Waits (up to 10 s) until `needle` has appeared `count` times.
        func waitFor(_ count: Int, _ needle: String) -> Bool {
            for _ in 0..<200 {
                if log.components(separatedBy: needle).count - 1 >= count { return true }
                usleep(50_000)
            }
            return false
        }
    }

    func testRerendersOnChangeAndKeepsTheLastGoodReport() throws {
        write("d.csv", "x,y\n1,2\n2,3.5\n3,3.9\n4,6\n")
        let session = try Session(["--data", "d.csv", "--out", "W", "--watch", "--quiet"], in: work)
        defer { session.stop() }
        func waitFor(_ count: Int, _ needle: String) -> Bool { session.waitFor(count, needle) }
        XCTAssertTrue(waitFor(1, "watching"), session.log)
        XCTAssertEqual((try json("W/report.json")["models"] as! [[String: Any]])[0]["n"] as? Int, 4)
        usleep(1_100_000)   // a new modification time even on coarse clocks
        write("d.csv", "x,y\n1,2\n2,3.5\n3,3.9\n4,6\n5,7.1\n")
        XCTAssertTrue(waitFor(2, "] rendered in"), session.log)
        XCTAssertEqual((try json("W/report.json")["models"] as! [[String: Any]])[0]["n"] as? Int, 5)
        usleep(1_100_000)
        write("d.csv", "x,y\n1,2\n2,oops\n")
        XCTAssertTrue(waitFor(1, "render failed; the last good report stays"), session.log)
        XCTAssertTrue(session.log.contains("error: d.csv:3:3: column \"y\": \"oops\" is not a number"), session.log)
        XCTAssertEqual((try json("W/report.json")["models"] as! [[String: Any]])[0]["n"] as? Int, 5, "the last good report stays")
    }

    /// The config is read again on every change: a new title, a switch of model and
    /// `compare` take effect; a broken config keeps the last good report.
    func testRereadsTheConfigOnEveryChange() throws {
        write("d.csv", "x,y\n1,2\n2,3.5\n3,3.9\n4,6\n5,7.2\n6,7.9\n")
        write("c.json", #"{"title": "First title", "compare": false, "models": [{"data": "d.csv", "x": "x", "y": "y", "model": "linear"}]}"#)
        let session = try Session(["--config", "c.json", "--out", "W", "--watch", "--quiet"], in: work)
        defer { session.stop() }
        func waitFor(_ count: Int, _ needle: String) -> Bool { session.waitFor(count, needle) }
        XCTAssertTrue(waitFor(1, "watching"), session.log)
        XCTAssertTrue(text("W/index.html").contains("First title"))
        usleep(1_100_000)
        write("c.json", #"{"title": "Second title", "models": [{"data": "d.csv", "x": "x", "y": "y", "model": "laplace"}]}"#)
        XCTAssertTrue(waitFor(2, "] rendered in"), session.log)
        let page = text("W/index.html")
        XCTAssertTrue(page.contains("Second title"), "the new title")
        let models = try json("W/report.json")["models"] as! [[String: Any]]
        XCTAssertEqual(models.map { $0["family"] as? String }, ["laplace"], "the new model")
        XCTAssertEqual((try json("W/report.json")["comparisons"] as? [Any])?.count, 1, "compare is back to its default")
        usleep(1_100_000)
        write("c.json", #"{"title": 7, "models": []}"#)
        XCTAssertTrue(waitFor(1, "render failed; the last good report stays"), session.log)
        XCTAssertTrue(session.log.contains("error: c.json: title: expected a string"), session.log)
        XCTAssertTrue(text("W/index.html").contains("Second title"))
    }
}
