/// Applies single operations to a working copy of a document (see ``PatchEngine``).
struct PatchApplier {
    let type: ResourceTypeDefinition
    var document: JSONValue

    /// Where an operation acts.
    private enum Target {
        /// A whole extension object (`urn:…:enterprise:2.0:User`).
        case extensionObject(Schema)
        case attribute(Location)
    }

    private struct Location {
        /// The extension URN holding the attribute; `nil` for core and common attributes.
        var container: String?
        var definition: SchemaAttribute
        var subAttribute: SchemaAttribute?
        var filter: CompiledFilter?
        var rawFilter: Filter?
        var path: AttributePath
    }

    init(type: ResourceTypeDefinition, document: JSONValue) {
        self.type = type
        self.document = document
    }

    mutating func apply(_ operation: PatchOperation) throws(SCIMError) {
        guard let path = operation.path else {
            guard case .object(let members) = operation.value else {
                throw .invalidValue("without a 'path' the 'value' must be an object")
            }
            try applyWithoutPath(operation.op, members)
            return
        }
        let target = try resolve(path)
        try apply(operation.op, to: target, value: operation.value, explicit: true)
    }

    // MARK: No path

    /// Each member of the value object is applied as if it were its own path; keys may be
    /// dotted or URN-qualified, and readOnly attributes are skipped.
    private mutating func applyWithoutPath(_ kind: PatchOperation.Kind, _ members: [String: JSONValue]) throws(SCIMError) {
        for key in members.keys.sorted() {
            guard let value = members[key] else { continue }
            if key.caseInsensitiveEquals("schemas") { continue }
            let path: AttributePath
            do {
                path = try AttributePath.parse(key)
            } catch {
                throw .invalidValue("unknown attribute '\(key.prefix(100))' in the PATCH value")
            }
            let target: Target
            do {
                target = try resolve(path)
            } catch {
                throw .invalidValue("unknown attribute '\(key.prefix(100))' for \(type.name)")
            }
            try apply(kind, to: target, value: value, explicit: false)
        }
    }

    // MARK: Dispatch

    private mutating func apply(_ kind: PatchOperation.Kind, to target: Target, value: JSONValue?, explicit: Bool)
        throws(SCIMError)
    {
        switch target {
        case .extensionObject(let schema):
            switch kind {
            case .remove:
                document[attribute: schema.id] = nil
            case .add, .replace:
                guard let value else { throw .invalidValue("'\(kind.rawValue)' needs a 'value'") }
                if value.isNull {
                    if kind == .replace { document[attribute: schema.id] = nil }
                    return
                }
                guard case .object(let members) = value else {
                    throw .invalidValue("the value for \(schema.id) must be an object")
                }
                // scim2-models sends the extension's own `schemas` inside the value.
                for key in members.keys.sorted() where !key.caseInsensitiveEquals("schemas") {
                    guard let member = members[key] else { continue }
                    guard let definition = schema.attribute(named: key) else {
                        throw .invalidValue("unknown attribute '\(key.prefix(100))' in \(schema.id)")
                    }
                    let location = Location(
                        container: schema.id, definition: definition, subAttribute: nil, filter: nil, rawFilter: nil,
                        path: AttributePath(schema: schema.id, attribute: definition.name)
                    )
                    try apply(kind, at: location, value: member, explicit: false)
                }
            }
        case .attribute(let location):
            try apply(kind, at: location, value: value, explicit: explicit)
        }
    }

    private mutating func apply(_ kind: PatchOperation.Kind, at location: Location, value: JSONValue?, explicit: Bool)
        throws(SCIMError)
    {
        let target = location.subAttribute ?? location.definition
        if location.definition.isReadOnly || target.isReadOnly {
            // Okta and others echo readOnly attributes (id, meta, groups) in no-path values.
            guard explicit else { return }
            throw .mutability("'\(location.path)' is readOnly")
        }
        if location.definition.mutability == .writeOnly, location.definition.name == "password" {
            try applyPassword(kind, value: value)
            return
        }
        var current = currentValue(location)
        if location.filter != nil {
            current = try applyFiltered(kind, at: location, current: current, value: value)
        } else if let subAttribute = location.subAttribute {
            current = try applySubAttribute(kind, subAttribute, at: location, current: current, value: value)
        } else {
            current = try applyWhole(kind, at: location, current: current, value: value)
        }
        setValue(current, at: location)
    }

