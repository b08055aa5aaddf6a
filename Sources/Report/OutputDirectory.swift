import Foundation

/// The files of a report, by relative path, written all at once or compared with disk.
struct OutputFiles {
    var files: [String: [UInt8]] = [:]

    mutating func add(_ path: String, _ bytes: [UInt8]) { files[path] = bytes }
    mutating func add(_ path: String, _ text: String) { files[path] = Array(text.utf8) }

    /// Writes every file into a fresh sibling directory of `directory`, then swaps it into
    /// place by renaming. If anything fails before the swap, the previous report is untouched;
    /// the swap itself restores the previous directory if the second rename fails.
    func replace(_ directory: String) throws {
        let fm = FileManager.default
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        let parent = target.deletingLastPathComponent()
        let name = target.lastPathComponent
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = parent.appendingPathComponent(".\(name).new-\(pid)")
        let previous = parent.appendingPathComponent(".\(name).old-\(pid)")
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: target.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw ReportError("\(directory): exists and is not a directory")
        }
        do {
            try? fm.removeItem(at: staging)
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
            for path in files.keys.sorted() {
                let url = staging.appendingPathComponent(path)
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                guard fm.createFile(atPath: url.path, contents: Data(files[path]!)) else {
                    throw ReportError("\(directory)/\(path): cannot write the file")
                }
            }
        } catch {
            try? fm.removeItem(at: staging)
            if let e = error as? ReportError { throw e }
            throw ReportError("\(directory): cannot write the report: \(error.localizedDescription)")
        }
        let existed = fm.fileExists(atPath: target.path)
        do {
            if existed { try fm.moveItem(at: target, to: previous) }
            do {
                try fm.moveItem(at: staging, to: target)
            } catch {
                if existed { try? fm.moveItem(at: previous, to: target) }
                throw error
            }
        } catch {
            try? fm.removeItem(at: staging)
            throw ReportError("\(directory): cannot replace the report: \(error.localizedDescription)")
        }
        if existed { try? fm.removeItem(at: previous) }
    }

    /// Paths that differ between these files and `directory`: changed, missing or extra.
    func differences(from directory: String) -> [String] {
        let fm = FileManager.default
        var differing: [String] = []
        for path in files.keys.sorted() {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(path)
            guard let data = fm.contents(atPath: url.path) else { differing.append("\(path) (missing)"); continue }
            if Array(data) != files[path]! { differing.append("\(path) (changed)") }
        }
        if let enumerator = fm.enumerator(atPath: directory) {
            var extra: [String] = []
            while let path = enumerator.nextObject() as? String {
                var isDirectory: ObjCBool = false
                fm.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory)
                if !isDirectory.boolValue && files[path] == nil { extra.append("\(path) (not produced any more)") }
            }
            differing += extra.sorted()
        }
        return differing
    }
}
