import JSON

/// `nats` sections the hand-written `JSONReader` path decodes (authorization requests: what
/// the callout reads on every decision).
protocol FastDecodablePayload {
    /// Reads the section as its Codable `init(from:)` would, or throws when the
    /// Codable path has to decide.
    static func read(from reader: inout JSONReader) throws(JSONDecodingError) -> Self
}
