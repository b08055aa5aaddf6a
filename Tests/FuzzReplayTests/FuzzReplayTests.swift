import Foundation
import XCTest
import FuzzTargets

/// Replays the fuzzing seed corpus and every input that once crashed a target (kept in
/// Fuzz/crashes, named `<target>-…`) through the same functions libFuzzer calls.
final class FuzzReplayTests: XCTestCase {
    static let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    func testSeedCorporaAndFoundCrashesRunCleanly() throws {
        for target in FuzzTargets.names {
            let seeds = FuzzTargets.replay(target, paths: [Self.fuzz.appendingPathComponent("corpus/\(target)").path])
            XCTAssertGreaterThanOrEqual(seeds, 5, "\(target): seed corpus")
            let crashes = ((try? FileManager.default.contentsOfDirectory(atPath: Self.fuzz.appendingPathComponent("crashes").path)) ?? [])
                .filter { $0.hasPrefix(target + "-") }.sorted()
            // Each replay runs the target's own checks (no crash; every error one short line without
            // control characters); every saved crash must be read and replayed.
            let replayed = FuzzTargets.replay(target, paths: crashes.map { Self.fuzz.appendingPathComponent("crashes/\($0)").path })
            XCTAssertEqual(replayed, crashes.count, target)
        }
    }
}
