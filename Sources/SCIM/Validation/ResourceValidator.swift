/// Checks and normalizes client-supplied resource documents against a resource type.
///
/// What it does, in order: rejects non-objects and unknown attributes or schemas; drops
/// readOnly attributes the client echoed (`id`, `meta`, `groups`, `members.display`); coerces
/// values to their declared types (`"False"` → `false`); renames attributes to their
/// canonical casing; moves fully qualified keys into place; takes the password out; checks
/// required attributes and, on replace, immutable ones.
public struct ResourceValidator: Sendable {
    public init() {}

    /// Normalizes the body of a POST.
    ///
    /// - Throws: 400 `invalidSyntax` when the body is not an object, 400 `invalidValue` for
    ///   unknown attributes, wrong types or missing required attributes.
    public func normalizeForCreate(_ input: JSONValue, type: ResourceTypeDefinition) throws(SCIMError)
        -> NormalizedResource
    {
        var normalized = try normalizeAttributes(input, type: type)
        try checkRequired(normalized.resource, type: type)
        normalized.resource = withSchemas(normalized.resource, type: type)
        return normalized
    }

    /// Normalizes the body of a PUT against the stored resource.
    ///
    /// Attributes the client omits are cleared, except (deliberately) these, which keep their
    /// stored value: immutable attributes; `active` (Okta's PUT may omit it, and omission must
    /// not deprovision); and `members` (large groups are sent without members). An explicit
    /// `null` or `[]` clears them. A password is only changed when one is sent.
    /// - Throws: as ``normalizeForCreate(_:type:)``, plus 400 `mutability` when an immutable
    ///   attribute's value would change.
    public func normalizeForReplace(_ input: JSONValue, existing: JSONValue, type: ResourceTypeDefinition)
        throws(SCIMError) -> NormalizedResource
    {
        var normalized = try normalizeAttributes(input, type: type)
        var resource = normalized.resource
        try checkImmutable(resource, existing: existing, type: type, preserveMissing: true)
        resource = try preserveImmutable(resource, existing: existing, type: type)
        for name in ["active", "members"] {
            guard let definition = type.schema.attribute(named: name), !definition.isReadOnly else { continue }
            if input[attribute: name] == nil, let kept = existing[attribute: definition.name] {
                resource[attribute: definition.name] = kept
            }
        }
        try checkRequired(resource, type: type)
        normalized.resource = withSchemas(resource, type: type)
        return normalized
    }

    /// Validates the document a PATCH produced (``PatchEngine/apply(_:to:type:)``) against the
    /// stored one: required attributes must remain and immutable ones must not change. Takes
    /// out a password the PATCH set.
    public func normalizeForPatch(_ patched: JSONValue, existing: JSONValue, type: ResourceTypeDefinition)
        throws(SCIMError) -> NormalizedResource
    {
        var normalized = try normalizeAttributes(patched, type: type)
        try checkImmutable(normalized.resource, existing: existing, type: type, preserveMissing: false)
        try checkRequired(normalized.resource, type: type)
        normalized.resource = withSchemas(normalized.resource, type: type)
        return normalized
    }

    // MARK: Steps

    private func normalizeAttributes(_ input: JSONValue, type: ResourceTypeDefinition) throws(SCIMError)
        -> NormalizedResource
    {
        guard case .object(let members) = input else {
            throw .invalidSyntax("a \(type.name) must be a JSON object, not \(input.typeName)")
        }
        var resource: JSONValue = .object([:])
        var password: String?
        for (key, value) in members {
            if key.caseInsensitiveEquals("schemas") {
                try checkSchemas(value, type: type)
                continue
            }
            if let extensionSchema = type.extensionSchema(urn: key) {
                if value.isNull { continue }
                guard case .object(let extensionMembers) = value else {
                    throw .invalidValue("'\(key)' must be an object of extension attributes")
                }
                for (extensionKey, extensionValue) in extensionMembers
                where !extensionKey.caseInsensitiveEquals("schemas") {
                    guard let definition = extensionSchema.attribute(named: extensionKey) else {
                        throw .invalidValue("unknown attribute '\(extensionKey.prefix(100))' in \(extensionSchema.id)")
                    }
                    try place(extensionValue, definition: definition, schema: extensionSchema, into: &resource, type: type)
                }
                continue
            }
            guard let path = AttributePath.splitSimple(key), path.subAttribute == nil,
                let resolved = type.resolve(path), let definition = resolved.attribute
            else {
                throw .invalidValue("unknown attribute '\(key.prefix(100))' for \(type.name)")
            }
            if definition.mutability == .writeOnly, definition.name == "password" {
                if value.isNull { continue }
                guard case .string(let text) = value else { throw .invalidValue("'password' must be a string") }
                password = text
                continue
            }
            try place(value, definition: definition, schema: resolved.schema, into: &resource, type: type)
        }
        return NormalizedResource(resource: resource, password: password)
    }

