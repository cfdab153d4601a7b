import JSON

extension JWTClaims {
    /// The JSON `JWT.makeEncoder()` would produce, written without `JSONEncoder`; nil when
    /// these claims need the Codable path (kept unknown members, or a payload type without a
    /// hand-written writer).
    func fastJSON() -> [UInt8]? {
        guard unknownFields.isEmpty, let payload = nats as? any FastEncodablePayload else { return nil }
        var writer = JSONWriter(dialect: .minimal, capacity: 1024)
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
        do throws(JSONDecodingError) {
            var id: String?, issuedAt: Int64?, issuer: String?, name: String?, subject = "", audience: String?
            var expires: Int64?, notBefore: Int64?, nats: Payload?
            var unknown: [String: JSONValue] = [:]
            try reader.readObject { reader, member throws(JSONDecodingError) in
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
                    guard try !reader.readNull() else { throw reader.failure("nats is null") }
                    guard let payload = try payloadType.read(from: &reader) as? Payload else {
                        throw reader.failure("nats is not of the expected payload type")
                    }
                    nats = payload
                } else {
                    unknown[String(decoding: member, as: UTF8.self)] = try reader.readClaimValue()
                }
            }
            try reader.expectEnd()
            guard let nats else { throw reader.failure("nats is missing") }
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
