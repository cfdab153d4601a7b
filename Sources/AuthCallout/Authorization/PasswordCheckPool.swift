import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Runs argon2id password checks on a few dedicated threads.
///
/// An argon2id check takes tens of milliseconds of CPU by design. Run inline, two concurrent
/// checks would occupy both threads of Swift's cooperative pool on a 2-core host and stall every
/// other decision (and the SCIM routes) behind them: a burst of wrong passwords would time out
/// everyone. Here they queue for their own threads while credential-cache hits keep flowing.
///
/// Bounded: at most `maxOutstanding` checks wait or run at once; more are refused at once
/// (`overloaded`, a denial), so a password-spraying burst grows neither memory nor latency
/// without limit. A check not finished by its deadline is abandoned (`timedOut`): queued work is
/// dropped; a running one finishes on its thread, still counted, and its answer is ignored.
///
/// A `Service`: `run()` keeps the threads until graceful shutdown, then stops them.
public final class PasswordCheckPool: Service, Sendable {
    /// How a check ended.
    public enum Outcome: Sendable, Equatable {
        case match
        case mismatch
        /// `maxOutstanding` checks were already waiting or running.
        case overloaded
        /// The deadline passed first.
        case timedOut
    }

    /// Checks waiting or running at once; more are refused.
    public let maxOutstanding: Int
    private let pool: NIOThreadPool
    private let outstanding = NIOLockedValueBox(0)

    /// - Parameters:
    ///   - threads: dedicated threads (default: half the cores, at least one, so argon2id never
    ///     takes every core from the decisions that hit the cache).
    ///   - maxOutstanding: checks queued or running before new ones are refused.
    public init(threads: Int = max(1, System.coreCount / 2), maxOutstanding: Int = 64) {
        pool = NIOThreadPool(numberOfThreads: max(1, threads))
        pool.start()
        self.maxOutstanding = max(1, maxOutstanding)
    }

    /// Checks waiting or running now (for tests and metrics).
    public var outstandingChecks: Int { outstanding.withLockedValue { $0 } }

    /// Runs `verify` on a pool thread unless the pool is full; waits at most `timeout`.
    public func check(timeout: Duration, _ verify: @escaping @Sendable () -> Bool) async -> Outcome {
        let admitted = outstanding.withLockedValue { count -> Bool in
            guard count < maxOutstanding else { return false }
            count += 1
            return true
        }
        guard admitted else { return .overloaded }
        let pool = self.pool
        let outstanding = self.outstanding
        // Released when the work really ends, not when the caller stops waiting for it.
        let work = Task<Bool?, Never> {
            defer { outstanding.withLockedValue { $0 -= 1 } }
            return try? await pool.runIfActive(verify)
        }
        let answered = NIOLockedValueBox(false)
        return await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let timer = Task {
                try? await Task.sleep(for: timeout)
                guard answered.withLockedValue({ done in defer { done = true }; return !done }) else { return }
                work.cancel()
                continuation.resume(returning: .timedOut)
            }
            Task {
                let result = await work.value
                guard answered.withLockedValue({ done in defer { done = true }; return !done }) else { return }
                timer.cancel()
                // nil: the pool was stopped (shutdown) before the check ran — fail closed.
                continuation.resume(returning: result.map { $0 ? .match : .mismatch } ?? .timedOut)
            }
        }
    }

    /// Keeps the threads until graceful shutdown, then stops them after the running checks.
    public func run() async throws {
        try? await gracefulShutdown()
        try await pool.shutdownGracefully()
    }

    /// Stops the threads (for owners that do not run this as a service). Call it once, and not
    /// together with `run()`.
    public func shutdown() async throws {
        try await pool.shutdownGracefully()
    }
}
