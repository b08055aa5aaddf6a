import Foundation
import Likelihood
import MathML
import Mustache
import Report

/// The parsers that read user input, each as a function of raw bytes, for libFuzzer
/// (`make fuzz`) and for the replay of the seed corpus and of every crash found
/// (`FuzzReplayTests`, in `make test`).
///
/// Each function must return normally on any input. Besides not crashing, each checks the
/// contract of its errors: one line, no control characters, bounded length.
public enum FuzzTargets {
    public static let names = ["csv", "stream", "config", "mustache", "tex", "partial"]

    public static func run(_ target: String, _ bytes: [UInt8]) {
        switch target {
        case "csv": csv(bytes)
        case "stream": stream(bytes)
        case "config": config(bytes)
        case "mustache": mustache(bytes)
        case "tex": tex(bytes)
        case "partial": partial(bytes)
        default: fatalError("unknown fuzz target \(target); use one of \(names)")
        }
    }

    /// An error message as the tool prints it must stay on one line and stay short.
    static func checkMessage(_ error: Error) {
        let text = "\(error)"
        precondition(!text.unicodeScalars.contains { $0.value < 0x20 }, "a control character in an error: \(text.debugDescription)")
        precondition(text.utf8.count < 4096, "an error of \(text.utf8.count) bytes")
    }

    /// The CSV reader, then every column as numbers and the first two with missing rows dropped.
    public static func csv(_ bytes: [UInt8]) {
        do {
            let data = try CSVReader.parse(bytes, source: "fuzz.csv")
            for name in data.columnNames {
                do { _ = try data.numbers(name) } catch { checkMessage(error) }
            }
            if data.columnNames.count >= 2 {
                do {
                    let (x, y, _) = try data.pairedNumbers(data.columnNames[0], data.columnNames[1], dropMissing: true)
                    precondition(x.count == y.count)
                    precondition(x.allSatisfy(\.isFinite) && y.allSatisfy(\.isFinite))
                } catch { checkMessage(error) }
            }
        } catch {
            checkMessage(error)
        }
    }

