import Foundation
import IdentityStore

/// An allowed connect as the audit reports show it (from the decision log).
struct AuditConnect: Encodable, Equatable, Sendable {
    var time: Date
    var decisionId: String
    var userName: String?
    var account: String?
    var clientHost: String?
    var grantedBy: [String]

    init(_ record: DecisionRecord) {
        time = record.time
        decisionId = record.id
        userName = record.userName
        account = record.account
        clientHost = record.clientHost
        grantedBy = record.grantedBy
    }
}
