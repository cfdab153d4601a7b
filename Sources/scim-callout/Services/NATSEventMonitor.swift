import Logging
import NATSClient
import ServiceLifecycle

/// Follows a NATS connection's events into logs and the `nats_connection_state` /
/// `nats_reconnects_total` metrics.
struct NATSEventMonitor: Service {
    static let states = ["connected", "disconnected", "closed"]

    let connection: NATSConnection
    let role: String
    let metrics: ServiceMetrics
    let logger: Logger

    func run() async throws {
        metrics.recordNATSState(connection.isConnected ? "connected" : "disconnected", states: Self.states, role: role)
        for await event in connection.events.cancelOnGracefulShutdown() {
            switch event {
            case .connected(let server):
                metrics.recordNATSState("connected", states: Self.states, role: role)
                logger.info("NATS connected", metadata: ["nats.server": "\(server)", "nats.role": "\(role)"])
            case .reconnected(let server):
                metrics.recordNATSState("connected", states: Self.states, role: role)
                metrics.recordReconnect(role: role)
                logger.notice("NATS reconnected", metadata: ["nats.server": "\(server)", "nats.role": "\(role)"])
            case .disconnected(let reason):
                metrics.recordNATSState("disconnected", states: Self.states, role: role)
                logger.warning("NATS disconnected", metadata: ["reason": "\(reason)", "nats.role": "\(role)"])
            case .lameDuckMode(let server):
                logger.notice("NATS server entering lame-duck mode", metadata: ["nats.server": "\(server)"])
            case .slowConsumer(let subject, _, let dropped):
                logger.error("NATS slow consumer: messages dropped",
                             metadata: ["nats.subject": "\(subject)", "dropped": "\(dropped)"])
            case .serverError(let message):
                logger.warning("NATS server error", metadata: ["message": "\(message)", "nats.role": "\(role)"])
            case .closed(let reason):
                metrics.recordNATSState("closed", states: Self.states, role: role)
                logger.info("NATS connection closed", metadata: ["reason": "\(reason ?? "shutdown")", "nats.role": "\(role)"])
            }
        }
    }
}
