import Foundation
import IdentityStore

/// `decisions`' `--user`, `--result`, `--reason` and `--since` applied to records read from NATS
/// (the local table applies them in SQL).
struct DecisionFilter: Sendable {
    var userName: String?
    var result: DecisionRecord.Result?
    var reason: DecisionReason?
    var since: Date?

    func matches(_ record: DecisionRecord) -> Bool {
        if let userName, record.userName != userName { return false }
        if let result, record.result != result { return false }
        if let reason, record.reason != reason { return false }
        if let since, record.time < since { return false }
        return true
    }
}
