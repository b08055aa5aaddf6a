import Dispatch

/// Deterministic parallel reduction: the index range is cut into fixed-size segments (the
/// cut does not depend on the number of cores), segments are reduced concurrently, and the
/// partial results are combined in index order. The same input therefore gives the same bits
/// on any machine.
enum ParallelSum {
    static let segment = 1 << 16

    static func reduce<T>(count: Int, zero: T, segment: Int = ParallelSum.segment,
                          _ body: (Range<Int>) -> T, combine: (T, T) -> T) -> T {
        if count <= segment { return combine(zero, body(0..<count)) }
        let pieces = (count + segment - 1) / segment
        var partial = [T](repeating: zero, count: pieces)
        partial.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: pieces) { k in
                let lo = k * segment
                base[k] = body(lo..<min(count, lo + segment))
            }
        }
        return partial.reduce(zero, combine)
    }
}
