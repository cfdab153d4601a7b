/// A validated resource document plus the write-only password taken out of it.
///
/// `description` and reflection never show the password.
public struct NormalizedResource: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// The document to store: canonical attribute names, coerced values, `schemas` set, no
    /// readOnly attributes (`id`, `meta`, `groups`) and no password.
    public var resource: JSONValue
    /// The cleartext password the client sent, for the store to hash; `nil` when none was sent.
    public var password: String?

    public init(resource: JSONValue, password: String? = nil) {
        self.resource = resource
        self.password = password
    }

    public var description: String {
        "NormalizedResource(resource: \(resource), password: \(password == nil ? "nil" : "<redacted>"))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["resource": resource, "password": password == nil ? "nil" : "<redacted>"])
    }
}
