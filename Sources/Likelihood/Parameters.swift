/// A point (w, b) in the parameter plane of either model.
public struct Parameters: Equatable, Sendable, Hashable {
    public var w: Double
    public var b: Double

    public init(w: Double, b: Double) {
        self.w = w
        self.b = b
    }
}
