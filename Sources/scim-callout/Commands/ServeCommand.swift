import ArgumentParser
import Logging
import Metrics
import Prometheus

/// `scim-callout serve`: the service (SCIM endpoint, auth callout, health and metrics).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the service: SCIM endpoint, auth callout responder, /healthz, /readyz, /metrics.",
        discussion: """
            Stops cleanly on SIGTERM or SIGINT: the NATS subscription is drained, in-flight decisions \
            and SCIM requests finish, the store is closed, and the exit code is 0.
            """
    )

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        try await reportingErrors {
            let configuration = try options.load()
            try ServiceRuntime.checkFiles(configuration)
            // The only place the process-wide logging and metrics backends are chosen.
            LoggingBootstrap.bootstrap(configuration.log)
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            let runtime = ServiceRuntime(configuration: configuration, registry: registry,
                                         logger: Logger(label: "scim-callout"))
            // Written out before the process exits, whatever the outcome.
            defer { if configuration.log.format == .json { LogLineWriter.standardError.flush() } }
            try await runtime.run()
        }
    }
}
