import Foundation
import Report

/// `--watch`: renders, then renders again whenever an input changes — a data file, the config,
/// a template or asset (the user's and the defaults) — once changes have been quiet for a
/// moment. One line per render with its time; a failed render prints its error and keeps the
/// last good report (a failed run never touches the output folder).
enum Watcher {
    /// Every file whose change should trigger a render.
    static func inputs(_ options: ReportOptions) -> [String] {
        var paths = options.models.compactMap(\.dataPath)
        if let config = options.configPath { paths.append(config) }
        let folders = [options.templatesDirectory, TemplateLoaderPaths.defaultDirectory].compactMap { $0 }
        for folder in folders {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            paths += files.sorted().map { folder + "/" + $0 }
        }
        return Array(Set(paths)).sorted()
    }

    /// Modification times and sizes, so a change of either is seen.
    static func stamp(_ paths: [String]) -> [String: String] {
        var out: [String: String] = [:]
        for path in paths {
            var info = stat()
            out[path] = stat(path, &info) == 0 ? "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec):\(info.st_size)" : "missing"
        }
        return out
    }

    /// - Parameter reload: the options read again (the command line and the config as they
    ///   are now), or nil when they no longer parse (it has said why): every render uses what
    ///   the config says at that moment, not what it said when the watch began.
    static func run(_ first: ReportOptions, reload: () -> ReportOptions?, render: (ReportOptions) -> Bool) -> Never {
        var options = first
        var last = stamp(inputs(options))
        _ = timed { render(options) }
        StandardError.write("mle-report: watching \(inputs(options).count) files; Ctrl-C stops\n")
        while true {
            usleep(250_000)
            var now = stamp(inputs(options))
            guard now != last else { continue }
            // Debounce: wait until nothing has changed for 200 ms (editors write in steps).
            repeat {
                last = now
                usleep(200_000)
                now = stamp(inputs(options))
            } while now != last
            if let fresh = reload() {
                options = fresh
                _ = timed { render(options) }
            } else {
                _ = timed { false }
            }
            // A new config can name other data files: watch those from now on.
            last = stamp(inputs(options))
        }
    }

    static func timed(_ render: () -> Bool) -> Bool {
        let start = Date()
        let ok = render()
        let clock = ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withTime, .withColonSeparatorInTime])
        StandardError.write("mle-report: [\(clock)] \(ok ? "rendered" : "render failed; the last good report stays") in \(String(format: "%.2f", Date().timeIntervalSince(start))) s\n")
        return ok
    }
}
