import Foundation
import Policy

/// What `scim-callout access report` answers: for each active user, what the policy gives the
/// user's SCIM groups, evaluated by ``Policy/evaluate(_:context:)``, the function
/// `policy explain` uses. Its JSON form is the documented `scim-callout.access-report.v1` shape.
struct AccessReport: Encodable, Equatable {
    static let schema = "scim-callout.access-report.v1"

    /// Which policy answered, and from where.
    struct PolicyOrigin: Encodable, Equatable {
        /// Lower-case hex SHA-256 of the policy file's bytes.
        var sha256: String
        /// `file` (the policy file now) or `history` (the store's policy history).
        var source: String
        /// When the service loaded it (history only).
        var loadedAt: Date?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(sha256, forKey: .sha256)
            try container.encode(source, forKey: .source)
            try container.encode(loadedAt.map(AccessReport.time), forKey: .loadedAt)
        }

        enum CodingKeys: String, CodingKey { case sha256, source, loadedAt }
    }

    /// The connect the policy was asked about (conditions such as source_cidrs need one).
    struct Connect: Encodable, Equatable {
        var host: String
        var type: String
        var at: String
    }

    /// One direction's patterns in a user's grant.
    struct Permission: Encodable, Equatable {
        var allow: [String]
        var deny: [String]
    }

    /// Whether one direction reaches the asked subject (`--subject`).
    struct Reach: Encodable, Equatable {
        var allowed: Bool
        var allowedBy: [String]
        var deniedBy: [String]
        /// Deny patterns covering part of a wildcard subject.
        var exceptions: [String]

        init(_ access: SubjectAccess) {
            allowed = access.isAllowed
            allowedBy = access.allowedBy
            deniedBy = access.deniedBy
            exceptions = access.exceptions
        }
    }

    /// One active user.
    struct Entry: Encodable, Equatable {
        var id: String
        var userName: String
        var groups: [String]
        /// `allow` or `deny` (the user could not connect at all).
        var result: String
        /// The denial reason (`no_binding`, …), nil when allowed.
        var reason: String?
        var detail: String?
        var account: String?
        var grantedBy: [String]
        var publish: Permission?
        var subscribe: Permission?
        /// With `--subject`: publish and subscribe reach.
        var subjectPublish: Reach?
        var subjectSubscribe: Reach?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(userName, forKey: .userName)
            try container.encode(groups, forKey: .groups)
            try container.encode(result, forKey: .result)
            try container.encode(reason, forKey: .reason)
            try container.encode(detail, forKey: .detail)
            try container.encode(account, forKey: .account)
            try container.encode(grantedBy, forKey: .grantedBy)
            try container.encode(publish, forKey: .publish)
            try container.encode(subscribe, forKey: .subscribe)
            if subjectPublish != nil || subjectSubscribe != nil {
                var reach = container.nestedContainer(keyedBy: ReachKeys.self, forKey: .subject)
                try reach.encode(subjectPublish, forKey: .publish)
                try reach.encode(subjectSubscribe, forKey: .subscribe)
            }
        }

        enum CodingKeys: String, CodingKey {
            case id, userName, groups, result, reason, detail, account, grantedBy, publish, subscribe, subject
        }
        enum ReachKeys: String, CodingKey { case publish, subscribe }
    }

    var generatedAt: Date
    var asOf: Date?
    var policy: PolicyOrigin
    var connect: Connect
    /// The asked subject (`--subject`); when set, ``users`` holds only users who may publish or
    /// subscribe there.
    var subject: String?
    var users: [Entry]

    /// Evaluates `policy` for every user in `users` on the connect `context`.
    static func build(policy: Policy, origin: PolicyOrigin, users: [PolicySubject], context: ConnectContext,
                      subject: String?, asOf: Date?, generatedAt: Date) -> AccessReport {
        var entries: [Entry] = []
        // One order whichever store read the users came from: caseless userName, then id.
        let users = users.sorted { ($0.userName.lowercased(), $0.id) < ($1.userName.lowercased(), $1.id) }
        for user in users {
            var entry = Entry(id: user.id, userName: user.userName, groups: user.groups.map(\.displayName), result: "deny",
                              grantedBy: [])
            switch policy.evaluate(user, context: context).result {
            case .failure(let denial):
                entry.reason = denial.reason.rawValue
                entry.detail = denial.detail
            case .success(let grant):
                entry.result = "allow"
                entry.account = grant.account
                entry.grantedBy = grant.grantedBy
                entry.publish = Permission(allow: grant.publish.allow, deny: grant.publish.deny)
                entry.subscribe = Permission(allow: grant.subscribe.allow, deny: grant.subscribe.deny)
                if let subject {
                    entry.subjectPublish = Reach(grant.publish.access(to: subject))
                    entry.subjectSubscribe = Reach(grant.subscribe.access(to: subject))
                }
            }
            if subject != nil && !(entry.subjectPublish?.allowed == true || entry.subjectSubscribe?.allowed == true) {
                continue
            }
            entries.append(entry)
        }
        return AccessReport(
            generatedAt: generatedAt, asOf: asOf, policy: origin,
            connect: Connect(host: context.host ?? "", type: context.type ?? "leafnode", at: time(context.now)),
            subject: subject, users: entries)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.schema, forKey: .schema)
        try container.encode(Self.time(generatedAt), forKey: .generatedAt)
        try container.encode(asOf.map(Self.time), forKey: .asOf)
        try container.encode(policy, forKey: .policy)
        try container.encode(connect, forKey: .connect)
        try container.encode(subject, forKey: .subject)
        try container.encode(users, forKey: .users)
    }

    enum CodingKeys: String, CodingKey { case schema, generatedAt, asOf, policy, connect, subject, users }

    /// The JSON document: sorted keys, so the output is stable for diffs.
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// `2026-11-29T03:04:05Z`
    static func time(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
