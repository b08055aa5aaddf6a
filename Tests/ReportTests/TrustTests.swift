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

    /// A folder that cannot be listed is not "empty". Root lists a mode-000 folder anyway, so
    /// as root the tool runs as the user nobody (setpriv), for whom the folder is closed.
    func testUnreadableFolderIsNotTreatedAsEmpty() throws {
        try fm.createDirectory(atPath: path("locked"), withIntermediateDirectories: true)
        write("locked/precious.txt", "mine")
        chmod(work.path, 0o755)
        chmod(path("locked"), 0)
        defer { chmod(path("locked"), 0o755) }
        let r = isRoot()
            ? try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/setpriv"),
                                    ["--reuid=65534", "--regid=65534", "--clear-groups", Self.binary.path, "--out", "locked", "--quiet"], in: work)
            : try run(["--out", "locked", "--quiet"])
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

/// Messages and limits that must say the truth (issue 17, items 4's second half).
final class TrustMessageTests: CLITestCase {
    /// x = 10¹⁴ + 0…59 is exactly representable and distinct: linear, Laplace and Student-t
    /// fit it (statsmodels on x − 10¹⁴: w = 3.0019171992220057, SE 0.023978836763817325);
    /// Poisson, fitted on x as given, says what its own rule is.
    func testXFarFromZeroIsNotCalledConstant() throws {
        var rows = "x,y\n"
        for i in 0..<60 { rows += "\(100_000_000_000_000 + i),\(3 * i + (i * 37) % 11 - 5)\n" }
        write("far.csv", rows)
        for model in ["linear", "laplace", "student-t"] {
            let r = try run(["--data", "far.csv", "--model", model, "--out", model, "--quiet"])
            XCTAssertEqual(r.status, 0, "\(model): \(r.stderr)")
        }
        let m = (try json("linear/report.json")["models"] as! [[String: Any]])[0]
        XCTAssertEqual(m["w"] as! Double, 3.0019171992220057, accuracy: 1e-9)
        XCTAssertEqual(m["w_se"] as! Double, 0.023978836763817325, accuracy: 1e-9)
        write("counts.csv", rows.replacingOccurrences(of: ",-", with: ","))
        let p = try run(["--data", "counts.csv", "--model", "poisson", "--out", "p"])
        XCTAssertEqual(p.status, 1)
        XCTAssertTrue(p.stderr.contains("less than 10^-12 of it"), p.stderr)
        XCTAssertFalse(p.stderr.contains("x is constant"), p.stderr)
        // Truly constant x keeps its message.
        write("const.csv", "x,y\n5,1\n5,2\n5,3\n5,4\n")
        XCTAssertTrue(try run(["--data", "const.csv", "--out", "c"]).stderr.contains("x is constant"))
    }

    func testMessagesStateTheRealRules() throws {
        write("big.csv", "x,y\n1,3\n2,1000000000000000\n3,4\n4,2\n")
        var r = try run(["--data", "big.csv", "--model", "poisson", "--out", "o"])
        XCTAssertTrue(r.stderr.contains("up to, but not including, 10^15"), r.stderr)
        write("line.csv", "x,y\n1,2\n2,4\n3,6\n4,8\n5,10\n")
        for model in ["laplace", "student-t"] {
            r = try run(["--data", "line.csv", "--model", model, "--out", "o"])
            XCTAssertTrue(r.stderr.contains("no noise model (Gaussian, Laplace or Student-t) has an MLE"), r.stderr)
            XCTAssertFalse(r.stderr.contains("no Gaussian MLE"))
        }
    }

