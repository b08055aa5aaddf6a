/// Light or dark: the colours of a figure's paper, text, axes and neutral marks. Data
/// colours (the Okabe–Ito palette, the colormaps) are the same in both; they keep a contrast
/// of at least 3:1 against either background.
///
/// Marks ask for neutral colours by role (`Color.ink`, `.grid`, `.edge`, `.muted`, …); the
/// canvas resolves a role to the theme's colour when it paints, so one figure description
/// draws in either theme.
public struct Theme: Equatable, Sendable {
    public var name: String
    public var background: Color
    public var ink: Color
    public var grid: Color
    /// Marker outlines and path halos: the paper colour, so marks stand out from each other.
    public var edge: Color
    public var muted: Color
    public var reference: Color
    public var contour: Color
    public var legendFill: Color
    public var legendEdge: Color
    /// Paint no background (for slides); the PNG keeps an alpha channel.
    public var transparent = false

    public static let light = Theme(name: "light", background: Color(hex: 0xFFFFFF), ink: Color(hex: 0x222222),
                                    grid: Color(hex: 0xE5E5E5), edge: Color(hex: 0xFFFFFF), muted: Color(hex: 0x8C8C8C),
                                    reference: Color(hex: 0x888888), contour: Color(hex: 0x6B6B6B),
                                    legendFill: Color(hex: 0xFFFFFF, alpha: 0.88), legendEdge: Color(hex: 0xBBBBBB))

    public static let dark = Theme(name: "dark", background: Color(hex: 0x1B1B1D), ink: Color(hex: 0xE8E8E8),
                                   grid: Color(hex: 0x38383B), edge: Color(hex: 0x1B1B1D), muted: Color(hex: 0x8E8E93),
                                   reference: Color(hex: 0xA0A0A5), contour: Color(hex: 0xA8A8AD),
                                   legendFill: Color(hex: 0x26262A, alpha: 0.9), legendEdge: Color(hex: 0x55555A))

    /// The concrete colour of `c`: its role's colour in this theme (keeping `c`'s alpha when
    /// it was changed with `withAlpha`), or `c` itself.
    public func resolve(_ c: Color) -> Color {
        guard let role = c.role else { return c }
        let base: Color
        switch role {
        case .ink: base = ink
        case .grid: base = grid
        case .edge: base = edge
        case .muted: base = muted
        case .reference: base = reference
        case .contour: base = contour
        case .legendFill: base = legendFill
        case .legendEdge: base = legendEdge
        }
        return c.alpha == 1 ? base : base.withAlpha(base.alpha * c.alpha)
    }

    /// The WCAG contrast ratio of two colours, (L₁ + 0.05) / (L₂ + 0.05) with L₁ ≥ L₂.
    public static func contrast(_ a: Color, _ b: Color) -> Double {
        let la = a.luminance, lb = b.luminance
        return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
    }
}
