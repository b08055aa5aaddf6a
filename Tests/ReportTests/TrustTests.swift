import Foundation
import XCTest

/// Ways a run could lose, read or leave files (issue 17's reproducers, as tests).
final class TrustTests: CLITestCase {
    func isRoot() -> Bool { getuid() == 0 }

    /// `cp -r Output/. proj/` copies the marker into a folder of one's own: the marker alone
    /// does not make it a report, and its own files are named and kept.
    func testForgedMarkerDoesNotMakeAFolderReplaceable() throws {
        XCTAssertEqual(try run(["--out", "Output", "--quiet"]).status, 0)
        try fm.createDirectory(atPath: path("proj"), withIntermediateDirectories: true)
        for item in try fm.contentsOfDirectory(atPath: path("Output")) {
            try fm.copyItem(atPath: path("Output/\(item)"), toPath: path("proj/\(item)"))
        }
        write("proj/thesis.tex", "\\documentclass{article}")
        let r = try run(["--out", "proj", "--quiet"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("\"thesis.tex\""), r.stderr)
        XCTAssertEqual(text("proj/thesis.tex"), "\\documentclass{article}")
        // A marker that lists nothing (as written before the listing) with a foreign entry too.
        write("proj/.mle-report", "This folder was written by mle-report, which replaces it whole on every run.\n")
        XCTAssertEqual(try run(["--out", "proj", "--quiet"]).status, 1)
        XCTAssertEqual(text("proj/thesis.tex"), "\\documentclass{article}")
        // A report whose marker lists every file is replaced.
        XCTAssertEqual(try run(["--out", "Output", "--quiet"]).status, 0)
    }

    /// Inputs inside the folder a run replaces, and an output inside the templates.
    func testInputsInsideTheOutputFolderAreRefused() throws {
        try fm.createDirectory(atPath: path("rep/tpl"), withIntermediateDirectories: true)
        write("rep/mydata.csv", "x,y\n1,2\n2,3.5\n3,3\n4,6\n")
        var r = try run(["--data", "rep/mydata.csv", "--x", "x", "--y", "y", "--out", "rep"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("holds --data \"rep/mydata.csv\""), r.stderr)
        XCTAssertTrue(fm.fileExists(atPath: path("rep/mydata.csv")))
        r = try run(["--templates", "rep/tpl", "--out", "rep"])
        XCTAssertTrue(r.stderr.contains("holds --templates"), r.stderr)
        r = try run(["--templates", "rep/tpl", "--out", "rep/tpl/out"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("is inside --templates"), r.stderr)
        XCTAssertFalse(fm.fileExists(atPath: path("rep/tpl/out")))
        write("cfg.json", #"{"models": [{"model": "linear"}]}"#)
        try fm.createDirectory(atPath: path("c"), withIntermediateDirectories: true)
        try fm.moveItem(atPath: path("cfg.json"), toPath: path("c/cfg.json"))
        XCTAssertTrue(try run(["--config", "c/cfg.json", "--out", "c"]).stderr.contains("holds --config"))
    }

    /// A folder named like a dead run's staging or old report, but not one, is left alone.
    func testLookAlikeLeftoversAreNotDeleted() throws {
        try fm.createDirectory(atPath: path(".o.new-123"), withIntermediateDirectories: true)
        write(".o.new-123/keep.txt", "mine")
        try fm.createDirectory(atPath: path(".o.old-456"), withIntermediateDirectories: true)
        write(".o.old-456/keep.txt", "mine too")
        XCTAssertEqual(try run(["--out", "o", "--quiet"]).status, 0)
        XCTAssertEqual(text(".o.new-123/keep.txt"), "mine")
        XCTAssertEqual(text(".o.old-456/keep.txt"), "mine too")
        XCTAssertFalse(fm.fileExists(atPath: path("o/keep.txt")), "an old look-alike is not 'restored' as the report")
    }

    /// Ctrl-C, a CI cancel and a closed terminal: no staging folder stays, the previous report
    /// is untouched, and the exit code is 128 + the signal.
    func testSignalsRemoveTheStagingFolderAndExitWith128PlusSignal() throws {
        XCTAssertEqual(try run(["--out", "o", "--quiet"]).status, 0)
        let before = snapshot("o")
        var rows = "x,y\n"
        for i in 0..<300_000 { rows += "\(Double(i) / 1000),\((i * 7919) % 1000)\n" }
        write("big.csv", rows)
        for (signal, code) in [(SIGINT, Int32(130)), (SIGTERM, 143), (SIGHUP, 129)] {
            let p = Process()
            p.executableURL = Self.binary
            p.arguments = ["--data", "big.csv", "--model", "student-t", "--out", "o", "--quiet"]
            p.currentDirectoryURL = work
            p.standardError = FileHandle.nullDevice
            try p.run()
            // Wait for the staging folder, then stop the run.
            var seen = false
            for _ in 0..<400 {
                if (try fm.contentsOfDirectory(atPath: work.path)).contains(where: { $0.hasPrefix(".o.new-") }) { seen = true; break }
                usleep(10_000)
            }
            XCTAssertTrue(seen)
            kill(p.processIdentifier, signal)
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, code, "signal \(signal)")
            XCTAssertFalse(try fm.contentsOfDirectory(atPath: work.path).contains { $0.hasPrefix(".o.") }, "signal \(signal)")
            XCTAssertEqual(snapshot("o"), before)
        }
    }

    /// Devices and FIFOs are not read (they have no end or no size); a closed or full stderr
    /// does not crash the run.
    func testOnlyRegularFilesAreReadAndAFailingStderrIsNoCrash() throws {
        for device in ["/dev/zero", "/dev/full"] {
            let r = try run(["--data", device, "--x", "a", "--y", "b", "--out", "o"])
            XCTAssertEqual(r.status, 1)
            XCTAssertTrue(r.stderr.contains("\(device): cannot read the file: not a regular file"), r.stderr)
        }
        XCTAssertEqual(mkfifo(path("fifo"), 0o644), 0)
        let r = try run(["--data", "fifo", "--x", "a", "--y", "b", "--out", "o"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("not a regular file"), r.stderr)
        // stderr on /dev/full: the error cannot be printed, but the exit code still says it.
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = ["--data", "missing.csv", "--out", "o"]
        p.currentDirectoryURL = work
        p.standardError = FileHandle(forWritingAtPath: "/dev/full")
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 1)
        XCTAssertEqual(p.terminationReason, .exit)
    }

    /// A folder that cannot be listed is not "empty" (only testable without root's override).
    func testUnreadableFolderIsNotTreatedAsEmpty() throws {
        try XCTSkipIf(isRoot(), "root reads a mode-000 folder anyway, so the refusal cannot be provoked as root")
        try fm.createDirectory(atPath: path("locked"), withIntermediateDirectories: true)
        write("locked/precious.txt", "mine")
        chmod(path("locked"), 0)
        defer { chmod(path("locked"), 0o755) }
        let r = try run(["--out", "locked", "--quiet"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("cannot list the folder"), r.stderr)
        chmod(path("locked"), 0o755)
        XCTAssertEqual(text("locked/precious.txt"), "mine")
    }

    /// A mount point inside a report makes it foreign (needs mount rights: root in CI).
    func testAMountInsideAReportIsNeverEmptiedThroughIt() throws {
        try XCTSkipUnless(isRoot(), "bind mounts need root")
        XCTAssertEqual(try run(["--out", "rep", "--quiet"]).status, 0)
        try fm.createDirectory(atPath: path("precious"), withIntermediateDirectories: true)
        write("precious/data.txt", "mine")
        try fm.createDirectory(atPath: path("rep/figures/mnt"), withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["--bind", path("precious"), path("rep/figures/mnt")]
        mount.standardError = FileHandle.nullDevice
        try mount.run(); mount.waitUntilExit()
        try XCTSkipIf(mount.terminationStatus != 0, "mount --bind is not permitted here")
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [path("rep/figures/mnt")]
            try? umount.run(); umount.waitUntilExit()
        }
        let r = try run(["--out", "rep", "--quiet"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("figures/mnt (mount point)"), r.stderr)
        XCTAssertEqual(text("precious/data.txt"), "mine")
    }
}
