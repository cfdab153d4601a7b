import AuthCallout
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import Metrics
import NATSClient
import NIOSSL
import Prometheus
import ServiceLifecycle

/// Composes the running service: store → NATS → callout → HTTP, in a `ServiceGroup` that shuts
/// them down in reverse order on SIGTERM/SIGINT (HTTP stops accepting first, the store closes
/// last).
struct ServiceRuntime: Sendable {
    var configuration: Configuration
    var registry: PrometheusCollectorRegistry
    var logger: Logger

    /// Fails early, naming the key, when a file the configuration needs is missing.
    static func checkFiles(_ configuration: Configuration) throws(ConfigurationError) {
        var required: [(String, String?)] = [
            ("keys.issuer_seed_file", configuration.keys.issuerSeedFile),
            ("keys.xkey_seed_file", configuration.keys.xkeySeedFile),
            ("policy.file", configuration.policy.file),
            ("nats.nkey_seed_file", configuration.nats.nkeySeedFile),
            ("nats.credentials_file", configuration.nats.credentialsFile),
            ("nats.system.credentials_file", configuration.nats.system.credentialsFile),
            ("nats.system.nkey_seed_file", configuration.nats.system.nkeySeedFile),
            ("nats.tls.ca_file", configuration.nats.tls.caFile),
            ("nats.tls.cert_file", configuration.nats.tls.certFile),
            ("nats.tls.key_file", configuration.nats.tls.keyFile),
            ("http.tls.cert_file", configuration.http.tls.certFile),
            ("http.tls.key_file", configuration.http.tls.keyFile),
        ]
        required.append(("store.path", URL(fileURLWithPath: configuration.store.path).deletingLastPathComponent().path))
        for (key, path) in required {
            guard let path else { continue }
            guard FileManager.default.isReadableFile(atPath: path) else {
                let hint = key.hasPrefix("keys.") || key == "policy.file" ? " (run `scim-callout init` to create it)" : ""
                throw ConfigurationError(code: .missingFile, key: key, message: "\(path) does not exist or is not readable\(hint)")
            }
        }
    }

    /// Parses the policy file; its errors carry line numbers.
    static func loadPolicy(_ configuration: Configuration) throws(ConfigurationError) -> Policy {
        do {
            return try PolicyParser.load(contentsOf: URL(fileURLWithPath: configuration.policy.file))
        } catch {
            throw ConfigurationError(code: .invalidValue, key: "policy.file", message: "\(error)")
        }
    }

    func run() async throws {
        let keys = try ServiceKeys.load(configuration)
        let metrics = ServiceMetrics(factory: PrometheusMetricsFactory(registry: registry))
        logger.info("scim-callout starting", metadata: [
            "version": "\(BuildInfo.version)", "issuer": "\(keys.issuer.publicKey)",
            "xkey": "\(keys.xkey?.publicKey ?? "none")",
        ])

        // NATS: connect first, so a wrong URL or credential fails the start with a clear message.
        let natsLogger = logger.with(component: "nats")
        let nats: NATSConnection
        do {
            nats = try await NATSConnection.connect(try NATSClientSettings.service(configuration, keys: keys),
                                                    logger: natsLogger)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw CLIError(.unavailable, "cannot connect to nats-server at \(configuration.nats.urls.joined(separator: ", ")): \(error)")
        }
        let natsMonitor = NATSEventMonitor(connection: nats, role: "service", metrics: metrics, logger: natsLogger)

        let readiness = [
            ReadinessCheck(name: "nats connected") { nats.isConnected },
        ]
        let http = try makeHTTPApplication(readiness: readiness, beforeScrape: { metrics.refreshUptime() })
        // Start order = dependency order; ServiceGroup stops them in reverse (HTTP first, NATS last).
        let group = ServiceGroup(configuration: .init(
            services: [
                .init(service: nats),
                .init(service: natsMonitor, successTerminationBehavior: .ignore),
                .init(service: http),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await group.run()
        logger.info("scim-callout stopped")
    }

    private func makeHTTPApplication(
        readiness: [ReadinessCheck],
        beforeScrape: @escaping @Sendable () async -> Void
    ) throws -> some ApplicationProtocol {
        let router = Router()
        HealthRoutes.add(to: router, readiness: readiness, registry: registry, beforeScrape: beforeScrape)
        let listen = configuration.http.listen
        let logger = self.logger
        let scheme = configuration.http.tls.isEnabled ? "https" : "http"
        return Application(
            router: router,
            server: try httpServer(),
            configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: "scim-callout"),
            onServerRunning: { channel in
                logger.info("HTTP listening", metadata: [
                    "url": "\(scheme)://\(listen.host):\(channel.localAddress?.port ?? listen.port)",
                ])
            },
            logger: logger
        )
    }

    private func httpServer() throws -> HTTPServerBuilder {
        guard let certFile = configuration.http.tls.certFile, let keyFile = configuration.http.tls.keyFile else {
            return .http1()
        }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certFile).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
            let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            return try .tls(.http1(), tlsConfiguration: tls)
        } catch {
            throw ConfigurationError(code: .invalidValue, key: "http.tls.cert_file",
                                     message: "cannot load the certificate or key as PEM: \(error)")
        }
    }
}
