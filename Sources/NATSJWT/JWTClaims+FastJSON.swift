import JSON

extension JWTClaims {
    /// The JSON `JWT.makeEncoder()` would produce, written without `JSONEncoder`; nil when
    /// these claims need the Codable path (kept unknown members, or a payload type without a
    /// hand-written writer).
    func fastJSON() -> [UInt8]? {
        var writer = JSONWriter(dialect: .minimal, capacity: 1024)
        guard writer.fastObject(self, unknownFields: unknownFields) else { return nil }
        return writer.finished()
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
                guard let field = JWTClaimField(member: member) else {
                    unknown[String(decoding: member, as: UTF8.self)] = try reader.readClaimValue()
                    return
                }
                switch field {
                case .id: id = try reader.readOptionalString()
                case .issuedAt: issuedAt = try reader.readOptionalInteger()
                case .issuer: issuer = try reader.readOptionalString()
                case .name: name = try reader.readOptionalString()
                case .subject: subject = try reader.readOptionalString() ?? ""
                case .audience: audience = try reader.readOptionalString()
                case .expires: expires = try reader.readOptionalInteger()
                case .notBefore: notBefore = try reader.readOptionalInteger()
                case .nats:
                    // `decode` (not `decodeIfPresent`): null is an error, left to Codable.
                    guard try !reader.readNull() else { throw reader.failure("nats is null") }
                    guard let payload = try payloadType.read(from: &reader) as? Payload else {
                        throw reader.failure("nats is not of the expected payload type")
                    }
                    nats = payload
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
