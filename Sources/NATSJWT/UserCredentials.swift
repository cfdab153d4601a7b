import Foundation
import NKeys

/// A NATS `.creds` file: a user JWT and the user's seed, in the armoured text format that
/// nats clients (`nats.connect(user_credentials=…)`, `nats --creds`) read.
public struct UserCredentials: Sendable {
    /// The user JWT.
    public var jwt: String
    /// The user's key pair (its seed is written to the file).
    public var user: KeyPair

    public init(jwt: String, user: KeyPair) {
        self.jwt = jwt
        self.user = user
    }

    /// The file's text. It contains the seed: write it with owner-only permissions.
    public func fileContents() -> String {
        """
        -----BEGIN NATS USER JWT-----
        \(jwt)
        ------END NATS USER JWT------

        ************************* IMPORTANT *************************
        NKEY Seed printed below can be used to sign and prove identity.
        NKEYs are sensitive and should be treated as secrets.

        -----BEGIN USER NKEY SEED-----
        \(user.encodedSeed())
        ------END USER NKEY SEED------

        *************************************************************

        """
    }

    /// Reads a creds file's text.
    /// - Throws: `JWTError.malformed` when either armoured block is missing, or the seed's
    ///   `NKeysError` when it does not decode.
    public init(parsing text: String) throws {
        func block(after marker: String) -> String? {
            let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let index = lines.firstIndex(where: { $0.hasPrefix("-----BEGIN") && $0.contains(marker) }),
                  index + 1 < lines.count, !lines[index + 1].isEmpty
            else { return nil }
            return lines[index + 1]
        }
        guard let jwt = block(after: "JWT"), let seed = block(after: "SEED") else {
            throw JWTError(.malformed, "not a NATS creds file (missing JWT or seed block)")
        }
        self.jwt = jwt
        self.user = try KeyPair(seed: seed)
    }
}
