import Foundation

/// Where long fits say how far they are (a Newton step, a pivot, a share of a surface), for a
/// progress line. Nothing is built or sent unless a handler is listening.
public enum FitProgress {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var handler: (@Sendable (String) -> Void)?

    /// Runs `body` with `handler` receiving the notes of every fit it makes (on any thread).
    public static func reporting<R>(to handler: @escaping @Sendable (String) -> Void, _ body: () throws -> R) rethrows -> R {
        lock.lock()
        let previous = self.handler
        self.handler = handler
        lock.unlock()
        defer {
            lock.lock()
            self.handler = previous
            lock.unlock()
        }
        return try body()
    }

    /// Sends `message` to the handler, if one listens.
    public static func note(_ message: @autoclosure () -> String) {
        lock.lock()
        let current = handler
        lock.unlock()
        if let current { current(message()) }
    }
}
