import CSodium
import Dispatch
import Foundation

/// argon2id password hashing with libsodium's `crypto_pwhash_str` (PHC string format).
///
/// Limits: `opsLimit` 2 passes over `memLimit` 19 MiB, the OWASP argon2id recommendation
/// (m=19 MiB, t=2, p=1). It costs tens of milliseconds of one core, keeps memory bounded when
/// an IdP pushes many password changes at once, and the encoded string records the parameters,
/// so raising them later still verifies old hashes.
public struct PasswordHasher: Sendable {
    /// Iterations (argon2 `t`).
    public var opsLimit: UInt64
    /// Memory in bytes (argon2 `m`).
    public var memLimit: Int

    /// The default limits (t=2, m=19 MiB).
    public static let standard = PasswordHasher(opsLimit: 2, memLimit: 19 * 1024 * 1024)
    /// libsodium's minimum limits; for tests only (fast, weak).
    public static let testing = PasswordHasher(opsLimit: UInt64(crypto_pwhash_OPSLIMIT_MIN),
                                               memLimit: Int(crypto_pwhash_MEMLIMIT_MIN))

    /// Creates a hasher with explicit argon2id limits.
    public init(opsLimit: UInt64, memLimit: Int) {
        self.opsLimit = opsLimit
        self.memLimit = memLimit
    }

    /// Hashes `password` synchronously (CPU- and memory-heavy: call ``hash(_:)`` from async code).
    public func hashSync(_ password: String) throws(IdentityStoreError) -> String {
        ensureSodium()
        var out = [CChar](repeating: 0, count: Int(crypto_pwhash_STRBYTES))
        let length = UInt64(password.utf8.count)
        let rc = password.withCString { pw in
            crypto_pwhash_str(&out, pw, length, opsLimit, memLimit)
        }
        guard rc == 0 else { throw IdentityStoreError(.passwordHashing, "argon2id hashing failed") }
        return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Hashes `password` on a Dispatch worker thread, off the event loops and the cooperative pool.
    public func hash(_ password: String) async throws -> String {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String, any Error>) in
            DispatchQueue.global(qos: .userInitiated).async {
                do { continuation.resume(returning: try self.hashSync(password)) } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// True when `password` matches the PHC-encoded `hash` (constant time inside libsodium).
    public static func verifySync(_ password: String, hash: String) -> Bool {
        ensureSodium()
        let length = UInt64(password.utf8.count)
        return password.withCString { pw in crypto_pwhash_str_verify(hash, pw, length) == 0 }
    }

    /// ``verifySync(_:hash:)`` on a Dispatch worker thread.
    public static func verify(_ password: String, hash: String) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: verifySync(password, hash: hash))
            }
        }
    }
}
