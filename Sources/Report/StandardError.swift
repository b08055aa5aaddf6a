import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes to standard error with the system call, whose failures are ignored: a closed or full
/// stderr (`2>&-`, `2>/dev/full`) must not crash the run (FileHandle's `write` traps on an
/// error), and there is nowhere left to report it.
public enum StandardError {
    public static func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { raw in
                Glibc.write(STDERR_FILENO, raw.baseAddress! + offset, raw.count - offset)
            }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }
}
