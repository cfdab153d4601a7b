/// A SCIM PATCH request (RFC 7644 §3.5.2): operations applied in order, atomically.
public struct PatchRequest: Sendable, Hashable {
    /// The most operations one request may carry.
    public static let maximumOperations = 10_000

    /// The operations, applied in order.
    public var operations: [PatchOperation]

    public init(operations: [PatchOperation]) {
        self.operations = operations
    }

    /// Decodes a PatchOp message.
    ///
    /// Accepts `op` in any case and `Operations` under any key casing; tolerates a missing
    /// `schemas` member but rejects one that does not list the PatchOp URN.
    /// - Throws: 400 `invalidSyntax` for a malformed message, 400 `invalidPath` for a bad
    ///   path, 400 `noTarget` for `remove` without a path.
    public init(json: JSONValue) throws(SCIMError) {
        guard case .object = json else { throw .invalidSyntax("PATCH body must be a JSON object") }
        if let schemas = json[attribute: "schemas"] {
            let urns = schemas.arrayValue?.compactMap(\.stringValue) ?? []
            guard urns.contains(where: { $0.caseInsensitiveEquals(SchemaURN.patchOp) }) else {
                throw .invalidSyntax("PATCH body 'schemas' must contain \(SchemaURN.patchOp)")
            }
        }
        guard let operations = json[attribute: "Operations"]?.arrayValue else {
            throw .invalidSyntax("PATCH body needs an 'Operations' array")
        }
        guard !operations.isEmpty else { throw .invalidSyntax("'Operations' is empty") }
        guard operations.count <= Self.maximumOperations else {
            throw .invalidSyntax("more than \(Self.maximumOperations) operations")
        }
        var decoded: [PatchOperation] = []
        decoded.reserveCapacity(operations.count)
        for (position, operation) in operations.enumerated() {
            decoded.append(try PatchOperation(json: operation, position: position))
        }
        self.operations = decoded
    }

    /// Decodes a PatchOp message from request body bytes.
    public init(bytes: some Collection<UInt8>) throws(SCIMError) {
        try self.init(json: try JSONValue.decodeRequestBody(bytes))
    }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
