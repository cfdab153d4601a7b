import Testing
@testable import IdentityStore

/// The writer's wait alone, table-driven: reports, waits and ticks at given milliseconds, and
/// the releases each returns.
@Suite("Revocation barrier: all live replicas at ≥ S, or max staleness")
struct RevocationBarrierTests {
    enum Event: Sendable {
        case report(String, UInt64)
        case wait(UInt64, sequence: UInt64)
        case cancel(UInt64)
        case tick
    }

    struct Step: Sendable {
        var ms: Int
        var event: Event
        var released: [RevocationBarrier.Release] = []
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var steps: [Step]
        var testDescription: String { name }
    }

    static func applied(_ waiter: UInt64) -> RevocationBarrier.Release { .init(waiter: waiter, outcome: .applied) }
    static func late(_ waiter: UInt64, _ lagging: [String]) -> RevocationBarrier.Release {
        .init(waiter: waiter, outcome: .deadlinePassed(lagging: lagging))
    }

    static let rows: [Row] = [
        Row(name: "no replica heard from: nothing to wait for", steps: [
            Step(ms: 0, event: .wait(1, sequence: 5), released: [applied(1)]),
        ]),
        Row(name: "every live replica already at S: released at once", steps: [
            Step(ms: 0, event: .report("a", 5)),
            Step(ms: 0, event: .report("b", 6)),
            Step(ms: 100, event: .wait(1, sequence: 5), released: [applied(1)]),
        ]),
        Row(name: "released when the last live replica reports S", steps: [
            Step(ms: 0, event: .report("a", 4)),
            Step(ms: 0, event: .report("b", 4)),
            Step(ms: 10, event: .wait(1, sequence: 5)),
            Step(ms: 20, event: .report("a", 5)),
            Step(ms: 25, event: .tick),
            Step(ms: 30, event: .report("b", 5), released: [applied(1)]),
        ]),
        Row(name: "a replica that never reports: released at the deadline, naming it", steps: [
            Step(ms: 0, event: .report("a", 4)),
            Step(ms: 900, event: .report("b", 4)),
            Step(ms: 1000, event: .wait(1, sequence: 5)),
            Step(ms: 1010, event: .report("a", 5)),
            Step(ms: 1900, event: .report("b", 4)),
            Step(ms: 2999, event: .tick),
            Step(ms: 3000, event: .tick, released: [late(1, ["b"])]),
        ]),
        Row(name: "a replica falling silent stops being waited for", steps: [
            Step(ms: 0, event: .report("a", 4)),
            Step(ms: 500, event: .report("b", 4)),
            Step(ms: 600, event: .wait(1, sequence: 5)),
            Step(ms: 700, event: .report("b", 5)),
            Step(ms: 2000, event: .tick),
            // "a" was last heard at 0 ms: no longer live after 2 s.
            Step(ms: 2001, event: .tick, released: [applied(1)]),
        ]),
        Row(name: "an older report cannot lower a replica's sequence", steps: [
            Step(ms: 0, event: .report("a", 6)),
            Step(ms: 10, event: .report("a", 4)),
            Step(ms: 20, event: .wait(1, sequence: 6), released: [applied(1)]),
        ]),
        Row(name: "several waits released in waiter order, each at its own sequence", steps: [
            Step(ms: 0, event: .report("a", 1)),
            Step(ms: 10, event: .wait(2, sequence: 3)),
            Step(ms: 10, event: .wait(1, sequence: 2)),
            Step(ms: 20, event: .report("a", 2), released: [applied(1)]),
            Step(ms: 30, event: .report("a", 3), released: [applied(2)]),
        ]),
        Row(name: "a cancelled wait is never released", steps: [
            Step(ms: 0, event: .report("a", 1)),
            Step(ms: 10, event: .wait(1, sequence: 2)),
            Step(ms: 20, event: .cancel(1)),
            Step(ms: 30, event: .report("a", 2)),
            Step(ms: 3000, event: .tick),
        ]),
    ]

    @Test(arguments: rows)
    func row(_ row: Row) {
        let origin = ContinuousClock.now
        var barrier = RevocationBarrier(maxStaleness: .seconds(2))
        for (index, step) in row.steps.enumerated() {
            let now = origin + .milliseconds(step.ms)
            let released: [RevocationBarrier.Release]
            switch step.event {
            case let .report(replica, sequence): released = barrier.reported(replica: replica, sequence: sequence, now: now)
            case let .wait(waiter, sequence): released = barrier.wait(waiter, forSequence: sequence, now: now).map { [$0] } ?? []
            case let .cancel(waiter):
                barrier.cancel(waiter)
                released = []
            case .tick: released = barrier.tick(now: now)
            }
            #expect(released == step.released, "step \(index) at \(step.ms) ms")
        }
        #expect(barrier.waiting == 0, "every wait ends")
    }

    @Test func liveSetIsWhoWasHeardWithinTheBound() {
        let origin = ContinuousClock.now
        var barrier = RevocationBarrier(maxStaleness: .seconds(2))
        _ = barrier.reported(replica: "b", sequence: 1, now: origin)
        _ = barrier.reported(replica: "a", sequence: 1, now: origin + .seconds(1))
        #expect(barrier.liveReplicas(at: origin + .seconds(2)) == ["a", "b"])
        #expect(barrier.liveReplicas(at: origin + .milliseconds(2001)) == ["a"])
    }
}
