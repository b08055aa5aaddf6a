import Foundation
import Mustache

/// Finds templates: the user's directory first (`--templates`), then the default ones, so
/// that a user can override one partial or the layout at a time.
struct TemplateLoader: PartialLoader {
    var userDirectory: String?
    var defaultDirectory: String

    func path(of name: String) -> String? {
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

    /// A file beside the templates (the stylesheet), the user's copy first.
    func asset(_ name: String) throws -> [UInt8] {
        for directory in [userDirectory, defaultDirectory].compactMap({ $0 }) {
            if let data = FileManager.default.contents(atPath: directory + "/" + name) { return Array(data) }
        }
        throw ReportError("\(defaultDirectory)/\(name): missing from the templates")
    }

    /// The default templates: `MLE_REPORT_TEMPLATES` if set; else a `Templates` folder in the
    /// directory of the executable or above it (the checkout it was built in); else the
    /// checkout this binary was compiled from.
    static func defaultDirectory() -> String? {
        let fm = FileManager.default
        func valid(_ dir: String) -> Bool { fm.fileExists(atPath: dir + "/report.mustache") }
        if let env = ProcessInfo.processInfo.environment["MLE_REPORT_TEMPLATES"], valid(env) { return env }
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
