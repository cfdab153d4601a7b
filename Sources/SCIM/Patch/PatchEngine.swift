/// Applies SCIM PATCH requests (RFC 7644 §3.5.2) to resource documents.
///
/// Pure: the input document is not touched and nothing is returned on error, so a request is
/// atomic as long as the caller stores the result in one transaction. The result still needs
/// ``ResourceValidator/normalizeForPatch(_:existing:type:)`` (required and immutable checks,
/// password extraction).
///
/// Behaviours beyond the RFC, for real identity providers:
/// - no-path `add`/`replace` values may use dotted (`name.givenName`) and URN-qualified keys
///   (Entra), and may repeat readOnly attributes such as `id` or `meta` (Okta), which are ignored;
/// - `add` to `emails[type eq "work"].value` with no matching element creates
///   `{"type":"work","value":…}` (Entra);
/// - `remove` of a multi-valued attribute with a `value` list removes only the listed values
///   (Entra's member removal), never everything;
/// - `remove` with a value filter that matches nothing succeeds (idempotent retries);
/// - adding a value already present changes nothing (idempotent member add).
public struct PatchEngine: Sendable {
    public init() {}

    /// Applies every operation in order and returns the patched document.
    ///
    /// - Throws: 400 `invalidPath` for unknown attributes, `noTarget` for value filters that
    ///   match nothing in `replace`, `mutability` for explicit paths to readOnly attributes,
    ///   `invalidValue` for values of the wrong type.
    public func apply(_ request: PatchRequest, to resource: JSONValue, type: ResourceTypeDefinition)
        throws(SCIMError) -> JSONValue
    {
        guard case .object = resource else { throw .invalidValue("cannot patch a non-object resource") }
        var document = resource
        // Group membership goes through the same deltas the store applies to its join table,
        // so in-memory and SQL semantics cannot drift apart.
        if let membersDefinition = type.schema.attribute(named: "members"), membersDefinition.multiValued {
            let split = try splitMembership(request, type: type)
            if let remainder = split.remainder {
                try applyOperations(remainder.operations, to: &document, type: type)
            }
            if !split.memberChanges.isEmpty {
                let evaluator = FilterEvaluator(type: type)
                var members = (document[attribute: membersDefinition.name]?.arrayValue ?? []).compactMap {
                    GroupMember(json: $0)
                }
                for change in split.memberChanges {
                    members = change.applied(to: members, evaluator: evaluator)
                }
                document[attribute: membersDefinition.name] = members.isEmpty ? nil : .array(members.map(\.jsonValue))
            }
            return document
        }
        try applyOperations(request.operations, to: &document, type: type)
        return document
    }

    private func applyOperations(_ operations: [PatchOperation], to document: inout JSONValue, type: ResourceTypeDefinition)
        throws(SCIMError)
    {
        var applier = PatchApplier(type: type, document: document)
        for operation in operations {
            try applier.apply(operation)
        }
        document = applier.document
    }

    // MARK: Membership

