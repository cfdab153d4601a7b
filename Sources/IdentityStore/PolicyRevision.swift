import Foundation

/// A policy file the service loaded: when, its SHA-256 and its exact bytes.
public struct PolicyRevision: Sendable, Equatable {
    /// The history's sequence number (increasing with every load).
    public var sequence: Int64
    public var loadedAt: Date
    /// Lower-case hex SHA-256 of ``content``.
    public var sha256: String
    /// The file's bytes as loaded.
    public var content: Data

    public init(sequence: Int64, loadedAt: Date, sha256: String, content: Data) {
        self.sequence = sequence
        self.loadedAt = loadedAt
        self.sha256 = sha256
        self.content = content
    }

    /// Lower-case hex SHA-256 of `bytes`.
    public static func sha256(of bytes: Data) -> String {
        SecretToken.sha256(Array(bytes)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
