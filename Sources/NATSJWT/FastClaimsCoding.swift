/// `nats` sections the hand-written `JSONWriter` path encodes (user JWTs and authorization
/// responses: what the callout signs on every decision).
protocol FastEncodablePayload {
    /// Writes the section exactly as `JSONEncoder` (sorted keys, unescaped slashes) would;
    /// false when it holds members only the Codable path writes (kept unknown fields).
    func write(to writer: inout JSONWriter) -> Bool
}

/// `nats` sections the hand-written `JSONReader` path decodes (authorization requests: what
/// the callout reads on every decision).
protocol FastDecodablePayload {
    /// Reads the section as its Codable `init(from:)` would, or throws `Unsupported` when the
    /// Codable path has to decide.
    static func read(from reader: inout JSONReader) throws(JSONReader.Unsupported) -> Self
}

extension JWTClaims {
    /// The JSON `JWT.makeEncoder()` would produce, written without `JSONEncoder`; nil when
    /// these claims need the Codable path (kept unknown members, or a payload type without a
    /// hand-written writer).
    func fastJSON() -> [UInt8]? {
        guard unknownFields.isEmpty, let payload = nats as? any FastEncodablePayload else { return nil }
        var writer = JSONWriter(dialect: .foundation, capacity: 1024)
        // Members in JSONEncoder's `.sortedKeys` order (plain code-unit order).
        writer.beginObject()
        writer.nonEmpty("aud", audience)
        writer.nonZero("exp", expires)
        writer.nonZero("iat", issuedAt)
        writer.nonEmpty("iss", issuer)
        writer.nonEmpty("jti", id)
        writer.nonEmpty("name", name)
        writer.key("nats")
        guard payload.write(to: &writer) else { return nil }
        writer.nonZero("nbf", notBefore)
        writer.nonEmpty("sub", subject)
        writer.endObject()
        return writer.bytes
    }

    /// The claims `JSONDecoder` would decode from `json`, read without it; nil when the
    /// Codable path has to decide (including every input it would reject).
    static func readFast(_ json: UnsafeBufferPointer<UInt8>) -> JWTClaims? {
        guard let payloadType = Payload.self as? any FastDecodablePayload.Type else { return nil }
        var reader = JSONReader(json)
        do throws(JSONReader.Unsupported) {
            var id: String?, issuedAt: Int64?, issuer: String?, name: String?, subject = "", audience: String?
            var expires: Int64?, notBefore: Int64?, nats: Payload?
            var unknown: [String: ClaimValue] = [:]
            try reader.readObject { reader, member throws(JSONReader.Unsupported) in
                if member.is("jti") {
                    id = try reader.readOptionalString()
                } else if member.is("iat") {
                    issuedAt = try reader.readOptionalInteger()
                } else if member.is("iss") {
                    issuer = try reader.readOptionalString()
                } else if member.is("name") {
                    name = try reader.readOptionalString()
                } else if member.is("sub") {
                    subject = try reader.readOptionalString() ?? ""
                } else if member.is("aud") {
                    audience = try reader.readOptionalString()
                } else if member.is("exp") {
                    expires = try reader.readOptionalInteger()
                } else if member.is("nbf") {
                    notBefore = try reader.readOptionalInteger()
                } else if member.is("nats") {
                    // `decode` (not `decodeIfPresent`): null is an error, left to Codable.
                    guard try !reader.readNull() else { throw JSONReader.Unsupported() }
                    guard let payload = try payloadType.read(from: &reader) as? Payload else {
                        throw JSONReader.Unsupported()
                    }
                    nats = payload
                } else {
                    unknown[String(decoding: member, as: UTF8.self)] = try reader.readClaimValue()
                }
            }
            try reader.expectEnd()
            guard let nats else { throw JSONReader.Unsupported() }
            var claims = JWTClaims(subject: subject, name: name, audience: audience, expires: expires,
                                   notBefore: notBefore, nats: nats)
            claims.id = id
            claims.issuedAt = issuedAt
            claims.issuer = issuer
            claims.unknownFields = unknown
            return claims
        } catch {
            return nil
        }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// True when these bytes are exactly `name` (member-name matching in the fast readers).
    func `is`(_ name: StaticString) -> Bool {
        count == name.utf8CodeUnitCount && name.withUTF8Buffer { elementsEqual($0) }
    }
}

extension JSONReader {
    /// `decodeIfPresent(String.self)`: null is nil.
    mutating func readOptionalString() throws(Unsupported) -> String? {
        try readNull() ? nil : readString()
    }

    /// `decodeIfPresent(T.self)` for a plain integer: null is nil.
    mutating func readOptionalInteger<T: FixedWidthInteger>(_ type: T.Type = T.self) throws(Unsupported) -> T? {
        try readNull() ? nil : readInteger(T.self)
    }

    /// `decodeIfPresent([String].self)`: null is nil.
    mutating func readOptionalStringArray() throws(Unsupported) -> [String]? {
        try readNull() ? nil : readStringArray()
    }
}

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
