import Foundation
import IdentityStore
import NATSJWT
import NKeys
import Policy

/// The pure core of the callout: request bytes in, reply bytes out.
///
/// Steps (as in callout.go): open the xkey box, decode and verify the request JWT (signed by a
/// server key `N…` that equals `server_id.id`, `aud` `nats-authorization-request`, not expired,
/// `sub` = our issuer), run the decision step under a deadline, mint the user JWT and the
/// response JWT, seal the reply to the server's key. Anything that fails is a denial, or no reply
/// at all when the request cannot be trusted enough to address one.
///
/// ``start(payload:serverXKey:receivedAt:arrival:)`` does all of it without waiting when no argon2id
/// check is needed, so the service answers most requests on the thread that read them.
public struct AuthorizationHandler: Sendable {
    /// Tunables.
    public struct Configuration: Sendable {
        /// Refuse requests that arrive in plaintext (the server was not configured with our xkey).
        public var requireEncryption: Bool
        /// How long a decision may take from receipt before it is a `timeout` denial; keep it well
        /// under the server's auth timeout (2 s by default).
        public var decisionBudget: Duration
        /// Accepted clock skew when checking the request's `exp`.
        public var leeway: Duration

        public init(requireEncryption: Bool = false, decisionBudget: Duration = .milliseconds(1500), leeway: Duration = .seconds(2)) {
            self.requireEncryption = requireEncryption
            self.decisionBudget = decisionBudget
            self.leeway = leeway
        }
    }

    /// A decision step that may wait (tests and tools inject one; the service uses an ``Authorizer``).
    public typealias Decide = @Sendable (ConnectRequest) async -> AuthorizationDecision

    /// Where decisions come from.
    private enum Decider: Sendable {
        /// Decides without waiting unless an argon2id check is needed.
        case authorizer(Authorizer)
        case closure(Decide)
    }

    public let keys: CalloutKeys
    public let configuration: Configuration
    private let decider: Decider
    private let now: @Sendable () -> Date
    private let boxes: XKeyBoxCache?

    /// A handler whose decisions come from `authorizer`: ``start(payload:serverXKey:receivedAt:arrival:)``
    /// answers every request that needs no argon2id check without waiting.
    /// - Parameters:
    ///   - now: the wall clock (JWT `iat`/`exp`, deadlines); inject a fixed clock in tests.
    public init(keys: CalloutKeys, configuration: Configuration = Configuration(),
                now: @escaping @Sendable () -> Date = { Date() }, authorizer: Authorizer) {
        self.init(keys: keys, configuration: configuration, now: now, decider: .authorizer(authorizer))
    }

    /// A handler whose decisions come from `decide` (always through ``resume(_:)``).
    public init(keys: CalloutKeys, configuration: Configuration = Configuration(),
                now: @escaping @Sendable () -> Date = { Date() }, decide: @escaping Decide) {
        self.init(keys: keys, configuration: configuration, now: now, decider: .closure(decide))
    }

    private init(keys: CalloutKeys, configuration: Configuration, now: @escaping @Sendable () -> Date, decider: Decider) {
        self.keys = keys
        self.configuration = configuration
        self.decider = decider
        self.now = now
        self.boxes = keys.xkey.map { XKeyBoxCache(ours: $0) }
    }

    /// The result of handling one request.
    public struct Outcome: Sendable {
        /// The reply payload, or nil to send nothing (the server then times the connect out).
        public var reply: [UInt8]?
        public var record: DecisionRecord
        /// Set for allowed connects: what live-session revocation needs to find and kick it.
        public var session: AllowedSession?
    }

    /// How far ``start(payload:serverXKey:receivedAt:arrival:)`` got without waiting.
    public enum Step: Sendable {
        /// Answered: send the reply and record the decision.
        case answered(Outcome)
        /// The decision has to wait (an argon2id check); ``resume(_:)`` finishes it.
        case waiting(PendingDecision)
    }

    /// A verified request whose decision has to wait.
    public struct PendingDecision: Sendable {
        fileprivate enum Work: Sendable {
            case passwordCheck(Authorizer, PendingPasswordCheck)
            case closure(Decide)
        }

