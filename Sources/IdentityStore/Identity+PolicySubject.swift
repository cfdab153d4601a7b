import Policy

extension Identity {
    /// The user as `policy explain` and the access report hand it to the policy: one conversion,
    /// so the two cannot disagree about a user's attributes or groups.
    public var policySubject: PolicySubject {
        PolicySubject(userName: userName, id: id, externalId: externalId,
                      groups: groups.map { .init(displayName: $0.displayName, externalId: $0.externalId, id: $0.id) })
    }
}

extension HistoricalUser {
    /// The user as it was, for the policy. History keeps no `externalId`s: a policy that uses
    /// them is refused for past dates (``Policy/usesExternalIds``).
    public var policySubject: PolicySubject {
        PolicySubject(userName: userName, id: id, groups: groups.map { .init(displayName: $0) })
    }
}
