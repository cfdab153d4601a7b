import AuthCallout
import ServiceLifecycle

/// Runs the decision log's writer: on graceful shutdown it writes what is queued, then returns.
///
/// It starts before the callout and so stops after it: every decision the callout made while
/// draining still reaches the store.
struct DecisionLogService: Service {
    let log: DecisionLog

    func run() async throws {
        await withGracefulShutdownHandler {
            await log.run()
        } onGracefulShutdown: {
            log.finish()
        }
    }
}
