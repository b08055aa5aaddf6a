import Foundation

/// An sRGB colour with straight (not premultiplied) alpha, components in [0, 1].
public struct Color: Equatable, Hashable, Sendable {
    public var red: Double
    public var green: Double
    public var blue: Double
    public var alpha: Double
    /// A neutral colour named by its role, which the theme resolves when painting (nil: this
    /// exact colour).
    public var role: Role?

    public enum Role: Sendable, Hashable { case ink, grid, edge, muted, reference, contour, legendFill, legendEdge }

    /// The colour of `role` (its light value, until a theme resolves it). Its alpha is 1: a
    /// `withAlpha` on it scales the theme's own alpha for the role.
    public init(role: Role) {
        self = Theme.light.resolve(Color(red: 0, green: 0, blue: 0, alpha: 1, role: role))
        self.alpha = 1
        self.role = role
    }

    init(red: Double, green: Double, blue: Double, alpha: Double, role: Role?) {
        self.red = red; self.green = green; self.blue = blue; self.alpha = alpha; self.role = role
    }

    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red; self.green = green; self.blue = blue; self.alpha = alpha
    }

    /// A colour from a 24-bit hexadecimal value such as `0x0072B2`.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(red: Double((hex >> 16) & 0xFF) / 255, green: Double((hex >> 8) & 0xFF) / 255,
                  blue: Double(hex & 0xFF) / 255, alpha: alpha)
    }

    public func withAlpha(_ alpha: Double) -> Color { Color(red: red, green: green, blue: blue, alpha: alpha, role: role) }

    /// Linear interpolation in sRGB, `t` in [0, 1].
    public func mixed(with other: Color, _ t: Double) -> Color {
        Color(red: red + (other.red - red) * t, green: green + (other.green - green) * t,
              blue: blue + (other.blue - blue) * t, alpha: alpha + (other.alpha - alpha) * t)
    }

    /// Relative luminance (WCAG), used to pick a readable text colour on top of this one.
    public var luminance: Double {
        func channel(_ c: Double) -> Double { c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4) }
        return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)
    }

    /// `#rrggbb`, for SVG and CSS.
    public var hexString: String {
        func byte(_ v: Double) -> String {
            let b = Int((min(max(v, 0), 1) * 255).rounded())
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }
        return "#" + byte(red) + byte(green) + byte(blue)
    }

    public static let white = Color(hex: 0xFFFFFF)
    public static let black = Color(hex: 0x000000)
    /// Text and axes (a very dark grey on light paper, a light grey on dark).
    public static let ink = Color(role: .ink)
    public static let grid = Color(role: .grid)
    /// Marker outlines and path halos: the paper's colour.
    public static let edge = Color(role: .edge)
    /// Residual segments and other secondary lines.
    public static let muted = Color(role: .muted)
    /// Reference lines such as the decision boundary.
    public static let reference = Color(role: .reference)
    public static let contour = Color(role: .contour)
    public static let legendFill = Color(role: .legendFill)
    public static let legendEdge = Color(role: .legendEdge)
}

/// The Okabe–Ito palette: eight colours that stay distinct for the common forms of colour
/// blindness.
public enum Palette {
    public static let blue = Color(hex: 0x0072B2)
    public static let orange = Color(hex: 0xE69F00)
    public static let skyBlue = Color(hex: 0x56B4E9)
    public static let green = Color(hex: 0x009E73)
    public static let yellow = Color(hex: 0xF0E442)
    public static let vermillion = Color(hex: 0xD55E00)
    public static let purple = Color(hex: 0xCC79A7)
    public static let black = Color(hex: 0x000000)

    /// Line colours in the order series should use them.
    public static let lines = [blue, vermillion, green, orange, purple, skyBlue, black]
}

/// A continuous colour scale from [0, 1] to colours.
public struct Colormap: Sendable {
    public let name: String
    private let stops: [Color]

    public init(name: String, stops: [Color]) {
        precondition(stops.count >= 2)
        self.name = name
        self.stops = stops
    }

    /// The colour at `t` (clamped to [0, 1]); NaN maps to transparent.
    public func color(at t: Double) -> Color {
        guard !t.isNaN else { return Color(red: 0, green: 0, blue: 0, alpha: 0) }
        let u = min(max(t, 0), 1) * Double(stops.count - 1)
        let k = min(Int(u), stops.count - 2)
        return stops[k].mixed(with: stops[k + 1], u - Double(k))
    }

    /// Viridis (van der Walt and Smith, 2015): perceptually uniform, monotone in lightness,
    /// readable in grey and by colour-blind readers. Eleven published stops (0, 0.1, …, 1),
    /// interpolated linearly.
    public static let viridis = Colormap(name: "viridis", stops: [
        0x440154, 0x482576, 0x414487, 0x35608D, 0x2A788E, 0x21908C,
        0x22A884, 0x43BF71, 0x7AD151, 0xBBDF27, 0xFDE725,
    ].map { Color(hex: $0) })
}
