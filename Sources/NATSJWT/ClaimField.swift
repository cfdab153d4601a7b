import JSON

/// The members of one claim object, each named once.
///
/// Every claim type has one `Field` enum, its cases in ascending name order (the order
/// `JSONEncoder`'s `.sortedKeys` writes). The Codable conformance, the hand-written reader and
/// writer (which switch over every case, so a new field does not compile until each handles
/// it) and the set of modelled names all take their names from it, so they cannot drift apart.
@usableFromInline protocol ClaimField: RawRepresentable<Int> {
    /// The JSON member name.
    var name: StaticString { get }
}

extension ClaimField {
    /// Every field, in name order (raw values count up from zero).
    static var all: some Sequence<Self> {
        sequence(state: 0) { raw -> Self? in
            defer { raw += 1 }
            return Self(rawValue: raw)
        }
    }

    /// The field named exactly `member` (raw bytes from `JSONReader.readObject`), if any.
    init?(member: UnsafeBufferPointer<UInt8>) {
        var raw = 0
        while let field = Self(rawValue: raw) {
            if member.is(field.name) {
                self = field
                return
            }
            raw += 1
        }
        return nil
    }

    /// The coding key of this field.
    var key: ClaimKey { ClaimKey(name.description) }

    /// Every field's name: the members that are not kept as unknown fields.
    static var names: Set<String> { Set(all.map { $0.name.description }) }
}

extension ClaimField {
    /// Calls `body` with every field in name order.
    static func forEach<E: Error>(_ body: (Self) throws(E) -> Void) throws(E) {
        var raw = 0
        while let field = Self(rawValue: raw) {
            try body(field)
            raw += 1
        }
    }
}
