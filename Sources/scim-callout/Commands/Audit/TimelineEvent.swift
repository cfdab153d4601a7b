import Foundation
import IdentityStore

/// One moment of an identity's timeline: a change, a connect decision or a revocation.
struct TimelineEvent: Encodable, Sendable {
    enum Source: String, Encodable, Sendable {
        /// An identity history entry (a SCIM change or a baseline).
        case change
        /// A connect decision (allow or deny) from the decision log.
        case decision
        /// Sessions cut by the callout (history `sessions_cut`, or a decision-log `revoke`).
        case revocation
    }

    /// A decision as the timeline shows it.
    struct Decision: Encodable, Sendable {
        var id: String
        var result: String
        var reason: String
        var authMethod: String
        var account: String?
        var clientHost: String?
        var grantedBy: [String]
        var sessionsCut: Int?
    }

    var time: Date
    var source: Source
    /// The history kind (`create`, `update`, …, `sessions_cut`) or the decision result.
    var kind: String
    var userId: String?
    var userName: String?
    /// Who made a change: the SCIM token's name then, or the local author.
    var author: String?
    /// What a change changed (history's `changes` object).
    var changes: HistoryChanges?
    var decision: Decision?
    /// A one-line summary for people.
    var summary: String
}
