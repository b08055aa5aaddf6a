import Dispatch

/// The walk every profile surface takes over its grid: the rows of the grid (by the second
/// coefficient) in two fixed halves, one per core, each walked back and forth from the fit so
/// that every point's inner maximisation starts from its neighbour's end. The halves are
/// fixed, so the values are the same whatever the number of cores.
enum ProfileWalk {
    /// The value at each point (row-major, `width` by `height`; −∞ where `point` found no
    /// maximum) and where its maximisation ended. `point(i, j, start)` maximises at column i,
    /// row j from `start`.
    static func fill(width: Int, height: Int, start: [Double],
                     _ point: (Int, Int, [Double]) -> (value: Double, end: [Double])?) -> (values: [Double], ends: [[Double]]) {
        var values = [Double](repeating: -.infinity, count: width * height)
        var ends = [[Double]](repeating: [], count: width * height)
        let halves = [0..<(height / 2), (height / 2)..<height]
        values.withUnsafeMutableBufferPointer { vs in
            ends.withUnsafeMutableBufferPointer { es in
                let vb = vs.baseAddress!, eb = es.baseAddress!
                DispatchQueue.concurrentPerform(iterations: halves.count) { h in
                    var from = start
                    for (k, j) in halves[h].enumerated() {
                        // Back and forth: the next row starts beside where this one ended.
                        let order = k % 2 == 0 ? Array(0..<width) : Array((0..<width).reversed())
                        for i in order {
                            guard let found = point(i, j, from) else { continue }
                            vb[j * width + i] = found.value
                            eb[j * width + i] = found.end
                            from = found.end
                        }
                    }
                }
            }
        }
        return (values, ends)
    }
}