    /// ν held at or below 2/(n − 2): no MLE exists (the likelihood rises as s → 0).
    func testStudentTWithTooSmallFixedNuIsRefused() throws {
        var rows = "x,y\n"
        for i in 0..<12 { rows += "\(i),\(Double(i) * 0.5 + Double((i * 7) % 5))\n" }
        write("d.csv", rows)
        let r = try run(["--data", "d.csv", "--model", "student-t", "--nu", "0.2", "--out", "o"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("at most 2/(n − 2) = 0.2 for n = 12"), r.stderr)
        // Above 2/(n − 2), but five of these points lie on the line y = 5 (x = 2, 4, …, 10):
        // unbounded up to 5/7, whether or not a search goes near that line (the fit counts
        // the points on the line through the most before searching).
        let spike = try run(["--data", "d.csv", "--model", "student-t", "--nu", "0.25", "--out", "o"])
        XCTAssertEqual(spike.status, 1)
        XCTAssertTrue(spike.stderr.contains("5 of the 12 points lie exactly on one line, so the Student-t likelihood has no maximum with ν held at 0.25"), spike.stderr)
        XCTAssertTrue(spike.stderr.contains("unbounded for ν ≤ k/(n − k) = 0.7143"), spike.stderr)
        XCTAssertEqual(try run(["--data", "d.csv", "--model", "student-t", "--nu", "0.7", "--out", "o", "--quiet"]).status, 1)
        XCTAssertEqual(try run(["--data", "d.csv", "--model", "student-t", "--nu", "0.72", "--out", "o", "--quiet"]).status, 0)
    }

    /// A PNG on disk that claims 10⁶ × 10⁶ pixels is judged from its header, never decoded;
    /// an SVG with a 4 MB line is compared in one linear pass.
    func testCheckToleranceNeverDecodesAHugePNG() throws {
        XCTAssertEqual(try run(["--out", "o", "--quiet"]).status, 0)
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        png += Array("IHDR".utf8)
        png += [0x00, 0x0F, 0x42, 0x40, 0x00, 0x0F, 0x42, 0x40, 8, 6, 0, 0, 0, 0, 0, 0, 0]
        png += Array(repeating: 0, count: 150)
        write("o/figures/linear-fit.png", png)
        write("o/figures/linear-contours.svg", "<svg>" + String(repeating: "1.234 ", count: 700_000) + "</svg>")
        let r = try run(["--out", "o", "--check", "--check-tolerance", "1"])
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.stderr.contains("claims 1000000×1000000 pixels, more than the 16-megapixel limit"), r.stderr)
        XCTAssertTrue(r.stderr.contains("linear-contours.svg (changed: the SVG differs beyond rounding)"), r.stderr)
    }

