import CSodium
import NIOConcurrencyHelpers

/// A bounded LRU of recently verified passwords, so argon2id runs once per user and secret
/// rather than once per connect.
///
/// Entries are keyed by BLAKE2b, keyed with a random per-process key, over (user id, user
/// version, password): the password is never stored, and the key cannot be recomputed outside this
/// process. Because the store bumps `version` on any change to the user (password, active flag,
/// groups, deletion), a changed or revoked password can never hit a stale entry.
public final class CredentialCache: Sendable {
    struct Key: Hashable {
        var a: UInt64, b: UInt64, c: UInt64, d: UInt64
    }

    private let hashKey: [UInt8]
    private let storage: NIOLockedValueBox<LRU>

    /// The maximum number of entries.
    public let capacity: Int

    /// - Parameter capacity: entries kept (least recently used evicted first); 0 disables the cache.
    public init(capacity: Int = 10_000) {
        _ = sodium_init()
        var key = [UInt8](repeating: 0, count: Int(crypto_generichash_KEYBYTES))
        randombytes_buf(&key, key.count)
        self.hashKey = key
        self.capacity = max(0, capacity)
        self.storage = NIOLockedValueBox(LRU(capacity: max(0, capacity)))
    }

    /// True when this exact password was verified for this user at this version.
    public func contains(userID: String, version: Int64, password: String) -> Bool {
        guard capacity > 0 else { return false }
        let key = self.key(userID: userID, version: version, password: password)
        return storage.withLockedValue { $0.touch(key) }
    }

    /// Records a successful verification.
    public func insert(userID: String, version: Int64, password: String) {
        guard capacity > 0 else { return }
        let key = self.key(userID: userID, version: version, password: password)
        storage.withLockedValue { $0.insert(key) }
    }

    /// Forgets everything (e.g. after a bulk change).
    public func removeAll() {
        storage.withLockedValue { $0 = LRU(capacity: capacity) }
    }

    /// The number of entries held.
    public var count: Int { storage.withLockedValue { $0.count } }

    func key(userID: String, version: Int64, password: String) -> Key {
        // Length-prefixed fields, so ("ab","c") and ("a","bc") can never collide.
        var input = [UInt8]()
        input.reserveCapacity(userID.utf8.count + password.utf8.count + 24)
        func field(_ bytes: some Collection<UInt8>) {
            withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { input.append(contentsOf: $0) }
            input.append(contentsOf: bytes)
        }
        field(userID.utf8)
        withUnsafeBytes(of: version.littleEndian) { field(Array($0)) }
        field(password.utf8)
        var digest = [UInt8](repeating: 0, count: 32)
        hashKey.withUnsafeBufferPointer { keyBytes in
            _ = crypto_generichash(&digest, 32, input, UInt64(input.count), keyBytes.baseAddress, keyBytes.count)
        }
        // Wipe the copy of the password from memory we own.
        sodium_memzero(&input, input.count)
        return digest.withUnsafeBytes { raw in
            Key(a: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), b: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                c: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self), d: raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        }
    }

    /// Least-recently-used set over a slab of nodes linked by index (no per-entry allocation).
    struct LRU {
        struct Node { var key: Key; var previous: Int; var next: Int }
        let capacity: Int
        var index: [Key: Int] = [:]
        var nodes: [Node] = []
        var head = -1 // most recent
        var tail = -1 // least recent

        init(capacity: Int) {
            self.capacity = capacity
            index.reserveCapacity(min(capacity, 65_536))
        }

        var count: Int { index.count }

        mutating func touch(_ key: Key) -> Bool {
            guard let slot = index[key] else { return false }
            moveToFront(slot)
            return true
        }

        mutating func insert(_ key: Key) {
            if let slot = index[key] { moveToFront(slot); return }
            let slot: Int
            if nodes.count < capacity {
                slot = nodes.count
                nodes.append(Node(key: key, previous: -1, next: -1))
            } else {
                slot = tail
                index[nodes[slot].key] = nil
                unlink(slot)
                nodes[slot].key = key
            }
            index[key] = slot
            linkAtFront(slot)
        }

        private mutating func moveToFront(_ slot: Int) {
            guard slot != head else { return }
            unlink(slot)
            linkAtFront(slot)
        }

        private mutating func unlink(_ slot: Int) {
            let previous = nodes[slot].previous, next = nodes[slot].next
            if previous >= 0 { nodes[previous].next = next } else { head = next }
            if next >= 0 { nodes[next].previous = previous } else { tail = previous }
            nodes[slot].previous = -1
            nodes[slot].next = -1
        }

        private mutating func linkAtFront(_ slot: Int) {
            nodes[slot].previous = -1
            nodes[slot].next = head
            if head >= 0 { nodes[head].previous = slot }
            head = slot
            if tail < 0 { tail = slot }
        }
    }
}
