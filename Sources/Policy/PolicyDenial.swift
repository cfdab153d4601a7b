import Foundation

/// Why the policy denies a connect; `reason` is the decision log code.
public struct PolicyDenial: Error, Sendable, Equatable, CustomStringConvertible {
    /// The policy's share of the decision log's reason codes (same raw values), kept here so the
    /// policy needs nothing of the log or the store.
    public enum Reason: String, Sendable, CaseIterable {
        /// The user is in no bound group and the policy has no default binding.
        case noBinding = "no_binding"
        /// The user's bindings name different accounts and the policy says deny.
        case accountConflict = "account_conflict"
        /// Bindings exist but none applies from the client's source address.
        case sourceNotAllowed = "source_not_allowed"
        /// Bindings exist but none applies at this time of day.
        case outsideTimeWindow = "outside_time_window"
        /// Bindings exist but none applies to this connection type.
        case connectionTypeNotAllowed = "connection_type_not_allowed"
        /// A deny subject could not be expanded (an attribute it uses is missing).
        case policyTemplate = "policy_template"
    }

    public var reason: Reason
    public var detail: String
    public var description: String { "\(reason.rawValue): \(detail)" }
}
