import Foundation
import IdentityStore

/// One deprovisioning (a deactivation, a deletion or a removal from groups) and the evidence
/// that it took effect; one element of ``DeprovisioningAudit/events``.
struct DeprovisioningEvent: Encodable, Sendable {
    enum Change: String, Encodable, Sendable {
        case deactivated
        case deleted
        case removedFromGroups = "removed_from_groups"
    }

    /// When the SCIM change was committed.
    var time: Date
    var change: Change
    var userId: String
    var userName: String
    /// The SCIM token's name (as it was then), or the local author.
    var author: String
    var authorTokenId: String?
    /// For `removed_from_groups`: the groups' displayNames.
    var groupsRemoved: [String]
    /// Live sessions the callout cut for this change (nil: no revocation recorded).
    var sessionsCut: Int?
    var sessionsCutAt: Date?
    /// Seconds from the change to the revocation.
    var sessionsCutAfterSeconds: Double?
    /// The last allowed connect before the change (nil: none in the decision log).
    var lastAllowBefore: AuditConnect?
    /// Allowed connects after the change that it should have prevented: must be empty.
    var allowsAfter: [AuditConnect]
    /// True when `allowsAfter` is not empty: the deprovisioning did not take effect.
    var flagged: Bool
}
