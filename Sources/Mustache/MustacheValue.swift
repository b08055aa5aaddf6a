/// The data a template is rendered against: JSON's values.
public indirect enum MustacheValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([MustacheValue])
    case object([String: MustacheValue])

    /// Whether a section over this value renders (`false`, `null` and `[]` do not).
    var isTruthy: Bool {
        switch self {
        case .null: return false
        case let .bool(b): return b
        case let .array(a): return !a.isEmpty
        default: return true
        }
    }

    /// The text an interpolation of this value produces.
    var text: String {
        switch self {
        case .null: return ""
        case let .bool(b): return b ? "true" : "false"
        case let .number(n):
            if n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
            return "\(n)"
        case let .string(s): return s
        case .array, .object: return ""
        }
    }

    /// Member lookup for objects; `nil` when absent or not an object.
    /// Member lookup for objects, and element lookup by decimal index for arrays (so that
    /// `{{#items.0}}` tests for a first element); `nil` when absent.
    public subscript(key: String) -> MustacheValue? {
        switch self {
        case let .object(o): return o[key]
        case let .array(a):
            guard let k = Int(key), k >= 0, k < a.count, String(k) == key else { return nil }
            return a[k]
        default: return nil
        }
    }
}

extension MustacheValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByFloatLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(arrayLiteral elements: MustacheValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, MustacheValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}
