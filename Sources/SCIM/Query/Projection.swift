/// The `attributes` / `excludedAttributes` parameters (RFC 7644 §3.4.2.5, §3.9).
public enum Projection {
    /// Returns `resource` reduced to what the client asked for.
    ///
    /// `id`, `schemas` and `meta` are always returned; attributes with `returned: never`
    /// (`password`) never are; `returned: request` attributes only when named in
    /// `attributes`. Names may be dotted (`name.givenName`) or URN-qualified; unknown names
    /// are ignored, as RFC 7644 allows. When both lists are given, `attributes` wins.
    public static func apply(
        attributes: [String],
        excludedAttributes: [String],
        to resource: JSONValue,
        type: ResourceTypeDefinition
    ) -> JSONValue {
        guard case .object(let members) = resource else { return resource }
        let included = attributes.compactMap { resolve($0, type: type) }
        // Naming only unknown attributes still restricts the response to id, schemas and meta.
        let restrict = !attributes.isEmpty
        let excluded = attributes.isEmpty ? excludedAttributes.compactMap { resolve($0, type: type) } : []
        var result: [String: JSONValue] = [:]
        for (key, value) in members {
            if key.caseInsensitiveEquals("schemas") || key.caseInsensitiveEquals("id") || key.caseInsensitiveEquals("meta") {
                result[key] = value
                continue
            }
            if let extensionSchema = type.extensionSchema(urn: key) {
                guard case .object(let extensionMembers) = value else { continue }
                var kept: [String: JSONValue] = [:]
                for (extensionKey, extensionValue) in extensionMembers {
                    guard let definition = extensionSchema.attribute(named: extensionKey) else { continue }
                    let wholeSelected = included.contains { $0.schema == extensionSchema && $0.attribute == nil }
                    if let projected = project(
                        extensionValue, definition: definition, schema: extensionSchema,
                        included: wholeSelected ? [] : included, restrictToIncluded: restrict && !wholeSelected,
                        excluded: excluded
                    ) {
                        kept[extensionKey] = projected
                    }
                }
                let wholeExcluded = excluded.contains { $0.schema == extensionSchema && $0.attribute == nil }
                if !kept.isEmpty, !wholeExcluded { result[key] = .object(kept) }
                continue
            }
            guard let path = AttributePath.splitSimple(key), let resolved = type.resolve(path),
                let definition = resolved.attribute
            else { continue }
            if let projected = project(
                value, definition: definition, schema: resolved.schema, included: included,
                restrictToIncluded: restrict, excluded: excluded
            ) {
                result[key] = projected
            }
        }
        return .object(result)
    }

    /// Splits a comma-separated query parameter into names.
    public static func names(fromParameter parameter: String?) -> [String] {
        guard let parameter else { return [] }
        return parameter.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
    }

    private static func resolve(_ name: String, type: ResourceTypeDefinition) -> ResolvedAttribute? {
        guard let path = AttributePath.splitSimple(name) else { return nil }
        return type.resolve(path)
    }

    private static func project(
        _ value: JSONValue,
        definition: SchemaAttribute,
        schema: Schema,
        included: [ResolvedAttribute],
        restrictToIncluded: Bool,
        excluded: [ResolvedAttribute]
    ) -> JSONValue? {
        switch definition.returned {
        case .never: return nil
        case .always: return value
        case .default, .request: break
        }
        let mentions = included.filter { $0.schema == schema && $0.attribute?.name == definition.name }
        if definition.returned == .request, mentions.isEmpty { return nil }
        if restrictToIncluded {
            guard !mentions.isEmpty else { return nil }
            // `name` selects all of name; `name.givenName` only that sub-attribute.
            if mentions.contains(where: { $0.subAttribute == nil }) {
                return dropSubAttributes(value, definition: definition, keep: nil, drop: [])
            }
            let keep = Set(mentions.compactMap { $0.subAttribute?.name.lowercased() })
            return dropSubAttributes(value, definition: definition, keep: keep, drop: [])
        }
        let exclusions = excluded.filter { $0.schema == schema && $0.attribute?.name == definition.name }
        if exclusions.contains(where: { $0.subAttribute == nil }) { return nil }
        let drop = Set(exclusions.compactMap { $0.subAttribute?.name.lowercased() })
        return dropSubAttributes(value, definition: definition, keep: nil, drop: drop)
    }

    /// Applies `returned` of sub-attributes plus an explicit keep or drop set.
    private static func dropSubAttributes(
        _ value: JSONValue,
        definition: SchemaAttribute,
        keep: Set<String>?,
        drop: Set<String>
    ) -> JSONValue? {
        guard definition.type == .complex else { return value }
        func filterElement(_ element: JSONValue) -> JSONValue? {
            guard case .object(let members) = element else { return element }
            var kept: [String: JSONValue] = [:]
            for (key, member) in members {
                let lowered = key.lowercased()
                if let sub = definition.subAttribute(named: key) {
                    if sub.returned == .never { continue }
                    if sub.returned != .always {
                        if let keep, !keep.contains(lowered) { continue }
                        if drop.contains(lowered) { continue }
                    }
                }
                kept[key] = member
            }
            return kept.isEmpty ? nil : .object(kept)
        }
        if case .array(let elements) = value {
            let kept = elements.compactMap(filterElement)
            return kept.isEmpty ? nil : .array(kept)
        }
        return filterElement(value)
    }
}
