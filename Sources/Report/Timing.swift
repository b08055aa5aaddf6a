import Foundation

/// Where a run spends its time: with `MLE_REPORT_TIMING` set in the environment, each phase
/// and each figure's construction is written to stderr as milliseconds since the run began
/// (for benchmarks and profiling; nothing is written otherwise, and nothing on stdout).
enum Timing {
    static let enabled = ProcessInfo.processInfo.environment["MLE_REPORT_TIMING"] != nil
    nonisolated(unsafe) static var start = Date()
    static let lock = NSLock()

    static func begin() { if enabled { start = Date() } }

    /// Writes "<ms since begin> ms <what>".
    static func mark(_ what: @autoclosure () -> String) {
        guard enabled else { return }
        let line = "\(Int(Date().timeIntervalSince(start) * 1000)) ms \(what())\n"
        lock.lock(); defer { lock.unlock() }
        StandardError.write(line)
    }

    /// Runs `body` and writes how long it took.
    static func measure<T>(_ what: @autoclosure () -> String, _ body: () throws -> T) rethrows -> T {
        guard enabled else { return try body() }
        let t = Date()
        let result = try body()
        mark("  \(what()): \(Int(Date().timeIntervalSince(t) * 1000)) ms")
        return result
    }
}
