import JSON

/// `nats` sections the hand-written `JSONWriter` path encodes (user JWTs and authorization
/// responses: what the callout signs on every decision); one with kept unknown members goes
/// to the Codable path.
@usableFromInline protocol FastEncodablePayload: ClaimObject {
    /// Writes the section as `JSONEncoder` would; false when it holds members only the Codable
    /// path writes (kept unknown fields). A requirement of its own, so the call through the
    /// existential lands in code specialized for `JSONWriter`.
    func write(to writer: inout JSONWriter) -> Bool

    /// Members the Codable path decoded but this type does not model.
    var unknownFields: [String: JSONValue] { get }
}

extension FastEncodablePayload {
    @usableFromInline func write(to writer: inout JSONWriter) -> Bool {
        writer.fastObject(self, unknownFields: unknownFields)
    }
}
