extension Policy {
    /// True when a binding matches a group by `externalId` or a subject template uses the user's
    /// `externalId`: a question about a past date needs those values from the identity history.
    public var usesExternalIds: Bool {
        let bindings = self.bindings + (defaultBinding.map { [$0] } ?? [])
        return bindings.contains { binding in
            if case .externalId = binding.match { return true }
            let templates = binding.publish.allow + binding.publish.deny + binding.subscribe.allow + binding.subscribe.deny
            return templates.contains { template in
                template.parts.contains { if case .placeholder(.externalId) = $0 { true } else { false } }
            }
        }
    }
}
