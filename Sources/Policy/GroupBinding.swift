import Foundation

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
