import JSON

/// The fast side of ``ClaimFieldWriter``: members straight into bytes, byte for byte what
/// `JSONEncoder` (`.sortedKeys`, `.withoutEscapingSlashes`) writes for the same fields.
extension JSONWriter: ClaimFieldWriter {
    /// A member only the Codable path can write (kept unknown fields, a payload type without a
    /// hand-written writer).
    @usableFromInline struct NeedsCodable: Error {
        @usableFromInline init() {}
    }

    @usableFromInline typealias Failure = NeedsCodable

    @usableFromInline mutating func string(_ field: some ClaimField, _ value: String) {
        key(field.name)
        string(value)
    }

    @usableFromInline mutating func integer(_ field: some ClaimField, _ value: Int64) {
        key(field.name)
        integer(value)
    }

    @usableFromInline mutating func nonEmpty(_ field: some ClaimField, _ value: String?) {
        guard let value, !value.isEmpty else { return }
        key(field.name)
        string(value)
    }

    @usableFromInline mutating func nonEmpty(_ field: some ClaimField, _ list: [String]) {
        guard !list.isEmpty else { return }
        key(field.name)
        stringArray(list)
    }

    @usableFromInline mutating func nonZero(_ field: some ClaimField, _ value: Int64?) {
        guard let value, value != 0 else { return }
        key(field.name)
        integer(value)
    }

    @usableFromInline mutating func ifTrue(_ field: some ClaimField, _ flag: Bool) {
        guard flag else { return }
        key(field.name)
        bool(true)
    }

    @usableFromInline mutating func object(_ field: some ClaimField, _ value: some ClaimObject) throws(NeedsCodable) {
        key(field.name)
        try writeObject(value)
    }

    @usableFromInline mutating func object(_ field: some ClaimField, _ value: (some ClaimObject)?) throws(NeedsCodable) {
        guard let value else { return }
        key(field.name)
        try writeObject(value)
    }

    @usableFromInline mutating func nonEmpty(_ field: some ClaimField, _ list: [some ClaimObject]) throws(NeedsCodable) {
        guard !list.isEmpty else { return }
        key(field.name)
        beginArray()
        for value in list { try writeObject(value) }
        endArray()
    }

    @usableFromInline mutating func payload(_ field: some ClaimField, _ value: some NATSClaimsPayload) throws(NeedsCodable) {
        guard let payload = value as? any FastEncodablePayload else { throw NeedsCodable() }
        key(field.name)
        guard payload.write(to: &self) else { throw NeedsCodable() }
    }

    /// Writes `value` as one object; false when it needs the Codable path (`unknownFields`
    /// kept, or a member without a hand-written writer), leaving the writer unfinished.
    /// Always inlined, with ``writeObject(_:)``: called through them otherwise, the field walk
    /// of a claim object stays a generic call through its `ClaimObject` witness.
    @inline(__always)
    mutating func fastObject(_ value: some ClaimObject, unknownFields: [String: JSONValue]) -> Bool {
        guard unknownFields.isEmpty else { return false }
        do throws(NeedsCodable) {
            try writeObject(value)
        } catch {
            return false
        }
        return true
    }

    @inline(__always)
    private mutating func writeObject(_ value: some ClaimObject) throws(NeedsCodable) {
        beginObject()
        try value.writeFields(to: &self)
        endObject()
    }
}
