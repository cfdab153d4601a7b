import Foundation
import IdentityStore
import Logging
import Metrics
import ServiceLifecycle

/// Refreshes `scim_callout_scim_token_expiry_seconds{token}` and warns in the log as a SCIM token
/// nears its expiry (see ``TokenExpiryWatch``), every `interval` until shutdown.
struct TokenExpiryMonitor: Service {
    let database: IdentityDatabase
    let factory: any MetricsFactory
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown { await watch() }
    }

    private func watch() async {
        var watch = TokenExpiryWatch()
        while !Task.isCancelled {
            do {
                let tokens = try await database.listSCIMTokens()
                for action in watch.observe(tokens, at: Date()) { apply(action) }
            } catch {
                // The next round retries; the gauges keep their last values meanwhile.
                logger.warning("could not read the SCIM tokens for their expiry", metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }

    private func apply(_ action: TokenExpiryWatch.Action) {
        switch action {
        case .record(let name, let seconds):
            gauge(name).record(seconds.rounded())
        case .remove(let name):
            gauge(name).destroy()
        case .warn(let name, let expiresAt):
            let expired = expiresAt <= Date()
            logger.warning(expired ? "SCIM token expired: the IdP's requests are refused until it gets a new token"
                                   : "SCIM token expires soon: rotate it (scim-callout tokens rotate)",
                           metadata: ["token.name": .string(name), "token.expires_at": .string(expiresAt.formatted(.iso8601))])
        }
    }

    /// The factory hands back the registered gauge for the same label and token name.
    private func gauge(_ name: String) -> Gauge {
        Gauge(label: "scim_callout_scim_token_expiry_seconds", dimensions: [("token", name)], factory: factory)
    }
}
