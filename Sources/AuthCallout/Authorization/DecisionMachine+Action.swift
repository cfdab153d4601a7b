import IdentityStore

extension DecisionMachine {
    /// What the shell does next for a decision; each event returns exactly one.
    public enum Action: Sendable {
        /// Read the user `key` names (as of the request's arrival), then
        /// ``DecisionMachine/identityLoaded(_:policy:now:)`` or ``DecisionMachine/lookupFailed(_:now:)``.
        case lookUp(CredentialKey)
        /// Run this argon2id check (the credential cache may already know the answer), then
        /// ``DecisionMachine/passwordChecked(_:policy:now:)``.
        case checkPassword(PasswordCheck)
        /// Check this IdP token against the issuers' keys known now, then
        /// ``DecisionMachine/tokenChecked(_:now:)``.
        case verifyToken(String)
        /// The token names a `kid` its issuer's known keys lack: fetch them again (rate-limited),
        /// check the token once more, then ``DecisionMachine/tokenChecked(_:now:)``.
        case refetchKeys(issuer: String, token: String)
        /// Sign this answer to the request (an allow: the user JWT inside the response) and seal
        /// it, then ``DecisionMachine/replied(userJWT:now:)`` (or, when an allow cannot be
        /// signed, ``DecisionMachine/signingFailed(_:now:)``).
        case reply(AuthorizationDecision)
        /// The request cannot be trusted enough to address a reply: send none (the server times
        /// the connect out), then ``DecisionMachine/replied(userJWT:now:)``.
        case sendNothing
        /// Record this decision; for an allow, remember the session for live revocation.
        case record(DecisionRecord, AllowedSession?)
    }
}
