import Testing
@testable import AuthCallout

/// The currency rule alone, table-driven: each row plays probes, applies and ticks at given
/// milliseconds and checks the action and the currency after every step.
@Suite("Replica currency: probe at t0, applied ≥ last ⇒ current until t0 + max staleness")
struct ReplicaCurrencyTests {
    enum Event: Sendable {
        case sent(probe: UInt64)
        case answered(probe: UInt64, last: UInt64)
        case failed(probe: UInt64)
        case applied(UInt64)
        case tick
    }

    /// One event at `ms` milliseconds, what it must return, and whether the replica is current after it.
    struct Step: Sendable {
        var ms: Int
        var event: Event
        var action: ReplicaCurrency.Action?
        var current: Bool
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var appliedAtStart: UInt64 = 0
        var steps: [Step]
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "starts out of the queue group, never current without a probe", steps: [
            Step(ms: 0, event: .tick, action: nil, current: false),
            Step(ms: 0, event: .applied(5), action: nil, current: false),
        ]),
        Row(name: "probe answered with an applied sequence: current as of its send time", appliedAtStart: 7, steps: [
            Step(ms: 0, event: .sent(probe: 1), action: nil, current: false),
            Step(ms: 30, event: .answered(probe: 1, last: 7), action: .joinQueueGroup, current: true),
            Step(ms: 2000, event: .tick, action: nil, current: true),
            // 2 s after the *send* (not the answer): the proof has expired.
            Step(ms: 2001, event: .tick, action: .leaveQueueGroup, current: false),
        ]),
        Row(name: "behind the stream: current only once the probed sequence is applied", appliedAtStart: 3, steps: [
            Step(ms: 0, event: .sent(probe: 1), action: nil, current: false),
            Step(ms: 10, event: .answered(probe: 1, last: 5), action: nil, current: false),
            Step(ms: 20, event: .applied(4), action: nil, current: false),
            Step(ms: 40, event: .applied(5), action: .joinQueueGroup, current: true),
            Step(ms: 2001, event: .tick, action: .leaveQueueGroup, current: false),
        ]),
        Row(name: "target applied too late to prove anything", steps: [
            Step(ms: 0, event: .sent(probe: 1), action: nil, current: false),
            Step(ms: 10, event: .answered(probe: 1, last: 5), action: nil, current: false),
            Step(ms: 2500, event: .tick, action: nil, current: false),
            Step(ms: 2600, event: .applied(5), action: nil, current: false),
        ]),
        Row(name: "regular probes keep it current; lost probes let it expire", appliedAtStart: 9, steps: [
            Step(ms: 0, event: .sent(probe: 1), action: nil, current: false),
            Step(ms: 5, event: .answered(probe: 1, last: 9), action: .joinQueueGroup, current: true),
            Step(ms: 500, event: .sent(probe: 2), action: nil, current: true),
            Step(ms: 505, event: .answered(probe: 2, last: 9), action: nil, current: true),
            Step(ms: 1000, event: .sent(probe: 3), action: nil, current: true),
            Step(ms: 1500, event: .failed(probe: 3), action: nil, current: true),
            Step(ms: 1500, event: .sent(probe: 4), action: nil, current: true),
            // Probe 4 is never answered (the stream is gone): 2 s after probe 2 it stops.
            Step(ms: 2500, event: .tick, action: nil, current: true),
            Step(ms: 2501, event: .tick, action: .leaveQueueGroup, current: false),
            Step(ms: 2600, event: .answered(probe: 4, last: 9), action: .joinQueueGroup, current: true),
        ]),
        Row(name: "a late answer to an expired probe proves nothing", appliedAtStart: 9, steps: [
            Step(ms: 0, event: .sent(probe: 1), action: nil, current: false),
            Step(ms: 2100, event: .tick, action: nil, current: false),
            Step(ms: 2200, event: .answered(probe: 1, last: 9), action: nil, current: false),
        ]),
        Row(name: "the newest reached target wins; an older answer cannot move the proof back", appliedAtStart: 1, steps: [
            Step(ms: 0, event: .sent(probe: 1), action: nil, current: false),
            Step(ms: 500, event: .sent(probe: 2), action: nil, current: false),
            Step(ms: 600, event: .answered(probe: 2, last: 4), action: nil, current: false),
            Step(ms: 700, event: .answered(probe: 1, last: 3), action: nil, current: false),
            Step(ms: 800, event: .applied(4), action: .joinQueueGroup, current: true),
            // Proof as of 500 ms (probe 2), not 0 ms.
            Step(ms: 2500, event: .tick, action: nil, current: true),
            Step(ms: 2501, event: .tick, action: .leaveQueueGroup, current: false),
        ]),
        Row(name: "a writer's command stored after the probe does not matter until the next probe", appliedAtStart: 2, steps: [
            Step(ms: 0, event: .sent(probe: 1), action: nil, current: false),
            Step(ms: 10, event: .answered(probe: 1, last: 2), action: .joinQueueGroup, current: true),
            Step(ms: 500, event: .sent(probe: 2), action: nil, current: true),
            Step(ms: 510, event: .answered(probe: 2, last: 3), action: nil, current: true),
            // Sequence 3 never applies: the proof from 0 ms runs out, the one from 500 ms never starts.
            Step(ms: 2001, event: .tick, action: .leaveQueueGroup, current: false),
            Step(ms: 2100, event: .applied(3), action: .joinQueueGroup, current: true),
            Step(ms: 2501, event: .tick, action: .leaveQueueGroup, current: false),
        ]),
    ]

    @Test(arguments: rows)
    func row(_ row: Row) {
        let origin = ContinuousClock.now
        var currency = ReplicaCurrency(maxStaleness: .seconds(2), appliedSequence: row.appliedAtStart)
        for (index, step) in row.steps.enumerated() {
            let now = origin + .milliseconds(step.ms)
            let action: ReplicaCurrency.Action?
            switch step.event {
            case let .sent(probe):
                currency.probeSent(id: probe, at: now)
                action = nil
            case let .answered(probe, last): action = currency.probeAnswered(id: probe, lastSequence: last, now: now)
            case let .failed(probe): action = currency.probeFailed(id: probe, now: now)
            case let .applied(sequence): action = currency.applied(sequence: sequence, now: now)
            case .tick: action = currency.tick(now: now)
            }
            #expect(action == step.action, "step \(index) at \(step.ms) ms")
            #expect(currency.isCurrent(at: now) == step.current, "step \(index) at \(step.ms) ms")
            #expect(currency.isInQueueGroup == step.current, "step \(index) at \(step.ms) ms")
        }
    }

    @Test func probesFourTimesPerBound() {
        #expect(ReplicaCurrency(maxStaleness: .seconds(2)).probeInterval == .milliseconds(500))
    }
}
