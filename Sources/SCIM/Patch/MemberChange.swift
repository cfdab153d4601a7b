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

/// A change to a group's membership, in request order. Lets the store apply membership deltas
/// to its join table without loading every member of a huge group.
public enum MemberChange: Sendable, Hashable {
    /// Add these members; members already present stay as they are (idempotent add).
    case add([GroupMember])
    /// Remove the members with these ids; absent ids are ignored.
    case remove(Set<String>)
    /// Remove every member matching a value filter that is not a plain list of ids
    /// (e.g. `members[type eq "Group"]`); paths are relative to a member element.
    case removeMatching(Filter)
    /// Remove every member.
    case removeAll
    /// Replace the membership with exactly these members.
    case replaceAll([GroupMember])

    /// Applies the change to an in-memory member list (the reference semantics the store's
    /// SQL must match).
    public func applied(to members: [GroupMember], evaluator: FilterEvaluator) -> [GroupMember] {
        switch self {
        case .add(let added):
            var result = members
            var known = Set(members.map(\.value))
            for member in added where known.insert(member.value).inserted {
                result.append(member)
            }
            return result
        case .remove(let ids):
            return members.filter { !ids.contains($0.value) }
        case .removeMatching(let filter):
            guard let compiled = try? evaluator.compileMemberFilter(filter) else { return members }
            return members.filter { !compiled.matches($0.jsonValue) }
        case .removeAll:
            return []
        case .replaceAll(let replacement):
            return MemberChange.add(replacement).applied(to: [], evaluator: evaluator)
        }
    }
}

/// A group PATCH split into membership deltas and the rest.
public struct MembershipPatch: Sendable, Hashable {
    /// The changes to `members`, in request order.
    public var memberChanges: [MemberChange]
    /// The operations that do not touch `members` (apply with ``PatchEngine/apply(_:to:type:)``
    /// to the group document without its members). `nil` when nothing remains.
    public var remainder: PatchRequest?

    public init(memberChanges: [MemberChange], remainder: PatchRequest?) {
        self.memberChanges = memberChanges
        self.remainder = remainder
    }
}
