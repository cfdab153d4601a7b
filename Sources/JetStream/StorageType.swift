/// Where a stream keeps its messages (`storage`).
public enum StorageType: String, Codable, Hashable, Sendable {
    case file
    case memory
}