    /// The streaming reader that `--data` uses, against the full parser on the same bytes:
    /// for the first two columns, the same numbers bit for bit (rows with a missing value
    /// dropped) or the same message, with blocks of 7 bytes and of the default size.
    public static func stream(_ bytes: [UInt8]) {
        let path = NSTemporaryDirectory() + "mle-fuzz-stream-\(getpid()).csv"
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return }
        defer { try? FileManager.default.removeItem(atPath: path) }
        func outcome(_ read: () throws -> Dataset, columns: [String]) -> String {
            do {
                let data = try read()
                for c in columns { try data.checkNumbersOrMissing(c) }
                let (x, y, kept) = try data.pairedNumbers(columns[0], columns[1], dropMissing: true)
                return "\(x.map(\.bitPattern)) \(y.map(\.bitPattern)) \(kept) \(data.rowCount)"
            } catch {
                checkMessage(error)
                return "error: \(error)"
            }
        }
        guard let full = try? CSVReader.parse(bytes, source: "fuzz.csv"), full.columnNames.count >= 2 else { return }
        let columns = Array(full.columnNames.prefix(2))
        let expected = outcome({ full }, columns: columns)
        for block in [7, ColumnReader.blockSize] {
            let got = outcome({ try ColumnReader.read(path: path, source: "fuzz.csv", columns: columns, blockSize: block) }, columns: columns)
            precondition(got == expected, "the streaming reader (blocks of \(block)) says \(got.prefix(300)), the full parser \(expected.prefix(300))")
            // The same columns as text (the first) and as numbers-unless-words (the second):
            // whatever the full parser reads, the streaming reader reads too, with the same
            // levels in the same order and the same code in every row.
            let text: Dataset
            do {
                text = try ColumnReader.read(path: path, source: "fuzz.csv", columns: columns, text: [columns[0]], autoText: [columns[1]],
                                             blockSize: block)
            } catch {
                preconditionFailure("the full parser reads the file but the streaming reader with text columns says \(error)")
            }
            for c in columns where text.isText(c) {
                let a = text.categorical(c), b = full.categorical(c)
                precondition(a?.levels == b?.levels, "levels of \(c) differ (blocks of \(block))")
                precondition(a?.codes.map { $0.isNaN ? -1 : $0 } == b?.codes.map { $0.isNaN ? -1 : $0 }, "codes of \(c) differ (blocks of \(block))")
            }
        }
    }

    /// The `--config` reader.
    public static func config(_ bytes: [UInt8]) {
        var options = ReportOptions()
        do { try ConfigFile.apply(Data(bytes), path: "fuzz.json", to: &options) } catch { checkMessage(error) }
    }

    /// The Mustache parser and renderer: the input is the template and also its own partial
    /// `p` and parent `l`, rendered strictly and leniently against a small nested context,
    /// under a small budget.
    public static func mustache(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let context: MustacheValue = ["a": true, "b": "<b>", "n": 3, "list": [["x": 1], ["x": 2]], "o": ["p": ["q": "deep"]]]
        for strictness in [Strictness.strict, .lenient] {
            let renderer = Renderer(loader: DictionaryLoader(["p": text, "l": text]), strictness: strictness)
            renderer.maxSteps = 200_000
            renderer.maxOutputBytes = 1 << 20
            do { _ = try renderer.render(Template(name: "fuzz", text: text), context) } catch { checkMessage(error) }
        }
    }

    /// Partial and path names: the input is a partial's name, used directly (`{{> name}}`) and
    /// through a dynamic partial whose key holds it (as a column name would). The loader the
    /// report uses must never be asked for a name outside the plain alphabet, nor a dynamic
    /// name the report did not put in the context itself.
    public static func partial(_ bytes: [UInt8]) {
        let name = String(decoding: bytes, as: UTF8.self)
        final class Recorder: PartialLoader {
            var asked: [String] = []
            func source(named name: String) throws -> String? { asked.append(name); return "ok" }
        }
        let valid = PartialNames.isValid(name)
        if valid {
            precondition(!name.contains("/") && !name.contains("..") && !name.hasPrefix("."), "a path passed as a name: \(name.debugDescription)")
        }
        let allowed: Set<String> = ["figure", "checks"]
        let context: MustacheValue = ["column": .string(name)]
        func asked(_ text: String) -> [String] {
            let recorder = Recorder()
            let renderer = Renderer(loader: recorder, strictness: .strict)
            renderer.isValidPartialName = PartialNames.isValid
            renderer.dynamicPartialNames = allowed
            do { _ = try renderer.render(Template(name: "fuzz", text: text), context) } catch { checkMessage(error) }
            return recorder.asked
        }
        // Written directly (the tag's spaces trimmed), the loader sees the name only when it is valid.
        if !(name.contains("}") || name.contains("{") || name.contains("=")) {
            let direct = name.trimmingCharacters(in: .whitespacesAndNewlines)
            precondition(asked("{{> \(name)}}").allSatisfy { PartialNames.isValid(direct) && $0 == direct },
                         "an invalid name reached the loader: \(name.debugDescription)")
        }
        // Through the data, only when it is also one of the report's own names.
        precondition(asked("{{>*column}}").allSatisfy { valid && allowed.contains(name) && $0 == name },
                     "a data value chose a partial: \(name.debugDescription)")
    }

    /// The TeX to MathML converter, inline and display.
    public static func tex(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        for display in [false, true] {
            do { _ = try TeXToMathML.convert(text, display: display) } catch { checkMessage(error) }
        }
    }

    /// Runs every file under `paths` (files or folders) through `target`; returns the count.
    @discardableResult
    public static func replay(_ target: String, paths: [String]) -> Int {
        var count = 0
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            let files = isDirectory.boolValue ? ((try? fm.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 } : [path]
            for file in files {
                guard let data = fm.contents(atPath: file) else { continue }
                run(target, Array(data))
                count += 1
            }
        }
        return count
    }
}
