import JSON

/// A coding key for any JSON member name: claim types decode by name and keep the rest.
struct ClaimKey: CodingKey, Hashable, ExpressibleByStringLiteral {
    let stringValue: String
    init(_ name: String) { stringValue = name }
    init(stringLiteral name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}

extension KeyedDecodingContainer where Key == ClaimKey {
    /// Every member whose name is not in `known`, as raw JSON.
    func unknownFields(excluding known: Set<String>) throws -> [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        for key in allKeys where !known.contains(key.stringValue) {
            fields[key.stringValue] = try decode(JSONValue.self, forKey: key)
        }
        return fields
    }

    /// A string list that may be absent or null.
    func stringList(_ key: ClaimKey) throws -> [String] {
        try decodeIfPresent([String].self, forKey: key) ?? []
    }

    /// The members every nats-io/jwt payload has (Go's `GenericFields`): `tags`, `type` and
    /// `version`, with Go's zero values when absent.
    func genericFields() throws -> (tags: [String], type: String, version: Int) {
        let tags = try stringList("tags")
        let type = try decodeIfPresent(String.self, forKey: "type") ?? ""
        let version = try decodeIfPresent(Int.self, forKey: "version") ?? 0
        return (tags, type, version)
    }
}

extension KeyedEncodingContainer where Key == ClaimKey {
    /// Writes fields kept from decoding; modelled members always win over a kept duplicate.
    mutating func encodeUnknownFields(_ fields: [String: JSONValue], excluding known: Set<String>) throws {
        for (name, value) in fields where !known.contains(name) {
            try encode(value, forKey: ClaimKey(name))
        }
    }

    /// Writes a list only when it has elements, as Go's `omitempty` does.
    mutating func encodeNonEmpty(_ list: [String], forKey key: ClaimKey) throws {
        if !list.isEmpty { try encode(list, forKey: key) }
    }

    /// Writes a string only when non-empty, as Go's `omitempty` does.
    mutating func encodeNonEmpty(_ value: String?, forKey key: ClaimKey) throws {
        if let value, !value.isEmpty { try encode(value, forKey: key) }
    }

    /// Writes a flag only when set, as Go's `omitempty` does.
    mutating func encodeIfTrue(_ flag: Bool, forKey key: ClaimKey) throws {
        if flag { try encode(true, forKey: key) }
    }
}
