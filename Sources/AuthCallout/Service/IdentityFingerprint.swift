import CSodium
import IdentityStore

/// A digest of the identity facts a live session depends on: active flag, password hash, nkeys
/// and group ids. When it differs from the one recorded at connect, the session was decided on
/// stale state and is cut. (Attributes that do not affect the decision, like `displayName`, are
/// left out so an IdP's routine updates do not cut sessions.)
public struct IdentityFingerprint: Sendable, Hashable {
    let high: UInt64
    let low: UInt64

    public init(_ identity: Identity) {
        var input = [UInt8]()
        // Sized once, so the zeroing below covers the only copy of the hash: growing the array
        // field by field reallocated it and left earlier copies in freed memory.
        var capacity = 4 * (5 + identity.nkeys.count + identity.groups.count) + 8 + 1
        capacity += (identity.passwordHash?.utf8.count ?? 0) + identity.userName.utf8.count
        for key in identity.nkeys { capacity += key.utf8.count }
        for group in identity.groups { capacity += group.id.utf8.count }
        input.reserveCapacity(capacity)
        func field(_ text: String) {
            withUnsafeBytes(of: UInt32(text.utf8.count).littleEndian) { input.append(contentsOf: $0) }
            input.append(contentsOf: text.utf8)
        }
        field(identity.active ? "active" : "inactive")
        field(identity.passwordHash ?? "")
        field(identity.userName)
        for key in identity.nkeys.sorted() { field(key) }
        field("|")
        for id in identity.groups.map(\.id).sorted() { field(id) }
        var digest = [UInt8](repeating: 0, count: 16)
        _ = crypto_generichash(&digest, 16, input, UInt64(input.count), nil, 0)
        sodium_memzero(&input, input.count)
        (high, low) = digest.withUnsafeBytes {
            ($0.loadUnaligned(fromByteOffset: 0, as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
    }
}
