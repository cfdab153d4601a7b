import JSON

extension NATSAuthorizationResponse: FastEncodablePayload {
    func write(to writer: inout JSONWriter) -> Bool {
        guard unknownFields.isEmpty else { return false }
        // Sorted as JSONEncoder's `.sortedKeys`; presence rules as in `encode(to:)`.
        writer.beginObject()
        writer.nonEmpty("error", error)
        writer.nonEmpty("issuer_account", issuerAccount)
        writer.nonEmpty("jwt", jwt)
        writer.nonEmpty("tags", tags)
        writer.key("type")
        writer.string(Self.claimType)
        writer.key("version")
        writer.integer(version)
        writer.endObject()
        return true
    }
}
