import CSodium
import Foundation

/// High-entropy bearer tokens (SCIM API tokens, per-user NATS access tokens).
///
/// Tokens are 32 random bytes, base64url-encoded behind a prefix that says what they are for.
/// Only their SHA-256 hash is stored; lookups go by hash and then compare in constant time.
public enum SecretToken {
    /// Prefix of SCIM API bearer tokens.
    public static let scimPrefix = "scimtok_"
    /// Prefix of per-user NATS access tokens (`auth_token` connects).
    public static let accessPrefix = "natstok_"

    /// A new random token with `prefix`.
    public static func generate(prefix: String) -> String {
        ensureSodium()
        var bytes = [UInt8](repeating: 0, count: 32)
        bytes.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { randombytes_buf(base, buffer.count) }
        }
        return prefix + base64URL(bytes)
    }

    /// The SHA-256 hash of the token's UTF-8 bytes (what the store keeps).
    public static func hash(_ token: String) -> [UInt8] {
        sha256(Array(token.utf8))
    }

    /// The SHA-256 hash of `bytes`.
    static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        ensureSodium()
        let input = bytes + [0]  // never empty, so the pointer below is non-nil
        var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        digest.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { inp in
                guard let outBase = out.baseAddress, let inBase = inp.baseAddress else { return }
                _ = crypto_hash_sha256(outBase, inBase, UInt64(inp.count - 1))
            }
        }
        return digest
    }

    /// Constant-time equality of two byte strings of equal length (false when lengths differ).
    public static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count, !lhs.isEmpty else { return false }
        ensureSodium()
        return lhs.withUnsafeBytes { l in
            rhs.withUnsafeBytes { r in sodium_memcmp(l.baseAddress, r.baseAddress, l.count) == 0 }
        }
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// `sodium_init` is idempotent and thread-safe; calling it once per process is enough.
private let sodiumReady: Bool = sodium_init() >= 0

func ensureSodium() {
    precondition(sodiumReady, "libsodium failed to initialise")
}
