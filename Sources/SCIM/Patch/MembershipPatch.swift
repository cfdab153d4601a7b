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
