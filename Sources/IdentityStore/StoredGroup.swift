import Foundation

/// The values of a group the store indexes, plus its SCIM JSON (without members).
public struct GroupInput: Sendable, Equatable {
    public var displayName: String
    public var externalId: String?
    /// The resource JSON (an object) without `id`, `meta` and `members`.
    public var resource: String

    public init(displayName: String, externalId: String? = nil, resource: String) {
        self.displayName = displayName
        self.externalId = externalId
        self.resource = resource
    }
}

/// A member reference sent by a client: the member's id and, optionally, its type.
public struct MemberInput: Sendable, Hashable {
    public var value: String
    /// "User" or "Group"; resolved from the store when nil.
    public var type: String?

    public init(value: String, type: String? = nil) {
        self.value = value
        self.type = type
    }
}

/// How a write changes a group's members.
public enum MembershipUpdate: Sendable, Equatable {
    /// Members stay as they are.
    case keep
    /// The member set becomes exactly this (PUT, `replace members`).
    case replace([MemberInput])
    /// Add and remove individual members (PATCH deltas: never loads the whole group).
    case delta(add: [MemberInput], remove: [String])
    /// Remove every member.
    case removeAll
    /// Several updates, applied in order (a PATCH with several member operations).
    indirect case sequence([MembershipUpdate])
}

/// A replacement for a group computed from its current state (PUT or PATCH).
public struct GroupUpdate: Sendable {
    public var input: GroupInput
    public var members: MembershipUpdate

    public init(input: GroupInput, members: MembershipUpdate = .keep) {
        self.input = input
        self.members = members
    }
}

/// A member as stored, with a display name when the member is known.
public struct StoredMember: Sendable, Hashable {
    public var value: String
    /// "User" or "Group".
    public var type: String
    /// The member's displayName (or userName); nil for members not (yet) known to the store.
    public var display: String?

    public init(value: String, type: String, display: String?) {
        self.value = value
        self.type = type
        self.display = display
    }
}

/// A group as read from the store.
public struct StoredGroup: Sendable {
    public var id: String
    public var displayName: String
    public var externalId: String?
    /// The resource JSON without `id`, `meta` and `members`.
    public var resource: String
    public var version: Int64
    public var created: Date
    public var lastModified: Date
    /// Members; nil when not loaded (e.g. `excludedAttributes=members`).
    public var members: [StoredMember]?

    init(_ record: GroupRecord, members: [StoredMember]?) {
        id = record.id
        displayName = record.displayName
        externalId = record.externalId
        resource = record.resource
        version = record.version
        created = Date(timeIntervalSince1970: record.created)
        lastModified = Date(timeIntervalSince1970: record.lastModified)
        self.members = members
    }
}
