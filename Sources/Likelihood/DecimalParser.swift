import Foundation

/// Decimal text to `Double`, correctly rounded, fast for the numbers data files hold.
///
/// The grammar is the one the reader accepts: an optional sign, digits with at most one
/// decimal point (at least one digit in all), and an optional exponent `e`/`E` with an
/// optional sign and at least one digit. Nothing else (no spaces, hexadecimal, "inf", "nan",
/// underscores or stray bytes) is a number.
///
/// Most values have at most 19 significant digits and a small exponent. When the digits fit
/// in 2⁵³ and the power of ten is at most 10²² (both exact in binary), one IEEE
/// multiplication or division gives the correctly rounded result (Clinger's fast path).
/// Everything else goes to the standard library's conversion, which is also correctly
/// rounded, so every result equals `Double(String)` of the same text.
public enum DecimalParser {
    @usableFromInline static let powers: [Double] = (0...22).map { pow(10, Double($0)) }

    /// Parses `count` bytes at `start`; nil when they are not a number of the grammar above.
    @inlinable
    public static func parse(_ start: UnsafePointer<UInt8>, count: Int) -> Double? {
        guard let (value, used) = parsePrefix(start, limit: count), used == count else { return nil }
        return value
    }

    /// The number at the start of the `limit` bytes at `start`, read as far as the grammar
    /// goes, and how many bytes it took; nil when none starts there (or an exponent marker
    /// has no digits). A reader that finds a separator right after it has the whole field.
    @inlinable
    public static func parsePrefix(_ start: UnsafePointer<UInt8>, limit count: Int) -> (Double, Int)? {
        var i = 0
        var negative = false
        if i < count && (start[i] == UInt8(ascii: "-") || start[i] == UInt8(ascii: "+")) {
            negative = start[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0            // significant digits accumulated in the mantissa
        var dropped = 0           // integer digits beyond 19, each a factor of ten
        var fraction = 0          // digits after the point taken into the mantissa
        var anyDigit = false
        var truncated = false
        while i < count, start[i] &- 48 < 10 {
            let d = UInt64(start[i] &- 48)
            anyDigit = true
            if digits < 19 {
                if mantissa != 0 || d != 0 { digits += 1 }
                mantissa = mantissa &* 10 &+ d
            } else {
                dropped += 1
                if d != 0 { truncated = true }
            }
            i += 1
        }
        if i < count && start[i] == UInt8(ascii: ".") {
            i += 1
            while i < count, start[i] &- 48 < 10 {
                let d = UInt64(start[i] &- 48)
                anyDigit = true
                if digits < 19 {
                    if mantissa != 0 || d != 0 { digits += 1 }
                    mantissa = mantissa &* 10 &+ d
                    fraction += 1
                } else if d != 0 {
                    truncated = true
                }
                i += 1
            }
        }
        guard anyDigit else { return nil }
        var exponent = 0
        if i < count && (start[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            var exponentNegative = false
            if i < count && (start[i] == UInt8(ascii: "-") || start[i] == UInt8(ascii: "+")) {
                exponentNegative = start[i] == UInt8(ascii: "-")
                i += 1
            }
            var any = false
            while i < count, start[i] &- 48 < 10 {
                any = true
                if exponent < 100_000 { exponent = exponent * 10 + Int(start[i] &- 48) }
                i += 1
            }
            guard any else { return nil }
            if exponentNegative { exponent = -exponent }
        }
        let power = exponent + dropped - fraction
        if !truncated && mantissa <= 1 << 53 && power >= -22 && power <= 22 {
            var value = Double(mantissa)
            value = power < 0 ? value / powers[-power] : value * powers[power]
            return (negative ? -value : value, i)
        }
        // Slow but correctly rounded: the standard library's conversion of the same text.
        guard let value = Double(String(decoding: UnsafeBufferPointer(start: start, count: i), as: UTF8.self)) else { return nil }
        return (value, i)
    }
}
