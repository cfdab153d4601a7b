import Foundation

/// A validated policy: which SCIM groups reach which NATS account, with which permissions.
///
/// Built only by ``PolicyParser`` (which validates everything), so every value held here is
/// well formed: subjects are valid NATS subjects or templates, CIDRs parse, windows are real times.
public struct Policy: Sendable, Equatable {
    /// How to resolve a user whose applicable bindings name different target accounts.
    public enum AccountConflictRule: String, Sendable, Equatable, CaseIterable {
        /// Deny the connect (the default: a user never lands in an account by accident).
        case deny
        /// The first applicable binding in file order picks the account; bindings for other
        /// accounts contribute nothing.
        case first
    }

    /// The account used by bindings that name none.
    public var defaultAccount: String
    /// The user JWT lifetime used by bindings that set none.
    public var defaultJWTLifetime: Duration
    /// The binding applied to users in no bound group; nil denies them.
    public var defaultBinding: GroupBinding?
    /// What to do when applicable bindings disagree on the account.
    public var accountConflict: AccountConflictRule
    /// The time zone of every binding's time windows.
    public var timeZone: TimeZone
    /// The time zone's name as configured (`UTC`, `Europe/Berlin`): the JWT `times_location`.
    public var timeZoneName: String
    /// Bindings in file order.
    public var bindings: [GroupBinding]

    /// The shortest and longest user JWT lifetime a policy may configure.
    public static let lifetimeBounds: ClosedRange<Duration> = .seconds(5) ... .seconds(86_400)
    /// The lifetime when the policy names none (one hour).
    public static let standardLifetime: Duration = .seconds(3600)

    public init(
        defaultAccount: String,
        defaultJWTLifetime: Duration = Policy.standardLifetime,
        defaultBinding: GroupBinding? = nil,
        accountConflict: AccountConflictRule = .deny,
        timeZone: TimeZone = TimeZone(identifier: "UTC") ?? .current,
        timeZoneName: String = "UTC",
        bindings: [GroupBinding]
    ) {
        self.timeZoneName = timeZoneName
        self.defaultAccount = defaultAccount
        self.defaultJWTLifetime = defaultJWTLifetime
        self.defaultBinding = defaultBinding
        self.accountConflict = accountConflict
        self.timeZone = timeZone
        self.bindings = bindings
    }
}

/// One rule of the policy: members of a group get permissions in an account, under conditions.
public struct GroupBinding: Sendable, Equatable {
    /// How a binding recognises its SCIM group.
    public enum GroupMatch: Sendable, Equatable {
        /// The group's `displayName`, compared exactly.
        case displayName(String)
        /// The group's `externalId` (the IdP's id), compared exactly.
        case externalId(String)
        /// The default binding: matches users in no bound group.
        case noGroup
    }

    /// A label shown in `explain` and the decision log (defaults to the group name).
    public var name: String
    public var match: GroupMatch
    /// The target account; nil means the policy's default account.
    public var account: String?
    public var publish: SubjectRules
    public var subscribe: SubjectRules
    /// Permission to publish replies to received requests (`resp`).
    public var responses: ResponseGrant?
    /// Connection types this binding applies to; nil means all.
    public var connectionTypes: Set<ConnectionType>?
    /// When this binding applies (policy time zone); nil means always.
    public var timeWindows: [TimeWindow]?
    /// Client source networks this binding applies to; nil means any.
    public var sourceNetworks: [CIDRRange]?
    /// User JWT lifetime for users who get this binding; nil means the policy default.
    public var jwtLifetime: Duration?
    /// The 1-based line of the binding in the policy file (for explain output).
    public var line: Int

    public init(
        name: String,
        match: GroupMatch,
        account: String? = nil,
        publish: SubjectRules = SubjectRules(),
        subscribe: SubjectRules = SubjectRules(),
        responses: ResponseGrant? = nil,
        connectionTypes: Set<ConnectionType>? = nil,
        timeWindows: [TimeWindow]? = nil,
        sourceNetworks: [CIDRRange]? = nil,
        jwtLifetime: Duration? = nil,
        line: Int = 0
    ) {
        self.name = name
        self.match = match
        self.account = account
        self.publish = publish
        self.subscribe = subscribe
        self.responses = responses
        self.connectionTypes = connectionTypes
        self.timeWindows = timeWindows
        self.sourceNetworks = sourceNetworks
        self.jwtLifetime = jwtLifetime
        self.line = line
    }
}

/// Allow and deny subject templates for one direction (publish or subscribe).
public struct SubjectRules: Sendable, Equatable {
    public var allow: [SubjectTemplate]
    public var deny: [SubjectTemplate]

    public init(allow: [SubjectTemplate] = [], deny: [SubjectTemplate] = []) {
        self.allow = allow
        self.deny = deny
    }
}

/// The `resp` permission: how many replies, for how long, a user may publish per request.
public struct ResponseGrant: Sendable, Equatable {
    public var maxMessages: Int
    public var expires: Duration

    public init(maxMessages: Int, expires: Duration) {
        self.maxMessages = maxMessages
        self.expires = expires
    }
}

/// NATS connection types, spelled as nats-server expects them in a user JWT.
public enum ConnectionType: String, Sendable, Hashable, CaseIterable, Comparable {
    case standard = "STANDARD"
    case websocket = "WEBSOCKET"
    case mqtt = "MQTT"
    case mqttWebsocket = "MQTT_WS"
    case leafnode = "LEAFNODE"
    case leafnodeWebsocket = "LEAFNODE_WS"
    case inProcess = "IN_PROCESS"

    public static func < (lhs: ConnectionType, rhs: ConnectionType) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The connection types a request's `client_info` `kind`/`type` may stand for.
    ///
    /// The request does not tell websocket leafnodes or MQTT over websocket apart, so both
    /// variants are candidates; an unknown kind yields no candidate (bindings that restrict
    /// connection types then do not apply: fail closed).
    public static func candidates(kind: String?, type: String?) -> Set<ConnectionType> {
        switch (kind?.lowercased(), type?.lowercased()) {
        case ("client", "nats"), ("client", nil), (nil, "nats"): return [.standard]
        case ("client", "websocket"), (nil, "websocket"): return [.websocket]
        case ("client", "mqtt"), (nil, "mqtt"): return [.mqtt, .mqttWebsocket]
        case ("leafnode", _): return [.leafnode, .leafnodeWebsocket]
        default: return []
        }
    }
}
