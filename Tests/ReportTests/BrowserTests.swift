import Foundation
import XCTest

/// Opens the report in headless Chromium, as a reader would, and checks what loaded.
final class BrowserTests: XCTestCase {
    static func chromium() -> String? {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
                let path = "\(dir)/\(name)"
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
        }
        return nil
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func run(_ executable: String, _ arguments: [String]) throws -> (out: String, err: String, status: Int32) {
        let r = try ProcessRunner.run(URL(fileURLWithPath: executable), arguments)
        return (r.stdout, r.stderr, r.status)
    }

    /// The default report written into a fresh temporary folder: (the folder, the report).
    func defaultReport(_ prefix: String) throws -> (URL, URL) {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let report = work.appendingPathComponent("Output")
        XCTAssertEqual(try run(CLITestCase.binary.path, ["--out", report.path, "--quiet"]).status, 0)
        return (work, report)
    }

    /// Writes a harness page to `url` and has headless Chromium load it and dump its DOM (for
    /// any test that checks a page in a browser).
    static func dumpHarness(_ browser: String, _ html: String, as url: URL, flags: [String] = []) throws -> (out: String, err: String, status: Int32) {
        try html.write(to: url, atomically: true, encoding: .utf8)
        let r = try ProcessRunner.run(URL(fileURLWithPath: browser),
                                      ["--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files", "--virtual-time-budget=10000"]
                                      + flags + ["--dump-dom", url.absoluteString])
        return (r.stdout, r.stderr, r.status)
    }

    /// A harness page that loads `page` in a frame of `width` × `height` CSS px and, once it has
    /// loaded, runs `script` with `d` (the page's document) and `w` (its window); the script
    /// sets `out`, which the harness reports as its result.
    static func frameHarness(_ page: URL, width: Int, height: Int, script: String) -> String {
        """
        <!DOCTYPE html><html><body><pre id="result">pending</pre>
        <iframe id="f" src="\(page.absoluteString)" style="width:\(width)px;height:\(height)px"></iframe>
        <script>
        document.getElementById('f').addEventListener('load', () => setTimeout(() => {
          const d = document.getElementById('f').contentDocument, w = document.getElementById('f').contentWindow;
          let out = {};
          \(script)
          document.getElementById('result').textContent = 'RESULT ' + JSON.stringify(out);
        }, 300));
        </script></body></html>
        """
    }

