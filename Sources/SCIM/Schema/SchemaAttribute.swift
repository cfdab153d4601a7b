/// One attribute definition of a SCIM schema (RFC 7643 §7).
public struct SchemaAttribute: Sendable, Hashable {
    /// The data types of RFC 7643 §2.3.
    public enum DataType: String, Sendable, Hashable, CaseIterable {
        case string, boolean, decimal, integer, dateTime, reference, complex, binary
    }

    /// Whether and when clients may set the attribute (RFC 7643 §7).
    public enum Mutability: String, Sendable, Hashable, CaseIterable {
        case readOnly, readWrite, immutable, writeOnly
    }

    /// When the attribute appears in responses (RFC 7643 §7).
    public enum Returned: String, Sendable, Hashable, CaseIterable {
        case always, never, `default`, request
    }

    /// How the server enforces unique values (RFC 7643 §7).
    public enum Uniqueness: String, Sendable, Hashable, CaseIterable {
        case none, server, global
    }

    /// The attribute name with its canonical casing.
    public var name: String
    /// The data type of the value (or of each value, when multi-valued).
    public var type: DataType
    /// Whether the value is a list.
    public var multiValued: Bool
    /// Human-readable description, served in `/Schemas`.
    public var description: String
    /// Whether resources must have a value.
    public var required: Bool
    /// Whether string comparisons (filters, sorting, uniqueness) are case-sensitive.
    public var caseExact: Bool
    /// Whether and when clients may write the attribute.
    public var mutability: Mutability
    /// When responses include the attribute.
    public var returned: Returned
    /// How unique values must be.
    public var uniqueness: Uniqueness
    /// Suggested values (not enforced: IdPs send their own `type` labels).
    public var canonicalValues: [String]
    /// For `reference` attributes, what they may point to (`User`, `Group`, `external`).
    public var referenceTypes: [String]
    /// The sub-attributes of a `complex` attribute; empty otherwise.
    public var subAttributes: [SchemaAttribute]

    public init(
        name: String,
        type: DataType,
        multiValued: Bool = false,
        description: String = "",
        required: Bool = false,
        caseExact: Bool = false,
        mutability: Mutability = .readWrite,
        returned: Returned = .default,
        uniqueness: Uniqueness = .none,
        canonicalValues: [String] = [],
        referenceTypes: [String] = [],
        subAttributes: [SchemaAttribute] = []
    ) {
        self.name = name
        self.type = type
        self.multiValued = multiValued
        self.description = description
        self.required = required
        self.caseExact = caseExact
        self.mutability = mutability
        self.returned = returned
        self.uniqueness = uniqueness
        self.canonicalValues = canonicalValues
        self.referenceTypes = referenceTypes
        self.subAttributes = subAttributes
    }

    /// The sub-attribute called `name`, ignoring case.
    public func subAttribute(named name: String) -> SchemaAttribute? {
        subAttributes.first { $0.name.caseInsensitiveEquals(name) }
    }

    /// Whether clients can never write this attribute (`readOnly`).
    public var isReadOnly: Bool { mutability == .readOnly }
}

extension SchemaAttribute {
    /// Reads an attribute definition from its RFC 7643 §7 JSON form.
    ///
    /// Missing characteristics take the RFC 7643 §2.2 defaults.
    public init(json: JSONValue) throws(SchemaRegistry.LoadError) {
        guard case .object = json else { throw .init(code: .invalidDocument, detail: "attribute is not an object") }
        guard let name = json[attribute: "name"]?.stringValue, !name.isEmpty else {
            throw .init(code: .invalidDocument, detail: "attribute without a name")
        }
        func enumValue<T: RawRepresentable<String>>(_ key: String, _ defaultValue: T) throws(SchemaRegistry.LoadError)
            -> T
        {
            guard let raw = json[attribute: key] else { return defaultValue }
            guard let string = raw.stringValue, let value = T(rawValue: string) else {
                throw .init(code: .invalidDocument, detail: "attribute '\(name)' has an invalid '\(key)'")
            }
            return value
        }
        func strings(_ key: String) -> [String] {
            json[attribute: key]?.arrayValue?.compactMap(\.stringValue) ?? []
        }
        var subAttributes: [SchemaAttribute] = []
        for element in json[attribute: "subAttributes"]?.arrayValue ?? [] {
            subAttributes.append(try SchemaAttribute(json: element))
        }
        self.init(
            name: name,
            type: try enumValue("type", DataType.string),
            multiValued: json[attribute: "multiValued"]?.boolValue ?? false,
            description: json[attribute: "description"]?.stringValue ?? "",
            required: json[attribute: "required"]?.boolValue ?? false,
            caseExact: json[attribute: "caseExact"]?.boolValue ?? false,
            mutability: try enumValue("mutability", Mutability.readWrite),
            returned: try enumValue("returned", Returned.default),
            uniqueness: try enumValue("uniqueness", Uniqueness.none),
            canonicalValues: strings("canonicalValues"),
            referenceTypes: strings("referenceTypes"),
            subAttributes: subAttributes
        )
        if self.type == .complex, subAttributes.isEmpty {
            throw .init(code: .invalidDocument, detail: "complex attribute '\(name)' has no subAttributes")
        }
    }
}
