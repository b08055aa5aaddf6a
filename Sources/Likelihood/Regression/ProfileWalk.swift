import Dispatch

/// The walk every profile surface takes over its grid: the rows of the grid (by the second
/// coefficient) in two fixed halves, one per core, each walked from the middle of the grid,
/// where the fit is, outwards, so that every point's inner maximisation starts from a
/// neighbour's end; then points whose maximisation failed are retried from a neighbour that
/// succeeded. The halves are fixed, so the values are the same whatever the number of cores.
enum ProfileWalk {
    /// The value at each point (row-major, `width` by `height`; −∞ where `point` found no
    /// maximum from any start tried) and where its maximisation ended. `point(i, j, start)`
    /// maximises at column i, row j from `start`.
    ///
    /// Each half starts at its row next to the middle, at the middle column, and walks that row
    /// out to both ends; the next rows go back and forth away from the middle. A start far from
    /// a point's optimum (a grid corner from the fit's coefficients) can fail where a
    /// neighbour's end does not (logistic weights underflow there), so a failure is never the
    /// answer while a neighbour has one: failed points are retried from each succeeding
    /// neighbour's end, sweep after sweep, until a sweep changes nothing.
    static func fill(width: Int, height: Int, start: [Double],
                     _ point: (Int, Int, [Double]) -> (value: Double, end: [Double])?) -> (values: [Double], ends: [[Double]]) {
        var values = [Double](repeating: -.infinity, count: width * height)
        var ends = [[Double]](repeating: [], count: width * height)
        let middle = height / 2
        // Rows from the middle outwards: below it downwards, and from it upwards.
        let halves = [Array((0..<middle).reversed()), Array(middle..<height)]
        values.withUnsafeMutableBufferPointer { vs in
            ends.withUnsafeMutableBufferPointer { es in
                let vb = vs.baseAddress!, eb = es.baseAddress!
                DispatchQueue.concurrentPerform(iterations: halves.count) { h in
                    var from = start
                    func visit(_ i: Int, _ j: Int) {
                        guard let found = point(i, j, from) else { return }
                        vb[j * width + i] = found.value
                        eb[j * width + i] = found.end
                        from = found.end
                    }
                    for (k, j) in halves[h].enumerated() {
                        if k == 0 {
                            // The first row from its middle column out to both ends.
                            let centre = width / 2
                            for i in centre..<width { visit(i, j) }
                            from = eb[j * width + centre].isEmpty ? start : eb[j * width + centre]
                            for i in (0..<centre).reversed() { visit(i, j) }
                        } else {
                            // Back and forth: the next row starts beside where this one ended.
                            let order = k % 2 == 1 ? Array(0..<width) : Array((0..<width).reversed())
                            for i in order { visit(i, j) }
                        }
                    }
                }
            }
        }
        // Failed points, retried from their neighbours' ends.
        var changed = true
        while changed {
            changed = false
            for q in 0..<(width * height) where ends[q].isEmpty {
                let i = q % width, j = q / width
                let neighbours = [i > 0 ? q - 1 : nil, i < width - 1 ? q + 1 : nil, j > 0 ? q - width : nil, j < height - 1 ? q + width : nil]
                for n in neighbours.compactMap({ $0 }) where !ends[n].isEmpty {
                    if let found = point(i, j, ends[n]) {
                        values[q] = found.value
                        ends[q] = found.end
                        changed = true
                        break
                    }
                }
            }
        }
        return (values, ends)
    }
}
