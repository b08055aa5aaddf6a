import Foundation

/// xoshiro256** (Blackman and Vigna, 2018), seeded through SplitMix64.
///
/// Our own generator, so the built-in data are the same on every platform and every Swift
/// version: the standard library's generators are either system-random or unspecified.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        // SplitMix64 spreads any seed (even 0) over the 256-bit state.
        var z = seed
        func splitMix() -> UInt64 {
            z &+= 0x9E37_79B9_7F4A_7C15
            var x = z
            x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
            x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
            return x ^ (x >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A uniform deviate in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double {
        return Double(next() >> 11) * 0x1p-53
    }

    /// A standard normal deviate by Marsaglia's polar method: draw points uniformly in the
    /// square until one falls inside the unit disc, then `u·sqrt(-2 log s / s)`. Only `log`
    /// and `sqrt` are used, so the values do not depend on a platform's `sin`/`cos`.
    /// The second deviate of each pair is discarded, which keeps the stream stateless.
    public mutating func nextNormal() -> Double {
        while true {
            let u = 2 * nextUniform() - 1
            let v = 2 * nextUniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * log(s) / s).squareRoot()
            }
        }
    }
}

extension RandomGenerator {
    /// One index from each block of `stride` of `0..<n`, at a place in its block drawn from a
    /// generator seeded with `seed`: a sample spread over the rows like every k-th row, but
    /// not fooled by rows in a periodic order (groups, cycles, a mixture written in turn),
    /// where every k-th row can be one kind of row only.
    public static func onePerBlock(n: Int, stride: Int, seed: UInt64) -> [Int] {
        var generator = RandomGenerator(seed: seed)
        let k = max(1, stride)
        return Swift.stride(from: 0, to: n, by: k).map { start in
            start + Int(generator.next() % UInt64(min(k, n - start)))
        }
    }
}
