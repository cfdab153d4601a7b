import Policy

// The store's user is what the policy evaluates: a decision hands it over as it was read.
extension Identity: PolicyUser {}

extension GroupRef: PolicyGroup {}
