
/// What an allowed user gets: the union of the applicable bindings, deny winning.
public struct EffectivePermissions: Sendable, Equatable {
    /// The target account (config mode: the account name, the user JWT `aud`).
    public var account: String
    /// Publish permissions. An empty union of allows becomes `deny: [">"]`: nats-server reads an
    /// empty allow list as "everything", so nothing granted must be spelled out as nothing.
    public var publish: SubjectPermission
    public var subscribe: SubjectPermission
    public var responses: ResponseGrant?
    /// nil when every applicable binding allows every connection type.
    public var connectionTypes: [ConnectionType]?
    /// Connect windows for the JWT `times` (nil when some applicable binding has no window).
    public var timeWindows: [TimeWindow]?
    /// The policy's time zone identifier (JWT `times_location`).
    public var timeZone: String
    /// User JWT lifetime: the shortest of the applicable bindings, cut at the end of the current
    /// time window of every windowed binding (so the server disconnects when the window closes).
    public var lifetime: Duration
    /// Names of the bindings that granted something, in policy order.
    public var grantedBy: [String]
}