    // MARK: Whole attribute

    private func applyWhole(_ kind: PatchOperation.Kind, at location: Location, current: JSONValue?, value: JSONValue?)
        throws(SCIMError) -> JSONValue?
    {
        let definition = location.definition
        let name = location.path.description
        switch kind {
        case .remove:
            guard definition.multiValued, let selector = value, !selector.isNull else { return nil }
            // A value list selects the elements to remove (Entra); an empty list removes none.
            let selected = try ValueCoercion.coerce(selector, as: definition, name: name)?.arrayValue ?? []
            let remaining = (current?.arrayValue ?? []).filter { element in
                !selected.contains { sameElement($0, element, definition: definition) }
            }
            return remaining.isEmpty ? nil : .array(remaining)
        case .add:
            guard let value else { throw .invalidValue("'add' needs a 'value'") }
            let coerced = try ValueCoercion.coerce(value, as: definition, name: name)
            if definition.multiValued {
                return merge(coerced?.arrayValue ?? [], into: current?.arrayValue ?? [], definition: definition)
            }
            if definition.type == .complex { return mergeComplex(coerced, into: current) }
            return coerced ?? current
        case .replace:
            guard let value else { throw .invalidValue("'replace' needs a 'value'") }
            let coerced = try ValueCoercion.coerce(value, as: definition, name: name)
            if definition.multiValued {
                guard let elements = coerced?.arrayValue else { return nil }
                return .array(normalizePrimary(elements))
            }
            // RFC 7644 §3.5.2.3: sub-attributes not in the value are left unchanged.
            if definition.type == .complex, !value.isNull { return mergeComplex(coerced, into: current) }
            return coerced
        }
    }

    /// Appends new elements; an element equal to an existing one (by `value` when the
    /// attribute has one) updates it instead of duplicating it.
    private func merge(_ added: [JSONValue], into existing: [JSONValue], definition: SchemaAttribute) -> JSONValue? {
        var result = existing
        for element in added {
            if let index = result.firstIndex(where: { sameElement($0, element, definition: definition) }) {
                result[index] = definition.type == .complex ? (mergeComplex(element, into: result[index]) ?? element) : element
            } else {
                result.append(element)
            }
            if element[attribute: "primary"] == .bool(true) {
                for index in result.indices where !sameElement(result[index], element, definition: definition) {
                    if result[index][attribute: "primary"] == .bool(true) { result[index][attribute: "primary"] = .bool(false) }
                }
            }
        }
        return result.isEmpty ? nil : .array(result)
    }

    /// At most one element may be primary (RFC 7643 §2.4); the last one marked wins.
    private func normalizePrimary(_ elements: [JSONValue]) -> [JSONValue] {
        guard let last = elements.lastIndex(where: { $0[attribute: "primary"] == .bool(true) }) else { return elements }
        var result = elements
        for index in result.indices where index != last && result[index][attribute: "primary"] == .bool(true) {
            result[index][attribute: "primary"] = .bool(false)
        }
        return result
    }

    private func mergeComplex(_ new: JSONValue?, into current: JSONValue?) -> JSONValue? {
        guard case .object(let newMembers)? = new else { return current }
        guard case .object(var members)? = current else { return new }
        for (key, value) in newMembers { members[key] = value }
        return .object(members)
    }

    /// Two elements are the same when equal, or for complex attributes with a `value`
    /// sub-attribute, when their values match (following `caseExact`).
    private func sameElement(_ left: JSONValue, _ right: JSONValue, definition: SchemaAttribute) -> Bool {
        if left == right { return true }
        guard definition.type == .complex, let valueDefinition = definition.subAttribute(named: "value"),
            let leftValue = left[attribute: "value"], let rightValue = right[attribute: "value"]
        else { return false }
        if !valueDefinition.caseExact, case .string(let a) = leftValue, case .string(let b) = rightValue {
            return a.lowercased() == b.lowercased()
        }
        return leftValue == rightValue
    }

