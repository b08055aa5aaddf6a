import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C, a CI cancel or a closed terminal (SIGINT, SIGTERM, SIGHUP) during a run: the
/// staging folder of the report being written is removed (and an old report put back if the
/// signal came between the two renames of the fallback swap), then the process exits with
/// 128 + the signal's number, as shells expect.
///
/// The signals are received through dispatch sources, not signal handlers, so the cleanup runs
/// as ordinary code on a queue of its own (a signal handler may call almost nothing).
public enum Interruption {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    private static let queue = DispatchQueue(label: "mle-report.signals")

    /// Installs the handlers; call once, before any run.
    public static func install() {
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler {
                OutputDirectory.Staging.interruptAll()
                StandardError.write("\nmle-report: stopped by signal \(signalNumber); the previous report is untouched\n")
                _exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }
}
