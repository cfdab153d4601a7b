/// A JSON value as SCIM sees it.
///
/// Integers and decimals are kept apart so that an `integer` attribute never silently becomes a
/// `decimal` one. Object keys keep the caller's spelling; SCIM attribute names are matched
/// case-insensitively through ``subscript(attribute:)``.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case decimal(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue {
    /// The object's members, or `nil` when this is not an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The array's elements, or `nil` when this is not an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The string, or `nil` when this is not a string.
    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    /// The boolean, or `nil` when this is not a boolean.
    public var boolValue: Bool? {
        if case .bool(let bool) = self { return bool }
        return nil
    }

    /// The integer, or `nil` when this is not an integer.
    public var integerValue: Int64? {
        if case .integer(let integer) = self { return integer }
        return nil
    }

    /// Whether this is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// A short name of the JSON type, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .decimal: "decimal"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// The member whose key equals `name` ignoring case (SCIM attribute names are
    /// case-insensitive, RFC 7643 §2.1). An exact match wins over a case-insensitive one.
    ///
    /// Setting `nil` removes every member whose key matches; setting a value replaces the
    /// matching member under its existing spelling, or adds it under `name`.
    public subscript(attribute name: String) -> JSONValue? {
        get {
            guard case .object(let members) = self else { return nil }
            if let exact = members[name] { return exact }
            for (key, value) in members where key.caseInsensitiveEquals(name) {
                return value
            }
            return nil
        }
        set {
            guard case .object(var members) = self else { return }
            let existingKey = members.keys.first { $0.caseInsensitiveEquals(name) }
            for key in members.keys where key.caseInsensitiveEquals(name) && key != existingKey {
                members[key] = nil
            }
            if let newValue {
                members[existingKey ?? name] = nil
                members[name] = newValue
            } else if let existingKey {
                members[existingKey] = nil
            }
            self = .object(members)
        }
    }

    /// The key of the member matching `name` ignoring case, if any.
    public func key(matching name: String) -> String? {
        guard case .object(let members) = self else { return nil }
        if members[name] != nil { return name }
        return members.keys.first { $0.caseInsensitiveEquals(name) }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .decimal(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var members: [String: JSONValue] = [:]
        for (key, value) in elements { members[key] = value }
        self = .object(members)
    }
}

extension String {
    /// ASCII-and-Unicode case-insensitive equality, as SCIM uses for names and URNs.
    func caseInsensitiveEquals(_ other: String) -> Bool {
        if self == other { return true }
        return self.lowercased() == other.lowercased()
    }
}
