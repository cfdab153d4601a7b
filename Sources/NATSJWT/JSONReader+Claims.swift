import JSON

extension UnsafeBufferPointer<UInt8> {
    /// True when these bytes are exactly `name` (member-name matching in the fast readers).
    func `is`(_ name: StaticString) -> Bool {
        count == name.utf8CodeUnitCount && name.withUTF8Buffer { elementsEqual($0) }
    }
}

extension JSONReader {
    /// `decodeIfPresent(String.self)`: null is nil.
    mutating func readOptionalString() throws(JSONDecodingError) -> String? {
        try readNull() ? nil : readString()
    }

    /// `decodeIfPresent(T.self)` for a plain integer: null is nil.
    mutating func readOptionalInteger<T: FixedWidthInteger>(_ type: T.Type = T.self) throws(JSONDecodingError) -> T? {
        try readNull() ? nil : readInteger(T.self)
    }

    /// `decodeIfPresent([String].self)`: null is nil.
    mutating func readOptionalStringArray() throws(JSONDecodingError) -> [String]? {
        try readNull() ? nil : readStringArray()
    }

    /// A member kept verbatim, as `JSONValue`'s Codable conformance would decode it; numbers
    /// only as plain `Int64` (whether `JSONDecoder` reads another number as Int64 or Double is
    /// its own business, so those are left to it).
    mutating func readClaimValue() throws(JSONDecodingError) -> JSONValue {
        switch try nextValueKind() {
        case .null: _ = try readNull(); return .null
        case .bool: return .bool(try readBool())
        case .string: return .string(try readString())
        case .array:
            var list: [JSONValue] = []
            try readArray { reader throws(JSONDecodingError) in list.append(try reader.readClaimValue()) }
            return .array(list)
        case .object:
            var object: [String: JSONValue] = [:]
            try readObject { reader, name throws(JSONDecodingError) in
                object[String(decoding: name, as: UTF8.self)] = try reader.readClaimValue()
            }
            return .object(object)
        case .number: return .integer(try readInteger(Int64.self))
        }
    }
}
