import XCTest
@testable import Mustache

final class TemplateTests: XCTestCase {
    private func render(_ text: String, _ data: MustacheValue, partials: [String: String] = [:],
                        strictness: Strictness = .strict) throws -> String {
        try Renderer(loader: DictionaryLoader(partials), strictness: strictness).render(Template(name: "t", text: text), data)
    }

    private func assertError(_ text: String, _ expected: String, data: MustacheValue = [:],
                             partials: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try render(text, data, partials: partials), file: file, line: line) {
            XCTAssertEqual("\($0)", expected, file: file, line: line)
        }
    }

    func testEscapingCoversMarkupAndQuotes() throws {
        XCTAssertEqual(try render("{{v}}|{{{v}}}|{{&v}}", ["v": "<script>alert('x')</script>&\""]),
                       "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;|<script>alert('x')</script>&\"|<script>alert('x')</script>&\"")
    }

    func testSectionsOverListsObjectsAndBooleans() throws {
        let data: MustacheValue = ["models": [["name": "linear"], ["name": "logistic"]], "ok": true, "none": [],
                                   "fit": ["w": 1.5, "n": 3]]
        XCTAssertEqual(try render("{{#models}}[{{name}}]{{/models}}{{^none}}empty{{/none}}{{#ok}}!{{/ok}}", data),
                       "[linear][logistic]empty!")
        XCTAssertEqual(try render("{{fit.w}} {{#fit}}{{n}}{{/fit}}", data), "1.5 3")
    }

    func testLayoutInheritanceOverridesOneBlock() throws {
        let layout = "<main>\n  {{$body}}\n  default body\n  {{/body}}\n</main>\n<footer>{{$footer}}ours{{/footer}}</footer>\n"
        let page = "{{<layout}}\n{{$body}}\nmine\n{{/body}}\n{{/layout}}\n"
        XCTAssertEqual(try render(page, [:], partials: ["layout": layout]), "<main>\n  mine\n</main>\n<footer>ours</footer>\n")
    }

    func testStandalonePartialIsIndented() throws {
        XCTAssertEqual(try render("<ul>\n  {{>item}}\n</ul>\n", [:], partials: ["item": "<li>a</li>\n<li>b</li>\n"]),
                       "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n")
    }

    /// `{{>*name}}` (the specification's dynamic names): the partial named by a value, so
    /// one loop can render each section with its own template.
    func testDynamicPartialNames() throws {
        let data: MustacheValue = ["sections": [["partial": "a", "v": 1], ["partial": "b", "v": 2]]]
        XCTAssertEqual(try render("{{#sections}}{{>*partial}}{{/sections}}", data, partials: ["a": "A{{v}};", "b": "B{{v}};"]), "A1;B2;")
        assertError("{{>*missing}}", "t:1:1: \"missing\" is not in the data given to the template; no names are given here")
        assertError("{{>*n}}", "t:1:1: the dynamic partial name \"n\" is not a string", data: ["n": 3])
        assertError("{{>*p}}", "t:1:1: no partial named \"zz\"", data: ["p": "zz"])
    }

    func testStrictModeNamesTemplateLineAndColumn() {
        assertError("ok\n  {{missing}}", "t:2:3: \"missing\" is not in the data given to the template; no names are given here")
        // A misspelt name lists the names that exist where it was used, innermost first.
        assertError("{{#m}}{{captoin}}{{/m}}", "t:1:7: \"captoin\" is not in the data given to the template; names here: caption, n (and 2 more further out)",
                    data: ["m": ["caption": "c", "n": 3], "title": "t"])
        assertError("{{>nope}}", "t:1:1: no partial named \"nope\"")
        assertError("a\n{{#s}}x", "t:2:1: section \"s\" is never closed", data: ["s": true])
        assertError("{{#a}}{{/b}}", "t:1:7: \"{{/b}}\" does not match \"a\" opened at line 1, column 1", data: ["a": true])
        assertError("x {{/a}}", "t:1:3: \"{{/a}}\" closes a section that was never opened")
        assertError("{{=<% %>=}}\n<%x", "t:2:1: tag is never closed (expected \"%>\")")
        assertError("{{= | =}}", "t:1:1: bad delimiter change \"|\": expected two delimiters separated by a space")
        assertError("{{ }}", "t:1:1: empty tag")
    }

    func testLenientModeRendersMissingAsEmpty() throws {
        XCTAssertEqual(try render("[{{missing}}]{{>nope}}", [:], strictness: .lenient), "[]")
    }

    func testRecursivePartialsStop() {
        XCTAssertThrowsError(try render("{{>a}}", [:], partials: ["a": "{{>a}}"]))
    }
}

/// Hostile templates end with located errors instead of a stack overflow or a runaway.
final class TemplateLimitTests: XCTestCase {
    func testDeepNestingIsAnErrorAtTheTagThatGoesTooDeep() {
        let text = String(repeating: "{{#a}}", count: 20_000) + String(repeating: "{{/a}}", count: 20_000)
        XCTAssertThrowsError(try Template(name: "deep", text: text)) { error in
            let e = error as! MustacheError
            XCTAssertEqual(e.line, 1)
            XCTAssertEqual(e.column, 1 + 6 * 100, "the 101st opening tag")
            XCTAssertEqual(e.message, "sections nest more than 100 deep")
        }
        // 100 levels are fine.
        let ok = String(repeating: "{{#a}}", count: 100) + "x" + String(repeating: "{{/a}}", count: 100)
        XCTAssertEqual(try Renderer().render(Template(name: "ok", text: ok), ["a": true]), "x")
    }

    func testExpansionHasABudget() throws {
        let renderer = Renderer(strictness: .lenient)
        renderer.maxSteps = 10_000
        let loops = String(repeating: "{{#l}}", count: 20) + "x" + String(repeating: "{{/l}}", count: 20)
        XCTAssertThrowsError(try renderer.render(Template(name: "bomb", text: loops), ["l": [1, 2]])) { error in
            XCTAssertTrue((error as! MustacheError).message.hasPrefix("the template needs more than 10000 steps"))
        }
        renderer.maxSteps = 2_000_000
        renderer.maxOutputBytes = 1 << 20
        let wide = "{{#l}}" + String(repeating: "y", count: 4096) + "{{/l}}"
        XCTAssertThrowsError(try renderer.render(Template(name: "wide", text: wide), ["l": .array(Array(repeating: 1, count: 1000))])) { error in
            XCTAssertTrue((error as! MustacheError).message.contains("expands to more than 1 MiB"))
        }
    }
}
