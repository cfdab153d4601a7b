import Foundation
import IdentityStore
import NATSJWT
import NKeys
import Policy

/// The shell around ``DecisionMachine``: request bytes in, reply bytes out.
///
/// Steps (as in callout.go): open the xkey box, decode and verify the request JWT (signed by a
/// server key `N…`, `aud` `nats-authorization-request`, not expired), then feed the machine and
/// run the actions it returns: look the user up, check a password (through the credential
/// cache), sign the answer (the user JWT inside the response JWT) and seal it to the server's
/// key. Anything that fails is a denial, or no reply at all when the request cannot be trusted
/// enough to address one.
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
        /// The longest a request may be valid (`exp` − `iat`); see ``DecisionMachine/Rules``.
        public var maxRequestLifetime: Duration
        /// The nats-server keys whose requests are decided; empty: any server key.
        public var serverKeys: Set<String>
        /// The accounts users may be placed in; empty: any the policy grants (see ``DecisionMachine/Rules``).
        public var allowedAccounts: Set<String>

        public init(requireEncryption: Bool = false, decisionBudget: Duration = .milliseconds(1500), leeway: Duration = .seconds(2),
                    maxRequestLifetime: Duration = .seconds(60), serverKeys: Set<String> = [], allowedAccounts: Set<String> = []) {
            self.requireEncryption = requireEncryption
            self.decisionBudget = decisionBudget
            self.leeway = leeway
            self.maxRequestLifetime = maxRequestLifetime
            self.serverKeys = serverKeys
            self.allowedAccounts = allowedAccounts
        }
    }

    public let keys: CalloutKeys
    public let configuration: Configuration
    private let authorizer: Authorizer
    private let rules: DecisionMachine.Rules
    private let now: @Sendable () -> Date
    private let boxes: XKeyBoxCache?
    private let replays: RequestReplayGuard?

    /// A handler whose decisions come from `authorizer`: ``start(payload:serverXKey:receivedAt:arrival:)``
    /// answers every request that needs no argon2id check without waiting.
    /// - Parameters:
    ///   - now: the wall clock (JWT `iat`/`exp`, deadlines); inject a fixed clock in tests.
    ///   - replays: the requests already decided, shared by every handler of the service (nil:
    ///     replays are not detected; tests that decide one request many times).
    public init(keys: CalloutKeys, configuration: Configuration = Configuration(),
                now: @escaping @Sendable () -> Date = { Date() }, authorizer: Authorizer,
                replays: RequestReplayGuard? = RequestReplayGuard()) {
        self.keys = keys
        self.configuration = configuration
        self.authorizer = authorizer
        self.rules = authorizer.rules(calloutPublicKey: keys.calloutPublicKey, handler: configuration)
        self.now = now
        self.boxes = keys.xkey.map { XKeyBoxCache(ours: $0) }
        self.replays = replays
    }

    /// The result of handling one request.
    public struct Outcome: Sendable {
        /// The reply payload, or nil to send nothing (the server then times the connect out).
        public var reply: [UInt8]?
        public var record: DecisionRecord
        /// Set for allowed connects: what live-session revocation needs to find and kick it.
        public var session: AllowedSession?
        /// How the decision's argon2id check went, for the ``PasswordThrottle`` (nil: none ran).
        public var checked: PasswordThrottle.Outcome?
    }

    /// How far ``start(payload:serverXKey:receivedAt:arrival:)`` got without waiting.
    public enum Progress: Sendable {
        /// Answered: send the reply and record the decision.
        case answered(Outcome)
        /// The decision waits for an argon2id check (or for a token issuer's keys to be
        /// fetched again); ``resume(_:)`` runs it and answers.
        case awaitingPasswordCheck(WaitingDecision)
    }

    /// A decision waiting for its argon2id check or key refetch: the machine and what its reply needs.
    public struct WaitingDecision: Sendable, CustomReflectable {
        fileprivate var machine: DecisionMachine
        fileprivate let wait: Wait
        fileprivate let request: AuthorizationRequestClaims
        fileprivate let box: XKeyBox?

        /// Whom the check counts against, for the ``PasswordThrottle`` (nil: a key refetch, not
        /// an argon2id check).
        public var throttleKey: PasswordThrottle.Key? {
            if case let .password(check) = wait { check.throttleKey } else { nil }
        }

        /// The machine only: the request holds the password, the wait the password or token.
        public var customMirror: Mirror { Mirror(self, children: ["machine": machine, "wait": wait.kind], displayStyle: .struct) }
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
        case let .awaitingPasswordCheck(waiting): await resume(waiting)
        }
    }

    /// Handles one request as far as it can without waiting: everything but an argon2id check.
    /// Parameters as for ``handle(payload:serverXKey:receivedAt:arrival:)``.
    /// - Parameter refusal: when set, a verified request is denied with this reason and detail
    ///   without being decided (the shell knows it must not decide now).
    public func start(payload: [UInt8], serverXKey: String?, receivedAt: Date? = nil, arrival: DispatchTime? = nil,
                      refusal: (reason: DecisionReason, detail: String)? = nil) -> Progress {
        var machine = DecisionMachine(rules: rules, receivedAt: receivedAt, now: now())

        // Open. Bytes end to end: the token is verified as it arrived, never copied into a String.
        let token: [UInt8]
        var box: XKeyBox?
        if let serverXKey, !serverXKey.isEmpty {
            guard let boxes else {
                let action = machine.requestRejected("encrypted request but no xkey is configured", unverified: nil)
                return run(action, &machine, request: nil, box: nil, arrival: arrival)
            }
            do {
                let opened = try boxes.box(for: serverXKey)
                token = try opened.open(payload)
                box = opened
            } catch {
                let action = machine.requestRejected("cannot open the xkey box: \(error.code)", unverified: nil)
                return run(action, &machine, request: nil, box: nil, arrival: arrival)
            }
        } else {
            token = payload
        }

        // Decode and verify.
        let request: AuthorizationRequestClaims
        do {
            request = try JWT.verify(utf8: token, as: NATSAuthorizationRequest.self, now: now(),
                                     expectedAudience: "nats-authorization-request", allowedIssuerTypes: [.server],
                                     leeway: configuration.leeway)
        } catch {
            // Unverified claims may still say where a denial should go; a denial is always safe to send.
            let unverified = try? JWT.decode(utf8: token, as: NATSAuthorizationRequest.self)
            let action = machine.requestRejected("request JWT rejected: \(error.code)", unverified: unverified)
            return run(action, &machine, request: unverified, box: box, arrival: arrival)
        }
        if let replays, let expires = request.expires,
           !replays.admit(Self.replayID(of: request), expires: expires, now: Int64(now().timeIntervalSince1970)) {
            return run(machine.requestReplayed(request), &machine, request: request, box: box, arrival: arrival)
        }
        if let refusal {
            let action = machine.requestRefused(request, reason: refusal.reason, detail: refusal.detail)
            return run(action, &machine, request: request, box: box, arrival: arrival)
        }
        let action = machine.requestVerified(request, encrypted: box != nil, now: now(), arrival: arrival)
        return run(action, &machine, request: request, box: box, arrival: arrival)
    }

    /// What identifies a request for replay detection: the server, its client connection id and
    /// the user nkey it generated for this connect (fresh for every connect). Not the `jti`:
    /// nats-io/jwt hashes only the standard claims, so requests a server issues in the same
    /// second share one.
    static func replayID(of request: AuthorizationRequestClaims) -> String {
        let nats = request.nats
        return "\(nats.serverID.id)|\(nats.clientInfo.id.map(String.init) ?? "-")|\(nats.userNKey)"
    }

    /// Runs the argon2id check `waiting` waits for and answers.
    public func resume(_ waiting: WaitingDecision) async -> Outcome {
        var waiting = waiting
        while true {
            let action: DecisionMachine.Action
            var checked: PasswordThrottle.Outcome?
            switch waiting.wait {
            case let .password(check):
                let outcome = await authorizer.checkPassword(check)
                checked = check.throttleOutcome(outcome)
                action = waiting.machine.passwordChecked(outcome, policy: authorizer.policy.current, now: now())
            case let .keys(issuer, token):
                let verification = await authorizer.verifyTokenAfterRefetch(token, issuer: issuer)
                action = waiting.machine.tokenChecked(verification, now: now())
            }
            switch run(action, &waiting.machine, request: waiting.request, box: waiting.box, arrival: nil) {
            case var .answered(outcome):
                outcome.checked = checked
                return outcome
            case let .awaitingPasswordCheck(next): waiting = next
            }
        }
    }

    /// Answers a decision waiting for its check without running it, with `reason`: the service
    /// sheds it (`overloaded`, no place to wait) or is shutting down and will not run it.
    public func abandon(_ waiting: WaitingDecision, reason: DecisionReason, detail: String) -> Outcome {
        var machine = waiting.machine
        let action = machine.abandoned(reason, detail: detail)
        guard case let .answered(outcome) = run(action, &machine, request: waiting.request, box: waiting.box, arrival: nil) else {
            preconditionFailure("an abandoned decision is answered at once")
        }
        return outcome
    }

    /// Answers a decision waiting for its check without running it: the ``PasswordThrottle``
    /// refused the check (`throttled`).
    public func throttle(_ waiting: WaitingDecision, scope: PasswordThrottle.Scope, retryAfter: Duration?) -> Outcome {
        var machine = waiting.machine
        let action = machine.passwordCheckThrottled(scope, retryAfter: retryAfter)
        guard case let .answered(outcome) = run(action, &machine, request: waiting.request, box: waiting.box, arrival: nil) else {
            preconditionFailure("a throttled decision is answered at once")
        }
        return outcome
    }

    /// Runs the machine's actions until it is answered or has to wait for an argon2id check.
    private func run(_ action: DecisionMachine.Action, _ machine: inout DecisionMachine, request: AuthorizationRequestClaims?,
                     box: XKeyBox?, arrival: DispatchTime?) -> Progress {
        var action = action
        var reply: [UInt8]?
        while true {
            switch action {
            case let .lookUp(key):
                action = authorizer.lookUp(key, asOf: arrival, for: &machine, now: now)
            case let .checkPassword(check):
                // A password verified before for this user at this version needs no argon2id run.
                if authorizer.isRemembered(check) {
                    action = machine.passwordChecked(.match, policy: authorizer.policy.current, now: now())
                } else if let request {
                    return .awaitingPasswordCheck(WaitingDecision(machine: machine, wait: .password(check), request: request, box: box))
                } else {
                    preconditionFailure("only a verified request waits for a password check")
                }
            case let .verifyToken(token):
                action = machine.tokenChecked(authorizer.verifyToken(token), now: now())
            case let .refetchKeys(issuer, token):
                guard let request else { preconditionFailure("only a verified request waits for keys") }
                return .awaitingPasswordCheck(WaitingDecision(machine: machine, wait: .keys(issuer: issuer, token: token),
                                                              request: request, box: box))
            case let .reply(decision):
                guard let request else { preconditionFailure("a reply is only asked for an addressable request") }
                (reply, action) = answer(decision, to: request, box: box, machine: &machine)
            case .sendNothing:
                action = machine.replied(userJWT: nil, now: now())
            case let .record(record, session):
                return .answered(Outcome(reply: reply, record: record, session: session))
            }
        }
    }

    /// Signs (and seals) `decision` as the reply to `request`, and tells the machine.
    private func answer(_ decision: AuthorizationDecision, to request: AuthorizationRequestClaims, box: XKeyBox?,
                        machine: inout DecisionMachine) -> ([UInt8]?, DecisionMachine.Action) {
        switch decision {
        case let .deny(denial):
            let message = "scim-callout: \(denial.reason.serverReason) (decision \(machine.id))"
            let reply = try? response(request: request, jwt: nil, error: message, box: box)
            return (reply, machine.replied(userJWT: nil, now: now()))
        case let .allow(grant):
            let account = grant.permissions.account
            guard let signer = keys.userSigner(for: account) else {
                return (nil, machine.signingFailed("no signing key for account '\(account)'", now: now()))
            }
            let issuedAt = now()
            let expires = Int64((issuedAt.timeIntervalSince1970 + grant.lifetime.timeInterval).rounded(.down))
            let claims = UserClaims(subject: request.nats.userNKey, name: grant.userName, audience: signer.audience,
                                    expires: expires, nats: NATSUser(permissions: grant.permissions, issuerAccount: signer.issuerAccount))
            do {
                // `signed` hands back the `jti` it computed, so the claims are not hashed a second time.
                let userJWT = try JWT.signed(claims, by: signer.key, issuedAt: issuedAt)
                let reply = try response(request: request, jwt: userJWT.text, error: nil, box: box)
                let signed = SignedUserJWT(id: userJWT.id, expires: Date(timeIntervalSince1970: TimeInterval(expires)))
                return (reply, machine.replied(userJWT: signed, now: now()))
            } catch {
                return (nil, machine.signingFailed("signing failed: \(type(of: error))", now: now()))
            }
        }
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
