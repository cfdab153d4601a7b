import AuthCallout
import IdentityStore
import Logging
import ServiceLifecycle

/// Stores every policy load (time, SHA-256, bytes) in the store's `policy_history`, so
/// `access report --as-of` can evaluate the policy that was in force then.
struct PolicyHistoryRecorder: Service {
    let policy: PolicyStore
    let database: IdentityDatabase
    let logger: Logger

    func run() async throws {
        for await load in policy.loads.cancelOnGracefulShutdown() {
            do {
                let revision = try await database.recordPolicyLoad(load.content, at: load.loadedAt)
                logger.info("policy recorded in the history", metadata: [
                    "policy.sha256": .string(revision.sha256), "policy.generation": "\(load.generation)",
                ])
            } catch {
                // The policy is in force either way; only the audit trail misses this load.
                logger.warning("could not record the policy in the history", metadata: [
                    "policy.sha256": .string(PolicyRevision.sha256(of: load.content)), "error": "\(error)",
                ])
            }
        }
    }
}