    /// The JSON a harness page wrote after "RESULT " into its dumped DOM, if any.
    static func harnessResult(_ dump: (out: String, err: String, status: Int32)) -> Any? {
        guard let line = dump.out.split(separator: "\n").first(where: { $0.contains("RESULT {") }),
              let json = line.range(of: "RESULT ").map({ String(line[$0.upperBound...]) })?.components(separatedBy: "</pre>").first else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(json.utf8))
    }

    func testPageLoadsEveryFigureAndFormulaWithoutConsoleErrors() throws {
        guard let browser = Self.chromium() else {
            throw XCTSkip("no Chromium on PATH; `make test` installs it (scripts/install-deps.sh --browser)")
        }
        let (work, report) = try defaultReport("mle-browser")
        defer { try? FileManager.default.removeItem(at: work) }

        // A harness page loads the report in a frame and inspects it once it has loaded.
        let harness = """
        <!DOCTYPE html><html><body><pre id="result">pending</pre>
        <iframe id="f" src="\(report.appendingPathComponent("index.html").absoluteString)" style="width:1200px;height:900px"></iframe>
        <script>
        document.getElementById('f').addEventListener('load', () => setTimeout(() => {
          const d = document.getElementById('f').contentDocument, out = {};
          // The figures on show: each has a light and (hidden on light screens) a dark picture.
          const images = [...d.images].filter(i => i.getClientRects().length > 0);
          out.images = images.length;
          out.broken = images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.currentSrc || i.src);
          const maths = [...d.getElementsByTagName('math')];
          out.math = maths.length;
          out.merror = d.getElementsByTagName('merror').length;
          out.empty = maths.filter(m => { const r = m.getBoundingClientRect(); return r.width <= 0 || r.height <= 0; }).length;
          out.tex = (d.body.innerText.match(/\\$|\\\\frac|\\\\sum|\\\\hat/g) || []).length;
          document.getElementById('result').textContent = 'RESULT ' + JSON.stringify(out);
        }, 300));
        </script></body></html>
        """
        let harnessURL = work.appendingPathComponent("harness.html")
        try harness.write(to: harnessURL, atomically: true, encoding: .utf8)
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
                     "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000"]
        let dump = try run(browser, flags + ["--dump-dom", harnessURL.absoluteString])
        guard let result = Self.harnessResult(dump) as? [String: Any] else {
            return XCTFail("the harness reported nothing; Chromium said: \(dump.err.suffix(2000))")
        }
        XCTAssertEqual(result["images"] as? Int, 13, "thirteen figures on the default page (two in the derivations, six linear, four logistic, one comparison)")
        XCTAssertEqual((result["broken"] as? [Any])?.count, 0, "every figure loaded: \(result)")
        XCTAssertGreaterThan(result["math"] as? Int ?? 0, 50, "formulas became MathML")
        XCTAssertEqual(result["merror"] as? Int, 0)
        XCTAssertEqual(result["empty"] as? Int, 0, "every formula has a size on the page")
        XCTAssertEqual(result["tex"] as? Int, 0, "no TeX left as text")
        let consoleErrors = dump.err.split(separator: "\n").filter { $0.contains("CONSOLE") && !$0.contains("harness") }
        XCTAssertEqual(consoleErrors, [], "console messages from the page")

        // A full-page screenshot for people to look at (Tests/Screenshots is not committed).
        let shots = Self.packageRoot.appendingPathComponent("Tests/Screenshots")
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
        let shot = shots.appendingPathComponent("report.png")
        _ = try run(browser, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,2400",
                              "--virtual-time-budget=10000", "--screenshot=\(shot.path)",
                              report.appendingPathComponent("index.html").absoluteString])
        XCTAssertTrue(FileManager.default.fileExists(atPath: shot.path), "screenshot saved")
    }

    /// At 360 px (a phone) nothing makes the page wider than the screen: display formulas and
    /// tables scroll inside their own boxes; at 1400 px nothing overflows either.
    func testNoHorizontalPageScrollOnNarrowOrWideScreens() throws {
        guard let browser = Self.chromium() else { throw XCTSkip("no Chromium on PATH") }
        let (work, report) = try defaultReport("mle-width")
        defer { try? FileManager.default.removeItem(at: work) }
        let page = report.appendingPathComponent("index.html").absoluteString
        let harness = """
        <!DOCTYPE html><html><body><pre id="result">pending</pre>
        <iframe id="narrow" src="\(page)" style="width:360px;height:800px"></iframe>
        <iframe id="wide" src="\(page)" style="width:1400px;height:800px"></iframe>
        <script>
        let loaded = 0; const out = {};
        for (const id of ['narrow', 'wide']) document.getElementById(id).addEventListener('load', () => { if (++loaded == 2) setTimeout(() => {
          for (const id of ['narrow', 'wide']) {
            const d = document.getElementById(id).contentDocument.documentElement;
            out[id] = d.scrollWidth - d.clientWidth;
          }
          document.getElementById('result').textContent = 'RESULT ' + JSON.stringify(out);
        }, 300); });
        </script></body></html>
        """
        let dump = try Self.dumpHarness(browser, harness, as: work.appendingPathComponent("width.html"))
        guard let result = Self.harnessResult(dump) as? [String: Int] else {
            return XCTFail("the harness reported nothing; Chromium said: \(dump.err.suffix(2000))")
        }
        XCTAssertEqual(result["narrow"], 0, "pixels the page is wider than a 360 px screen")
        XCTAssertEqual(result["wide"], 0, "pixels the page is wider than a 1400 px screen")
    }

    /// A reader whose system is dark sees the dark figures on screen, but the printed page
    /// has the light ones: Chromium's PDF of the page is the same in dark and light mode (but
    /// for its dates and node numbers), and on a dark screen every figure shown is a dark one.
    func testPrintedFromADarkSystemTheFiguresAreLight() throws {
        guard let browser = Self.chromium() else { throw XCTSkip("no Chromium on PATH") }
        let (work, report) = try defaultReport("mle-print")
        defer { try? FileManager.default.removeItem(at: work) }
        let page = report.appendingPathComponent("index.html").absoluteString
        let base = ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--virtual-time-budget=10000"]
        var pdfs: [String] = []
        for dark in [true, false] {
            let pdf = work.appendingPathComponent(dark ? "dark.pdf" : "light.pdf")
            _ = try run(browser, base + (dark ? ["--force-dark-mode"] : []) + ["--print-to-pdf=\(pdf.path)", page])
            let bytes = try Data(contentsOf: pdf)
            XCTAssertGreaterThan(bytes.count, 100_000, "a PDF of the page")
            // Latin-1 maps every byte to one character, so the PDF's bytes survive as text.
            var text = String(decoding: bytes.map { UInt16($0) }, as: UTF16.self)
            for pattern in [#"/(CreationDate|ModDate) \(D:[^)]*\)"#, #"\(node[0-9]+\)"#] {
                text = text.replacingOccurrences(of: pattern, with: "", options: .regularExpression)
            }
            pdfs.append(text)
        }
        XCTAssertEqual(pdfs[0].count, pdfs[1].count)
        XCTAssertTrue(pdfs[0] == pdfs[1], "printing in dark mode gives the light page")

        // On screen: dark figures for a dark system, light ones otherwise.
        let harness = """
        <!DOCTYPE html><html><body><pre id="result">pending</pre>
        <iframe id="f" src="\(page)" style="width:1200px;height:900px"></iframe>
        <script>
        document.getElementById('f').addEventListener('load', () => setTimeout(() => {
          const d = document.getElementById('f').contentDocument;
          const shown = [...d.images].filter(i => i.getClientRects().length > 0);
          const out = { shown: shown.length, dark: shown.filter(i => (i.currentSrc || i.src).includes('.dark.')).length };
          document.getElementById('result').textContent = 'RESULT ' + JSON.stringify(out);
        }, 300));
        </script></body></html>
        """
        let harnessURL = work.appendingPathComponent("scheme.html")
        for dark in [true, false] {
            let dump = try Self.dumpHarness(browser, harness, as: harnessURL, flags: dark ? ["--force-dark-mode"] : [])
            guard let result = Self.harnessResult(dump) as? [String: Int] else {
                return XCTFail("the harness reported nothing; Chromium said: \(dump.err.suffix(2000))")
            }
            XCTAssertEqual(result["shown"], 13, "one picture of each figure shows")
            XCTAssertEqual(result["dark"], dark ? 13 : 0, dark ? "a dark screen shows the dark figures" : "a light screen the light ones")
        }
    }

    /// At 390 px (a phone) a table wider than the column keeps its first column in place and
    /// shows a shadow at its edge, so no column is hidden without a cue; the last column (the
    /// checks' ✓/✗) can be scrolled to.
    func testWideTablesOnAPhoneKeepTheirFirstColumnAndShowTheyScroll() throws {
        guard let browser = Self.chromium() else { throw XCTSkip("no Chromium on PATH") }
        let (work, report) = try defaultReport("mle-phone")
        defer { try? FileManager.default.removeItem(at: work) }
        let harness = Self.frameHarness(report.appendingPathComponent("index.html"), width: 390, height: 800, script: """
          const boxes = [...d.querySelectorAll('.table-scroll')];
          const wide = boxes.filter(b => b.scrollWidth > b.clientWidth + 1);
          out = { tables: boxes.length, wide: wide.length,
            sticky: wide.filter(b => { const c = b.querySelector('tr > :first-child'); return c && w.getComputedStyle(c).position === 'sticky'; }).length,
            cue: wide.filter(b => w.getComputedStyle(b).backgroundImage.includes('gradient')).length,
            reachable: wide.filter(b => { b.scrollLeft = b.scrollWidth; const last = b.querySelector('tr > :last-child');
              const r = last.getBoundingClientRect(), box = b.getBoundingClientRect(); return r.right <= box.right + 1; }).length };
        """)
        let dump = try Self.dumpHarness(browser, harness, as: work.appendingPathComponent("phone.html"))
        guard let result = Self.harnessResult(dump) as? [String: Int] else {
            return XCTFail("the harness reported nothing; Chromium said: \(dump.err.suffix(2000))")
        }
        XCTAssertGreaterThan(result["tables"] ?? 0, 5)
        XCTAssertGreaterThan(result["wide"] ?? 0, 0, "some tables are wider than a phone: \(result)")
        XCTAssertEqual(result["sticky"], result["wide"], "each keeps its first column: \(result)")
        XCTAssertEqual(result["cue"], result["wide"], "each shows it scrolls: \(result)")
        XCTAssertEqual(result["reachable"], result["wide"], "its last column can be scrolled to: \(result)")
    }

    /// At 390 px no inline formula runs past its line or is clipped without a cue: a long one
    /// takes a line of its own and, when still wider than the column, scrolls with a shadow at
    /// its edge (issue 18, §5: the profile log-likelihood had been cut mid-expression).
    func testInlineFormulasOnAPhoneAreNeverCutOff() throws {
        guard let browser = Self.chromium() else { throw XCTSkip("no Chromium on PATH") }
        let (work, report) = try defaultReport("mle-phone-math")
        defer { try? FileManager.default.removeItem(at: work) }
        let harness = Self.frameHarness(report.appendingPathComponent("index.html"), width: 390, height: 800, script: """
          const all = [...d.querySelectorAll('.math-inline')];
          let outside = 0, uncued = 0, scrolling = 0;
          for (const m of all) {
            const box = m.parentElement.closest('p,li,dd,figcaption,td,th,div') || d.body;
            if (m.getBoundingClientRect().right > box.getBoundingClientRect().right + 1) outside++;
            if (m.scrollWidth > m.clientWidth + 1) {
              scrolling++;
              if (!(m.classList.contains('math-long') && w.getComputedStyle(m).backgroundImage.includes('gradient'))) uncued++;
            }
          }
          // The punctuation that follows a formula stays on the formula's line: a line that
          // starts with a lone comma reads as a slip.
          let strandedPunctuation = 0;
          for (const tail of d.querySelectorAll('.math-tail')) {
            const m = tail.querySelector('.math-inline');
            const rest = m && m.nextSibling;
            if (!rest || rest.nodeType !== 3 || !rest.textContent.trim()) continue;
            const r = d.createRange(); r.selectNodeContents(rest);
            const p = r.getClientRects()[0], f = m.getBoundingClientRect();
            if (p && (p.top >= f.bottom - 1 || p.left < f.right - 1)) strandedPunctuation++;
          }
          out = { n: all.length, outside, uncued, scrolling, strandedPunctuation };
        """)
        let dump = try Self.dumpHarness(browser, harness, as: work.appendingPathComponent("math.html"))
        guard let result = Self.harnessResult(dump) as? [String: Int] else {
            return XCTFail("the harness reported nothing; Chromium said: \(dump.err.suffix(2000))")
        }
        XCTAssertGreaterThan(result["n"] ?? 0, 50, "the page's inline formulas were found")
        XCTAssertEqual(result["outside"], 0, "no formula runs past its line: \(result)")
        XCTAssertEqual(result["uncued"], 0, "a formula wider than the column shows that it scrolls: \(result)")
        XCTAssertGreaterThan(result["scrolling"] ?? 0, 0, "the long profile log-likelihood does scroll at 390 px: \(result)")
        XCTAssertEqual(result["strandedPunctuation"], 0, "no comma or full stop after a formula starts a line of its own: \(result)")
    }

    /// At 390 px every figure is its narrow rendering, shown at about its own size (so that,
    /// with `NarrowFigureTests`, no figure text is below 9 CSS px), never wider than 30rem; at
    /// 1200 px every figure is the main one. A single-file page swaps its inline renderings
    /// the same way.
    func testPhonesGetTheNarrowRenderingOfEveryFigure() throws {
        guard let browser = Self.chromium() else { throw XCTSkip("no Chromium on PATH") }
        let (work, report) = try defaultReport("mle-phone-figures")
        defer { try? FileManager.default.removeItem(at: work) }
        let single = work.appendingPathComponent("single")
        XCTAssertEqual(try run(CLITestCase.binary.path, ["--out", single.path, "--single-file", "--quiet"]).status, 0)
        let script = """
          const pictures = [...d.querySelectorAll('figure picture.figure-light img')];
          const shown = pictures.filter(i => i.getBoundingClientRect().width > 0);
          const narrow = shown.filter(i => i.currentSrc.includes('.narrow.')).length;
          const widths = shown.map(i => i.getBoundingClientRect().width);
          const inline = [...d.querySelectorAll('figure .figure-light svg')].filter(s => s.getBoundingClientRect().width > 0);
          const inlineNarrow = inline.filter(s => s.closest('.figure-narrow')).length;
          const inlineWidths = inline.map(s => s.getBoundingClientRect().width);
          out = { pictures: pictures.length, shown: shown.length, narrow,
                  narrowest: Math.round(Math.min(...widths, ...inlineWidths, 1e9)), widest: Math.round(Math.max(...widths, ...inlineWidths, 0)),
                  inline: inline.length, inlineNarrow };
        """
        for (page, inline) in [(report.appendingPathComponent("index.html"), false), (single.appendingPathComponent("index.html"), true)] {
            for width in [390, 1200] {
                // A tall frame: every lazy image is in view, so each picks its source.
                let harness = Self.frameHarness(page, width: width, height: 40000, script: script)
                let dump = try Self.dumpHarness(browser, harness, as: work.appendingPathComponent("figures-\(width)-\(inline).html"))
                guard let r = Self.harnessResult(dump) as? [String: Int] else {
                    return XCTFail("the harness reported nothing; Chromium said: \(dump.err.suffix(2000))")
                }
                let what = "\(inline ? "single file" : "page") at \(width) px: \(r)"
                let count = inline ? r["inline"] : r["shown"]
                XCTAssertEqual(count, 13, "every figure of the default page is shown once: \(what)")
                XCTAssertEqual(inline ? r["inlineNarrow"] : r["narrow"], width == 390 ? 13 : 0, what)
                if width == 390 {
                    XCTAssertGreaterThanOrEqual(r["narrowest"] ?? 0, 357, "shown at the column's width, about the rendering's 360 pt: \(what)")
                    XCTAssertLessThanOrEqual(r["widest"] ?? 999, 358, what)
                } else {
                    XCTAssertEqual(r["narrowest"], 640, what)
                }
            }
        }
    }
}