    /// Splits a Group PATCH into membership deltas and the remaining operations, so the store
    /// can apply member changes to its join table without loading the group's members.
    ///
    /// - Throws: 400 errors for member operations that cannot be expressed as deltas
    ///   (e.g. `replace members[value eq "x"].value`) or carry invalid member values.
    public func splitMembership(_ request: PatchRequest, type: ResourceTypeDefinition) throws(SCIMError)
        -> MembershipPatch
    {
        guard let membersDefinition = type.schema.attribute(named: "members") else {
            return MembershipPatch(memberChanges: [], remainder: request)
        }
        var changes: [MemberChange] = []
        var remaining: [PatchOperation] = []
        for operation in request.operations {
            guard let path = operation.path else {
                // No-path add/replace: take `members` out of the value object.
                guard case .object(var members) = operation.value,
                    let key = operation.value?.key(matching: membersDefinition.name),
                    let membersValue = members[key]
                else {
                    remaining.append(operation)
                    continue
                }
                members[key] = nil
                let parsed = try parseMembers(membersValue, definition: membersDefinition)
                changes.append(operation.op == .add ? .add(parsed) : .replaceAll(parsed))
                if members.keys.contains(where: { !$0.caseInsensitiveEquals("schemas") }) {
                    remaining.append(PatchOperation(op: operation.op, path: nil, value: .object(members)))
                }
                continue
            }
            guard path.schema == nil || type.schema.id.caseInsensitiveEquals(path.schema ?? ""),
                path.attribute.caseInsensitiveEquals(membersDefinition.name)
            else {
                remaining.append(operation)
                continue
            }
            changes.append(try memberChange(operation, path: path, definition: membersDefinition, type: type))
        }
        return MembershipPatch(
            memberChanges: changes,
            remainder: remaining.isEmpty ? nil : PatchRequest(operations: remaining)
        )
    }

    /// The membership deltas of a Group PATCH, in request order (see ``splitMembership(_:type:)``).
    public func memberChanges(in request: PatchRequest, type: ResourceTypeDefinition) throws(SCIMError)
        -> [MemberChange]
    {
        try splitMembership(request, type: type).memberChanges
    }

    private func memberChange(
        _ operation: PatchOperation,
        path: AttributePath,
        definition: SchemaAttribute,
        type: ResourceTypeDefinition
    ) throws(SCIMError) -> MemberChange {
        if let subAttribute = path.subAttribute {
            throw .mutability("'members.\(subAttribute)' cannot be changed; add or remove the member instead")
        }
        if let filter = path.valueFilter {
            guard operation.op == .remove else {
                throw .invalidPath("'\(operation.op.rawValue)' with a members filter is not supported; use add members")
            }
            // Validate the filter now so a bad one fails the whole request.
            _ = try compileMemberFilterAsPath(filter, type: type)
            if let ids = Self.memberIDs(in: filter) { return .remove(ids) }
            return .removeMatching(filter)
        }
        switch operation.op {
        case .add:
            return .add(try parseMembers(operation.value ?? .null, definition: definition))
        case .replace:
            return .replaceAll(try parseMembers(operation.value ?? .null, definition: definition))
        case .remove:
            guard let value = operation.value, !value.isNull else { return .removeAll }
            // Entra: the value list selects the members to remove.
            var ids = Set<String>()
            for element in value.arrayValue ?? [value] {
                guard let id = element[attribute: "value"]?.stringValue else {
                    throw .invalidValue("each member to remove needs a 'value'")
                }
                ids.insert(id)
            }
            return .remove(ids)
        }
    }

    private func compileMemberFilterAsPath(_ filter: Filter, type: ResourceTypeDefinition) throws(SCIMError)
        -> CompiledFilter
    {
        do {
            return try FilterEvaluator(type: type).compileMemberFilter(filter)
        } catch {
            throw .invalidPath(error.detail)
        }
    }

    private func parseMembers(_ value: JSONValue, definition: SchemaAttribute) throws(SCIMError) -> [GroupMember] {
        guard let coerced = try ValueCoercion.coerce(value, as: definition, name: definition.name) else { return [] }
        return (coerced.arrayValue ?? []).compactMap { GroupMember(json: $0) }
    }

    /// The ids of `value eq "…" [or value eq "…"]*`, or `nil` for any other filter.
    static func memberIDs(in filter: Filter) -> Set<String>? {
        switch filter {
        case .comparison(let path, .eq, .string(let id))
        where path.schema == nil && path.subAttribute == nil && path.attribute.caseInsensitiveEquals("value"):
            return [id]
        case .or(let left, let right):
            guard let leftIDs = memberIDs(in: left), let rightIDs = memberIDs(in: right) else { return nil }
            return leftIDs.union(rightIDs)
        default:
            return nil
        }
    }
}
