
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
