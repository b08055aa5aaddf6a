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

    /// The marker with the list of every other file, as the staging folder writes it.
    mutating func listFilesInMarker() {
        add(OutputDirectory.markerName, OutputDirectory.marker(listing: files.keys.filter { $0 != OutputDirectory.markerName }))
    }

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
    static let listingHeader = "It replaces it only while it holds nothing but these files:\n"
    /// The staging folder's own marker: a `.NAME.new-PID` folder without it is not a run's.
    static let stagingMarkerName = ".mle-report-staging"
    static let stagingMarkerContents = "A report being written by mle-report; removed by the next run on this folder.\n"

    /// The marker a report carries: the header, then every file the run wrote, one per line.
    static func marker(listing paths: [String]) -> String {
        markerContents + listingHeader + paths.sorted().map { $0 + "\n" }.joined()
    }
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

    /// Refuses an output folder that holds one of the run's inputs or lies inside one (a
    /// templates folder): replacing it would delete the input, or rewrite what `--watch` watches.
    static func checkInputsOutside(_ out: String, inputs: [(flag: String, path: String)]) throws {
        let target = try resolve(out)
        let folder = target.hasSuffix("/") ? target : target + "/"
        for (flag, path) in inputs where path != StandardInput.path {
            let input = URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
            let inputFolder = input.hasSuffix("/") ? input : input + "/"
            if input == target || input.hasPrefix(folder) {
                throw ReportError("--out \(Message.quoted(out)): holds \(flag) \(Message.quoted(path)), which a run would delete when it replaces the folder; write the report elsewhere or move the input out of it. Nothing was changed")
            }
            if folder.hasPrefix(inputFolder) {
                throw ReportError("--out \(Message.quoted(out)): is inside \(flag) \(Message.quoted(path)); a report written into its own input (which --watch would then see change) is refused. Nothing was changed")
            }
        }
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
        let entries: [String]
        do { entries = try fm.contentsOfDirectory(atPath: resolved) } catch {
            throw ReportError("--out \(Message.quoted(shown)): cannot list the folder, so it cannot be known to be an earlier report; nothing was changed")
        }
        if entries.isEmpty { return }
        let foreign = foreignEntries(resolved, entries: entries)
        if foreign.isEmpty { return }
        let listed = foreign.prefix(3).map { Message.quoted($0) }.joined(separator: ", ") + (foreign.count > 3 ? " and \(foreign.count - 3) more" : "")
        throw ReportError("--out \(Message.quoted(shown)): is a folder that mle-report did not write, or holds what it did not write (\(listed)); a run replaces its output folder whole, so it only replaces an empty folder or an earlier report that holds nothing else. Nothing was changed")
    }

    /// What in the folder at `path` is not part of a report it wrote: empty for a report. A
    /// report's marker lists every file the run wrote; anything else found (a file, a folder,
    /// a link, a mount point, an entry that cannot be read) makes the folder foreign. Reports
    /// written before the listing may have only a report's top-level entries. Without a
    /// marker, a report of version 0.1.0 is recognised by its entries and its report.json.
    static func foreignEntries(_ path: String, entries: [String]) -> [String] {
        var info = stat()
        guard lstat(path, &info) == 0 else { return entries.sorted() }
        let device = info.st_dev
        if let marker = FileManager.default.contents(atPath: path + "/" + markerName) {
            let text = String(decoding: marker, as: UTF8.self)
            guard text.hasPrefix(markerContents) else { return [markerName] }
            let rest = text.dropFirst(markerContents.count)
            if rest.isEmpty {
                // A marker from before the listing: only a report's entries, on this file system.
                return entries.filter { !reportEntries.contains($0) }.sorted() + walk(path, device: device, allowed: nil)
            }
            guard rest.hasPrefix(listingHeader) else { return [markerName] }
            var listed = Set(rest.dropFirst(listingHeader.count).split(separator: "\n").map(String.init))
            listed.insert(markerName)
            return walk(path, device: device, allowed: listed)
        }
        guard Set(entries).isSubset(of: reportEntries),
              let data = FileManager.default.contents(atPath: path + "/report.json"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let generator = object["generator"] as? String, generator.hasPrefix("mle-report ") else { return entries.sorted() }
        return walk(path, device: device, allowed: nil)
    }

    /// Every mount point (Linux: /proc/self/mountinfo; a bind mount of a folder of the same file
    /// system has the same device number, so the device alone does not tell).
    static func mountPoints() -> Set<String> {
        guard let data = FileManager.default.contents(atPath: "/proc/self/mountinfo") else { return [] }
        var points: Set<String> = []
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 4 else { continue }
            // Octal escapes (\040 for a space) in the path.
            let bytes = Array(fields[4].utf8)
            var i = 0, out: [UInt8] = []
            while i < bytes.count {
                if bytes[i] == UInt8(ascii: "\\"), i + 3 < bytes.count, let v = UInt8(String(decoding: bytes[(i + 1)...(i + 3)], as: UTF8.self), radix: 8) {
                    out.append(v); i += 4
                } else { out.append(bytes[i]); i += 1 }
            }
            points.insert(String(decoding: out, as: UTF8.self))
        }
        return points
    }

    /// The paths below `root` that a report does not hold: with `allowed`, every file not in it
    /// and every folder holding none of it; always mount points, links and other non-files,
    /// and folders that cannot be listed (marked in parentheses). Never enters another file
    /// system. At most 100 are returned.
    static func walk(_ root: String, device: dev_t, allowed: Set<String>?) -> [String] {
        var foreign: [String] = []
        var folders: Set<String> = []
        let mounts = mountPoints()
        for file in allowed ?? [] {
            var parts = file.split(separator: "/").dropLast()
            while !parts.isEmpty { folders.insert(parts.joined(separator: "/")); parts = parts.dropLast() }
        }
        func visit(_ relative: String, depth: Int) {
            guard foreign.count < 100 else { return }
            let full = relative.isEmpty ? root : root + "/" + relative
            guard depth < 64, let names = try? FileManager.default.contentsOfDirectory(atPath: full) else {
                foreign.append((relative.isEmpty ? "." : relative) + " (unreadable)"); return
            }
            for name in names.sorted() {
                let child = relative.isEmpty ? name : relative + "/" + name
                var info = stat()
                guard lstat(root + "/" + child, &info) == 0 else { foreign.append(child + " (unreadable)"); continue }
                let type = info.st_mode & S_IFMT
                if type == S_IFDIR {
                    if info.st_dev != device || mounts.contains(root + "/" + child) { foreign.append(child + " (mount point)"); continue }
                    if allowed != nil && !folders.contains(child) { foreign.append(child + "/"); continue }
                    visit(child, depth: depth + 1)
                } else if type == S_IFREG {
                    if let allowed, !allowed.contains(child) { foreign.append(child) }
                } else {
                    foreign.append(child)
                }
            }
        }
        visit("", depth: 0)
        return foreign
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
        /// The staging folders of runs under way, for `Interruption`.
        nonisolated(unsafe) private static var active: [ObjectIdentifier: Staging] = [:]
        private static let activeLock = NSLock()

        /// Removes every staging folder under way (a signal stops the process).
        static func interruptAll() {
            activeLock.lock()
            let all = Array(active.values)
            activeLock.unlock()
            for staging in all {
                let previous = staging.parent + "/.\(staging.name).old-\(getpid())"
                if !FileManager.default.fileExists(atPath: staging.target), FileManager.default.fileExists(atPath: previous) {
                    _ = rename(previous, staging.target)
                }
                removeTree(staging.root)
            }
        }

        private func register(_ on: Bool) {
            Staging.activeLock.lock()
            if on { Staging.active[ObjectIdentifier(self)] = self } else { Staging.active[ObjectIdentifier(self)] = nil }
            Staging.activeLock.unlock()
        }

        /// Touched only on the writer queue.
        private var folders: [String]
        private var written: [String] = []
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
            // Missing folders above it are made (writers expect `--out a/b/c` to work), noted
            // for the summary, and removed again if the run fails while they are still empty.
            createdParents = try Staging.makeParents(parent, shown: directory)
            lock = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard lock >= 0 else {
                Staging.removeEmpty(createdParents)
                throw ReportError("\(Message.quoted(parent)): cannot open the folder (\(String(cString: strerror(errno))))")
            }
            while flock(lock, LOCK_EX) != 0 && errno == EINTR {}
            root = parent + "/.\(name).new-\(getpid())"
            folders = [root]
            do {
                try checkReplaceable(target, shown: directory)
                cleanLeftovers(parent: parent, name: name, target: target)
                // Registered before the folder exists: a signal between the two would
                // otherwise leave a staging folder no cleanup knows of.
                register(true)
                guard mkdir(root, 0o755) == 0 else {
                    throw ReportError("--out \(Message.quoted(directory)): cannot write the report: \(SystemError(root, errno)); the previous report is untouched")
                }
                // Marks the folder as a run's own, so that a later run may remove it if this one dies.
                try write(stagingMarkerName, Array(stagingMarkerContents.utf8), record: false)
            } catch {
                register(false)
                if FileManager.default.fileExists(atPath: root) { removeTree(root) }
                close(lock)
                Staging.removeEmpty(createdParents)
                throw error
            }
        }

        /// The folders above `--out` this run made, outermost first.
        let createdParents: [String]

        /// Makes the missing folders of `path`, outermost first, and returns them; an existing
        /// file in the way is an error.
        static func makeParents(_ path: String, shown: String) throws -> [String] {
            var missing: [String] = []
            var current = path
            var isDirectory: ObjCBool = false
            while !FileManager.default.fileExists(atPath: current, isDirectory: &isDirectory) {
                missing.insert(current, at: 0)
                let up = URL(fileURLWithPath: current).deletingLastPathComponent().path
                if up == current { break }
                current = up
            }
            if FileManager.default.fileExists(atPath: current, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw ReportError("--out \(Message.quoted(shown)): \(Message.quoted(current)) is a file, not a folder, so nothing can be made inside it")
            }
            var made: [String] = []
            for folder in missing {
                guard mkdir(folder, 0o755) == 0 || errno == EEXIST else {
                    let reason = SystemError(folder, errno)
                    removeEmpty(made)
                    throw ReportError("--out \(Message.quoted(shown)): cannot make the folder \(Message.quoted(folder)): \(reason)")
                }
                made.append(folder)
            }
            return made
        }

        /// Removes the folders a failed run made, innermost first, while they are empty.
        static func removeEmpty(_ folders: [String]) {
            for folder in folders.reversed() { _ = rmdir(folder) }
        }

        /// The last reference can go on the writer queue (a write block ends), where waiting
        /// for the queue is impossible; no write is pending then, so there is none to wait for.
        deinit {
            if !ended {
                removeTree(root)
                close(lock)
                Staging.removeEmpty(createdParents)
            }
        }

        /// Writes `bytes` to `path` (relative, with `/` between folders) in the background; the
        /// first failure is reported by `commit`.
        func add(_ path: String, _ bytes: [UInt8]) {
            // The marker is written last, by `commit`, with the list of what was written.
            guard path != markerName else { return }
            writer.async { [self] in
                guard failure == nil else { return }
                do { try write(path, bytes) } catch { failure = error }
            }
        }

        private func write(_ path: String, _ bytes: [UInt8], record: Bool = true) throws {
            if record { written.append(path) }
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
            // The marker, listing what was written, goes last: a folder without it is no report.
            let (failure, folders) = writer.sync { () -> (Error?, [String]) in
                var failure = self.failure
                if failure == nil {
                    do {
                        try write(markerName, Array(OutputDirectory.marker(listing: written).utf8), record: false)
                        if unlink(root + "/" + stagingMarkerName) != 0 { throw SystemError(root + "/" + stagingMarkerName, errno) }
                    } catch { failure = error }
                }
                return (failure, self.folders)
            }
            ended = true
            defer { close(lock); register(false) }
            if let failure {
                removeTree(root)
                throw ReportError("--out \(Message.quoted(shown)): cannot write the report: \(failure); the previous report is untouched")
            }
            for folder in folders.reversed() { fsyncPath(folder) }
            Timing.mark("new report written and synced")
            if FileManager.default.fileExists(atPath: target) {
                if exchange(root, target) {
                    // The staging folder now holds the previous report.
                    let left = removeTree(root)
                    Timing.mark("previous report removed")
                    if !left.isEmpty { throw leftBehind(root, left) }
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
                    let left = removeTree(previous)
                    if !left.isEmpty { fsyncPath(parent); throw leftBehind(previous, left) }
                }
            } else if rename(root, target) != 0 {
                let reason = String(cString: strerror(errno))
                removeTree(root)
                throw ReportError("--out \(Message.quoted(shown)): cannot create the report (\(reason))")
            }
            fsyncPath(parent)
        }

        /// The error of a run whose new report is in place but whose previous one could not be
        /// removed completely.
        private func leftBehind(_ folder: String, _ left: [String]) -> ReportError {
            ReportError("--out \(Message.quoted(shown)): the new report is in place, but the previous one could not be removed completely: \(Message.quoted(folder)) remains (\(left.prefix(2).map { Message.quoted($0) }.joined(separator: ", ")) could not be deleted); remove it by hand")
        }

        /// Deletes the staging folder once the pending writes end (the run failed): the previous
        /// report stays as it was. Nothing after `commit`.
        func abandon() {
            guard !ended else { return }
            ended = true
            writer.sync {}
            removeTree(root)
            close(lock)
            Staging.removeEmpty(createdParents)
            register(false)
        }
    }

    /// Removes what runs killed on this parent left behind: staging folders, and old reports
    /// (restored when the report itself went missing between two renames).
    static func cleanLeftovers(parent: String, name: String, target: String) {
        // Runs on this parent hold its lock, so a staging folder seen here is a dead run's; but
        // a folder is only taken for one when it carries the staging marker (new) or is a
        // report (old): a look-alike name alone is left alone.
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for entry in entries.sorted() {
            for kind in ["new", "old"] {
                let prefix = ".\(name).\(kind)-"
                guard entry.hasPrefix(prefix), !entry.dropFirst(prefix.count).isEmpty,
                      entry.dropFirst(prefix.count).allSatisfy({ $0.isASCII && $0.isNumber }) else { continue }
                let path = parent + "/" + entry
                var info = stat()
                guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { continue }
                if kind == "new" {
                    // A run killed between making the folder and finishing its marker leaves it
                    // empty, or holding only the start of the marker: nothing of anyone's.
                    let inside = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? ["?"]
                    let marker = FileManager.default.contents(atPath: path + "/" + stagingMarkerName)
                    let unfinished = inside.isEmpty || (inside == [stagingMarkerName]
                        && marker.map { Data(stagingMarkerContents.utf8).starts(with: $0) } == true)
                    guard unfinished || marker == Data(stagingMarkerContents.utf8) || isFinishedStaging(path) else { continue }
                } else {
                    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path), !entries.isEmpty,
                          foreignEntries(path, entries: entries).isEmpty else { continue }
                    if !FileManager.default.fileExists(atPath: target) && rename(path, target) == 0 { continue }
                }
                _ = removeTree(path)
            }
        }
    }

    /// A staging folder whose run wrote its marker and died before the swap: a complete report.
    static func isFinishedStaging(_ path: String) -> Bool {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path), !entries.isEmpty,
              let marker = FileManager.default.contents(atPath: path + "/" + markerName),
              String(decoding: marker, as: UTF8.self).hasPrefix(markerContents + listingHeader) else { return false }
        return foreignEntries(path, entries: entries).isEmpty
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
    /// read-only by hand). Symbolic links inside it are removed, never followed, and no mount
    /// point is entered. Returns what could not be deleted (empty on success).
    @discardableResult
    static func removeTree(_ path: String) -> [String] {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return unlink(path) == 0 || errno == ENOENT ? [] : [path] }
        var info = stat()
        _ = fstat(fd, &info)
        _ = fchmod(fd, 0o755)
        var left: [String] = []
        removeContents(of: fd, path: path, device: info.st_dev, mounts: mountPoints(), depth: 0, left: &left)
        if rmdir(path) != 0 && left.isEmpty { left.append(path) }
        return left
    }

    /// Empties the folder open as `fd` (and closes it), depth first, through *at calls,
    /// recording what stays.
    private static func removeContents(of fd: Int32, path: String, device: dev_t, mounts: Set<String>, depth: Int, left: inout [String]) {
        guard let dir = fdopendir(fd) else { close(fd); left.append(path); return }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        for name in names {
            let childPath = path + "/" + name
            var info = stat()
            guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { left.append(childPath); continue }
            if (info.st_mode & S_IFMT) != S_IFDIR {
                if unlinkat(fd, name, 0) != 0 { left.append(childPath) }
                continue
            }
            // A folder: never another file system or a mount point; never deeper than 256.
            guard info.st_dev == device, !mounts.contains(childPath), depth < 256 else { left.append(childPath); continue }
            let child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard child >= 0 else { left.append(childPath); continue }
            _ = fchmod(child, 0o755)
            removeContents(of: child, path: childPath, device: device, mounts: mounts, depth: depth + 1, left: &left)
            if unlinkat(fd, name, AT_REMOVEDIR) != 0 && !left.contains(where: { $0.hasPrefix(childPath) }) { left.append(childPath) }
        }
    }

    struct SystemError: Error, CustomStringConvertible {
        var path: String
        var code: Int32
        init(_ path: String, _ code: Int32) { self.path = path; self.code = code }
        var description: String { "\(Message.quoted(path)): \(String(cString: strerror(code)))" }
    }
}
