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
