/// One member reference of a group (`members` element, RFC 7643 §4.2).
public struct GroupMember: Sendable, Hashable {
    /// The member resource's `id`; the store may not know it (yet).
    public var value: String
    /// `User` or `Group`, when the client said.
    public var type: String?

    public init(value: String, type: String? = nil) {
        self.value = value
        self.type = type
    }

    /// The `members` element for this member.
    public var jsonValue: JSONValue {
        var object: [String: JSONValue] = ["value": .string(value)]
        if let type { object["type"] = .string(type) }
        return .object(object)
    }

    /// Reads a coerced `members` element; `nil` without a string `value`.
    public init?(json: JSONValue) {
        guard let value = json[attribute: "value"]?.stringValue else { return nil }
        self.init(value: value, type: json[attribute: "type"]?.stringValue)
    }
}
