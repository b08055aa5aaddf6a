import Foundation
import XCTest

/// The output folder is the tool's or untouched: ownership, one-step swaps, locking, leftovers
/// of killed runs, symbolic links.
final class OutputFolderTests: CLITestCase {
    override func tearDownWithError() throws {
        // Reports made read-only by a test must be writable again to be removed.
        _ = try? ProcessRunner.run(URL(fileURLWithPath: "/bin/chmod"), ["-R", "u+w", work.path])
        try super.tearDownWithError()
    }

    /// Everything below a folder, with file contents, for "nothing changed" comparisons.
    func tree(_ name: String) -> [String: Data] {
        var out: [String: Data] = [:]
        guard let e = fm.enumerator(atPath: path(name)) else { return out }
        while let p = e.nextObject() as? String { out[p] = fm.contents(atPath: path(name) + "/" + p) ?? Data("<dir>".utf8) }
        return out
    }

    /// Staging or old folders left in the work folder.
    func leftovers() -> [String] {
        ((try? fm.contentsOfDirectory(atPath: work.path)) ?? []).filter { $0.contains(".new-") || $0.contains(".old-") }
    }

    func isCompleteReport(_ name: String) -> Bool {
        guard let data = fm.contents(atPath: path(name) + "/report.json"),
              (try? JSONSerialization.jsonObject(with: data)) != nil else { return false }
        return fm.fileExists(atPath: path(name) + "/index.html") && fm.fileExists(atPath: path(name) + "/.mle-report")
            && fm.fileExists(atPath: path(name) + "/figures/logistic-standardised.svg")
    }

