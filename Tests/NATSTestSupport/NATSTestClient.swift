import Logging
import NATSClient
import TestSupport

/// Our client connected to a test's real nats-server, the same way in every suite: a long
/// connect timeout for a loaded machine, short reconnect waits so reconnect tests stay fast.
public enum NATSTestClient {
    /// Discards the client's logs (test output stays readable).
    public static let logger = Logger(label: "nats-client-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Connects to `server`; `configure` adjusts the configuration first (auth, TLS, …).
    public static func connect(
        _ server: NATSServerProcess,
        configure: (inout NATSConfiguration) -> Void = { _ in }
    ) async throws -> NATSConnection {
        var configuration = NATSConfiguration(servers: [server.url], connectTimeout: .seconds(10))
        configuration.reconnect.baseWait = .milliseconds(50)
        configuration.reconnect.maxWait = .milliseconds(500)
        configuration.reconnect.jitter = .milliseconds(20)
        configure(&configuration)
        return try await NATSConnection.connect(configuration, logger: logger)
    }
}
