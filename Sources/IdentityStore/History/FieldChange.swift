/// One attribute's value before and after a change (nil: absent, or the resource did not exist).
public struct FieldChange<Value: Sendable & Codable & Equatable>: Sendable, Codable, Equatable {
    public var from: Value?
    public var to: Value?

    public init(from: Value?, to: Value?) {
        self.from = from
        self.to = to
    }

    /// A change from `from` to `to`, or nil when they are equal.
    static func between(_ from: Value?, _ to: Value?) -> FieldChange? {
        from == to ? nil : FieldChange(from: from, to: to)
    }
}
