import Foundation
import TestSupport

extension SeededGenerator {
    /// The seed for this run: `CRASH_SAFETY_SEED` when set (to repeat a failure), else a new one.
    static func runSeed() -> UInt64 {
        if let text = ProcessInfo.processInfo.environment["CRASH_SAFETY_SEED"], let seed = UInt64(text) { return seed }
        return UInt64.random(in: 1...UInt64.max)
    }
}
