import Foundation
import Likelihood
import Report

// The executable: parse arguments, run, print errors once, choose the exit code.

setvbuf(stdout, nil, _IOLBF, 0)
// Figures allocate and free several 4–5 MB pixel buffers each. Above glibc's default
// threshold every one of them is a fresh mmap whose pages fault in one by one; keeping them
// in the heap reuses warm pages (the default run spent ~6 % of its time in page faults).
// (mallopt is glibc's; its header is not in Swift's Glibc module, so it is declared here.)
#if os(Linux) && canImport(Glibc)
@_silgen_name("mallopt") func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
_ = glibcMallopt(-3, 32 << 20)   // M_MMAP_THRESHOLD
_ = glibcMallopt(-1, 64 << 20)   // M_TRIM_THRESHOLD
#endif
let arguments = Array(CommandLine.arguments.dropFirst())
Interruption.install()

/// Prints an error as one line: whatever a message quotes, no byte of it can break the line
/// or drive the terminal, and it stops at 2,000 characters.
func fail(_ message: String, code: Int32) -> Never {
    StandardError.write("error: \(oneLine(message))\n")
    exit(code)
}

func oneLine(_ text: String, limit: Int = 2000) -> String {
    var out = ""
    var count = 0
    for scalar in text.unicodeScalars {
        if count == limit { out += "…"; break }
        if Message.isUnsafe(scalar) { out += "\\u{\(String(scalar.value, radix: 16))}" } else { out.unicodeScalars.append(scalar) }
        count += 1
    }
    return out
}

let options: ReportOptions
do {
    guard let parsed = try CommandLineParser.parse(arguments) else { exit(0) }
    options = parsed
} catch let error as UsageError {
    StandardError.write("error: \(oneLine(error.message))\nTry 'mle-report --help' for the options.\n")
    exit(2)
} catch {
    fail("\(error)", code: 1)
}

// --quiet silences stdout; progress on stderr is its own choice. On a terminal it is one
// line rewritten in place; otherwise (with --progress) one line per step, with the time.
let progressLine = ProgressLine(enabled: options.progress || isatty(STDERR_FILENO) != 0,
                                inPlace: isatty(STDERR_FILENO) != 0)

if options.watch {
    Watcher.run(options, reload: {
        do {
            return try CommandLineParser.parse(arguments)
        } catch let error as UsageError {
            StandardError.write("error: \(oneLine(error.message))\n")
        } catch {
            StandardError.write("error: \(oneLine("\(error)"))\n")
        }
        return nil
    }) { options in
        do {
            let outcome = try ReportRunner.run(options) { progressLine.show($0) }
            progressLine.finish()
            for warning in outcome.warnings { StandardError.write("warning: \(oneLine(warning))\n") }
            return true
        } catch {
            progressLine.finish()
            StandardError.write("error: \(oneLine("\(error)"))\n")
            return false
        }
    }
}
do {
    let outcome = try ReportRunner.run(options) { progressLine.show($0) }
    progressLine.finish()
    for warning in outcome.warnings { StandardError.write("warning: \(oneLine(warning))\n") }
    if let differences = outcome.differences {
        if differences.isEmpty {
            if !options.quiet { print("\(Message.escaped(options.outputDirectory, limit: 1000)) is up to date (\(outcome.files.count) files)") }
            exit(0)
        }
        let command = options.regenerateCommand.map(ReportRunner.shellQuoted).joined(separator: " ")
        let parent = URL(fileURLWithPath: options.outputParent).path
        let place = parent == FileManager.default.currentDirectoryPath ? "" : " (in \(ReportRunner.shellQuoted(parent)))"
        let message = "\(Message.escaped(options.outputDirectory, limit: 1000)) is stale: \(differences.count) file\(differences.count == 1 ? "" : "s") would change; regenerate it with: \(command)\(place)"
        StandardError.write("error: \(oneLine(message))\n")
        for d in differences { StandardError.write("  \(oneLine(d))\n") }
        // Its own code: a CI gate can tell "regenerate" (3) from "broken" (1) and usage (2).
        exit(3)
    }
    if !options.quiet {
        print(outcome.summaries.joined(separator: "\n\n"))
        for folder in outcome.createdFolders { print("\nmade the folder \(Message.escaped(folder, limit: 1000)), which --out needed") }
        print("\nwrote \(Message.escaped(options.outputDirectory, limit: 1000))/index.html and \(outcome.files.count - 1) other files")
    }
} catch let error as ReportError where error.isUsage {
    progressLine.finish()
    StandardError.write("error: \(oneLine(error.message))\nTry 'mle-report --help' for the options.\n")
    exit(2)
} catch {
    progressLine.finish()
    fail("\(error)", code: 1)
}