    // MARK: Sub-attribute without filter

    private func applySubAttribute(
        _ kind: PatchOperation.Kind,
        _ subAttribute: SchemaAttribute,
        at location: Location,
        current: JSONValue?,
        value: JSONValue?
    ) throws(SCIMError) -> JSONValue? {
        let name = location.path.description
        var coerced: JSONValue?
        if kind != .remove {
            guard let value else { throw .invalidValue("'\(kind.rawValue)' needs a 'value'") }
            coerced = try ValueCoercion.coerce(value, as: subAttribute, name: name)
        }
        if location.definition.multiValued {
            var elements = current?.arrayValue ?? []
            if elements.isEmpty {
                guard kind == .add, let coerced else {
                    if kind == .replace { throw .noTarget("'\(name)' has no values to replace") }
                    return current
                }
                elements = [.object([subAttribute.name: coerced])]
            } else {
                for index in elements.indices { elements[index][attribute: subAttribute.name] = coerced }
            }
            return dropIncomplete(elements, definition: location.definition)
        }
        var object = current ?? .object([:])
        object[attribute: subAttribute.name] = coerced
        if let members = object.objectValue, members.isEmpty { return nil }
        return object
    }

    // MARK: Value filter

    private func applyFiltered(_ kind: PatchOperation.Kind, at location: Location, current: JSONValue?, value: JSONValue?)
        throws(SCIMError) -> JSONValue?
    {
        guard let filter = location.filter else { return current }
        let definition = location.definition
        let name = location.path.description
        var elements = current?.arrayValue ?? (current.map { [$0] } ?? [])
        let matches = elements.indices.filter { filter.matches(elements[$0]) }

        if let subAttribute = location.subAttribute {
            switch kind {
            case .remove:
                for index in matches { elements[index][attribute: subAttribute.name] = nil }
            case .add, .replace:
                guard let value else { throw .invalidValue("'\(kind.rawValue)' needs a 'value'") }
                let coerced = try ValueCoercion.coerce(value, as: subAttribute, name: name)
                if matches.isEmpty {
                    // Entra: `add emails[type eq "work"].value` creates the work email.
                    guard kind == .add, var seed = seedElement(from: location) else {
                        throw .noTarget("no value of '\(definition.name)' matches '\(location.rawFilter.map { "\($0)" } ?? "")'")
                    }
                    seed[attribute: subAttribute.name] = coerced
                    if let element = try ValueCoercion.coerceElement(seed, as: definition, name: definition.name) {
                        elements.append(element)
                    }
                } else {
                    for index in matches { elements[index][attribute: subAttribute.name] = coerced }
                }
            }
            return dropIncomplete(elements, definition: definition)
        }

        switch kind {
        case .remove:
            // A filter matching nothing removes nothing: retried removals succeed.
            let removed = Set(matches)
            elements = elements.indices.filter { !removed.contains($0) }.map { elements[$0] }
        case .add, .replace:
            guard let value else { throw .invalidValue("'\(kind.rawValue)' needs a 'value'") }
            let single = value.arrayValue?.count == 1 ? (value.arrayValue?.first ?? value) : value
            guard let coerced = try ValueCoercion.coerceSingle(single, as: definition, name: name) else {
                if kind == .replace {
                    let removed = Set(matches)
                    elements = elements.indices.filter { !removed.contains($0) }.map { elements[$0] }
                }
                return elements.isEmpty ? nil : .array(elements)
            }
            if matches.isEmpty {
                guard kind == .add, let seed = seedElement(from: location),
                    let element = try ValueCoercion.coerceElement(
                        mergeComplex(coerced, into: seed) ?? coerced, as: definition, name: definition.name)
                else {
                    throw .noTarget("no value of '\(definition.name)' matches '\(location.rawFilter.map { "\($0)" } ?? "")'")
                }
                elements.append(element)
            } else {
                for index in matches {
                    elements[index] = kind == .add ? (mergeComplex(coerced, into: elements[index]) ?? coerced) : coerced
                }
            }
        }
        return elements.isEmpty ? nil : .array(normalizePrimary(elements))
    }

