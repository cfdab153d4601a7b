import NIOConcurrencyHelpers

/// Messages handed to a subscription's stream and not yet consumed, shared between the
/// delivering event loop and the consuming task.
final class PendingCounter: Sendable {
    private struct Counts {
        var messages = 0
        var bytes = 0
        var dropped = 0
    }

    private let counts = NIOLockedValueBox(Counts())

    /// Reserves room for one message; false (and a drop is counted) when a limit would be
    /// exceeded. A message larger than the byte limit still passes when nothing is pending, so
    /// one oversized message cannot block a subscription forever.
    func tryAdd(bytes: Int, limits: NATSConfiguration.PendingLimits) -> Bool {
        counts.withLockedValue { counts in
            let fits = counts.messages == 0
                || (counts.messages < limits.messages && counts.bytes + bytes <= limits.bytes)
            if fits {
                counts.messages += 1
                counts.bytes += bytes
            } else {
                counts.dropped += 1
            }
            return fits
        }
    }

    func remove(bytes: Int) {
        counts.withLockedValue { counts in
            counts.messages -= 1
            counts.bytes -= bytes
        }
    }

    var dropped: Int { counts.withLockedValue { $0.dropped } }
    var messages: Int { counts.withLockedValue { $0.messages } }
}
