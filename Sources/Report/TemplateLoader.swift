import Foundation
import Mustache

/// Finds templates: the user's directory first (`--templates`), then the default ones, so
/// that a user can override one partial or the layout at a time.
struct TemplateLoader: PartialLoader {
    var userDirectory: String?
    var defaultDirectory: String

    /// A partial's name: letters, digits, '-' and '_' (starting with a letter or digit), so
    /// that it names a file directly inside a templates folder and nothing else.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 100 else { return false }
        func plain(_ c: Unicode.Scalar) -> Bool { c.isASCII && (CharacterSet.alphanumerics.contains(c)) }
        return plain(first) && name.unicodeScalars.allSatisfy { plain($0) || $0 == "-" || $0 == "_" }
    }

    func path(of name: String) -> String? {
        guard TemplateLoader.isValidName(name) else { return nil }
        for directory in [userDirectory, defaultDirectory].compactMap({ $0 }) {
            let path = directory + "/" + name + ".mustache"
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        return nil
    }

    func source(named name: String) throws -> String? {
        guard let path = path(of: name) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportError("\(path): cannot read the template")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ReportError("\(path): template is not UTF-8") }
        return text
    }

    /// Where a formula of the rendered page was written: the template file and line holding
    /// the longest start of `formula` (its delimiter and at least 6 more characters, up to
    /// where a value was put in), the user's templates first. nil when no template holds it.
    func locate(formula: String) -> String? {
        let wanted = Array(formula)
        var best: (length: Int, place: String)? = nil
        for directory in [userDirectory, defaultDirectory].compactMap({ $0 }) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            for name in names.sorted() where name.hasSuffix(".mustache") {
                guard let data = FileManager.default.contents(atPath: directory + "/" + name),
                      let text = String(data: data, encoding: .utf8) else { continue }
                for (k, line) in text.components(separatedBy: "\n").enumerated() {
                    let chars = Array(line)
                    var i = 0
                    while i < chars.count {
                        if chars[i] == wanted.first {
                            var n = 0
                            while i + n < chars.count && n < wanted.count && chars[i + n] == wanted[n] { n += 1 }
                            if n >= min(wanted.count, 7) && n > (best?.length ?? 0) { best = (n, "\(directory)/\(name):\(k + 1)") }
                        }
                        i += 1
                    }
                }
            }
            // The user's copy wins: a formula found there is not looked for in the defaults.
            if best != nil { return best!.place }
        }
        return best?.place
    }

    /// The user's `extra.css`, appended to the stylesheet; nil without one.
    func extraStylesheet() throws -> String? {
        guard let dir = userDirectory else { return nil }
        let path = dir + "/extra.css"
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ReportError("\(path): cannot read the stylesheet as UTF-8")
        }
        return text
    }

    /// A file beside the templates (the stylesheet), the user's copy first.
    func asset(_ name: String) throws -> [UInt8] {
        for directory in [userDirectory, defaultDirectory].compactMap({ $0 }) {
            if let data = FileManager.default.contents(atPath: directory + "/" + name) { return Array(data) }
        }
        throw ReportError("\(defaultDirectory)/\(name): missing from the templates")
    }

    /// `../share/mle-report` beside the executable's folder, where `make install` puts the
    /// templates and the math font, when it exists.
    static func installedShare() -> String? {
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
        let share = exe.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("share/mle-report").path
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: share, isDirectory: &isDirectory) && isDirectory.boolValue ? share : nil
    }

    /// The default templates: `MLE_REPORT_TEMPLATES` if set; else an installed copy; else a `Templates` folder in the
    /// directory of the executable or above it (the checkout it was built in); else the
    /// checkout this binary was compiled from.
    static func defaultDirectory() -> String? {
        let fm = FileManager.default
        func valid(_ dir: String) -> Bool { fm.fileExists(atPath: dir + "/report.mustache") }
        if let env = ProcessInfo.processInfo.environment["MLE_REPORT_TEMPLATES"], valid(env) { return env }
        // Installed (`make install PREFIX=…`): PREFIX/bin/mle-report beside PREFIX/share/mle-report.
        if let share = installedShare(), valid(share + "/Templates") { return share + "/Templates" }
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent("Templates").path
            if valid(candidate) { return candidate }
            dir.deleteLastPathComponent()
        }
        let compiled = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Templates").path
        return valid(compiled) ? compiled : nil
    }
}

/// Where the default templates are, for tools that watch them.
public enum TemplateLoaderPaths {
    public static var defaultDirectory: String? { TemplateLoader.defaultDirectory() }
}

/// The rule for partial names, for tools that check templates (the fuzzer).
public enum PartialNames {
    /// Letters, digits, '-' and '_', starting with a letter or digit: a file directly inside a
    /// templates folder.
    public static func isValid(_ name: String) -> Bool { TemplateLoader.isValidName(name) }
}
