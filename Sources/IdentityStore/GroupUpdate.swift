/// A replacement for a group computed from its current state (PUT or PATCH).
public struct GroupUpdate: Sendable, Equatable, Codable {
    public var input: GroupInput
    public var members: MembershipUpdate

    public init(input: GroupInput, members: MembershipUpdate = .keep) {
        self.input = input
        self.members = members
    }
}
