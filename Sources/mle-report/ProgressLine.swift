import Foundation
import Report

/// Progress on stderr. On a terminal: one line, rewritten in place at most ten times a
/// second, cleared at the end. Elsewhere (with --progress): a line per step with the time
/// since the start; steps that only update a percentage are printed every 10 %, and steps
/// that only count (Newton steps, pivots) at most twice a second.
final class ProgressLine {
    let enabled: Bool
    let inPlace: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    /// The tenth last printed of each step that reports a percentage (workers' lines can come
    /// between two of one step's, and must not make it print a tenth twice).
    private var tenths: [String: Int] = [:]
    private var lastShape = ""
    private var lastPrinted = Date.distantPast
    private var drawn = false

    init(enabled: Bool, inPlace: Bool) {
        self.enabled = enabled
        self.inPlace = inPlace
    }

    func show(_ message: String) {
        guard enabled else { return }
        let line = oneLine(message, limit: 200)
        if inPlace {
            let now = Date()
            guard now.timeIntervalSince(lastDraw) >= 0.1 || !message.contains("%") else { return }
            lastDraw = now
            StandardError.write("\r\u{1B}[Kmle-report: \(line)")
            drawn = true
            return
        }
        // The step is the message without its numbers ("reading a.csv: 40 % …" → "reading a.csv").
        let step = String(line.prefix { $0 != ":" })
        // The percentage is the number right before " %" ("… 20 of 44 files (45 %)" → 45).
        if let mark = line.range(of: " %"),
           let percent = Int(String(line[..<mark.lowerBound].reversed().prefix(while: \.isNumber).reversed())) {
            let tenth = percent / 10
            if tenths[step] == tenth { return }
            tenths[step] = tenth
        } else {
            // Counting steps ("Student-t: Newton step 7 …"): the same message but for its
            // numbers is printed at most twice a second.
            let shape = String(line.filter { !$0.isNumber })
            if shape == lastShape && Date().timeIntervalSince(lastPrinted) < 0.5 { return }
            lastShape = shape
        }
        lastPrinted = Date()
        let elapsed = String(format: "%.2f", Date().timeIntervalSince(start))
        StandardError.write("mle-report: [\(elapsed) s] \(line)\n")
    }

    /// The end of a run (`--watch` starts the next with every step's tenths forgotten).
    func finish() {
        if drawn { StandardError.write("\r\u{1B}[K") }
        drawn = false
        tenths = [:]
    }
}
