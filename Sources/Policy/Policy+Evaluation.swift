import Foundation

/// The result of evaluating the policy for one subject and connect, with a per-binding trace.
public struct PolicyEvaluation: Sendable, Equatable {
    /// What happened to one binding.
    public struct BindingTrace: Sendable, Equatable {
        public enum Status: Sendable, Equatable {
            case applied
            case notMember
            case sourceNotAllowed
            case outsideTimeWindow
            case connectionTypeNotAllowed
            /// Excluded because another account won (`account_conflict: first`).
            case otherAccount
        }

        public var binding: String
        public var line: Int
        public var status: Status
        public var account: String
        public var publishAllow: [String] = []
        public var publishDeny: [String] = []
        public var subscribeAllow: [String] = []
        public var subscribeDeny: [String] = []
        /// Allow templates dropped because an attribute they use is missing.
        public var droppedTemplates: [String] = []
    }

    /// The grant, or the reason for denial.
    public var result: Result<EffectivePermissions, PolicyDenial>
    public var trace: [BindingTrace]

    public var permissions: EffectivePermissions? { try? result.get() }
}

extension Policy {
    /// Decides what `subject` may do on this connect.
    ///
    /// Rules: a binding applies when the user is in its group and the connect meets its
    /// conditions (source network, time window, connection type); conditions filter bindings, so
    /// one binding's restriction never leaks into another's grant. Applicable bindings' allows are
    /// united and their denies united (nats-server lets deny win). Accounts must agree unless
    /// `account_conflict: first`. A user in no bound group gets `default_binding` or is denied.
    @inlinable
    public func evaluate<User: PolicyUser>(_ subject: User, context: ConnectContext) -> PolicyEvaluation {
        // Inlined into the caller, which reads its own user type specialised; the evaluation
        // itself is non-generic, so it runs specialised across the module boundary.
        evaluate(EvaluatedUser(subject), context: context)
    }

