import Foundation
import XCTest
@testable import Mustache

/// Decodes the spec's JSON data into template values.
struct JSONValue: Decodable {
    var value: MustacheValue

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { value = .null }
        else if let b = try? c.decode(Bool.self) { value = .bool(b) }
        else if let n = try? c.decode(Double.self) { value = .number(n) }
        else if let s = try? c.decode(String.self) { value = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { value = .array(a.map(\.value)) }
        else { value = .object(try c.decode([String: JSONValue].self).mapValues(\.value)) }
    }
}

struct SpecFile: Decodable {
    struct Case: Decodable {
        var name: String
        var data: JSONValue
        var template: String
        var partials: [String: String]?
        var expected: String
    }
    var tests: [Case]
}

/// Runs every case of the official Mustache specification in `../shared/mustache-spec/`
/// (beside the project), in the specification's lenient mode.
final class SpecConformanceTests: XCTestCase {
    static var specDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/mustache-spec")
    }

    func testEveryOfficialSpecCasePasses() throws {
        let files = ["comments", "delimiters", "interpolation", "inverted", "partials", "sections", "~inheritance"]
        guard FileManager.default.fileExists(atPath: Self.specDirectory.path) else {
            throw XCTSkip("the Mustache spec is not beside the project at ../shared/mustache-spec")
        }
        var total = 0
        var failures: [String] = []
        for file in files {
            let data = try Data(contentsOf: Self.specDirectory.appendingPathComponent(file + ".json"))
            let spec = try JSONDecoder().decode(SpecFile.self, from: data)
            for test in spec.tests {
                total += 1
                do {
                    let renderer = Renderer(loader: DictionaryLoader(test.partials ?? [:]), strictness: .lenient)
                    let output = try renderer.render(Template(name: test.name, text: test.template), test.data.value)
                    if output != test.expected {
                        failures.append("\(file) / \(test.name): got \(output.debugDescription), expected \(test.expected.debugDescription)")
                    }
                } catch {
                    failures.append("\(file) / \(test.name): threw \(error)")
                }
            }
        }
        XCTAssertEqual(total, 163, "the suite has 163 cases")
        XCTAssertEqual(failures, [], failures.joined(separator: "\n"))
    }
}
