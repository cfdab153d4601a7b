/// The members one group write added and removed, net (a member added and removed again in the
/// same write is neither), for identity history.
struct MembershipDelta {
    /// Member id → member type ("User" or "Group").
    private(set) var added: [String: String] = [:]
    private(set) var removed: [String: String] = [:]

    mutating func add(_ memberId: String, type: String) {
        if removed.removeValue(forKey: memberId) == nil { added[memberId] = type }
    }

    mutating func remove(_ memberId: String, type: String) {
        if added.removeValue(forKey: memberId) == nil { removed[memberId] = type }
    }

    var isEmpty: Bool { added.isEmpty && removed.isEmpty }
}
