import Foundation
import GRDB

/// A stored decision with its table sequence number.
public struct StoredDecision: Sendable, Equatable {
    public var sequence: Int64
    public var record: DecisionRecord

    init(row: Row) {
        sequence = row["seq"]
        let grantedBy = (row["granted_by"] as String?).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
        record = DecisionRecord(
            id: row["id"],
            time: Date(timeIntervalSince1970: row["time"]),
            result: DecisionRecord.Result(rawValue: row["result"]) ?? .deny,
            reason: DecisionReason(rawValue: row["reason"]) ?? .internalError,
            userName: row["user_name"], userID: row["user_id"], grantedBy: grantedBy, account: row["account"],
            authMethod: DecisionRecord.AuthMethod(rawValue: row["auth_method"]) ?? .none,
            clientHost: row["client_host"], clientID: (row["client_id"] as Int64?).map { UInt64(bitPattern: $0) },
            clientName: row["client_name"], clientLang: row["client_lang"], clientVersion: row["client_version"],
            serverID: row["server_id"], serverName: row["server_name"], latencyMicroseconds: row["latency_us"],
            queueMicroseconds: row["queue_us"],
            jwtID: row["jwt_id"], jwtExpires: (row["jwt_expires"] as Double?).map { Date(timeIntervalSince1970: $0) },
            sessionsCut: row["sessions_cut"], detail: row["detail"])
        record.tokenIssuer = row["token_issuer"]
        record.tokenSubject = row["token_subject"]
        record.tokenKeyID = row["token_kid"]
    }
}
