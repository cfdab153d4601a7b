import JSON

extension NATSAuthorizationResponse: FastEncodablePayload {
    /// Every modelled member, for both encoders.
    @usableFromInline func writeFields<Writer: ClaimFieldWriter>(to writer: inout Writer) throws(Writer.Failure) {
        try Field.forEach { field throws(Writer.Failure) in
            switch field {
            case .error: try writer.nonEmpty(field, error)
            case .issuerAccount: try writer.nonEmpty(field, issuerAccount)
            case .jwt: try writer.nonEmpty(field, jwt)
            case .tags: try writer.nonEmpty(field, tags)
            case .type: try writer.string(field, Self.claimType)
            case .version: try writer.integer(field, Int64(version))
            }
        }
    }
}
