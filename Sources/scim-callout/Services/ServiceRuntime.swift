import AuthCallout
import IdentityStore
import JetStream
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import Metrics
import NATSClient
import NIOCore
import NIOPosix
import NIOSSL
import OIDC
import Policy
import Prometheus
import SCIM
import SCIMServer
import ServiceLifecycle
import Snapshots

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
        // The callout decides on event-loop threads of its own (one per connection, at most one
        // per core), so callout.thread_priority reaches exactly the threads that decide.
        let calloutLoops = MultiThreadedEventLoopGroup(
            numberOfThreads: max(1, min(configuration.callout.effectiveConnections, UsableCPUs.count)))
        do {
            try await run(calloutLoops: calloutLoops)
        } catch {
            try? await calloutLoops.shutdownGracefully()
            throw error
        }
        try? await calloutLoops.shutdownGracefully()
    }

    private func run(calloutLoops: MultiThreadedEventLoopGroup) async throws {
        let keys = try ServiceKeys.load(configuration)
        let policyStore: PolicyStore
        do {
            policyStore = try PolicyStore(url: URL(fileURLWithPath: configuration.policy.file), logger: logger.with(component: "policy"))
        } catch {
            throw ConfigurationError(code: .invalidValue, key: "policy.file", message: "\(error)")
        }
        let calloutKeys = try Self.calloutKeys(configuration, keys: keys, policy: policyStore.current)
        let schemas = try SchemaLocator.load(configuration.scim)
        let factory = PrometheusMetricsFactory(registry: registry)
        let metrics = ServiceMetrics(factory: factory)
        logger.info("scim-callout starting", metadata: [
            "version": "\(BuildInfo.version)", "issuer": "\(keys.issuer.publicKey)",
            "xkey": "\(keys.xkey?.publicKey ?? "none")", "mode": "\(configuration.callout.mode.rawValue)",
        ])

        // Replication: a replica with no store, or one the stream's tail no longer covers,
        // restores the newest snapshot before the store opens; it does not start when none covers the gap.
        if configuration.replication.enabled {
            try await Self.bootstrapFromSnapshot(configuration, keys: keys, logger: logger.with(component: "snapshots"))
        }
        // Store first: everything else reads it.
        let database = try Self.openStore(configuration.store, logger: logger.with(component: "store"))
        let identities = database

        // NATS: connect before serving, so a wrong URL or credential fails the start clearly.
        let natsLogger = logger.with(component: "nats")
        // The callout's connections are pinned to its loops in turn (see below).
        let loops = Array(calloutLoops.makeIterator())
        if let priority = configuration.callout.threadPriority {
            await Self.apply(priority, to: loops, logger: logger)
        }
        let nats = try await Self.connect(try NATSClientSettings.service(configuration, keys: keys), configuration, natsLogger,
                                          on: loops.first)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        services.append(.init(service: nats))
        services.append(.init(service: NATSEventMonitor(connection: nats, role: "service", metrics: metrics, logger: natsLogger),
                              successTerminationBehavior: .ignore))

        // The callout: decisions are logged (and counted) by the decision log, which outlives it.
        let decisionStore = try Self.openDecisions(configuration.decisions)
        // Decisions for other hosts go out on a connection of their own, on the shared loops:
        // publishing never competes with the callout's reads. Started before the decision log,
        // it stops after the log has handed over its last batch.
        var feed: DecisionPublisher?
        if configuration.replication.publishesDecisions {
            var settings = try NATSClientSettings.service(configuration, keys: keys)
            settings.name = configuration.nats.name + "-decisions"
            let feedLogger = logger.with(component: "decision-feed")
            let connection = try await Self.connect(settings, configuration, feedLogger)
            let publisher = DecisionPublisher(connection: connection, replication: configuration.replication,
                                              decisions: configuration.decisions, logger: feedLogger, metricsFactory: factory)
            services.append(.init(service: connection))
            services.append(.init(service: NATSEventMonitor(connection: connection, role: "decisions", metrics: metrics, logger: feedLogger),
                                  successTerminationBehavior: .ignore))
            services.append(.init(service: publisher))
            logger.info("publishing decisions", metadata: [
                "subject": .string(publisher.subject),
                "stream": .string(configuration.replication.decisionsStream ?? "none"),
            ])
            feed = publisher
        }
        let decisionLog = DecisionLog(logger: logger.with(component: "decisions"), sink: decisionStore, feed: feed,
                                      metricsFactory: factory)
        services.append(.init(service: DecisionLogService(log: decisionLog)))
        services.append(.init(service: PolicyWatcher(policy: policyStore, interval: .seconds(5))))
        services.append(.init(service: PolicyHistoryRecorder(policy: policyStore, database: database,
                                                             logger: logger.with(component: "policy"))))
        services.append(.init(service: TokenExpiryMonitor(database: database, factory: factory, interval: .seconds(60),
                                                          logger: logger.with(component: "tokens"))))
        services.append(.init(service: HistoryPruner(database: database, retention: configuration.history.retention,
                                                     logger: logger.with(component: "history"))))
        // argon2id checks get their own threads, so a burst of wrong passwords cannot stall the
        // decisions that hit the credential cache; it stops after the callout (reverse start order).
        let passwordChecks = PasswordCheckPool()
        services.append(.init(service: passwordChecks))
        // Token logins: each issuer's keys are fetched before the callout subscribes and kept
        // fresh; an issuer that cannot be reached refuses only its own logins (and /readyz says so).
        var tokenKeys: OIDCKeyStore?
        if !configuration.oidc.issuers.isEmpty {
            let keyStore = OIDCKeyStore(issuers: configuration.oidc.issuers, logger: logger.with(component: "oidc"))
            await keyStore.refreshAll()
            services.append(.init(service: keyStore))
            tokenKeys = keyStore
        }
        // jwt.lifetime caps whatever the policy grants.
        let authorizer = Authorizer(identities: identities, policy: policyStore, passwordChecks: passwordChecks,
                                    passwordCheckTimeout: Authorizer.passwordCheckTimeout(within: configuration.callout.decisionBudget),
                                    maxLifetime: configuration.jwt.lifetime, tokens: tokenKeys,
                                    tokenPasswordUser: configuration.oidc.passwordUser)
        let cap = configuration.jwt.lifetime
        let handler = AuthorizationHandler(
            keys: calloutKeys,
            configuration: .init(requireEncryption: keys.xkey != nil, decisionBudget: configuration.callout.decisionBudget,
                                 maxRequestLifetime: configuration.callout.maxRequestLifetime,
                                 serverKeys: Set(configuration.callout.serverKeys),
                                 allowedAccounts: Set(configuration.callout.allowedAccounts)),
            authorizer: authorizer)
        // More connections in the same queue group spread the requests over more event loops:
        // each is pinned to its own loop (round-robin would put them wherever it happens to be).
        var calloutConnections = [nats]
        for index in 1 ..< configuration.callout.effectiveConnections {
            let extra = try await Self.connect(try NATSClientSettings.service(configuration, keys: keys, name: index),
                                               configuration, natsLogger, on: loops[index % loops.count])
            services.append(.init(service: extra))
            services.append(.init(service: NATSEventMonitor(connection: extra, role: "service-\(index)", metrics: metrics, logger: natsLogger),
                                  successTerminationBehavior: .ignore))
            calloutConnections.append(extra)
        }
        // Replication: SCIM writes go through the stream; its own connection, after the store
        // and before the callout and HTTP, so no write is accepted before the apply loop runs
        // and no callout is answered before this replica proved it is current.
        var replicated: ReplicatedIdentityStore?
        var currency: ReplicaCurrencyMonitor?
        var progress: ReplicaProgress?
        if configuration.replication.enabled {
            let settings = configuration.replication
            let replicationLogger = logger.with(component: "replication")
            let started = try await Self.startReplication(configuration, keys: keys, database: database, logger: logger)
            let store = started.store
            services.append(.init(service: started.connection))
            services.append(.init(service: ReplicationApplyService(store: store, logger: replicationLogger)))
            services.append(.init(service: try await Self.snapshotScheduler(
                configuration, store: store, connection: started.connection, logger: logger.with(component: "snapshots"))))
            // Probes fail well within the interval, so a lost stream is noticed by the next one.
            let probes = JetStreamContext(connection: started.connection, timeout: settings.maxStaleness / 4)
            let monitor = ReplicaCurrencyMonitor(
                maxStaleness: settings.maxStaleness, appliedSequence: store.appliedSequence,
                probe: { try await store.probe(through: probes) },
                appliedSequences: { store.appliedSequences() }, logger: replicationLogger, metricsFactory: factory)
            let reports = ReplicaProgress(connection: started.connection, replicaID: settings.replicaID,
                                          subjectPrefix: settings.subjectPrefix, maxStaleness: settings.maxStaleness,
                                          appliedSequences: { store.appliedSequences() }, logger: replicationLogger)
            store.setRevocationWait { sequence in await reports.waitForReplicas(toApply: sequence) }
            services.append(.init(service: monitor))
            services.append(.init(service: reports))
            replicated = store
            currency = monitor
            progress = reports
        }

        let sessions = SessionRegistry()
        let callout = CalloutService(
            connections: calloutConnections, handler: handler, decisionLog: decisionLog, sessions: sessions, currency: currency,
            configuration: .init(queueGroup: configuration.nats.queueGroup, throttle: configuration.callout.throttle.settings),
            logger: logger.with(component: "callout"), metricsFactory: factory)

        // Live revocation needs a system-account connection; without one, jwt.lifetime bounds sessions.
        if let systemSettings = try NATSClientSettings.system(configuration, keys: keys) {
            let systemLogger = logger.with(component: "nats-system")
            let system = try await Self.connect(systemSettings, configuration, systemLogger)
            services.append(.init(service: system))
            services.append(.init(service: NATSEventMonitor(connection: system, role: "system", metrics: metrics, logger: systemLogger),
                                  successTerminationBehavior: .ignore))
            // With replication, only the replica that accepted a write cuts, after the barrier.
            var settle: SessionRevoker.Settle?
            if let progress, let replicated {
                settle = { await progress.waitForReplicas(toApply: replicated.appliedSequence) }
            }
            services.append(.init(service: SessionRevoker(
                identities: identities, feed: identities, registry: sessions, control: ServerControl(connection: system),
                policy: policyStore, decisionLog: decisionLog, recorder: database, accountKeys: calloutKeys.accountKeys,
                replicaID: replicated == nil ? nil : configuration.replication.replicaID, settle: settle,
                logger: logger.with(component: "revoker"))))
        } else {
            logger.notice("nats.system is not configured: revoked users keep live sessions until their JWT expires",
                          metadata: ["jwt.lifetime": "\(DurationText.format(cap))"])
        }
        services.append(.init(service: callout))

        var readiness = [
            ReadinessCheck(name: "store open") { (try? await database.latestChangeSequence()) != nil },
            ReadinessCheck(name: "nats connected") { [calloutConnections] in calloutConnections.allSatisfy { $0.isConnected } },
            ReadinessCheck(name: "callout subscribed") { callout.isSubscribed },
        ]
        if let replicated {
            readiness.append(ReadinessCheck(name: "replication applying") { replicated.health.isApplying })
        }
        if let currency {
            readiness.append(ReadinessCheck(name: "replica current") { currency.isCurrent })
        }
        for issuer in configuration.oidc.issuers {
            readiness.append(ReadinessCheck(name: "oidc keys of \(issuer.issuer)") { [tokenKeys] in
                tokenKeys?.keys[issuer.issuer]?.isAvailable ?? false
            })
        }
        let repository: any SCIMRepository = replicated ?? database
        let http = try makeHTTPApplication(readiness: readiness, repository: repository, schemas: schemas, factory: factory) {
            metrics.refreshUptime()
            if let counts = try? await StoreCounts.read(database) { metrics.recordRowCounts(counts) }
            if let decisions = try? await decisionStore.count() { metrics.recordRowCounts(["decisions": decisions]) }
        }
        services.append(.init(service: http))

        // Start order = dependency order; ServiceGroup stops them in reverse: HTTP first, then the
        // callout (finishing in-flight decisions), the revoker, NATS (draining), the decision log.
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger))
        try await group.run()
        logger.info("scim-callout stopped")
    }

    /// Sets `priority` on every callout loop's thread; a host that refuses gets a warning, not
    /// a failed start: the decisions are as correct without it, only more exposed to other load.
    static func apply(_ priority: ThreadPriority, to loops: [any EventLoop], logger: Logger) async {
        var refusal: String?
        var applied = 0
        for loop in loops {
            do {
                try await loop.submit { try priority.applyToCurrentThread() }.get()
                applied += 1
            } catch let error as ThreadPriorityError {
                refusal = "\(error)"
            } catch {
                refusal = "the callout loop did not run the change: \(error)"
            }
        }
        if let refusal {
            logger.warning("callout.thread_priority not applied: callout threads it did not reach keep the host's default", metadata: [
                "callout.thread_priority": "\(priority)", "error": .string(refusal),
                "callout.threads": "\(loops.count)", "callout.threads_applied": "\(applied)",
            ])
        } else {
            logger.info("callout threads scheduled", metadata: [
                "callout.thread_priority": "\(priority)", "callout.threads": "\(loops.count)",
            ])
        }
    }

    /// Connects replication's own NATS connection (the `nats.*` settings), creates or updates
    /// the stream, and builds the replicated store over `database`.
    static func startReplication(
        _ configuration: Configuration, keys: ServiceKeys, database: IdentityDatabase, logger: Logger
    ) async throws -> (store: ReplicatedIdentityStore, connection: NATSConnection) {
        let settings = configuration.replication
        let replicationLogger = logger.with(component: "replication")
        var natsSettings = try NATSClientSettings.service(configuration, keys: keys)
        natsSettings.name = configuration.nats.name + "-replication"
        let connection = try await connect(natsSettings, configuration, replicationLogger)
        let store = ReplicatedIdentityStore(
            database: database, jetStream: JetStreamContext(connection: connection),
            settings: ReplicationSettings(replicaID: settings.replicaID, stream: settings.stream,
                                          subjectPrefix: settings.subjectPrefix, replicas: settings.replicas,
                                          applyTimeout: settings.applyTimeout),
            logger: replicationLogger)
        do {
            try await store.prepareStream()
        } catch {
            throw CLIError(.unavailable, "cannot create or update the replication stream \(settings.stream) "
                           + "(replication.stream; the nats.* account needs JetStream): \(error)")
        }
        replicationLogger.info("replication enabled", metadata: [
            "replication.replica_id": .string(settings.replicaID), "replication.stream": .string(settings.stream),
            "replication.replicas": "\(settings.replicas)",
        ])
        return (store, connection)
    }

    /// Opens the identity store with the configured durability.
    static func openStore(_ settings: Configuration.Store, logger: Logger) throws -> IdentityDatabase {
        do {
            return try IdentityDatabase.open(path: settings.path, logger: logger, durability: settings.durability)
        } catch {
            throw CLIError(.failure, "cannot open the store at \(settings.path) (store.path): \(error)")
        }
    }

    /// Opens the decision log's table with the configured retention.
    static func openDecisions(_ settings: Configuration.Decisions) throws -> DecisionStore {
        do {
            return try DecisionStore.open(path: settings.path,
                                          retention: .init(maxRows: settings.maxRows, maxAge: settings.retention))
        } catch {
            throw CLIError(.failure, "cannot open the decision log at \(settings.path) (decisions.path): \(error)")
        }
    }

    /// - Parameter eventLoop: the loop the connection always runs on (nil: any of the shared ones).
    private static func connect(_ settings: NATSConfiguration, _ configuration: Configuration,
                                _ logger: Logger, on eventLoop: (any EventLoop)? = nil) async throws -> NATSConnection {
        do {
            return try await NATSConnection.connect(settings, eventLoopGroup: eventLoop ?? MultiThreadedEventLoopGroup.singleton,
                                                    logger: logger)
        } catch {
            throw CLIError(.unavailable, "cannot connect to nats-server at \(configuration.nats.urls.joined(separator: ", ")) "
                           + "as \(settings.authentication): \(error)")
        }
    }

    /// Which keys sign what: config mode signs everything with the issuer; operator mode signs
    /// responses for the callout account and user JWTs for each policy account, all with the
    /// issuer key as those accounts' signing key.
    static func calloutKeys(_ configuration: Configuration, keys: ServiceKeys,
                            policy: Policy) throws(ConfigurationError) -> CalloutKeys {
        switch configuration.callout.mode {
        case .config:
            return CalloutKeys(mode: .config(issuer: keys.issuer), xkey: keys.xkey)
        case .operator:
            do {
                let calloutAccount = configuration.callout.authAccount ?? keys.issuer.publicKey
                let callout = try AccountSigner(account: calloutAccount, signer: keys.issuer)
                var accounts: [String: AccountSigner] = [:]
                for account in Set([policy.defaultAccount] + policy.bindings.compactMap(\.account)) {
                    accounts[account] = try AccountSigner(account: account, signer: keys.issuer)
                }
                return CalloutKeys(mode: .operator(callout: callout, accounts: accounts), xkey: keys.xkey)
            } catch {
                throw ConfigurationError(code: .invalidValue, key: "callout.auth_account",
                                         message: "operator mode needs account public keys (A…) here and as policy accounts: \(error)")
            }
        }
    }

    private func makeHTTPApplication(
        readiness: [ReadinessCheck],
        repository: any SCIMRepository,
        schemas: SchemaRegistry,
        factory: PrometheusMetricsFactory,
        beforeScrape: @escaping @Sendable () async -> Void
    ) throws -> some ApplicationProtocol {
        let router = Router(context: SCIMRequestContext.self)
        HealthRoutes.add(to: router, readiness: readiness, registry: registry, beforeScrape: beforeScrape)
        SCIMRoutes.add(
            to: router, repository: repository, registry: schemas,
            configuration: SCIMServerConfiguration(publicBaseURL: configuration.scim.publicBaseURL,
                                                   maxResults: configuration.scim.maxResults,
                                                   lenientMembers: configuration.scim.lenientMembers,
                                                   maxConcurrentPerToken: configuration.scim.maxConcurrentPerToken),
            metricsFactory: factory)
        let listen = configuration.http.listen
        let logger = self.logger
        let scheme = configuration.http.tls.isEnabled ? "https" : "http"
        return Application(
            router: router,
            server: try httpServer(factory: factory),
            configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: "scim-callout"),
            onServerRunning: { channel in
                logger.info("HTTP listening", metadata: [
                    "url": "\(scheme)://\(listen.host):\(channel.localAddress?.port ?? listen.port)",
                ])
            },
            logger: logger
        )
    }

    private func httpServer(factory: any MetricsFactory) throws -> HTTPServerBuilder {
        let http1 = HTTPServerBuilder.http1(configuration: Self.http1Configuration(configuration.http, factory: factory))
        guard let certFile = configuration.http.tls.certFile, let keyFile = configuration.http.tls.keyFile else {
            return http1
        }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certFile).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
            let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            return try .tls(http1, tlsConfiguration: tls)
        } catch {
            throw ConfigurationError(code: .invalidValue, key: "http.tls.cert_file",
                                     message: "cannot load the certificate or key as PEM: \(error)")
        }
    }

    /// Hummingbird's HTTP/1 channel with its idle timeout, and the read deadlines it lacks
    /// (`HTTPReadTimeoutHandler`), each timeout counted in `http_read_timeouts_total{phase}`.
    static func http1Configuration(_ http: Configuration.HTTP, factory: any MetricsFactory) -> HTTP1Channel.Configuration {
        let header = TimeAmount(http.headerTimeout)
        let body = TimeAmount(http.bodyTimeout)
        let counters = Dictionary(uniqueKeysWithValues: [HTTPReadDeadlines.Phase.header, .body].map {
            ($0, Counter(label: "http_read_timeouts_total", dimensions: [("phase", $0.rawValue)], factory: factory))
        })
        return HTTP1Channel.Configuration(
            additionalChannelHandlers: [HTTPReadTimeoutHandler(deadlines: .init(header: header, body: body)) { phase in
                counters[phase]?.increment()
            }],
            idleTimeout: TimeAmount(http.idleTimeout))
    }
}
