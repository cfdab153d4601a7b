import Foundation

/// SplitMix64: a reproducible random sequence, so a failing run can be repeated with its seed.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The seed for this run: `CRASH_SAFETY_SEED` when set (to repeat a failure), else a new one.
    static func runSeed() -> UInt64 {
        if let text = ProcessInfo.processInfo.environment["CRASH_SAFETY_SEED"], let seed = UInt64(text) { return seed }
        return UInt64.random(in: 1...UInt64.max)
    }
}