        fileprivate let request: AuthorizationRequestClaims
        fileprivate let connect: ConnectRequest
        fileprivate let record: DecisionRecord
        fileprivate let started: Date
        fileprivate let deadline: Date
        fileprivate let box: XKeyBox?
        fileprivate let work: Work
    }

    /// Handles one request, waiting for its decision when it has to.
    /// - Parameters:
    ///   - payload: the message payload (a JWT, or an `xkv1` box when `serverXKey` is set).
    ///   - serverXKey: the `Nats-Server-Xkey` header, if present.
    ///   - receivedAt: when the message arrived (queueing time counts against the budget).
    ///   - arrival: the same instant on the monotonic clock, when known: the store answers as of
    ///     then (see ``ConnectRequest/arrival``).
    public func handle(payload: [UInt8], serverXKey: String?, receivedAt: Date? = nil, arrival: DispatchTime? = nil) async -> Outcome {
        switch start(payload: payload, serverXKey: serverXKey, receivedAt: receivedAt, arrival: arrival) {
        case let .answered(outcome): outcome
        case let .waiting(pending): await resume(pending)
        }
    }

    /// Handles one request as far as it can without waiting: everything but an argon2id check.
    /// Parameters as for ``handle(payload:serverXKey:receivedAt:arrival:)``.
    public func start(payload: [UInt8], serverXKey: String?, receivedAt: Date? = nil, arrival: DispatchTime? = nil) -> Step {
        let begun = now()
        let started = receivedAt ?? begun
        var record = DecisionRecord(time: started, result: .deny, reason: .badRequest)
        if receivedAt != nil {
            record.queueMicroseconds = max(0, Int64((begun.timeIntervalSince(started) * 1_000_000).rounded()))
        }

        // 1. Open.
        // Bytes end to end: the token is verified as it arrived, never copied into a String.
        let token: [UInt8]
        var replyBox: XKeyBox?
        if let serverXKey, !serverXKey.isEmpty {
            guard let boxes else {
                record.detail = "encrypted request but no xkey is configured"
                return .answered(Outcome(reply: nil, record: finish(record, started)))
            }
            do {
                let box = try boxes.box(for: serverXKey)
                token = try box.open(payload)
                replyBox = box
            } catch {
                record.detail = "cannot open the xkey box: \(error.code)"
                return .answered(Outcome(reply: nil, record: finish(record, started)))
            }
        } else {
            token = payload
        }

        // 2. Decode and verify.
        let request: AuthorizationRequestClaims
        do {
            request = try JWT.verify(utf8: token, as: NATSAuthorizationRequest.self, now: now(),
                                     expectedAudience: "nats-authorization-request", allowedIssuerTypes: [.server],
                                     leeway: configuration.leeway)
        } catch {
            record.detail = "request JWT rejected: \(error.code)"
            // Unverified claims may still say where a denial should go; a denial is always safe to send.
            let unverified = try? JWT.decode(utf8: token, as: NATSAuthorizationRequest.self)
            return .answered(deny(record, started: started, request: unverified, box: replyBox))
        }
        record.fill(from: request.nats)
        guard request.issuer == request.nats.serverID.id else {
            record.detail = "request issuer is not the server id"
            return .answered(deny(record, started: started, request: request, box: replyBox))
        }
        guard request.subject == keys.calloutPublicKey else {
            record.detail = "request is for another issuer"
            return .answered(deny(record, started: started, request: request, box: replyBox))
        }
        guard PublicKey.isValid(request.nats.userNKey, types: [.user]) else {
            record.detail = "user_nkey is not a user public key"
            return .answered(Outcome(reply: nil, record: finish(record, started)))
        }
        if replyBox == nil, configuration.requireEncryption {
            record.reason = .plaintextRefused
            record.detail = "encryption is required but the request was plaintext"
            return .answered(deny(record, started: started, request: request, box: nil))
        }

        // The claimed name and method (unverified, as on every denial record, a shed one too).
        let connect = ConnectRequest(claims: request.nats, now: now(), arrival: arrival)
        record.userName = connect.user
        record.authMethod = connect.authMethod

        // 3. Decide, within the budget (time spent queued counts).
        var deadline = started.addingTimeInterval(configuration.decisionBudget.timeInterval)
        if let expires = request.expires { deadline = min(deadline, Date(timeIntervalSince1970: TimeInterval(expires))) }
        guard now() < deadline else {
            record.reason = .timeout
            record.detail = "request waited past its deadline before a decision started"
            return .answered(deny(record, started: started, request: request, box: replyBox))
        }
        let work: PendingDecision.Work
        switch decider {
        case let .closure(decide):
            work = .closure(decide)
        case let .authorizer(authorizer):
            switch authorizer.begin(connect) {
            case let .decided(decision):
                return .answered(answer(decision, record: record, started: started, deadline: deadline,
                                        request: request, box: replyBox))
            case let .needsPasswordCheck(check):
                work = .passwordCheck(authorizer, check)
            }
        }
        return .waiting(PendingDecision(request: request, connect: connect, record: record, started: started,
                                        deadline: deadline, box: replyBox, work: work))
    }

