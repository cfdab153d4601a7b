import CSodium

/// Random bits for decision ids, drawn from libsodium's CSPRNG 32 ids at a time. The ids are
/// not secrets (they are logged and sent in denials), so holding the next few in memory is fine.
struct IDRandomPool: Sendable {
    private static let idsPerDraw = 32
    private static let sodiumReady: Bool = sodium_init() >= 0
    private var bytes = [UInt8](repeating: 0, count: 10 * idsPerDraw)
    private var used = 10 * idsPerDraw

    /// The next 80 random bits: all 64 of `low` and the low 16 of `high`.
    mutating func next() -> (low: UInt64, high: UInt64) {
        if used == bytes.count {
            _ = Self.sodiumReady
            bytes.withUnsafeMutableBytes { buffer in
                if let base = buffer.baseAddress { randombytes_buf(base, buffer.count) }
            }
            used = 0
        }
        var low: UInt64 = 0
        for index in 0 ..< 8 { low |= UInt64(bytes[used + index]) << (8 * index) }
        let high = UInt64(bytes[used + 8]) | UInt64(bytes[used + 9]) << 8
        used += 10
        return (low, high)
    }
}