    func testConfigWithTooManyModelsIsRefused() throws {
        let models = Array(repeating: #"{"model": "linear"}"#, count: 100_000).joined(separator: ",")
        write("many.json", #"{"models": ["# + models + "]}")
        let r = try run(["--config", "many.json", "--out", "o"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("many.json: models: 100000 models; a report holds at most 64"), r.stderr)
    }

    /// The --out path is escaped on stdout; summary columns never run together.
    func testStdoutEscapesTheOutPathAndKeepsColumnsApart() throws {
        write("wide.csv", "x,y\n1,53980000\n2,53980010\n3,53979990\n4,53980020\n5,53980005\n")
        let r = try run(["--data", "wide.csv", "--out", "o\u{1B}[31m"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stdout.contains("\u{1B}"))
        XCTAssertTrue(r.stdout.contains("o\\u{1b}[31m/index.html"), r.stdout)
        for line in r.stdout.split(separator: "\n") where line.hasPrefix("w (slope)") || line.hasPrefix("b (icept)") {
            XCTAssertEqual(line.dropFirst(9).split(separator: " ").count, 6, String(line))
        }
    }

    /// Column names with `$` stay text when --single-file inlines the SVGs.
    func testDollarInAColumnNameIsNeverTeXInTheSingleFile() throws {
        write("d.csv", "a$b,revenue ($)\n1,2\n2,3.5\n3,3\n4,6.5\n5,6\n")
        let r = try run(["--data", "d.csv", "--x", "a$b", "--y", "revenue ($)", "--single-file", "--out", "o", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let page = text("o/index.html")
        XCTAssertTrue(page.contains("revenue (&#36;) against a&#36;b"))
        XCTAssertFalse(page.contains("<desc id=\"linear-fit-desc\">Scatter plot of revenue (<math"))
    }

    /// The residual diagnostics are scale-invariant and computed scaled: y of order 10¹⁰⁰
    /// gives the statistics of y of order 1 (to 1e-9), and no NaN reaches the page.
    func testResidualDiagnosticsAtHugeScaleMatchTheUnscaledOnes() throws {
        var small = "x,y\n", huge = "x,y\n"
        for i in 0..<40 {
            let v = 2 * i + (i * 37) % 11 - 5
            small += "\(i),\(v)\n"; huge += "\(i),\(v)e100\n"
        }
        write("small.csv", small); write("huge.csv", huge)
        XCTAssertEqual(try run(["--data", "small.csv", "--out", "s", "--quiet"]).status, 0)
        XCTAssertEqual(try run(["--data", "huge.csv", "--out", "h", "--quiet"]).status, 0)
        let a = (try json("s/report.json")["models"] as! [[String: Any]])[0]["residual_diagnostics"] as! [String: Any]
        let b = (try json("h/report.json")["models"] as! [[String: Any]])[0]["residual_diagnostics"] as! [String: Any]
        for key in ["skewness", "excess_kurtosis"] {
            XCTAssertEqual(b[key] as! Double, a[key] as! Double, accuracy: 1e-9, key)
        }
        for key in ["jarque_bera", "breusch_pagan"] {
            let x = (a[key] as! [String: Any])["statistic"] as! Double, y = (b[key] as! [String: Any])["statistic"] as! Double
            XCTAssertEqual(y, x, accuracy: 1e-9 * max(1, x), key)
        }
        XCTAssertFalse(text("h/index.html").contains("NaN"))
    }

    /// Above 20,000 rows with a fitted scale far below the window (a nearly exact line with a
    /// few huge outliers), the binned Student-t surface widens its bins instead of trapping.
    func testStudentTBinnedSurfaceWithATinyScaleDoesNotTrap() throws {
        var rows = "x,y\n"
        for i in 0..<25_000 {
            let x = Double(i) / 100
            var y = 2 * x + 1 + Double((i * 7919) % 101 - 50) * 1e-11
            if i % 1000 == 0 { y += (i % 2000 == 0 ? 1 : -1) * 1e6 }
            rows += "\(x),\(y)\n"
        }
        write("tiny.csv", rows)
        let r = try run(["--data", "tiny.csv", "--model", "student-t", "--out", "o", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let m = (try json("o/report.json")["models"] as! [[String: Any]])[0]
        XCTAssertEqual(m["w"] as! Double, 2, accuracy: 1e-9)
        let bound = (m["approximation"] as! [String: Any])["max_log_likelihood_error"] as! Double
        XCTAssertTrue(bound.isFinite)
    }

    /// A config model named "linear-2" beside two unnamed linear models: three distinct names
    /// and three sets of figure files.
    func testGeneratedNamesNeverClashWithGivenOnes() throws {
        write("c.json", #"{"models": [{"model": "linear"}, {"model": "linear", "name": "linear-2"}, {"model": "linear"}]}"#)
        let r = try run(["--config", "c.json", "--out", "o", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let names = (try json("o/report.json")["models"] as! [[String: Any]]).map { $0["name"] as! String }
        XCTAssertEqual(names, ["linear", "linear-2", "linear-3"])
        for name in names { XCTAssertTrue(fm.fileExists(atPath: path("o/figures/\(name)-fit.png")), name) }
    }

    /// MASS's mammals (brain ~ body): the page reports the best of the maxima, lists the
    /// others, draws the search that found it, and never says the two named starts agree.
    func testStudentTPageReportsTheGlobalMaximumOfAMultimodalLikelihood() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Corpus/Multimodal/mammals.csv")
        let r = try run(["--data", corpus.path, "--x", "body", "--y", "brain", "--model", "student-t", "--out", "o"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let m = (try json("o/report.json")["models"] as! [[String: Any]]).first { $0["family"] as? String == "student_t" }!
        XCTAssertEqual(m["log_likelihood"] as! Double, -332.34550848612776, accuracy: 1e-9 * 332.3)
        let maxima = m["local_maxima"] as! [[String: Any]]
        XCTAssertGreaterThan(maxima.count, 3)
        XCTAssertEqual(maxima.first?["log_likelihood"] as? Double, m["log_likelihood"] as? Double)
        // 2 + 8,000/62 starts: more lines through two points on small data.
        XCTAssertEqual((m["global_search"] as! [String: Any])["starts"] as? Int, 131)
        let page = text("o/index.html")
        XCTAssertTrue(page.contains("distinct local maxima. The highest, log L = −332.34551"), "the page names the best maximum")
        XCTAssertFalse(page.contains("Both starts end at the same maximum"))
        XCTAssertTrue(page.contains("Neither of them reaches the reported maximum (star); the search from the line through rows"))
        XCTAssertTrue(r.stderr.contains("22 local maxima among the ends of 131 searches"), r.stderr)
    }
}
