import SCIM

/// The longest credential a user may be given: one a NATS CONNECT can still carry.
///
/// A client logs in with its `userName` and password (CONNECT `user`/`pass`) or an nkey, all in
/// the one CONNECT line, which nats-server reads up to `MAX_CONTROL_LINE_SIZE` (4096 bytes)
/// together with the client's other options. A user whose credential cannot fit could never
/// connect, so the value is refused when provisioned instead of failing every connect later.
/// The bound leaves room for a user name and a password of this size plus the options.
enum ConnectCredentialLimit {
    /// The most UTF-8 bytes a `userName`, a password or an nkey may hold.
    static let maxBytes = 1024

    /// Refuses a credential longer than ``maxBytes``.
    /// - Parameter attribute: the attribute's name for the detail; the value is never quoted.
    /// - Throws: 400 `invalidValue`.
    static func check(_ value: String, attribute: String) throws(SCIMError) {
        guard value.utf8.count <= maxBytes else {
            throw .invalidValue(
                "\(attribute) is longer than \(maxBytes) bytes (UTF-8), more than a NATS CONNECT can carry")
        }
    }
}
