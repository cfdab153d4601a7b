import JSON

/// A claim object whose members are written by one method for both encoders.
///
/// `writeFields(to:)` holds the type's presence rules (Go's `omitempty`) once: `encode(to:)`
/// runs it against a keyed container, the fast path against `JSONWriter`, so both write the
/// same members. Members go in `Field` order, which is also `.sortedKeys` order.
@usableFromInline protocol ClaimObject: Encodable {
    func writeFields<Writer: ClaimFieldWriter>(to writer: inout Writer) throws(Writer.Failure)
}

extension ClaimObject {
    /// `encode(to:)` for claim objects: their fields, then the members they keep but do not
    /// model (`unknownFields`, except those named in `known`).
    func encodeFields(
        to encoder: any Encoder, unknownFields: [String: JSONValue] = [:], excluding known: Set<String> = []
    ) throws {
        var container = ClaimContainerWriter(encoder.container(keyedBy: ClaimKey.self))
        try writeFields(to: &container)
        try container.container.encodeUnknownFields(unknownFields, excluding: known)
    }
}
