/// What ``Policy/evaluate(_:context:)`` reads of a ``PolicyUser``, copied out by the inlinable
/// entry point in the caller's module, so the evaluation is compiled once, non-generic, here.
///
/// A generic evaluation called from another module ran unspecialised: every group and attribute
/// read went through witness tables and runtime metadata on each decision.
@usableFromInline
struct EvaluatedUser: Sendable {
    @usableFromInline let userName: String
    @usableFromInline let id: String
    @usableFromInline let externalId: String?
    /// Direct memberships, in the user's order.
    @usableFromInline let groups: [(displayName: String, externalId: String?)]

    @inlinable
    init<User: PolicyUser>(_ user: User) {
        userName = user.userName
        id = user.id
        externalId = user.externalId
        groups = user.groups.map { ($0.displayName, $0.externalId) }
    }
}
