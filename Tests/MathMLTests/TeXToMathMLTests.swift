import XCTest
@testable import MathML

final class TeXToMathMLTests: XCTestCase {
    func body(_ tex: String, display: Bool = false) throws -> String {
        let full = try TeXToMathML.convert(tex, display: display)
        let start = full.range(of: ">")!.upperBound
        return String(full[start..<full.range(of: "</math>", options: .backwards)!.lowerBound])
    }

    func testFractionsRootsAndScripts() throws {
        XCTAssertEqual(try body("\\frac{a}{2}"), "<mfrac><mi>a</mi><mn>2</mn></mfrac>")
        XCTAssertEqual(try body("\\sqrt{x}"), "<msqrt><mi>x</mi></msqrt>")
        XCTAssertEqual(try body("\\sqrt[3]{x}"), "<mroot><mi>x</mi><mn>3</mn></mroot>")
        XCTAssertEqual(try body("x_i^2"), "<msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup>")
        XCTAssertEqual(try body("e^{-x}"), "<msup><mi>e</mi><mrow><mo>−</mo><mi>x</mi></mrow></msup>")
    }

    func testSumsAndArgMaxTakeLimitsUnderInDisplay() throws {
        XCTAssertEqual(try body("\\sum_{i=1}^{n} x_i", display: true),
                       "<mrow><munderover><mo largeop=\"true\" movablelimits=\"true\">∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover><msub><mi>x</mi><mi>i</mi></msub></mrow>")
        XCTAssertEqual(try body("\\arg\\max_{\\theta} L", display: true),
                       "<mrow><munder><mo movablelimits=\"true\" form=\"prefix\">arg\u{2009}max</mo><mi>θ</mi></munder><mi>L</mi></mrow>")
        XCTAssertTrue(try body("\\prod_{i} p_i").hasPrefix("<mrow><msub><mo largeop"))
    }

    func testGreekAccentsFontsAndRelations() throws {
        XCTAssertEqual(try body("\\hat\\sigma^2"),
                       "<msup><mover accent=\"true\"><mi>σ</mi><mo stretchy=\"false\">^</mo></mover><mn>2</mn></msup>")
        XCTAssertEqual(try body("\\mathcal{N}"), "<mi>𝒩</mi>")
        XCTAssertEqual(try body("\\mathcal{L}"), "<mi>ℒ</mi>")
        XCTAssertEqual(try body("\\mathbb{R}"), "<mi>ℝ</mi>")
        XCTAssertEqual(try body("\\bar x \\propto y \\sim z \\in A \\mid B \\le C"),
                       "<mrow><mover accent=\"true\"><mi>x</mi><mo stretchy=\"false\">¯</mo></mover><mo>∝</mo><mi>y</mi><mo>∼</mo><mi>z</mi><mo>∈</mo><mi>A</mi><mo>∣</mo><mi>B</mi><mo>≤</mo><mi>C</mi></mrow>")
        // A thin space after an operator name, as TeX sets it; none before a delimiter or a script.
        XCTAssertEqual(try body("\\log x"), "<mrow><mrow><mi mathvariant=\"normal\">log</mi><mo>\u{2061}</mo><mspace width=\"0.1667em\"></mspace></mrow><mi>x</mi></mrow>")
        XCTAssertEqual(try body("\\log(x)"), "<mrow><mrow><mi mathvariant=\"normal\">log</mi><mo>\u{2061}</mo></mrow><mo stretchy=\"false\">(</mo><mi>x</mi><mo stretchy=\"false\">)</mo></mrow>")
        // Every command yields one element, so it can be a fraction's part or a script's base.
        XCTAssertEqual(try body("\\frac{\\operatorname{RSS}}{n}"),
                       "<mfrac><mrow><mi mathvariant=\"normal\">RSS</mi><mo>\u{2061}</mo></mrow><mi>n</mi></mfrac>")
        XCTAssertEqual(try body("\\log_2 x"),
                       "<mrow><msub><mrow><mi mathvariant=\"normal\">log</mi><mo>\u{2061}</mo></mrow><mn>2</mn></msub><mi>x</mi></mrow>")
        XCTAssertEqual(try body("\\text{if } a"), "<mrow><mrow><mtext>if</mtext><mspace width=\"0.3333em\"></mspace></mrow><mi>a</mi></mrow>")
    }

    func testFencesBracesAndAlignedDerivations() throws {
        XCTAssertEqual(try body("\\left( x \\right)"),
                       "<mrow><mo stretchy=\"true\">(</mo><mi>x</mi><mo stretchy=\"true\">)</mo></mrow>")
        XCTAssertEqual(try body("\\{ 0, 1 \\}"), "<mrow><mo>{</mo><mn>0</mn><mo>,</mo><mn>1</mn><mo>}</mo></mrow>")
        let aligned = try body("\\begin{aligned} a &= b \\\\ &= c \\end{aligned}", display: true)
        XCTAssertTrue(aligned.hasPrefix("<mtable"))
        XCTAssertEqual(aligned.components(separatedBy: "<mtr>").count - 1, 2)
        XCTAssertEqual(aligned.components(separatedBy: "<mtd").count - 1, 4)
    }

    func testErrorsCarryTheirPosition() {
        func message(_ tex: String) -> String {
            do { _ = try TeXToMathML.convert(tex, display: false); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(message("a + \\foo{b}"), "column 5: unknown command \\foo")
        XCTAssertEqual(message("\\frac{a}{b"), "column 9: '{' is never closed")
        XCTAssertEqual(message("a}"), "column 2: unbalanced '}' with no matching '{'")
        XCTAssertEqual(message("\\left( x"), "column 1: \\left has no matching \\right")
        XCTAssertEqual(message("x^"), "column 3: ^ needs an argument")
        XCTAssertEqual(message("\\begin{foo} x \\end{foo}"), "column 1: unknown environment \"foo\"")
        XCTAssertEqual(message("a & b"), "column 3: '&' outside an aligned environment")
    }

    func testTextIsEscaped() throws {
        XCTAssertEqual(try body("\\text{<b>&}"), "<mtext>&lt;b&gt;&amp;</mtext>")
        XCTAssertEqual(try body("a < b"), "<mrow><mi>a</mi><mo>&lt;</mo><mi>b</mi></mrow>")
    }
}

final class TeXLimitTests: XCTestCase {
    func testDeepNestingIsAnErrorNotAStackOverflow() {
        for tex in [String(repeating: "{", count: 20_000) + "x" + String(repeating: "}", count: 20_000),
                    String(repeating: "\\frac{", count: 5_000) + "1",
                    String(repeating: "\\sqrt{", count: 5_000) + "1",
                    String(repeating: "x^{", count: 5_000) + "1"] {
            XCTAssertThrowsError(try TeXToMathML.convert(tex, display: true)) { error in
                XCTAssertEqual((error as? TeXError)?.message, "the formula nests more than 100 levels deep")
            }
        }
        let ok = String(repeating: "{", count: 40) + "x" + String(repeating: "}", count: 40)
        XCTAssertNoThrow(try TeXToMathML.convert(ok, display: false))
    }
}

final class TeXFoundByFuzzingTests: XCTestCase {
    /// `\mathbb{P0}` trapped on an arithmetic overflow (the letter offset was taken for the digit too).
    func testDoubleStruckDigitsAfterLetters() throws {
        let out = try TeXToMathML.convert("\\mathbb{P0}", display: false)
        XCTAssertTrue(out.contains("<mi>ℙ</mi><mi>𝟘</mi>"), out)
        XCTAssertThrowsError(try TeXToMathML.convert("\\mathcal{0}", display: false))
    }
}
