import JSON

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
    /// Reads the section as its Codable `init(from:)` would, or throws when the
    /// Codable path has to decide.
    static func read(from reader: inout JSONReader) throws(JSONDecodingError) -> Self
}
