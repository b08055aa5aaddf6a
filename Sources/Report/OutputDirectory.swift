import Foundation
import Likelihood
#if canImport(Glibc)
import Glibc
#endif

/// The files of a report, by relative path, written all at once or compared with disk.
struct OutputFiles {
    var files: [String: [UInt8]] = [:]


    mutating func add(_ path: String, _ bytes: [UInt8]) { files[path] = bytes }
    mutating func add(_ path: String, _ text: String) { files[path] = Array(text.utf8) }

    /// Every report carries the marker that lets later runs recognise it as theirs.
    init() { add(OutputDirectory.markerName, OutputDirectory.markerContents) }

    /// Paths that differ between these files and `directory` (symlinks followed): changed,
    /// missing, extra files and extra folders.
    ///
    /// With a `tolerance`, figures are compared by what they show rather than by their bytes,
    /// because another Cairo, Pango, FreeType or zlib writes other bytes for the same picture:
    /// PNGs by their decoded pixels (the root-mean-square difference of the 0–255 channel
    /// values must be at most the tolerance, and the sizes must match, as matplotlib's
    /// `compare_images` does); SVGs by their text with every number rounded to 0.1; PDFs with
    /// their producer and dates left out. The page, report.json and the stylesheet are always
    /// compared byte for byte.
    func differences(from directory: String, tolerance: Double? = nil) -> [String] {
        let root = (try? OutputDirectory.resolve(directory)) ?? directory
        let fm = FileManager.default
        var differing: [String] = []
        for path in files.keys.sorted() {
            guard let data = fm.contents(atPath: root + "/" + path) else { differing.append("\(path) (missing)"); continue }
            let expected = files[path]!, found = Array(data)
            guard found != expected else { continue }
            guard let tolerance, path.hasPrefix("figures/") else { differing.append("\(path) (changed)"); continue }
            if let verdict = FigureComparison.compare(path: path, expected: expected, found: found, tolerance: tolerance) {
                differing.append("\(path) (\(verdict))")
            }
        }
        var folders = Set<String>()
        for path in files.keys {
            var parts = path.split(separator: "/").dropLast()
            while !parts.isEmpty { folders.insert(parts.joined(separator: "/")); parts = parts.dropLast() }
        }
        if let enumerator = fm.enumerator(atPath: root) {
            var extra: [String] = []
            while let path = enumerator.nextObject() as? String {
                var isDirectory: ObjCBool = false
                _ = fm.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory)
                if isDirectory.boolValue {
                    if !folders.contains(path) { extra.append("\(path)/ (extra folder)") }
                } else if files[path] == nil {
                    extra.append("\(path) (not produced any more)")
                }
            }
            differing += extra.sorted()
        }
        return differing
    }
}

/// Which folders a run may replace, and how it replaces one without ever losing a file.
///
/// A run replaces only what it owns: a missing or empty folder, or a report it wrote (it
/// leaves a marker file, `.mle-report`, in every report; reports of version 0.1.0, written
/// before the marker, are recognised by their `report.json`). Anything else, and the working
/// directory or any folder above it, is refused before anything is written.
///
/// The new report is written into a sibling staging folder, every file and folder fsynced,
/// then swapped with the old one in one step (`renameat2(RENAME_EXCHANGE)` on Linux), so no
/// moment leaves the target missing or mixed; the old report, now in the staging folder, is
/// deleted, and the parent fsynced. Where the exchange is not available (another OS, or a
/// file system without it) the swap is two renames through `.NAME.old-PID`, and a run killed
/// between them leaves the old report there. Runs on one parent folder hold an exclusive lock
/// (`flock` on the parent), so they are serialised, and each run first removes what dead runs
/// left (`.NAME.new-PID`), restoring `.NAME.old-PID` when the report itself is missing.
enum OutputDirectory {
    static let markerName = ".mle-report"
    static let markerContents = "This folder was written by mle-report, which replaces it whole on every run.\n"
    /// What a report may hold at its top level.
    static let reportEntries: Set<String> = ["index.html", "report.json", "figures", "assets", markerName]

