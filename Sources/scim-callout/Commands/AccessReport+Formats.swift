extension AccessReport {
    /// The CSV form: a header and one record per user; lists are joined by spaces (subjects)
    /// or `; ` (groups, bindings). The JSON form is the exact one.
    func csv() -> String {
        var header = ["user_name", "user_id", "groups", "result", "reason", "account", "granted_by",
                      "publish_allow", "publish_deny", "subscribe_allow", "subscribe_deny"]
        if subject != nil {
            header += ["subject", "may_publish", "may_subscribe", "publish_exceptions", "subscribe_exceptions"]
        }
        var text = CSVField.record(header)
        for user in users {
            var fields = [user.userName, user.id, user.groups.joined(separator: "; "), user.result, user.reason ?? "",
                          user.account ?? "", user.grantedBy.joined(separator: "; "),
                          (user.publish?.allow ?? []).joined(separator: " "), (user.publish?.deny ?? []).joined(separator: " "),
                          (user.subscribe?.allow ?? []).joined(separator: " "), (user.subscribe?.deny ?? []).joined(separator: " ")]
            if let subject {
                fields += [subject, Self.yesNo(user.subjectPublish), Self.yesNo(user.subjectSubscribe),
                           (user.subjectPublish?.exceptions ?? []).joined(separator: " "),
                           (user.subjectSubscribe?.exceptions ?? []).joined(separator: " ")]
            }
            text += CSVField.record(fields)
        }
        return text
    }

    /// Lines for people: escaped (``DisplayText``), one block per user, or with `--subject` a
    /// table of who may publish or subscribe there.
    func textLines() -> [String] {
        var lines: [String] = []
        let source = policy.source == "history"
            ? "from the policy history, loaded \(policy.loadedAt.map(Self.time) ?? "-")" : "the policy file"
        lines.append("policy sha256 \(policy.sha256) (\(source))")
        lines.append("connect: host \(DisplayText.escaped(connect.host)), type \(connect.type), at \(connect.at)"
                     + (asOf.map { "; users as of \(Self.time($0))" } ?? ""))
        if let subject {
            lines.append("who may publish or subscribe on \(DisplayText.escaped(subject)):")
            return lines + subjectTable()
        }
        for user in users {
            let groups = user.groups.isEmpty ? "(none)" : user.groups.map { DisplayText.cell($0, limit: Table.cellLimit) }
                .joined(separator: ", ")
            lines.append("\(DisplayText.cell(user.userName, limit: Table.cellLimit))  groups: \(groups)")
            if user.result == "allow" {
                lines.append("  allow into \(DisplayText.escaped(user.account ?? "")) (granted by "
                             + user.grantedBy.map(DisplayText.escaped).joined(separator: ", ") + ")")
                lines.append("  publish   " + Self.describe(user.publish))
                lines.append("  subscribe " + Self.describe(user.subscribe))
            } else {
                lines.append("  deny: \(user.reason ?? "") (\(DisplayText.escaped(user.detail ?? "")))")
            }
        }
        let allowed = users.filter { $0.result == "allow" }.count
        lines.append("\(users.count) active users: \(allowed) may connect, \(users.count - allowed) are denied")
        return lines
    }

    private func subjectTable() -> [String] {
        let header = ["USER", "GROUPS", "PUBLISH", "SUBSCRIBE", "EXCEPT"]
        let rows = users.map { user in
            [user.userName, user.groups.joined(separator: ", "), Self.yesNo(user.subjectPublish),
             Self.yesNo(user.subjectSubscribe),
             Array(Set((user.subjectPublish?.exceptions ?? []) + (user.subjectSubscribe?.exceptions ?? []))).sorted()
                .joined(separator: " ")]
        }
        var lines = Table.lines(header: header, rows: rows)
        lines.append("\(users.count) users may publish or subscribe there")
        return lines
    }

    private static func describe(_ permission: Permission?) -> String {
        let allow = (permission?.allow ?? []).map(DisplayText.escaped).joined(separator: " ")
        let deny = (permission?.deny ?? []).map(DisplayText.escaped).joined(separator: " ")
        return "allow [\(allow)] deny [\(deny)]"
    }

    private static func yesNo(_ reach: Reach?) -> String {
        reach?.allowed == true ? "yes" : "no"
    }
}
