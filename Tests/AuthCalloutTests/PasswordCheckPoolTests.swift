import AuthCallout
import Dispatch
import NIOConcurrencyHelpers
import Testing
import TestSupport

@Suite("argon2id checks on their own threads")
struct PasswordCheckPoolTests {
    /// How long a test waits for a check to reach its pool thread. The check is handed over by a
    /// child task, which waits for a cooperative thread behind every other suite starting at
    /// once; on a loaded host that took longer than the usual 10 s.
    static let startWait: Duration = .seconds(60)

    /// A check body that blocks its pool thread until released (what a slow argon2id does).
    final class Gate: Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        private let entered = NIOLockedValueBox(0)
        var started: Int { entered.withLockedValue { $0 } }
        func body(_ answer: Bool) -> @Sendable () -> Bool {
            { [self] in
                entered.withLockedValue { $0 += 1 }
                semaphore.wait()
                return answer
            }
        }
        func open(_ count: Int = 1) { for _ in 0 ..< count { semaphore.signal() } }
    }

    @Test func answersMatchAndMismatch() async throws {
        let pool = PasswordCheckPool(threads: 1)
        #expect(await pool.check(timeout: .seconds(30)) { true } == .match)
        #expect(await pool.check(timeout: .seconds(30)) { false } == .mismatch)
        try await pollUntil("no outstanding checks") { pool.outstandingChecks == 0 }
        try await pool.shutdown()
    }

    @Test func refusesChecksBeyondTheBoundAndFreesTheSlotWhenWorkEnds() async throws {
        let pool = PasswordCheckPool(threads: 1, maxOutstanding: 1)
        let gate = Gate()
        async let first = pool.check(timeout: .seconds(30), gate.body(true))
        try await pollUntil("the first check to run", timeout: Self.startWait) { gate.started == 1 }
        #expect(await pool.check(timeout: .seconds(30)) { true } == .overloaded)
        gate.open()
        #expect(await first == .match)
        try await pollUntil("the slot to be free") { pool.outstandingChecks == 0 }
        #expect(await pool.check(timeout: .seconds(30)) { false } == .mismatch)
        try await pool.shutdown()
    }

    @Test func aCheckPastItsDeadlineIsATimeoutAndQueuedWorkIsDropped() async throws {
        let pool = PasswordCheckPool(threads: 1, maxOutstanding: 8)
        let gate = Gate()
        let ranLate = NIOLockedValueBox(false)
        async let running = pool.check(timeout: .milliseconds(50), gate.body(true))
        try await pollUntil("the first check to run", timeout: Self.startWait) { gate.started == 1 }
        // Queued behind the blocked one: its deadline passes before a thread is free.
        let queued = await pool.check(timeout: .milliseconds(50)) { ranLate.withLockedValue { $0 = true }; return true }
        #expect(queued == .timedOut)
        // The running check is abandoned too, but still holds its slot until its thread is done.
        #expect(await running == .timedOut)
        #expect(pool.outstandingChecks >= 1)
        gate.open()
        try await pollUntil("both slots to be free") { pool.outstandingChecks == 0 }
        #expect(!ranLate.withLockedValue { $0 }, "a check abandoned while queued must never run")
        try await pool.shutdown()
    }

    @Test func blockedChecksLeaveTheCooperativePoolFree() async throws {
        let pool = PasswordCheckPool(threads: 4, maxOutstanding: 8)
        let gate = Gate()
        async let a = pool.check(timeout: .seconds(30), gate.body(true))
        async let b = pool.check(timeout: .seconds(30), gate.body(true))
        async let c = pool.check(timeout: .seconds(30), gate.body(true))
        async let d = pool.check(timeout: .seconds(30), gate.body(true))
        try await pollUntil("four checks to block their threads", timeout: Self.startWait) { gate.started == 4 }
        // Were the checks on the cooperative pool, this work could not run until they end.
        let sum = await Task.detached { (1 ... 1_000).reduce(0, +) }.value
        #expect(sum == 500_500)
        gate.open(4)
        #expect(await [a, b, c, d] == [.match, .match, .match, .match])
        try await pool.shutdown()
    }

    @Test func aStoppedPoolFailsClosed() async throws {
        let pool = PasswordCheckPool(threads: 1)
        try await pool.shutdown()
        #expect(await pool.check(timeout: .seconds(30)) { true } == .timedOut)
    }
}
