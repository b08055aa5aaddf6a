import Foundation

/// The OpenType math font the page ships in `assets/` and uses for every formula, so that
/// formulas look the same (and like TeX) whatever fonts the reader's machine has: TeX Gyre
/// DejaVu Math, which matches the figures' DejaVu Sans. It is taken from the system at run
/// time (Debian's fonts-texgyre-math, which `make report` installs), or from the file
/// `MLE_REPORT_MATH_FONT` names. Licence: the GUST Font License (an instance of the LPPL);
/// the DejaVu changes are in the public domain.
enum MathFont {
    static let fileName = "math.otf"
    static let candidates = [
        "/usr/share/texmf/fonts/opentype/public/tex-gyre-math/texgyredejavu-math.otf",
        "/usr/share/fonts/opentype/tex-gyre-math/texgyredejavu-math.otf",
        "/usr/local/share/fonts/texgyredejavu-math.otf",
        "/opt/homebrew/share/fonts/texgyredejavu-math.otf",
    ]

    /// The font's bytes. - Throws: when no copy is found, saying how to get one.
    static func bytes() throws -> [UInt8] {
        let environment = ProcessInfo.processInfo.environment["MLE_REPORT_MATH_FONT"].map { [$0] } ?? []
        // `make install` puts a copy beside the templates, in the prefix's share/mle-report.
        let installed = TemplateLoader.installedShare().map { [$0 + "/texgyredejavu-math.otf"] } ?? []
        for path in environment + installed + candidates {
            if let data = FileManager.default.contents(atPath: path), hasMathTable(Array(data)) { return Array(data) }
        }
        throw ReportError("cannot find the math font TeX Gyre DejaVu Math (texgyredejavu-math.otf): install Debian's fonts-texgyre-math (make report does), or set MLE_REPORT_MATH_FONT to the file")
    }

    /// Whether an OpenType file's table directory lists a `MATH` table (the one that tells a
    /// browser how to build fractions, radicals and accents).
    static func hasMathTable(_ font: [UInt8]) -> Bool {
        guard font.count >= 12 else { return false }
        let tables = Int(font[4]) << 8 | Int(font[5])
        for k in 0..<tables {
            let at = 12 + 16 * k
            guard at + 4 <= font.count else { return false }
            if font[at..<(at + 4)].elementsEqual("MATH".utf8) { return true }
        }
        return false
    }
}
