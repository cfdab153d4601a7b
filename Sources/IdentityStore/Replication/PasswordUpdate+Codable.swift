/// The replication command's form: `{"action":"keep"}`, `{"action":"set","hash":"$argon2id$…"}`,
/// `{"action":"remove"}`. The hash is already computed, so every replica stores the same bytes.
extension PasswordUpdate: Codable {
    private enum CodingKeys: String, CodingKey {
        case action, hash
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let action = try container.decode(String.self, forKey: .action)
        switch action {
        case "keep": self = .keep
        case "set": self = .set(hash: try container.decode(String.self, forKey: .hash))
        case "remove": self = .remove
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .action, in: container, debugDescription: "unknown password action '\(action.prefix(40))'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .keep: try container.encode("keep", forKey: .action)
        case .set(let hash):
            try container.encode("set", forKey: .action)
            try container.encode(hash, forKey: .hash)
        case .remove: try container.encode("remove", forKey: .action)
        }
    }
}
