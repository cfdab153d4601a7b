/// The replication command's form: `{"action":"keep"}`, `{"action":"replace","members":[…]}`,
/// `{"action":"delta","add":[…],"remove":[…]}`, `{"action":"removeAll"}`,
/// `{"action":"sequence","updates":[…]}`.
extension MembershipUpdate: Codable {
    private enum CodingKeys: String, CodingKey {
        case action, members, add, remove, updates
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let action = try container.decode(String.self, forKey: .action)
        switch action {
        case "keep": self = .keep
        case "replace": self = .replace(try container.decode([MemberInput].self, forKey: .members))
        case "delta":
            self = .delta(add: try container.decode([MemberInput].self, forKey: .add),
                          remove: try container.decode([String].self, forKey: .remove))
        case "removeAll": self = .removeAll
        case "sequence": self = .sequence(try container.decode([MembershipUpdate].self, forKey: .updates))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .action, in: container, debugDescription: "unknown membership action '\(action.prefix(40))'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .keep: try container.encode("keep", forKey: .action)
        case .replace(let members):
            try container.encode("replace", forKey: .action)
            try container.encode(members, forKey: .members)
        case .delta(let add, let remove):
            try container.encode("delta", forKey: .action)
            try container.encode(add, forKey: .add)
            try container.encode(remove, forKey: .remove)
        case .removeAll: try container.encode("removeAll", forKey: .action)
        case .sequence(let updates):
            try container.encode("sequence", forKey: .action)
            try container.encode(updates, forKey: .updates)
        }
    }
}