    /// The element a filter of `eq` comparisons joined by `and` describes, e.g.
    /// `type eq "work"` → `{"type":"work"}`; `nil` for any other filter.
    private func seedElement(from location: Location) -> JSONValue? {
        guard let filter = location.rawFilter else { return nil }
        var seed: [String: JSONValue] = [:]
        func collect(_ filter: Filter) -> Bool {
            switch filter {
            case .and(let left, let right):
                return collect(left) && collect(right)
            case .comparison(let path, .eq, let value) where path.subAttribute == nil && path.schema == nil:
                guard let definition = location.definition.subAttribute(named: path.attribute),
                    let coerced = try? ValueCoercion.coerceSingle(value, as: definition, name: definition.name)
                else { return false }
                seed[definition.name] = coerced
                return true
            default:
                return false
            }
        }
        guard collect(filter) else { return nil }
        return .object(seed)
    }

    /// Drops elements left empty or without a required sub-attribute after a sub-attribute
    /// removal (e.g. `remove emails[type eq "work"].value` removes that email).
    private func dropIncomplete(_ elements: [JSONValue], definition: SchemaAttribute) -> JSONValue? {
        let required = definition.subAttributes.filter { $0.required && !$0.isReadOnly }
        let kept = elements.filter { element in
            guard let members = element.objectValue, !members.isEmpty else { return false }
            return required.allSatisfy { element[attribute: $0.name] != nil }
        }
        return kept.isEmpty ? nil : .array(kept)
    }

    // MARK: Password

    private mutating func applyPassword(_ kind: PatchOperation.Kind, value: JSONValue?) throws(SCIMError) {
        switch kind {
        case .remove:
            // Passwords are write-only and cannot be unset by PATCH; nothing to do.
            return
        case .add, .replace:
            guard case .string(let text)? = value else { throw .invalidValue("'password' must be a string") }
            document[attribute: "password"] = .string(text)
        }
    }

    // MARK: Paths

    private func resolve(_ path: AttributePath) throws(SCIMError) -> Target {
        var lookup = path
        lookup.valueFilter = nil
        guard let resolved = type.resolve(lookup) else {
            throw .invalidPath("unknown attribute '\(path)' for \(type.name)")
        }
        guard let definition = resolved.attribute else {
            guard path.valueFilter == nil else { throw .invalidPath("'\(path)' cannot take a value filter") }
            return .extensionObject(resolved.schema)
        }
        var compiled: CompiledFilter?
        if let filter = path.valueFilter {
            guard definition.multiValued, definition.type == .complex else {
                throw .invalidPath("'\(definition.name)' is not multi-valued and complex; it cannot take a value filter")
            }
            do {
                compiled = try FilterEvaluator(type: type).compileValueFilter(filter, for: definition)
            } catch {
                throw .invalidPath("invalid value filter in '\(path)': \(error.detail)")
            }
        }
        return .attribute(
            Location(
                container: type.isExtension(resolved.schema) ? resolved.schema.id : nil,
                definition: definition,
                subAttribute: resolved.subAttribute,
                filter: compiled,
                rawFilter: path.valueFilter,
                path: path
            )
        )
    }

    private func currentValue(_ location: Location) -> JSONValue? {
        guard let container = location.container else { return document[attribute: location.definition.name] }
        return document[attribute: container]?[attribute: location.definition.name]
    }

    private mutating func setValue(_ value: JSONValue?, at location: Location) {
        guard let container = location.container else {
            document[attribute: location.definition.name] = value
            return
        }
        var extensionObject = document[attribute: container] ?? .object([:])
        extensionObject[attribute: location.definition.name] = value
        if let members = extensionObject.objectValue, members.isEmpty {
            document[attribute: container] = nil
        } else {
            document[attribute: container] = extensionObject
        }
    }
}
