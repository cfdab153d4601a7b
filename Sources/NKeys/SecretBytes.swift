import CSodium

/// Fixed-size secret bytes (seeds, secret keys, shared box keys) that are zeroed when released.
///
/// A class, so there is exactly one copy whose lifetime ends in `deinit`; Swift arrays would
/// leave copies behind that nothing wipes. Immutable after `init`, hence safe to share.
final class SecretBytes: @unchecked Sendable {
    private let base: UnsafeMutablePointer<UInt8>
    let count: Int

    /// Allocates `count` zeroed bytes and lets `initialise` fill them.
    init<E: Error>(count: Int, initialise: (UnsafeMutablePointer<UInt8>) throws(E) -> Void) throws(E) {
        base = .allocate(capacity: max(count, 1))
        base.initialize(repeating: 0, count: max(count, 1))
        self.count = count
        try initialise(base)
    }

    /// Read access to the bytes; the pointer must not escape `body`.
    func withPointer<R>(_ body: (UnsafePointer<UInt8>) -> R) -> R {
        body(UnsafePointer(base))
    }

    deinit {
        sodium_memzero(base, count)
        base.deallocate()
    }
}

extension Array where Element == UInt8 {
    /// Overwrites the array's storage with zeros (for temporaries that held secrets).
    mutating func wipe() {
        withUnsafeMutableBytes { bytes in
            if let base = bytes.baseAddress { sodium_memzero(base, bytes.count) }
        }
    }
}

/// Calls `body` with a non-null pointer to the bytes of `bytes` and their count, copying only
/// when the collection is not contiguous. Empty input gets a valid pointer to zero bytes,
/// because libsodium's parameters are non-null.
@inline(__always)
func withBytePointer<R>(of bytes: some Collection<UInt8>, _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
    func call(_ buffer: UnsafeBufferPointer<UInt8>) -> R {
        if let base = buffer.baseAddress { return body(base, buffer.count) }
        var empty: UInt8 = 0
        return withUnsafePointer(to: &empty) { body($0, 0) }
    }
    if let result = bytes.withContiguousStorageIfAvailable(call) { return result }
    return Array(bytes).withUnsafeBufferPointer(call)
}