    /// Finishes a decision that had to wait.
    public func resume(_ pending: PendingDecision) async -> Outcome {
        let decision = switch pending.work {
        case let .passwordCheck(authorizer, check): await authorizer.finish(check)
        case let .closure(decide): await decide(pending.connect)
        }
        return answer(decision, record: pending.record, started: pending.started, deadline: pending.deadline,
                      request: pending.request, box: pending.box)
    }

    /// Answers a decision that has to wait without deciding it, with `reason`: the service sheds
    /// it (`overloaded`, no place to wait) or is shutting down and will not run it.
    public func abandon(_ pending: PendingDecision, reason: DecisionReason, detail: String) -> Outcome {
        var record = pending.record
        record.reason = reason
        record.detail = detail
        return deny(record, started: pending.started, request: pending.request, box: pending.box)
    }

    // 4. Answer.
    private func answer(_ decision: AuthorizationDecision, record: DecisionRecord, started: Date, deadline: Date,
                        request: AuthorizationRequestClaims, box: XKeyBox?) -> Outcome {
        var record = record
        guard now() <= deadline else {
            record.reason = .timeout
            record.detail = "decision finished after the deadline"
            return deny(record, started: started, request: request, box: box)
        }
        switch decision {
        case let .deny(denial):
            record.reason = denial.reason
            record.detail = denial.detail
            record.userName = denial.userName ?? record.userName
            record.userID = denial.userID
            record.authMethod = denial.authMethod
            return deny(record, started: started, request: request, box: box)
        case let .allow(grant):
            return allow(grant, record: record, started: started, request: request, box: box)
        }
    }

    private func allow(_ grant: AuthorizationDecision.Grant, record: DecisionRecord, started: Date,
                       request: AuthorizationRequestClaims, box: XKeyBox?) -> Outcome {
        var record = record
        record.userName = grant.userName
        record.userID = grant.userID
        record.authMethod = grant.authMethod
        record.account = grant.permissions.account
        record.grantedBy = grant.permissions.grantedBy
        guard let signer = keys.userSigner(for: grant.permissions.account) else {
            record.reason = .internalError
            record.detail = "no signing key for account '\(grant.permissions.account)'"
            return deny(record, started: started, request: request, box: box)
        }
        let issuedAt = now()
        let expires = Int64((issuedAt.timeIntervalSince1970 + grant.lifetime.timeInterval).rounded(.down))
        let claims = UserClaims(subject: request.nats.userNKey, name: grant.userName, audience: signer.audience,
                                expires: expires, nats: NATSUser(permissions: grant.permissions, issuerAccount: signer.issuerAccount))
        do {
            // `signed` hands back the `jti` it computed, so the claims are not hashed a second time.
            let userJWT = try JWT.signed(claims, by: signer.key, issuedAt: issuedAt)
            let reply = try response(request: request, jwt: userJWT.text, error: nil, box: box)
            record.result = .allow
            record.reason = .allowed
            record.jwtID = userJWT.id
            record.jwtExpires = Date(timeIntervalSince1970: TimeInterval(expires))
            let session = AllowedSession(serverID: request.nats.serverID.id, clientID: request.nats.clientInfo.id,
                                         userID: grant.userID, userName: grant.userName, account: grant.permissions.account,
                                         expires: Date(timeIntervalSince1970: TimeInterval(expires)),
                                         fingerprint: grant.fingerprint, groupIDs: grant.groupIDs,
                                         accessTokenHash: grant.accessTokenHash)
            return Outcome(reply: reply, record: finish(record, started), session: session)
        } catch {
            record.reason = .internalError
            record.detail = "signing failed: \(type(of: error))"
            return deny(record, started: started, request: request, box: box)
        }
    }