    func testForeignFoldersAndTheCurrentFolderAreRefusedAndLeftExactlyAsTheyWere() throws {
        try fm.createDirectory(atPath: path("Documents/sub"), withIntermediateDirectories: true)
        fm.createFile(atPath: path("Documents/thesis.tex"), contents: Data("precious".utf8))
        let before = tree("Documents")
        var r = try run(["--out", "Documents", "--quiet"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasPrefix("error: --out \"Documents\": is a folder that mle-report did not write"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1)
        XCTAssertEqual(tree("Documents"), before)
        r = try run(["--out", ".", "--quiet"], in: work.appendingPathComponent("Documents"))
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("is the current directory"), r.stderr)
        r = try run(["--out", "..", "--quiet"], in: work.appendingPathComponent("Documents/sub"))
        XCTAssertEqual(r.status, 1, "a folder above the working directory")
        XCTAssertEqual(tree("Documents"), before)
        r = try run(["--out", "", "--quiet"])
        XCTAssertEqual(r.status, 1)
        fm.createFile(atPath: path("file"), contents: Data("x".utf8))
        r = try run(["--out", "file", "--quiet"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("exists and is not a folder"))
        // An empty folder and an earlier report are replaced.
        try fm.createDirectory(atPath: path("empty"), withIntermediateDirectories: true)
        XCTAssertEqual(try run(["--out", "empty", "--quiet"]).status, 0)
        XCTAssertEqual(try run(["--out", "empty", "--quiet"]).status, 0)
        XCTAssertTrue(isCompleteReport("empty"))
        XCTAssertEqual(leftovers(), [])
    }

    func testAReportWrittenBeforeTheMarkerIsStillRecognised() throws {
        try fm.createDirectory(atPath: path("old/figures"), withIntermediateDirectories: true)
        fm.createFile(atPath: path("old/report.json"), contents: Data(#"{"generator": "mle-report 0.1.0", "models": []}"#.utf8))
        fm.createFile(atPath: path("old/index.html"), contents: Data("<html>".utf8))
        XCTAssertEqual(try run(["--out", "old", "--quiet"]).status, 0)
        XCTAssertTrue(isCompleteReport("old"))
        // The same shape with a stranger's file in it is not a report.
        fm.createFile(atPath: path("old2/notes.txt"), contents: Data("mine".utf8))
        try? fm.createDirectory(atPath: path("old2"), withIntermediateDirectories: true)
        fm.createFile(atPath: path("old2/notes.txt"), contents: Data("mine".utf8))
        fm.createFile(atPath: path("old2/report.json"), contents: Data(#"{"generator": "mle-report 0.1.0"}"#.utf8))
        XCTAssertEqual(try run(["--out", "old2", "--quiet"]).status, 1)
        XCTAssertEqual(fm.contents(atPath: path("old2/notes.txt")), Data("mine".utf8))
    }

    func testSymlinkedOutputReplacesItsTargetAndCheckSeesExtraFilesAndFolders() throws {
        try fm.createSymbolicLink(atPath: path("link"), withDestinationPath: "real")
        var r = try run(["--out", "link", "--quiet"])
        XCTAssertEqual(r.status, 0, "a dangling link gets its target created: \(r.stderr)")
        XCTAssertTrue(isCompleteReport("real"))
        XCTAssertEqual(try fm.destinationOfSymbolicLink(atPath: path("link")), "real", "the link stays a link")
        r = try run(["--out", "link", "--check"])
        XCTAssertEqual(r.status, 0, r.stderr)
        fm.createFile(atPath: path("real/extra.txt"), contents: Data())
        try fm.createDirectory(atPath: path("real/empty"), withIntermediateDirectories: true)
        r = try run(["--out", "link", "--check"])
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.stderr.contains("extra.txt (not produced any more)"), r.stderr)
        XCTAssertTrue(r.stderr.contains("empty/ (extra folder)"), r.stderr)
        // A report that now holds what the run did not write is no longer replaced whole:
        // refused, naming the entries, and nothing is deleted.
        r = try run(["--out", "link", "--quiet"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("\"empty/\", \"extra.txt\""), r.stderr)
        XCTAssertTrue(fm.fileExists(atPath: path("real/extra.txt")))
        try fm.removeItem(atPath: path("real/extra.txt"))
        try fm.removeItem(atPath: path("real/empty"))
        XCTAssertEqual(try run(["--out", "link", "--quiet"]).status, 0)
        XCTAssertTrue(fm.fileExists(atPath: path("link/index.html")))
    }

    /// Concurrent runs into one folder are serialised: every run succeeds, the report is whole,
    /// and a watcher polling the folder meanwhile never finds it missing or without its page.
    func testConcurrentRunsAreSerialisedAndTheFolderIsNeverMissing() throws {
        XCTAssertEqual(try run(["--out", "R", "--quiet"]).status, 0)
        let stop = Atomic()
        var misses = 0
        let watcher = Thread {
            while !stop.isSet {
                var info = stat()
                if stat(self.path("R/index.html"), &info) != 0 { misses += 1 }
            }
        }
        watcher.start()
        let group = DispatchGroup()
        var statuses = [Int32](repeating: -1, count: 6)
        let lock = NSLock()
        for k in 0..<6 {
            group.enter()
            DispatchQueue.global().async {
                let status = (try? self.run(["--out", "R", "--quiet", "--seed", String(k + 1)]))?.status ?? -2
                lock.lock(); statuses[k] = status; lock.unlock()
                group.leave()
            }
        }
        group.wait()
        stop.set()
        while watcher.isExecuting { usleep(1000) }
        XCTAssertEqual(statuses, [0, 0, 0, 0, 0, 0])
        XCTAssertEqual(misses, 0, "the report was missing \(misses) times")
        XCTAssertTrue(isCompleteReport("R"))
        XCTAssertEqual(leftovers(), [])
    }

    /// A run killed between making its staging folder and finishing the marker in it leaves
    /// the folder empty or with the marker's first bytes: the next run removes both, and still
    /// leaves a look-alike holding anything else.
    func testTheNextRunRemovesAStagingFolderKilledBeforeItsMarker() throws {
        XCTAssertEqual(try run(["--out", "K", "--quiet"]).status, 0)
        try fm.createDirectory(atPath: path(".K.new-123"), withIntermediateDirectories: false)
        write(".K.new-124/.mle-report-staging", "A report be")
        write(".K.new-125/notes.txt", "mine")
        XCTAssertEqual(try run(["--out", "K", "--quiet"]).status, 0)
        XCTAssertFalse(fm.fileExists(atPath: path(".K.new-123")), "empty: removed")
        XCTAssertFalse(fm.fileExists(atPath: path(".K.new-124")), "the start of a marker: removed")
        XCTAssertTrue(fm.fileExists(atPath: path(".K.new-125/notes.txt")), "anything else: kept")
    }

    /// kill -9 at many moments of a run: afterwards the folder holds the previous report or
    /// the new one, whole; the next run removes every staging folder the killed ones left.
    func testKillAtAnyMomentLeavesAWholeReportAndTheNextRunCleansUp() throws {
        XCTAssertEqual(try run(["--out", "K", "--quiet"]).status, 0)
        for k in 0..<12 {
            let p = Process()
            p.executableURL = Self.binary
            p.arguments = ["--out", "K", "--quiet", "--seed", String(100 + k)]
            p.currentDirectoryURL = work
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(useconds_t(40_000 * k))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            XCTAssertTrue(isCompleteReport("K"), "after a kill at \(40 * k) ms the report is whole")
        }
        XCTAssertEqual(try run(["--out", "K", "--quiet"]).status, 0)
        XCTAssertEqual(leftovers(), [], "the next run removed what the killed runs left")
        XCTAssertTrue(isCompleteReport("K"))
    }

    /// Figures go to the staging folder while the run goes on: a run that fails then (a model
    /// whose fit fails beside one whose figures are drawing, or a template error after every
    /// figure was written) must still remove its staging folder, leave the previous report
    /// exactly as it was, and end with one error line and status 1 (not a crash).
    func testARunThatFailsAfterItsFiguresBeganLeavesThePreviousReportAndNoStagingFolder() throws {
        XCTAssertEqual(try run(["--out", "F", "--quiet"]).status, 0)
        let before = tree("F")
        let data = write("d.csv", "x,y\n1,1e-300\n2,2.5e-300\n3,2e-300\n4,5e-300\n")
        let good = write("g.csv", "x,y\n1,0\n2,1\n3,0\n4,1\n5,1\n6,0\n7,1\n8,1\n")
        var r = try run(["--data", data, "--out", "F", "--quiet"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("error: "), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        try fm.createDirectory(atPath: path("T"), withIntermediateDirectories: true)
        fm.createFile(atPath: path("T/report.mustache"), contents: Data("{{#sections}}{{/models}}".utf8))
        r = try run(["--data", good, "--model", "linear,logistic", "--templates", path("T"), "--out", "F", "--quiet"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("error: ") && r.stderr.contains("report.mustache"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertEqual(tree("F"), before, "the previous report is untouched")
        XCTAssertEqual(leftovers(), [], "no staging folder outlives a failed run")
    }

    func testAReadOnlyReportIsReplacedWithoutLeftovers() throws {
        XCTAssertEqual(try run(["--out", "RO", "--quiet"]).status, 0)
        _ = try ProcessRunner.run(URL(fileURLWithPath: "/bin/chmod"), ["-R", "a-w", path("RO")])
        let r = try run(["--out", "RO", "--quiet"])
        if getuid() == 0 {
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(isCompleteReport("RO"))
        } else {
            XCTAssertTrue(r.status == 0 || r.stderr.hasPrefix("error: "), r.stderr)
        }
        XCTAssertEqual(leftovers(), [])
    }
}

/// A flag set once from one thread and read from another.
final class Atomic: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}
