import CSodium

/// One-time libsodium initialisation.
///
/// `sodium_init()` is idempotent and thread-safe, but a `static let` makes the call happen once
/// (Swift runs global initialisers lazily under `swift_once`), so hot paths pay only a load.
enum Sodium {
    private static let initialised: Bool = sodium_init() >= 0

    /// Initialises libsodium if needed.
    /// - Throws: `NKeysError.Code.cryptoFailure` if libsodium cannot start (no entropy source).
    static func ensureInitialised() throws(NKeysError) {
        guard initialised else { throw NKeysError(.cryptoFailure, "libsodium failed to initialise") }
    }

    /// Fills a new array with `count` random bytes from libsodium's CSPRNG.
    static func randomBytes(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialised in
            if let base = buffer.baseAddress { randombytes_buf(base, count) }
            initialised = count
        }
    }
}