    /// The folder `path` names, with symbolic links followed (so that `--out link` replaces
    /// the link's target and keeps the link). A dangling link names its target.
    static func resolve(_ path: String) throws -> String {
        guard !path.isEmpty else { throw ReportError("--out: the output directory is an empty path") }
        var current = URL(fileURLWithPath: path).standardizedFileURL.path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else {
                // Resolve links in the parent too, so that the parent is the real folder.
                let url = URL(fileURLWithPath: current)
                let parent = url.deletingLastPathComponent().resolvingSymlinksInPath().path
                return parent == "/" ? "/" + url.lastPathComponent : parent + "/" + url.lastPathComponent
            }
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else { break }
            current = URL(fileURLWithPath: target, relativeTo: URL(fileURLWithPath: current).deletingLastPathComponent())
                .standardizedFileURL.path
        }
        throw ReportError("\(Message.quoted(path)): too many levels of symbolic links")
    }

    /// Refuses a folder the run does not own. `shown` is the path as the user typed it.
    static func checkReplaceable(_ resolved: String, shown: String) throws {
        let fm = FileManager.default
        let cwd = URL(fileURLWithPath: fm.currentDirectoryPath).resolvingSymlinksInPath().path
        if cwd == resolved || cwd.hasPrefix(resolved.hasSuffix("/") ? resolved : resolved + "/") {
            throw ReportError("--out \(Message.quoted(shown)): is the current directory or holds it; a run replaces its output folder whole, so choose a folder of its own (for example --out report)")
        }
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: resolved, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw ReportError("--out \(Message.quoted(shown)): exists and is not a folder; nothing was changed")
        }
        let entries = (try? fm.contentsOfDirectory(atPath: resolved)) ?? []
        if entries.isEmpty || isReport(resolved, entries: entries) { return }
        throw ReportError("--out \(Message.quoted(shown)): is a folder that mle-report did not write (it holds \(entries.count) entr\(entries.count == 1 ? "y" : "ies"), such as \(Message.quoted(entries.sorted()[0]))); a run replaces its output folder whole, so it only replaces an empty folder or an earlier report. Nothing was changed")
    }

    static func isReport(_ path: String, entries: [String]) -> Bool {
        if let marker = FileManager.default.contents(atPath: path + "/" + markerName) {
            return String(decoding: marker, as: UTF8.self) == markerContents
        }
        // A report written before the marker existed: only report entries, and a report.json
        // that names this generator.
        guard Set(entries).isSubset(of: reportEntries),
              let data = FileManager.default.contents(atPath: path + "/report.json"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let generator = object["generator"] as? String else { return false }
        return generator.hasPrefix("mle-report ")
    }

    /// A report being written: the sibling staging folder, filled file by file while the run
    /// goes on (each file written and fsynced on a writer queue of its own, so that the disk
    /// works while the processors draw), then swapped in by `commit` or deleted by `abandon`.
    /// It holds the parent's lock from creation to commit or abandon.
    final class Staging: @unchecked Sendable {
        let shown: String
        let target: String
        let parent: String
        let name: String
        let root: String
        private let lock: Int32
        private let writer = DispatchQueue(label: "mle-report.writer")
        /// Touched only on the writer queue.
        private var folders: [String]
        private var failure: Error?
        private var ended = false

        /// Takes the lock, refuses a folder the run may not replace, clears what dead runs
        /// left, and makes the staging folder. `directory` is the path as the user typed it.
        init(_ directory: String) throws {
            shown = directory
            target = try OutputDirectory.resolve(directory)
            let url = URL(fileURLWithPath: target)
            parent = url.deletingLastPathComponent().path
            name = url.lastPathComponent
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ReportError("--out \(Message.quoted(directory)): the folder that would hold it, \(Message.quoted(parent)), does not exist")
            }
            lock = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard lock >= 0 else { throw ReportError("\(Message.quoted(parent)): cannot open the folder (\(String(cString: strerror(errno))))") }
            while flock(lock, LOCK_EX) != 0 && errno == EINTR {}
            root = parent + "/.\(name).new-\(getpid())"
            folders = [root]
            do {
                try checkReplaceable(target, shown: directory)
                cleanLeftovers(parent: parent, name: name, target: target)
                guard mkdir(root, 0o755) == 0 else {
                    throw ReportError("--out \(Message.quoted(directory)): cannot write the report: \(SystemError(root, errno)); the previous report is untouched")
                }
            } catch {
                close(lock)
                throw error
            }
        }

        /// The last reference can go on the writer queue (a write block ends), where waiting
        /// for the queue is impossible; no write is pending then, so there is none to wait for.
        deinit {
            if !ended {
                removeTree(root)
                close(lock)
            }
        }

        /// Writes `bytes` to `path` (relative, with `/` between folders) in the background; the
        /// first failure is reported by `commit`.
        func add(_ path: String, _ bytes: [UInt8]) {
            writer.async { [self] in
                guard failure == nil else { return }
                do { try write(path, bytes) } catch { failure = error }
            }
        }

        private func write(_ path: String, _ bytes: [UInt8]) throws {
            let full = root + "/" + path
            var prefix = root
            for part in path.split(separator: "/").dropLast() {
                prefix += "/" + part
                if !folders.contains(prefix) {
                    guard mkdir(prefix, 0o755) == 0 else { throw SystemError(prefix, errno) }
                    folders.append(prefix)
                }
            }
            let fd = open(full, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw SystemError(full, errno) }
            defer { close(fd) }
            var written = 0
            while written < bytes.count {
                let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                if n < 0 { if errno == EINTR { continue }; throw SystemError(full, errno) }
                written += n
            }
            guard fsync(fd) == 0 else { throw SystemError(full, errno) }
        }

        /// Waits for the writes, makes the folders durable and swaps the new report in (see
        /// `OutputDirectory`); on failure the staging folder is deleted and the previous report
        /// is untouched.
        func commit() throws {
            let (failure, folders) = writer.sync { (self.failure, self.folders) }
            ended = true
            defer { close(lock) }
            if let failure {
                removeTree(root)
                throw ReportError("--out \(Message.quoted(shown)): cannot write the report: \(failure); the previous report is untouched")
            }
            for folder in folders.reversed() { fsyncPath(folder) }
            Timing.mark("new report written and synced")
            if FileManager.default.fileExists(atPath: target) {
                if exchange(root, target) {
                    // The staging folder now holds the previous report.
                    removeTree(root)
                    Timing.mark("previous report removed")
                } else {
                    let previous = parent + "/.\(name).old-\(getpid())"
                    guard rename(target, previous) == 0 else {
                        let reason = String(cString: strerror(errno))
                        removeTree(root)
                        throw ReportError("--out \(Message.quoted(shown)): cannot replace the report (\(reason)); the previous report is untouched")
                    }
                    guard rename(root, target) == 0 else {
                        let reason = String(cString: strerror(errno))
                        _ = rename(previous, target)
                        removeTree(root)
                        throw ReportError("--out \(Message.quoted(shown)): cannot replace the report (\(reason)); the previous report is untouched")
                    }
                    removeTree(previous)
                }
            } else if rename(root, target) != 0 {
                let reason = String(cString: strerror(errno))
                removeTree(root)
                throw ReportError("--out \(Message.quoted(shown)): cannot create the report (\(reason))")
            }
            fsyncPath(parent)
        }

        /// Deletes the staging folder once the pending writes end (the run failed): the previous
        /// report stays as it was. Nothing after `commit`.
        func abandon() {
            guard !ended else { return }
            ended = true
            writer.sync {}
            removeTree(root)
            close(lock)
        }
    }

    /// Removes what runs killed on this parent left behind: staging folders, and old reports
    /// (restored when the report itself went missing between two renames).
    static func cleanLeftovers(parent: String, name: String, target: String) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for entry in entries.sorted() {
            for kind in ["new", "old"] {
                let prefix = ".\(name).\(kind)-"
                guard entry.hasPrefix(prefix), !entry.dropFirst(prefix.count).isEmpty,
                      entry.dropFirst(prefix.count).allSatisfy(\.isNumber) else { continue }
                let path = parent + "/" + entry
                if kind == "old" && !FileManager.default.fileExists(atPath: target) && rename(path, target) == 0 { continue }
                removeTree(path)
            }
        }
    }

    typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    /// Swaps two paths atomically with Linux's `renameat2(…, RENAME_EXCHANGE)`, looked up at
    /// run time (Swift's Glibc module does not declare it). False when it is not available.
    static func exchange(_ a: String, _ b: String) -> Bool {
        #if os(Linux)
        guard let symbol = dlsym(nil, "renameat2") else { return false }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        let exchangeFlag: UInt32 = 2   // RENAME_EXCHANGE
        return renameat2(AT_FDCWD, a, AT_FDCWD, b, exchangeFlag) == 0
        #else
        return false
        #endif
    }

    static func fsyncPath(_ path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd >= 0 { _ = fsync(fd); close(fd) }
    }

    /// Deletes a folder tree, first making its folders writable (a report may have been made
    /// read-only by hand). Symbolic links inside it are removed, never followed.
    static func removeTree(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { _ = unlink(path); return }
        _ = fchmod(fd, 0o755)
        removeContents(of: fd)
        _ = rmdir(path)
    }

    /// Empties the folder open as `fd` (and closes it), depth first, through *at calls.
    private static func removeContents(of fd: Int32) {
        guard let dir = fdopendir(fd) else { close(fd); return }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        for name in names {
            if unlinkat(fd, name, 0) == 0 { continue }
            // A folder: open it without following links, make it writable, empty it, remove it.
            let child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard child >= 0 else { continue }
            _ = fchmod(child, 0o755)
            removeContents(of: child)
            _ = unlinkat(fd, name, AT_REMOVEDIR)
        }
    }

    struct SystemError: Error, CustomStringConvertible {
        var path: String
        var code: Int32
        init(_ path: String, _ code: Int32) { self.path = path; self.code = code }
        var description: String { "\(Message.quoted(path)): \(String(cString: strerror(code)))" }
    }
}
