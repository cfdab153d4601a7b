import IdentityStore
import Policy

extension DecisionReason {
    /// The decision log's code for a policy denial (the policy keeps its own enum so it needs
    /// nothing of the log; a switch, not a raw-value lookup, because it runs per denied connect).
    init(_ reason: PolicyDenial.Reason) {
        switch reason {
        case .noBinding: self = .noBinding
        case .accountConflict: self = .accountConflict
        case .sourceNotAllowed: self = .sourceNotAllowed
        case .outsideTimeWindow: self = .outsideTimeWindow
        case .connectionTypeNotAllowed: self = .connectionTypeNotAllowed
        case .policyTemplate: self = .policyTemplate
        }
    }
}
