import Foundation
import Likelihood

/// `--data -`: the CSV comes on standard input (from `duckdb -csv`, `psql --csv`, a pipe).
/// The reader needs a regular file (it may read twice when a column turns out to be text, and
/// it refuses devices and FIFOs), so the bytes are copied once into a private temporary file,
/// read from there under the name "standard input", and the file is removed.
public enum StandardInput {
    /// The `--data` value that means standard input.
    public static let path = "-"
    /// The name the page, report.json and messages give it.
    public static let name = "standard input"
    /// More than this is refused (a pipe that never ends, such as `yes`, would fill the disk).
    public static let limit = 64 << 30

    /// Copies standard input to a new file in a private folder and returns both; the caller
    /// removes the folder.
    static func materialise() throws -> (file: String, folder: String) {
        var template = Array((NSTemporaryDirectory() + "/mle-report-stdin-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw ReportError("\(name): cannot make a temporary folder to hold it (\(String(cString: strerror(errno))))")
        }
        let folder = String(cString: made)
        let file = folder + "/standard-input.csv"
        guard FileManager.default.createFile(atPath: file, contents: nil, attributes: [.posixPermissions: 0o600]),
              let out = FileHandle(forWritingAtPath: file) else {
            try? FileManager.default.removeItem(atPath: folder)
            throw ReportError("\(name): cannot write a temporary copy in \(Message.quoted(folder))")
        }
        defer { try? out.close() }
        var total = 0
        do {
            while let block = try FileHandle.standardInput.read(upToCount: 1 << 20), !block.isEmpty {
                total += block.count
                guard total <= limit else {
                    try? FileManager.default.removeItem(atPath: folder)
                    throw ReportError("\(name): more than \(limit >> 30) GiB; write it to a file and give --data that file")
                }
                try out.write(contentsOf: block)
            }
        } catch let error as ReportError {
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: folder)
            throw ReportError("\(name): cannot be read or copied (\(error.localizedDescription))")
        }
        return (file, folder)
    }
}
