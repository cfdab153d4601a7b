import Foundation

/// The two blocks of a NATS `.creds` file: the user JWT and the user's nkey seed.
///
/// Parsing is plain text work; signing with the seed is left to the caller (this module does
/// not link a crypto library). `description` never shows the seed.
public struct NATSCredentials: Sendable, CustomStringConvertible {
    public var jwt: String
    /// The "SU…" seed: a secret.
    public var seed: String

    /// Parses the blocks framed by `-----BEGIN NATS USER JWT-----` / `------END …------` lines;
    /// the first block is the JWT, the second the seed.
    public init(parsing text: String) throws {
        var blocks: [String] = []
        var current: [String]?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("---") && line.hasSuffix("---") && line.count >= 6 {
                if let lines = current {
                    blocks.append(lines.joined())
                    current = nil
                } else {
                    current = []
                }
            } else if current != nil, !line.isEmpty {
                current?.append(line)
            }
        }
        guard blocks.count >= 2, !blocks[0].isEmpty, !blocks[1].isEmpty else {
            throw NATSClientError(.invalidCredentials, "credentials need a JWT block and a seed block")
        }
        guard blocks[0].hasPrefix("eyJ"), blocks[0].split(separator: ".").count == 3 else {
            throw NATSClientError(.invalidCredentials, "the first credentials block is not a JWT")
        }
        guard blocks[1].hasPrefix("SU") else {
            throw NATSClientError(.invalidCredentials, "the second credentials block is not a user seed")
        }
        self.jwt = blocks[0]
        self.seed = blocks[1]
    }

    /// Reads and parses a `.creds` file.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NATSClientError(.invalidCredentials, "cannot read the credentials file")
        }
        try self.init(parsing: String(decoding: data, as: UTF8.self))
    }

    public var description: String { "NATSCredentials(jwt: <redacted>, seed: <redacted>)" }
}

extension NATSConfiguration.Authentication {
    /// Authentication from a `.creds` file.
    /// - Parameters:
    ///   - path: the file holding the user JWT and seed.
    ///   - makeSigner: turns the seed into a nonce signer (for example with `NKeys.KeyPair(seed:)`).
    public static func credentialsFile(
        at path: String,
        makeSigner: (_ seed: String) throws -> NATSConfiguration.NonceSigner
    ) throws -> Self {
        let credentials = try NATSCredentials(contentsOf: path)
        let signer: NATSConfiguration.NonceSigner
        do {
            signer = try makeSigner(credentials.seed)
        } catch {
            throw NATSClientError(.invalidCredentials, "the credentials seed could not be turned into a signer")
        }
        return .credentials(jwt: credentials.jwt, signNonce: signer)
    }
}
