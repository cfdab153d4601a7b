import IdentityStore
import Foundation

extension DecisionRecord {
    /// The record of a finished decision, built once from the machine's final state.
    /// - Parameters:
    ///   - facts: what is known of every decision (id, timing, client, server, claimed user).
    ///   - conclusion: the answer sent.
    ///   - userJWT: for an allow, the user JWT it carried.
    init(_ facts: DecisionMachine.Facts, _ conclusion: DecisionMachine.Conclusion, userJWT: SignedUserJWT?,
         latencyMicroseconds: Int64) {
        var result = Result.deny, reason = DecisionReason.allowed
        var detail: String?
        var userName = facts.userName, userID: String?, authMethod = facts.authMethod
        var account: String?, grantedBy: [String] = []
        var jwtID: String?, jwtExpires: Date?
        switch conclusion {
        case let .allowed(grant):
            result = .allow
            reason = .allowed
            (userName, userID, authMethod) = (grant.userName, grant.userID, grant.authMethod)
            (account, grantedBy) = (grant.permissions.account, grant.permissions.grantedBy)
            (jwtID, jwtExpires) = (userJWT?.id, userJWT?.expires)
        case let .denied(denial):
            (reason, detail) = (denial.reason, denial.detail)
            (userName, userID, authMethod) = (denial.userName ?? facts.userName, denial.userID, denial.authMethod)
        case let .signingFailed(grant, failure):
            (reason, detail) = (.internalError, failure)
            (userName, userID, authMethod) = (grant.userName, grant.userID, grant.authMethod)
            (account, grantedBy) = (grant.permissions.account, grant.permissions.grantedBy)
        }
        self.init(id: facts.id, time: facts.started, result: result, reason: reason, userName: userName, userID: userID,
                  grantedBy: grantedBy, account: account, authMethod: authMethod, clientHost: facts.clientHost,
                  clientID: facts.clientID, clientName: facts.clientName, clientLang: facts.clientLang,
                  clientVersion: facts.clientVersion, serverID: facts.serverID, serverName: facts.serverName,
                  latencyMicroseconds: latencyMicroseconds, queueMicroseconds: facts.queueMicroseconds, jwtID: jwtID,
                  jwtExpires: jwtExpires, detail: detail)
        (tokenIssuer, tokenSubject, tokenKeyID) = (facts.tokenIssuer, facts.tokenSubject, facts.tokenKeyID)
    }
}
