extension DecisionMachine {
    /// The answer chosen, while its reply is made; the record is built from it once sent.
    enum Conclusion: Sendable {
        case allowed(AuthorizationDecision.Grant)
        case denied(AuthorizationDecision.Denial)
        /// The grant could not be signed: an `internal_error` denial that still names what was
        /// granted (account, bindings), so the log shows what failed.
        case signingFailed(AuthorizationDecision.Grant, detail: String)
    }
}
