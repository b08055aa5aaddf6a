import Foundation

/// Runs a program to completion and collects what it printed.
enum ProcessRunner {
    struct Result { var status: Int32; var stdout: String; var stderr: String }

    /// `input`: bytes fed to the program's standard input through a pipe (nil: none).
    static func run(_ executable: URL, _ arguments: [String], in directory: URL? = nil, input: Data? = nil) throws -> Result {
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let feed = input.map { _ in Pipe() }
        if let feed { p.standardInput = feed }
        try p.run()
        if let feed, let input {
            // Written from another thread, so that a large input cannot block on a full pipe.
            let writer = feed.fileHandleForWriting
            DispatchQueue.global().async {
                try? writer.write(contentsOf: input)
                try? writer.close()
            }
        }
        // Read both pipes before waiting, so a chatty child cannot block on a full pipe.
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: e, as: UTF8.self))
    }
}
