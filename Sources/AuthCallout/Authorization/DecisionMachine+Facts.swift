import IdentityStore
import Foundation
import NATSJWT

extension DecisionMachine {
    /// What the record says about a decision whatever its outcome, gathered as the request is
    /// read: its id and timing, the verified request's client and server, the claimed user.
    struct Facts: Sendable {
        let id: String
        /// When the request was received (the budget and the latency count from here).
        let started: Date
        /// Receipt → decision start, when the receipt time is known.
        let queueMicroseconds: Int64?
        var clientHost: String?
        var clientID: UInt64?
        var clientName: String?
        var clientLang: String?
        var clientVersion: String?
        var serverID: String?
        var serverName: String?
        /// The name the client claimed (unverified, as on every denial record).
        var userName: String?
        var authMethod: DecisionRecord.AuthMethod = .none

        init(id: String, started: Date, queueMicroseconds: Int64?) {
            self.id = id
            self.started = started
            self.queueMicroseconds = queueMicroseconds
        }

        /// Takes the client and server facts of a verified request (never of an unverified one).
        mutating func fill(from request: NATSAuthorizationRequest) {
            clientHost = request.clientInfo.host
            clientID = request.clientInfo.id
            clientName = request.clientInfo.name ?? request.connectOptions.name
            clientLang = request.connectOptions.lang
            clientVersion = request.connectOptions.version
            serverID = request.serverID.id
            serverName = request.serverID.name
        }
    }
}
