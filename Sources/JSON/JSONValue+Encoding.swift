extension JSONValue {
    /// The compact JSON text of this value with object keys sorted, so equal values always
    /// encode to equal bytes (stable ETags, stable test fixtures).
    public func encoded() -> [UInt8] {
        var writer = JSONWriter(dialect: .minimal, capacity: 256)
        write(to: &writer)
        return writer.finished()
    }

    /// ``encoded()`` as a string.
    public func encodedString() -> String {
        String(decoding: encoded(), as: UTF8.self)
    }

    /// Writes this value, object keys sorted.
    public func write(to writer: inout JSONWriter) {
        switch self {
        case .null: writer.null()
        case .bool(let bool): writer.bool(bool)
        case .integer(let integer): writer.integer(integer)
        case .decimal(let double): writer.decimal(double)
        case .string(let string): writer.string(string)
        case .array(let elements):
            writer.beginArray()
            for element in elements { element.write(to: &writer) }
            writer.endArray()
        case .object(let members):
            writer.beginObject()
            for key in members.keys.sorted() {
                guard let member = members[key] else { continue }
                writer.key(key)
                member.write(to: &writer)
            }
            writer.endObject()
        }
    }
}

extension JSONValue: CustomStringConvertible {
    public var description: String { encodedString() }
}
