import CSodium
import Foundation
import Synchronization

/// One decision: what the decision log writes as a JSON line and keeps in the `decisions` table.
///
/// It never holds a secret: no password, token, seed, signature or issued JWT, only ids.
public struct DecisionRecord: Sendable, Codable, Equatable {
    public enum Result: String, Sendable, Codable, CaseIterable {
        case allow
        case deny
        /// Not a connect decision: a revocation that cut live sessions.
        case revoke
    }

    /// How the client tried to authenticate.
    public enum AuthMethod: String, Sendable, Codable, CaseIterable {
        case password
        case token
        case nkey
        /// An IdP-issued JWT (OIDC ID token or OAuth access token) verified against the issuer's keys.
        case oidc
        case none
    }

    /// Random id, also sent in the server-side error string so a server log line can be matched.
    public var id: String
    public var time: Date
    public var result: Result
    public var reason: DecisionReason
    /// The name the client claimed (connect `user`, or the user found by token or key).
    public var userName: String?
    /// The SCIM id of the user, when one was found.
    public var userID: String?
    /// Bindings (groups) that granted permissions.
    public var grantedBy: [String]
    public var account: String?
    public var authMethod: AuthMethod
    public var clientHost: String?
    public var clientID: UInt64?
    public var clientName: String?
    public var clientLang: String?
    public var clientVersion: String?
    public var serverID: String?
    public var serverName: String?
    /// Time from receiving the request to having the reply ready, in microseconds.
    public var latencyMicroseconds: Int64
    /// The part of `latencyMicroseconds` the request waited after it was received, before its
    /// decision started (behind requests read with it, or for a thread): tells a slow decision
    /// from a queued one. Nil where nothing was queued (revocations) or not measured.
    public var queueMicroseconds: Int64?
    /// `jti` of the issued user JWT.
    public var jwtID: String?
    public var jwtExpires: Date?
    /// For `revoke` records: how many live connections were disconnected.
    public var sessionsCut: Int?
    /// A short human explanation (never a secret, never the raw credential).
    public var detail: String?
    /// For `oidc` logins: the token's issuer (a configured one), `sub` and `kid`; never the token.
    public var tokenIssuer: String?
    public var tokenSubject: String?
    public var tokenKeyID: String?

    public init(
        id: String = DecisionRecord.makeID(),
        time: Date,
        result: Result,
        reason: DecisionReason,
        userName: String? = nil,
        userID: String? = nil,
        grantedBy: [String] = [],
        account: String? = nil,
        authMethod: AuthMethod = .none,
        clientHost: String? = nil,
        clientID: UInt64? = nil,
        clientName: String? = nil,
        clientLang: String? = nil,
        clientVersion: String? = nil,
        serverID: String? = nil,
        serverName: String? = nil,
        latencyMicroseconds: Int64 = 0,
        queueMicroseconds: Int64? = nil,
        jwtID: String? = nil,
        jwtExpires: Date? = nil,
        sessionsCut: Int? = nil,
        detail: String? = nil
    ) {
        self.id = id
        self.time = time
        self.result = result
        self.reason = reason
        self.userName = userName
        self.userID = userID
        self.grantedBy = grantedBy
        self.account = account
        self.authMethod = authMethod
        self.clientHost = clientHost
        self.clientID = clientID
        self.clientName = clientName
        self.clientLang = clientLang
        self.clientVersion = clientVersion
        self.serverID = serverID
        self.serverName = serverName
        self.latencyMicroseconds = latencyMicroseconds
        self.queueMicroseconds = queueMicroseconds
        self.jwtID = jwtID
        self.jwtExpires = jwtExpires
        self.sessionsCut = sessionsCut
        self.detail = detail
    }

    /// A random 16-character id (base32-like, lowercase): 80 bits from libsodium's CSPRNG.
    public static func makeID() -> String {
        let random = randomPool.withLock { $0.next() }
        return String(unsafeUninitializedCapacity: 16) { buffer in
            var bits = random.low
            for index in 0 ..< 12 {
                buffer[index] = idAlphabet[Int(bits & 31)]
                bits >>= 5
            }
            // 60 bits used: the first draw's top 4 and the second's low 16 make the last 20.
            var rest = bits | (random.high & 0xFFFF) << 4
            for index in 12 ..< 16 {
                buffer[index] = idAlphabet[Int(rest & 31)]
                rest >>= 5
            }
            return 16
        }
    }

    /// Every decision takes an id; drawing them in bulk saves a `getrandom` system call each.
    private static let randomPool = Mutex(IDRandomPool())
    private static let idAlphabet: [UInt8] = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)
}