    private func place(
        _ value: JSONValue,
        definition: SchemaAttribute,
        schema: Schema,
        into resource: inout JSONValue,
        type: ResourceTypeDefinition
    ) throws(SCIMError) {
        // readOnly attributes echoed by clients (id, meta, groups) are ignored.
        if definition.isReadOnly { return }
        guard let coerced = try ValueCoercion.coerce(value, as: definition, name: definition.name) else { return }
        if type.isExtension(schema) {
            var extensionObject = resource[attribute: schema.id] ?? .object([:])
            extensionObject[attribute: definition.name] = coerced
            resource[attribute: schema.id] = extensionObject
        } else {
            resource[attribute: definition.name] = coerced
        }
    }

    private func checkSchemas(_ value: JSONValue, type: ResourceTypeDefinition) throws(SCIMError) {
        guard let urns = value.arrayValue else { throw .invalidValue("'schemas' must be an array of URNs") }
        for urn in urns {
            guard let text = urn.stringValue else { throw .invalidValue("'schemas' must be an array of URNs") }
            guard type.schema(urn: text) != nil else {
                throw .invalidValue("schema '\(text.prefix(200))' is not supported for \(type.name)")
            }
        }
    }

    private func checkRequired(_ resource: JSONValue, type: ResourceTypeDefinition) throws(SCIMError) {
        for definition in type.schema.attributes where definition.required && !definition.isReadOnly {
            guard resource[attribute: definition.name] != nil else {
                throw .invalidValue("'\(definition.name)' is required")
            }
        }
        for extensionEntry in type.extensions {
            let extensionObject = resource[attribute: extensionEntry.schema.id]
            if extensionObject == nil {
                if extensionEntry.required { throw .invalidValue("extension \(extensionEntry.schema.id) is required") }
                continue
            }
            for definition in extensionEntry.schema.attributes where definition.required && !definition.isReadOnly {
                guard extensionObject?[attribute: definition.name] != nil else {
                    throw .invalidValue("'\(extensionEntry.schema.id):\(definition.name)' is required")
                }
            }
        }
    }

    /// Every top-level immutable attribute, with the key path of its container.
    private func immutableAttributes(_ type: ResourceTypeDefinition) -> [(container: String?, name: String)] {
        var result: [(String?, String)] = []
        for definition in type.schema.attributes where definition.mutability == .immutable {
            result.append((nil, definition.name))
        }
        for entry in type.extensions {
            for definition in entry.schema.attributes where definition.mutability == .immutable {
                result.append((entry.schema.id, definition.name))
            }
        }
        return result
    }

    private func value(at container: String?, _ name: String, in resource: JSONValue) -> JSONValue? {
        guard let container else { return resource[attribute: name] }
        return resource[attribute: container]?[attribute: name]
    }

    private func checkImmutable(
        _ resource: JSONValue,
        existing: JSONValue,
        type: ResourceTypeDefinition,
        preserveMissing: Bool
    ) throws(SCIMError) {
        for (container, name) in immutableAttributes(type) {
            guard let old = value(at: container, name, in: existing) else { continue }
            let new = value(at: container, name, in: resource)
            if new == nil, preserveMissing { continue }
            guard new == old else { throw .mutability("'\(name)' is immutable and already set") }
        }
    }

    private func preserveImmutable(_ resource: JSONValue, existing: JSONValue, type: ResourceTypeDefinition)
        throws(SCIMError) -> JSONValue
    {
        var result = resource
        for (container, name) in immutableAttributes(type) {
            guard value(at: container, name, in: result) == nil, let old = value(at: container, name, in: existing)
            else { continue }
            if let container {
                var extensionObject = result[attribute: container] ?? .object([:])
                extensionObject[attribute: name] = old
                result[attribute: container] = extensionObject
            } else {
                result[attribute: name] = old
            }
        }
        return result
    }

    /// Sets `schemas` to the core URN plus the URN of each extension present, and drops empty
    /// extension objects.
    func withSchemas(_ resource: JSONValue, type: ResourceTypeDefinition) -> JSONValue {
        var result = resource
        var urns: [JSONValue] = [.string(type.schema.id)]
        for entry in type.extensions {
            if let object = result[attribute: entry.schema.id]?.objectValue, !object.isEmpty {
                urns.append(.string(entry.schema.id))
            } else {
                result[attribute: entry.schema.id] = nil
            }
        }
        result[attribute: "schemas"] = .array(urns)
        return result
    }
}
