import IdentityStore
import Logging
import ServiceLifecycle

/// Runs the replicated store's apply loop until shutdown. When the loop stops for good (a
/// command this build cannot apply, a store error) the service does not end the process: it
/// stays up unready (`/readyz` false, writes 503) so operators see why in the log and the
/// metrics, and a load balancer takes the replica out.
struct ReplicationApplyService: Service {
    let store: ReplicatedIdentityStore
    let logger: Logger

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await store.run() }
        } catch is CancellationError {
            return
        } catch {
            // The store logged why (critical); this replica stays up, unready, until shutdown.
            logger.error("replication apply loop ended; SCIM writes answer 503 and /readyz is false until restart",
                         metadata: ["error": "\(error)"])
            try? await gracefulShutdown()
        }
    }
}
