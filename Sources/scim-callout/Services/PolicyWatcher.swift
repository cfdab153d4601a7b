import AuthCallout
import ServiceLifecycle

/// Re-reads the policy file when it changes (a bad edit keeps the last good policy).
struct PolicyWatcher: Service {
    let policy: PolicyStore
    let interval: Duration

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await policy.watch(every: interval, clock: ContinuousClock())
        }
    }
}
