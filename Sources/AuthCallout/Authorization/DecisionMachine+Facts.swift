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
        /// A token login's issuer, `sub` and `kid` (bounded: unverified ones come from the client).
        var tokenIssuer: String?
        var tokenSubject: String?
        var tokenKeyID: String?

        init(id: String, started: Date, queueMicroseconds: Int64?) {
            self.id = id
            self.started = started
            self.queueMicroseconds = queueMicroseconds
        }

        /// Notes what a token said about itself (each value cut to 256 characters).
        mutating func noteToken(issuer: String?, subject: String?, keyID: String?) {
            func bounded(_ value: String?) -> String? { value.map { String($0.prefix(256)) } }
            tokenIssuer = bounded(issuer) ?? tokenIssuer
            tokenSubject = bounded(subject) ?? tokenSubject
            tokenKeyID = bounded(keyID) ?? tokenKeyID
        }

        /// Takes the client and server facts of a verified request (never of an unverified one).
        mutating func fill(from request: NATSAuthorizationRequest) {
            // The claimed name, so that refusals before any lookup (a replay, a bad request)
            // still show whom they claimed to be; the user id stays unset.
            userName = request.connectOptions.username
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
