import Foundation

/// Stable scalar helpers shared by the models.
public enum Numerics {
    /// `log(1 + exp(x))`, computed as `max(x, 0) + log1p(exp(-|x|))` so that it neither
    /// overflows for large positive `x` nor loses all digits for large negative `x`.
    @inlinable
    public static func softplus(_ x: Double) -> Double {
        return max(x, 0) + log1p(exp(-abs(x)))
    }

    /// The logistic function `1 / (1 + exp(-x))`, evaluated on the side where `exp` cannot
    /// overflow.
    @inlinable
    public static func sigmoid(_ x: Double) -> Double {
        if x >= 0 {
            return 1 / (1 + exp(-x))
        }
        let e = exp(x)
        return e / (1 + e)
    }
}

extension Numerics {
    /// Σ aᵢbᵢ over m values with four lanes of four partial sums (a single running sum waits on
    /// each addition: the compiler may not reorder a floating-point sum), folded in a fixed
    /// order, so the same bits on any machine.
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ m: Int) -> Double {
        typealias V = SIMD4<Double>
        var s0 = V(), s1 = V(), s2 = V(), s3 = V()
        let ar = UnsafeRawPointer(a), br = UnsafeRawPointer(b)
        var i = 0
        while i + 16 <= m {
            let o = i * MemoryLayout<Double>.stride
            s0 += ar.loadUnaligned(fromByteOffset: o, as: V.self) * br.loadUnaligned(fromByteOffset: o, as: V.self)
            s1 += ar.loadUnaligned(fromByteOffset: o + 32, as: V.self) * br.loadUnaligned(fromByteOffset: o + 32, as: V.self)
            s2 += ar.loadUnaligned(fromByteOffset: o + 64, as: V.self) * br.loadUnaligned(fromByteOffset: o + 64, as: V.self)
            s3 += ar.loadUnaligned(fromByteOffset: o + 96, as: V.self) * br.loadUnaligned(fromByteOffset: o + 96, as: V.self)
            i += 16
        }
        var total = ((s0 + s1) + (s2 + s3)).sum()
        while i < m { total += a[i] * b[i]; i += 1 }
        return total
    }

    /// Σ aᵢ over m values, as `dot` sums.
    @inline(__always)
    public static func sum(_ a: UnsafePointer<Double>, _ m: Int) -> Double {
        typealias V = SIMD4<Double>
        var s0 = V(), s1 = V(), s2 = V(), s3 = V()
        let ar = UnsafeRawPointer(a)
        var i = 0
        while i + 16 <= m {
            let o = i * MemoryLayout<Double>.stride
            s0 += ar.loadUnaligned(fromByteOffset: o, as: V.self)
            s1 += ar.loadUnaligned(fromByteOffset: o + 32, as: V.self)
            s2 += ar.loadUnaligned(fromByteOffset: o + 64, as: V.self)
            s3 += ar.loadUnaligned(fromByteOffset: o + 96, as: V.self)
            i += 16
        }
        var total = ((s0 + s1) + (s2 + s3)).sum()
        while i < m { total += a[i]; i += 1 }
        return total
    }
}
