// swift-tools-version: 6.1
import PackageDescription

// Targets are listed bottom-up: a target depends only on targets above it.
// See docs/architecture.md for the arrows and the job of each target.
let package = Package(
    name: "scim-callout",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "scim-callout", targets: ["scim-callout"]),
        .library(name: "NKeys", targets: ["NKeys"]),
        .library(name: "NATSJWT", targets: ["NATSJWT"]),
        .library(name: "NATSClient", targets: ["NATSClient"]),
        .library(name: "SCIM", targets: ["SCIM"]),
        .library(name: "Policy", targets: ["Policy"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // NIOHTTPTypes: the HTTP parts Hummingbird's HTTP/1 pipeline passes between its handlers.
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // Tests only: RSA key generation for the test OIDC issuer.
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // libsodium: ed25519, curve25519 boxes (xkeys), argon2id.
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        .target(name: "NKeys", dependencies: ["CSodium"]),
        // The one JSON reader, writer and value type every other target uses.
        .target(name: "JSON"),
        .target(name: "NATSJWT", dependencies: ["NKeys", "JSON", "CSodium"]),
        .target(
            name: "NATSClient",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // JetStream over NATSClient: API codecs, streams, acked publish, ordered consumer, object store.
        .target(
            name: "JetStream",
            dependencies: [
                "NATSClient", "CSodium",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(name: "SCIM", dependencies: ["JSON"]),
        // Pure: the policy file, its evaluation and explanation; no store, log or NIO.
        .target(name: "Policy", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(
            name: "IdentityStore",
            dependencies: [
                // JetStream: ReplicatedIdentityStore (issue 15); NIOCore for the messages' bytes.
                "SCIM", "JSON", "Policy", "CSodium", "JetStream",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                // The auth readers' `PRAGMA data_version` and the decisions table's row binding
                // (`RowBinding`), through the C API.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Snapshots of the replicated store in the JetStream Object Store: take, trim, restore.
        .target(
            name: "Snapshots",
            dependencies: [
                "IdentityStore", "JetStream",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Sign-in with an IdP: OIDC discovery and JWKS (I/O), token verification and claim
        // mapping (pure), for the callout's token logins.
        .target(
            name: "OIDC",
            dependencies: [
                "IdentityStore", "JSON",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "SCIMServer",
            dependencies: [
                "SCIM", "IdentityStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "AuthCallout",
            dependencies: [
                "NKeys", "JSON", "NATSJWT", "NATSClient", "SCIM", "IdentityStore", "Policy", "CSodium", "OIDC",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                // NIOThreadPool: argon2id checks run on their own threads, off the cooperative pool.
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "scim-callout",
            dependencies: [
                "NKeys", "JSON", "NATSJWT", "NATSClient", "JetStream", "SCIM", "IdentityStore", "SCIMServer", "Policy", "AuthCallout", "OIDC",
                "Snapshots",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "scim-callout-bench",
            dependencies: [
                "NKeys", "NATSJWT", "NATSClient", "JetStream", "SCIM", "IdentityStore", "SCIMServer", "Policy", "AuthCallout", "OIDC",
                "Snapshots",
                // The callout suite starts a real nats-server exactly as the integration tests do.
                "TestSupport",
                // The replication suite reads each replica's SQLite position; the snapshot suite
                // builds its million-user store with SQL.
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/Sources/scim-callout-bench"
        ),

        // Test support: starting real servers and tools, never mocks of them.
        .target(
            name: "TestSupport",
            dependencies: [
                // The test OIDC issuer: keys, signed tokens, discovery and JWKS over loopback HTTP.
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport"
        ),
        // Our NATS client connected to a test's real nats-server, the same way in every suite.
        .target(
            name: "NATSTestSupport",
            dependencies: ["NATSClient", "TestSupport", .product(name: "Logging", package: "swift-log")],
            path: "Tests/NATSTestSupport"
        ),
        .testTarget(name: "NKeysTests", dependencies: ["NKeys", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "NATSJWTTests", dependencies: ["NATSJWT", "NKeys", "JSON", "TestSupport"]),
        .testTarget(
            name: "NATSClientTests",
            dependencies: [
                "NATSClient", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "JetStreamTests",
            dependencies: [
                "JetStream", "NATSClient", "NKeys", "TestSupport", "NATSTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "SnapshotsTests",
            dependencies: [
                "Snapshots", "IdentityStore", "JetStream", "NATSClient", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "SCIMTests", dependencies: ["SCIM", "JSON", "TestSupport"]),
        .testTarget(name: "PolicyTests", dependencies: ["Policy"]),
        .testTarget(
            name: "OIDCTests",
            dependencies: [
                "OIDC", "IdentityStore", "TestSupport",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "IdentityStoreTests",
            dependencies: [
                "IdentityStore", "SCIM", "TestSupport", "JetStream", "NATSClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "SCIMServerTests",
            dependencies: [
                "SCIMServer", "IdentityStore", "SCIM", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "AuthCalloutTests",
            dependencies: [
                "AuthCallout", "Policy", "NKeys", "NATSJWT", "IdentityStore", "SCIM", "OIDC", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]
        ),
        .testTarget(
            name: "ScimCalloutTests",
            dependencies: [
                "scim-callout", "JSON", "TestSupport", "IdentityStore", "Policy", "NATSClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "NKeys", "NATSJWT", "NATSClient", "SCIM", "IdentityStore", "SCIMServer", "Policy", "AuthCallout", "TestSupport", "OIDC",
                "NATSTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// Release builds optimize across this package's own modules: the callout calls NATSJWT's and
// JSON's generic code (claims, readers, writers) from other modules, which otherwise runs
// unspecialized. docs/benchmarks.md ("Cross-module optimization") has the measurement. It skips
// `package` declarations, so what the decision path calls across targets is `public`; and a
// module specializing another's generic code calls that module's internal protocol witnesses
// through the witness table, so NATSJWT's claim writers are `@usableFromInline`.
for target in package.targets where target.type == .regular || target.type == .executable {
    target.swiftSettings = (target.swiftSettings ?? [])
        + [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]
}
