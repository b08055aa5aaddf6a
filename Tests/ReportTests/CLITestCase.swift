import Foundation
import XCTest

/// The base of the tests that run the built `mle-report` as a user would: each test gets a
/// fresh working folder, and helpers to run the tool there and to read what it wrote.
class CLITestCase: XCTestCase {
    /// The executable under test: `MLE_REPORT_BINARY` when set (`make test` points it at the
    /// release build it has just made, which runs the real-data corpus several times faster),
    /// else the one built beside the tests.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["MLE_REPORT_BINARY"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("mle-report")
    }

    var work: URL!
    let fm = FileManager.default

    override func setUpWithError() throws {
        work = fm.temporaryDirectory.appendingPathComponent("mle-test-\(UUID().uuidString)")
        try fm.createDirectory(at: work, withIntermediateDirectories: true)
        // A missing binary fails the test, never skips it: a green run must have run it.
        guard fm.isExecutableFile(atPath: Self.binary.path) else {
            struct NotBuilt: Error, CustomStringConvertible { var description: String }
            throw NotBuilt(description: "mle-report is not built at \(Self.binary.path): run `make test`, or "
                + "`swift build --product mle-report` before `swift test` (or set MLE_REPORT_BINARY)")
        }
    }

    override func tearDownWithError() throws {
        try? fm.removeItem(at: work)
    }

    /// Runs the tool with `arguments` in the working folder (or `directory`).
    @discardableResult
    func run(_ arguments: [String], in directory: URL? = nil, input: Data? = nil) throws -> ProcessRunner.Result {
        try ProcessRunner.run(Self.binary, arguments, in: directory ?? work, input: input)
    }

    func path(_ name: String) -> String { work.appendingPathComponent(name).path }

    /// Writes a file into the working folder and returns its name.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        // A name with folders gets its folders.
        try? fm.createDirectory(at: URL(fileURLWithPath: path(name)).deletingLastPathComponent(), withIntermediateDirectories: true)
        fm.createFile(atPath: path(name), contents: Data(bytes))
        return name
    }

    @discardableResult
    func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }

    func text(_ name: String) -> String {
        String(decoding: fm.contents(atPath: path(name)) ?? Data(), as: UTF8.self)
    }

    func json(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: work.appendingPathComponent(name))) as! [String: Any]
    }

    /// Every file below a folder with its contents.
    func snapshot(_ dir: String) -> [String: Data] {
        var files: [String: Data] = [:]
        let root = path(dir)
        if let e = fm.enumerator(atPath: root) {
            while let p = e.nextObject() as? String {
                var isDir: ObjCBool = false
                fm.fileExists(atPath: root + "/" + p, isDirectory: &isDir)
                if !isDir.boolValue { files[p] = fm.contents(atPath: root + "/" + p) }
            }
        }
        return files
    }
}