    /// A signed denial, when the request says whom to address it to; otherwise no reply.
    private func deny(_ record: DecisionRecord, started: Date, request: AuthorizationRequestClaims?, box: XKeyBox?) -> Outcome {
        var record = record
        record.result = .deny
        guard let request, PublicKey.isValid(request.nats.userNKey, types: [.user]), !request.nats.serverID.id.isEmpty else {
            return Outcome(reply: nil, record: finish(record, started))
        }
        let message = "scim-callout: \(record.reason.serverReason) (decision \(record.id))"
        let reply = try? response(request: request, jwt: nil, error: message, box: box)
        return Outcome(reply: reply, record: finish(record, started))
    }

    private func response(request: AuthorizationRequestClaims, jwt: String?, error: String?, box: XKeyBox?) throws -> [UInt8] {
        let signer = keys.responseSigner
        let claims = AuthorizationResponseClaims(
            subject: request.nats.userNKey, audience: request.nats.serverID.id,
            nats: NATSAuthorizationResponse(jwt: jwt, error: error, issuerAccount: signer.issuerAccount)
        )
        let token = try JWT.signed(claims, by: signer.key, issuedAt: now()).bytes
        return try box?.seal(token) ?? token
    }

    private func finish(_ record: DecisionRecord, _ started: Date) -> DecisionRecord {
        var record = record
        record.latencyMicroseconds = Int64((now().timeIntervalSince(started) * 1_000_000).rounded())
        return record
    }
}

/// An allowed connection, as live-session revocation needs to find it again.
public struct AllowedSession: Sendable, Equatable {
    public var serverID: String
    public var clientID: UInt64?
    public var userID: String
    public var userName: String
    public var account: String
    public var expires: Date
    /// The identity state the decision was made on.
    public var fingerprint: IdentityFingerprint
    public var groupIDs: Set<String>
    /// Set for token logins (the token's SHA-256 hash, never the token).
    public var accessTokenHash: [UInt8]? = nil
}

extension DecisionRecord {
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

extension ConnectRequest {
    init(claims: NATSAuthorizationRequest, now: Date, arrival: DispatchTime?) {
        let options = claims.connectOptions
        self.init(user: options.username, password: options.password, token: options.authToken, nkey: options.nkey,
                  signature: options.signedNonce, nonce: claims.clientInfo.nonce, host: claims.clientInfo.host,
                  clientID: claims.clientInfo.id, kind: claims.clientInfo.kind, type: claims.clientInfo.type,
                  name: claims.clientInfo.name ?? options.name, lang: options.lang, version: options.version, now: now,
                  arrival: arrival)
    }
}

extension NATSUser {
    /// User claims carrying the effective permissions (limits left unlimited: the server ignores
    /// them on the callout path; put them on the account).
    init(permissions: EffectivePermissions, issuerAccount: String?) {
        self.init(
            pub: Permission(allow: permissions.publish.allow, deny: permissions.publish.deny),
            sub: Permission(allow: permissions.subscribe.allow, deny: permissions.subscribe.deny),
            resp: permissions.responses.map { ResponsePermission(maxMessages: $0.maxMessages, expires: $0.expires) },
            times: permissions.timeWindows?.map { TimeRange(start: $0.startText, end: $0.endText) } ?? [],
            timesLocation: permissions.timeWindows == nil ? nil : permissions.timeZone,
            allowedConnectionTypes: permissions.connectionTypes?.map(\.rawValue) ?? [],
            issuerAccount: issuerAccount
        )
    }
}