    @usableFromInline
    func evaluate(_ subject: EvaluatedUser, context: ConnectContext) -> PolicyEvaluation {
        var trace: [PolicyEvaluation.BindingTrace] = []
        var candidates: [(binding: GroupBinding, group: String?, trace: Int)] = []
        // Only bindings with windows or connection types need these; most policies have neither.
        var cachedSecondOfDay: Int?
        func secondOfDay() -> Int {
            if let cachedSecondOfDay { return cachedSecondOfDay }
            let value = TimeWindow.secondOfDay(context.now, in: timeZone)
            cachedSecondOfDay = value
            return value
        }
        var cachedConnectionTypes: Set<ConnectionType>?
        func connectionTypes() -> Set<ConnectionType> {
            if let cachedConnectionTypes { return cachedConnectionTypes }
            let value = ConnectionType.candidates(kind: context.kind, type: context.type)
            cachedConnectionTypes = value
            return value
        }
        var memberOfAny = false
        var firstExclusion: PolicyDenial.Reason?

        func consider(_ binding: GroupBinding, group: String?) {
            let account = binding.account ?? defaultAccount
            var entry = PolicyEvaluation.BindingTrace(binding: binding.name, line: binding.line, status: .applied, account: account)
            if let networks = binding.sourceNetworks, !networks.contains(where: { range in context.host.map { range.contains(host: $0) } ?? false }) {
                entry.status = .sourceNotAllowed
                firstExclusion = firstExclusion ?? .sourceNotAllowed
            } else if let types = binding.connectionTypes, types.isDisjoint(with: connectionTypes()) {
                entry.status = .connectionTypeNotAllowed
                firstExclusion = firstExclusion ?? .connectionTypeNotAllowed
            } else if let windows = binding.timeWindows, case let now = secondOfDay(),
                      !windows.contains(where: { $0.remaining(atSecondOfDay: now) != nil }) {
                entry.status = .outsideTimeWindow
                firstExclusion = firstExclusion ?? .outsideTimeWindow
            } else {
                candidates.append((binding, group, trace.count))
            }
            trace.append(entry)
        }

        for binding in bindings {
            guard let group = subject.groups.first(where: { binding.matches(displayName: $0.displayName, externalId: $0.externalId) }) else {
                trace.append(.init(binding: binding.name, line: binding.line, status: .notMember, account: binding.account ?? defaultAccount))
                continue
            }
            memberOfAny = true
            consider(binding, group: group.displayName)
        }
        if !memberOfAny {
            guard let defaultBinding else {
                return PolicyEvaluation(result: .failure(PolicyDenial(reason: .noBinding, detail: "user is in no bound group")), trace: trace)
            }
            consider(defaultBinding, group: nil)
        }
        guard let first = candidates.first else {
            let reason = firstExclusion ?? .noBinding
            return PolicyEvaluation(result: .failure(PolicyDenial(reason: reason, detail: "no binding applies to this connect")), trace: trace)
        }

        let account = first.binding.account ?? defaultAccount
        var applicable: [(binding: GroupBinding, group: String?, trace: Int)] = []
        for candidate in candidates {
            let candidateAccount = candidate.binding.account ?? defaultAccount
            if candidateAccount == account {
                applicable.append(candidate)
            } else if accountConflict == .deny {
                return PolicyEvaluation(result: .failure(PolicyDenial(
                    reason: .accountConflict,
                    detail: "bindings '\(first.binding.name)' and '\(candidate.binding.name)' name accounts '\(account)' and '\(candidateAccount)'"
                )), trace: trace)
            } else {
                trace[candidate.trace].status = .otherAccount
            }
        }

        var publish = OrderedUnion(), publishDeny = OrderedUnion()
        var subscribe = OrderedUnion(), subscribeDeny = OrderedUnion()
        var responses: ResponseGrant?
        var types = Set<ConnectionType>()
        var anyTypeUnrestricted = false
        var windows: [TimeWindow] = []
        var anyWindowless = false
        var lifetime = Duration.seconds(Int64.max / 4)
        for item in applicable {
            let binding = item.binding
            let values = TemplateValues(userName: subject.userName, id: subject.id, externalId: subject.externalId, group: item.group)
            var entry = trace[item.trace]
            // A missing attribute drops an allow (narrower) but denies the connect for a deny (below).
            entry.publishAllow = binding.publish.allow.expandAllows(with: values, dropped: &entry.droppedTemplates)
            entry.subscribeAllow = binding.subscribe.allow.expandAllows(with: values, dropped: &entry.droppedTemplates)
            if let missing = binding.publish.deny.expandDenies(with: values, into: &entry.publishDeny)
                ?? binding.subscribe.deny.expandDenies(with: values, into: &entry.subscribeDeny) {
                trace[item.trace] = entry
                return PolicyEvaluation(result: .failure(PolicyDenial(
                    reason: .policyTemplate,
                    detail: "deny subject '\(missing.source)' of binding '\(binding.name)' uses a missing attribute"
                )), trace: trace)
            }
            trace[item.trace] = entry
            publish.add(entry.publishAllow); publishDeny.add(entry.publishDeny)
            subscribe.add(entry.subscribeAllow); subscribeDeny.add(entry.subscribeDeny)
            if let r = binding.responses {
                if let current = responses {
                    let expires = (current.expires == .zero || r.expires == .zero) ? Duration.zero : max(current.expires, r.expires)
                    responses = ResponseGrant(maxMessages: max(current.maxMessages, r.maxMessages), expires: expires)
                } else {
                    responses = r
                }
            }
            if let bindingTypes = binding.connectionTypes { types.formUnion(bindingTypes) } else { anyTypeUnrestricted = true }
            lifetime = min(lifetime, binding.jwtLifetime ?? defaultJWTLifetime)
            if let bindingWindows = binding.timeWindows {
                windows.append(contentsOf: bindingWindows)
                let now = secondOfDay()
                let remaining = bindingWindows.compactMap { $0.remaining(atSecondOfDay: now) }.max() ?? 0
                lifetime = min(lifetime, .seconds(max(1, remaining)))
            } else {
                anyWindowless = true
            }
        }

        let permissions = EffectivePermissions(
            account: account,
            publish: SubjectPermission(allow: publish.items, deny: publish.items.isEmpty ? [">"] : publishDeny.items),
            subscribe: SubjectPermission(allow: subscribe.items, deny: subscribe.items.isEmpty ? [">"] : subscribeDeny.items),
            responses: responses,
            connectionTypes: anyTypeUnrestricted ? nil : types.sorted(),
            timeWindows: anyWindowless ? nil : Array(Set(windows)).sorted { ($0.start, $0.end) < ($1.start, $1.end) },
            timeZone: timeZoneName,
            lifetime: lifetime,
            grantedBy: applicable.map(\.binding.name)
        )
        return PolicyEvaluation(result: .success(permissions), trace: trace)
    }
}

extension GroupBinding {
    func matches(displayName: String, externalId: String?) -> Bool {
        switch match {
        case let .displayName(name): displayName == name
        case let .externalId(id): externalId == id
        case .noGroup: false
        }
    }
}

extension [SubjectTemplate] {
    /// The expanded subjects; templates with a missing attribute are left out and listed in `dropped`.
    func expandAllows(with values: TemplateValues, dropped: inout [String]) -> [String] {
        guard !isEmpty else { return [] }
        var subjects: [String] = []
        subjects.reserveCapacity(count)
        for template in self {
            if let subject = template.expand(with: values) { subjects.append(subject) } else { dropped.append(template.source) }
        }
        return subjects
    }

    /// Appends the expanded subjects to `subjects`; stops at the first template with a missing
    /// attribute and returns it (a deny that cannot be expanded denies the connect).
    func expandDenies(with values: TemplateValues, into subjects: inout [String]) -> SubjectTemplate? {
        for template in self {
            guard let subject = template.expand(with: values) else { return template }
            subjects.append(subject)
        }
        return nil
    }
}
