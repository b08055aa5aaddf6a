import Foundation
import Report

// The executable: parse arguments, run, print errors once, choose the exit code.

setvbuf(stdout, nil, _IOLBF, 0)
let arguments = Array(CommandLine.arguments.dropFirst())

func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    exit(code)
}

let options: ReportOptions
do {
    guard let parsed = try CommandLineParser.parse(arguments) else { exit(0) }
    options = parsed
} catch let error as UsageError {
    FileHandle.standardError.write(Data("error: \(error.message)\nTry 'mle-report --help' for the options.\n".utf8))
    exit(2)
} catch {
    fail("\(error)", code: 1)
}

// --quiet silences stdout; progress on stderr is its own choice.
let showProgress = options.progress || isatty(STDERR_FILENO) != 0
do {
    let outcome = try ReportRunner.run(options) { step in
        if showProgress { FileHandle.standardError.write(Data("mle-report: \(step)…\n".utf8)) }
    }
    for warning in outcome.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
    if let differences = outcome.differences {
        if differences.isEmpty {
            if !options.quiet { print("\(options.outputDirectory) is up to date (\(outcome.files.count) files)") }
            exit(0)
        }
        let command = options.regenerateCommand.map(ReportRunner.shellQuoted).joined(separator: " ")
        let parent = URL(fileURLWithPath: options.outputParent).path
        let place = parent == FileManager.default.currentDirectoryPath ? "" : " (in \(ReportRunner.shellQuoted(parent)))"
        var message = "\(options.outputDirectory) is stale: \(differences.count) file\(differences.count == 1 ? "" : "s") would change; regenerate it with: \(command)\(place)"
        for d in differences { message += "\n  \(d)" }
        fail(message, code: 1)
    }
    if !options.quiet {
        print(outcome.summaries.joined(separator: "\n\n"))
        print("\nwrote \(options.outputDirectory)/index.html and \(outcome.files.count - 1) other files")
    }
} catch {
    fail("\(error)", code: 1)
}
