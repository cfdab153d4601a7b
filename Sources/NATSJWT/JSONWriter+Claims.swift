import JSON

extension JSONWriter {
    /// A string member unless nil or empty (`encodeNonEmpty`).
    mutating func nonEmpty(_ name: StaticString, _ value: String?) {
        guard let value, !value.isEmpty else { return }
        key(name)
        string(value)
    }

    /// A list member unless empty (`encodeNonEmpty`).
    mutating func nonEmpty(_ name: StaticString, _ list: [String]) {
        guard !list.isEmpty else { return }
        key(name)
        stringArray(list)
    }

    /// An integer member unless nil or zero (the claims' `flatMap { $0 == 0 ? nil : $0 }`).
    mutating func nonZero(_ name: StaticString, _ value: Int64?) {
        guard let value, value != 0 else { return }
        key(name)
        integer(value)
    }

    /// A flag member only when set (`encodeIfTrue`).
    mutating func ifTrue(_ name: StaticString, _ flag: Bool) {
        guard flag else { return }
        key(name)
        bool(true)
    }
}
