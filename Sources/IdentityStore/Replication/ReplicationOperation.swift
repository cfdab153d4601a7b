/// One SCIM write, resolved by the replica that accepted it: ids generated, password hashed,
/// PUT/PATCH computed into a concrete update against the version it was read at.
///
/// JSON: an object whose `op` names the case (`user.create`, `user.update`, `user.delete`,
/// `group.create`, `group.update`, `group.delete`, `probe`) next to that case's fields.
public enum ReplicationOperation: Sendable, Equatable {
    /// Create user `id`.
    case createUser(id: String, input: UserInput, passwordHash: String?)
    /// Replace user `id` with `update`, computed from its state at `basedOnVersion`.
    case updateUser(id: String, ifMatch: Int64?, basedOnVersion: Int64, update: UserUpdate)
    /// Delete user `id`.
    case deleteUser(id: String, ifMatch: Int64?)
    /// Create group `id` with `members`.
    case createGroup(id: String, input: GroupInput, members: [MemberInput], lenientMembers: Bool)
    /// Replace group `id` with `update`, computed from its state at `basedOnVersion`.
    case updateGroup(id: String, ifMatch: Int64?, basedOnVersion: Int64, update: GroupUpdate, lenientMembers: Bool)
    /// Delete group `id`.
    case deleteGroup(id: String, ifMatch: Int64?)
    /// Nothing but the position: replica `id` proving it is current. Its acked publish needs the
    /// stream's quorum, which `STREAM.INFO` does not (a leader cut off from the majority still
    /// answers that).
    case probe(id: String)

    /// The wire name (`op`).
    public var name: String {
        switch self {
        case .createUser: "user.create"
        case .updateUser: "user.update"
        case .deleteUser: "user.delete"
        case .createGroup: "group.create"
        case .updateGroup: "group.update"
        case .deleteGroup: "group.delete"
        case .probe: "probe"
        }
    }

    /// The id of the resource written.
    public var resourceId: String {
        switch self {
        case .createUser(let id, _, _), .updateUser(let id, _, _, _), .deleteUser(let id, _),
             .createGroup(let id, _, _, _), .updateGroup(let id, _, _, _, _), .deleteGroup(let id, _),
             .probe(let id):
            id
        }
    }
}

extension ReplicationOperation: Codable {
    private enum CodingKeys: String, CodingKey {
        case op, id, input, passwordHash, ifMatch, basedOnVersion, update, members, lenientMembers
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let op = try container.decode(String.self, forKey: .op)
        let id = try container.decode(String.self, forKey: .id)
        switch op {
        case "user.create":
            self = .createUser(id: id, input: try container.decode(UserInput.self, forKey: .input),
                               passwordHash: try container.decodeIfPresent(String.self, forKey: .passwordHash))
        case "user.update":
            self = .updateUser(id: id, ifMatch: try container.decodeIfPresent(Int64.self, forKey: .ifMatch),
                               basedOnVersion: try container.decode(Int64.self, forKey: .basedOnVersion),
                               update: try container.decode(UserUpdate.self, forKey: .update))
        case "user.delete":
            self = .deleteUser(id: id, ifMatch: try container.decodeIfPresent(Int64.self, forKey: .ifMatch))
        case "group.create":
            self = .createGroup(id: id, input: try container.decode(GroupInput.self, forKey: .input),
                                members: try container.decode([MemberInput].self, forKey: .members),
                                lenientMembers: try container.decode(Bool.self, forKey: .lenientMembers))
        case "group.update":
            self = .updateGroup(id: id, ifMatch: try container.decodeIfPresent(Int64.self, forKey: .ifMatch),
                                basedOnVersion: try container.decode(Int64.self, forKey: .basedOnVersion),
                                update: try container.decode(GroupUpdate.self, forKey: .update),
                                lenientMembers: try container.decode(Bool.self, forKey: .lenientMembers))
        case "group.delete":
            self = .deleteGroup(id: id, ifMatch: try container.decodeIfPresent(Int64.self, forKey: .ifMatch))
        case "probe":
            self = .probe(id: id)
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .op, in: container, debugDescription: "unknown operation '\(op.prefix(40))'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .op)
        try container.encode(resourceId, forKey: .id)
        switch self {
        case .createUser(_, let input, let passwordHash):
            try container.encode(input, forKey: .input)
            try container.encodeIfPresent(passwordHash, forKey: .passwordHash)
        case .updateUser(_, let ifMatch, let basedOnVersion, let update):
            try container.encodeIfPresent(ifMatch, forKey: .ifMatch)
            try container.encode(basedOnVersion, forKey: .basedOnVersion)
            try container.encode(update, forKey: .update)
        case .deleteUser(_, let ifMatch), .deleteGroup(_, let ifMatch):
            try container.encodeIfPresent(ifMatch, forKey: .ifMatch)
        case .createGroup(_, let input, let members, let lenientMembers):
            try container.encode(input, forKey: .input)
            try container.encode(members, forKey: .members)
            try container.encode(lenientMembers, forKey: .lenientMembers)
        case .updateGroup(_, let ifMatch, let basedOnVersion, let update, let lenientMembers):
            try container.encodeIfPresent(ifMatch, forKey: .ifMatch)
            try container.encode(basedOnVersion, forKey: .basedOnVersion)
            try container.encode(update, forKey: .update)
            try container.encode(lenientMembers, forKey: .lenientMembers)
        case .probe:
            break
        }
    }
}
