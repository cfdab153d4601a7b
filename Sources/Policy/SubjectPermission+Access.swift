extension SubjectPermission {
    /// Whether this permission lets `subject` (a subject or a wildcard pattern) through, by
    /// nats-server's rules: an empty allow list allows everything, deny wins over allow.
    public func access(to subject: String) -> SubjectAccess {
        let allowedBy = allow.filter { SubjectPattern.covers($0, subject) }
        let deniedBy = deny.filter { SubjectPattern.covers($0, subject) }
        let exceptions = deny.filter { !SubjectPattern.covers($0, subject) && SubjectPattern.intersects($0, subject) }
        let allowed = (allow.isEmpty || !allowedBy.isEmpty) && deniedBy.isEmpty
        return SubjectAccess(allowedBy: allowedBy, deniedBy: deniedBy, exceptions: allowed ? exceptions : [],
                             isAllowed: allowed)
    }
}
