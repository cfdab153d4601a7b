extension Policy {
    /// A human-readable account of the decision for `subject`: every binding, whether it
    /// applied and why not, what it contributed, and the effective result (for `policy explain`).
    ///
    /// - Returns: the account's lines. They quote names from the IdP and the client as they are
    ///   (newlines, ANSI escapes and bidi overrides included), so a caller showing them to a
    ///   person escapes each line; the fixed text holds no control character and no backslash,
    ///   so every escape in the result comes from a value and no value can forge a line.
    public func explain(_ subject: PolicySubject, context: ConnectContext) -> [String] {
        let evaluation = evaluate(subject, context: context)
        var lines: [String] = []
        var who = "user \(subject.userName) (id \(subject.id)"
        if let externalId = subject.externalId { who += ", externalId \(externalId)" }
        lines.append(who + ")")
        lines.append("groups: " + (subject.groups.isEmpty ? "(none)" : subject.groups.map(\.displayName).joined(separator: ", ")))
        lines.append("connect: host \(context.host ?? "-"), kind \(context.kind ?? "-"), type \(context.type ?? "-")")
        lines.append("bindings:")
        if evaluation.trace.isEmpty { lines.append("  (none)") }
        for entry in evaluation.trace {
            lines.append("  \(entry.binding) (line \(entry.line), account \(entry.account)): \(Self.describe(entry.status))")
            func list(_ label: String, _ values: [String]) {
                if !values.isEmpty { lines.append("    \(label): \(values.joined(separator: " "))") }
            }
            list("publish allow", entry.publishAllow)
            list("publish deny", entry.publishDeny)
            list("subscribe allow", entry.subscribeAllow)
            list("subscribe deny", entry.subscribeDeny)
            list("dropped (missing attribute)", entry.droppedTemplates)
        }
        switch evaluation.result {
        case let .failure(denial):
            lines.append("result: DENY \(denial.reason.rawValue) (\(denial.detail))")
        case let .success(grant):
            lines.append("result: ALLOW into account \(grant.account), JWT lifetime \(DurationText.format(grant.lifetime))")
            lines.append("  granted by: \(grant.grantedBy.joined(separator: ", "))")
            lines.append("  publish   allow [\(grant.publish.allow.joined(separator: " "))] deny [\(grant.publish.deny.joined(separator: " "))]")
            lines.append("  subscribe allow [\(grant.subscribe.allow.joined(separator: " "))] deny [\(grant.subscribe.deny.joined(separator: " "))]")
            if let responses = grant.responses {
                lines.append("  responses max \(responses.maxMessages) ttl \(DurationText.format(responses.expires))")
            }
            lines.append("  connection types: " + (grant.connectionTypes?.map(\.rawValue).joined(separator: ", ") ?? "any"))
            if let windows = grant.timeWindows {
                lines.append("  time windows (\(grant.timeZone)): " + windows.map(\.description).joined(separator: ", "))
            }
        }
        return lines
    }

    private static func describe(_ status: PolicyEvaluation.BindingTrace.Status) -> String {
        switch status {
        case .applied: "applied"
        case .notMember: "not a member"
        case .sourceNotAllowed: "skipped: client address not in source_cidrs"
        case .outsideTimeWindow: "skipped: outside time_windows"
        case .connectionTypeNotAllowed: "skipped: connection type not allowed"
        case .otherAccount: "skipped: another account won (account_conflict: first)"
        }
    }
}
