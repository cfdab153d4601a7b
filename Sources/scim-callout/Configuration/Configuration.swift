import AuthCallout
import Foundation
import IdentityStore
import OIDC
import NIOCore
import Logging

/// Every setting of `scim-callout serve`, with the defaults it runs on when nothing is configured.
///
/// Values come from three layers, later ones winning: these defaults, the YAML file, and
/// `SCIM_CALLOUT_<SECTION>_<KEY>` environment variables (see `ConfigurationKey.all`). Relative
/// paths are resolved against the data directory (the config file's folder by default).
struct Configuration: Sendable, Equatable {
    var nats = NATS()
    var keys = Keys()
    var callout = Callout()
    var http = HTTP()
    var scim = SCIM()
    var store = Store()
    var policy = Policy()
    var jwt = JWT()
    var decisions = Decisions()
    var history = History()
    var log = Log()
    var oidc = OIDC()
    var replication = Replication()

    /// How the service connects to nats-server.
    struct NATS: Sendable, Equatable {
        var urls: [String] = ["nats://127.0.0.1:4222"]
        var name: String = "scim-callout"
        /// User/password of the service user (config mode: a member of `auth_users`).
        var user: String?
        var password: Secret?
        var token: Secret?
        /// The service user's nkey seed (lets clients use nkeys: the server sends a nonce).
        var nkeySeedFile: String?
        /// A `.creds` file (operator mode).
        var credentialsFile: String?
        var queueGroup: String = "scim-callout"
        /// Keep trying at start when no server is reachable yet (containers starting together),
        /// instead of exiting with 69.
        var connectRetry = false
        var tls = TLS()
        /// System-account credentials, used to disconnect revoked users' live sessions (KICK).
        var system = SystemAccount()
    }

    /// TLS towards nats-server.
    struct TLS: Sendable, Equatable {
        var enabled = false
        var caFile: String?
        var certFile: String?
        var keyFile: String?
    }

    /// Credentials of a system-account user; unset disables live revocation (expiry still applies).
    struct SystemAccount: Sendable, Equatable {
        var user: String?
        var password: Secret?
        var nkeySeedFile: String?
        var credentialsFile: String?
        var isConfigured: Bool { user != nil || nkeySeedFile != nil || credentialsFile != nil }
    }

    /// The keys the service signs and decrypts with.
    struct Keys: Sendable, Equatable {
        /// Seed of the account nkey whose public key is `auth_callout.issuer`.
        var issuerSeedFile: String = "issuer.nk"
        /// Seed of the curve (xkey) key whose public key is `auth_callout.xkey`; nil disables.
        var xkeySeedFile: String?
    }

    /// What the callout puts into the user JWTs it issues.
    struct Callout: Sendable, Equatable {
        enum Mode: String, Sendable, CaseIterable { case config, `operator` }
        var mode: Mode = .config
        /// Operator mode: the public key of the account the service connects to (the one with the
        /// auth callout settings); the issuer is one of its signing keys. Nil: the issuer's own key.
        var authAccount: String?
        /// NATS connections that receive authorization requests, each on its own event loop
        /// (nil: one per usable CPU, at most 8).
        var connections: Int?
        /// CPU scheduling for the threads that decide (nil: the host's default).
        var threadPriority: ThreadPriority?
        /// nats-server keys whose requests are decided (empty: any).
        var serverKeys: [String] = []
        /// Operator mode: the accounts (A…) users may be placed in; empty: any the policy names.
        var allowedAccounts: [String] = []
        /// The longest validity of an auth request; decided ones are remembered this long.
        var maxRequestLifetime: Duration = .seconds(60)
        /// The longest a decision may take before it is denied as a timeout (the request's own
        /// `exp` may end it sooner); under nats-server's authorization timeout, so the denial lands.
        var decisionBudget: Duration = .milliseconds(1500)
        /// Per-user and per-source limits on argon2id password checks.
        var throttle = Throttle()

        /// The connection count in effect.
        var effectiveConnections: Int { connections ?? min(8, UsableCPUs.count) }
    }

    /// `callout.throttle.*`: see ``PasswordThrottle/Settings`` (the defaults are its defaults).
    struct Throttle: Sendable, Equatable {
        var enabled = true
        var sourceBurst = 30
        var sourcePerMinute = 120
        var userBurst = 10
        var userPerMinute = 10
        var freeFailures = 5
        var maxBackoff: Duration = .seconds(60)
        var forgetAfter: Duration = .seconds(15 * 60)
        var userMaxWaiting = 4
        var sourceMaxWaiting = 16

        /// The limits in force, or nil when throttling is off.
        var settings: PasswordThrottle.Settings? {
            guard enabled else { return nil }
            return PasswordThrottle.Settings(sourceBurst: sourceBurst, sourcePerMinute: sourcePerMinute, userBurst: userBurst,
                                             userPerMinute: userPerMinute, freeFailures: freeFailures, maxBackoff: maxBackoff,
                                             forgetAfter: forgetAfter, userMaxWaiting: userMaxWaiting,
                                             sourceMaxWaiting: sourceMaxWaiting)
        }
    }

    /// The HTTP listener for SCIM, health and metrics.
    struct HTTP: Sendable, Equatable {
        var listen = ListenAddress(host: "127.0.0.1", port: 8080)
        var tls = ServerTLS()
        /// How long a client has to send a request head (see `HTTPReadDeadlines`).
        var headerTimeout: Duration = .seconds(10)
        /// How long a client has to send a request body once its head is in.
        var bodyTimeout: Duration = .seconds(30)
        /// How long a connection may stay silent between requests (Hummingbird's idle timeout).
        var idleTimeout: Duration = .seconds(60)
    }

    /// TLS for the HTTP listener; both files or neither.
    struct ServerTLS: Sendable, Equatable {
        var certFile: String?
        var keyFile: String?
        var isEnabled: Bool { certFile != nil }
    }

    /// The SCIM endpoint under `/scim/v2`.
    struct SCIM: Sendable, Equatable {
        /// The folder with `schemas/` and `resource-types/` (nil: found next to the binary or in
        /// the working directory).
        var schemasDirectory: String?
        /// The externally visible base URL for `meta.location` (nil: from the request's Host).
        var publicBaseURL: String?
        var maxResults = 1_000
        /// Keep group members whose id names no user or group instead of refusing the write.
        var lenientMembers = false
        /// The most SCIM requests one bearer token may have in progress at once (429 above).
        var maxConcurrentPerToken = 16
    }

    /// The embedded SQLite store.
    struct Store: Sendable, Equatable {
        var path: String = "scim-callout.sqlite"
        /// SQLite `synchronous`: `full` survives power loss, `normal` only process crashes (WAL).
        var durability: IdentityDatabase.Durability = .full
    }

    /// The group → permissions policy.
    struct Policy: Sendable, Equatable {
        var file: String = "policy.yaml"
    }

    /// The longest lifetime of issued user JWTs (the policy may grant less): nats-server
    /// disconnects a client when it runs out, so this bounds how long a deprovisioned user's live
    /// session can last without a KICK.
    struct JWT: Sendable, Equatable {
        var lifetime: Duration = .seconds(3_600)
    }

    /// The decision log.
    struct Decisions: Sendable, Equatable {
        /// Its own SQLite file, so decision writes never contend with SCIM writes.
        var path: String = "decisions.sqlite"
        var retention: Duration = .seconds(30 * 86_400)
        var maxRows: Int = 1_000_000
    }

    /// Identity history (the audit trail of SCIM changes).
    struct History: Sendable, Equatable {
        var retention: Duration = .seconds(400 * 86_400)
    }

    /// Log output.
    struct Log: Sendable, Equatable {
        enum Format: String, Sendable, CaseIterable { case text, json }
        var level: Logger.Level = .info
        var format: Format = .text
    }

    /// Token logins with IdP-issued JWTs (see docs/authentication.md).
    struct OIDC: Sendable, Equatable {
        var issuers: [OIDCIssuer] = []
        /// The user name whose password is a token, for clients that cannot send a token.
        var passwordUser: String?
    }

    /// Replication of SCIM writes through a JetStream stream (docs/high-availability.md); off,
    /// the service is the single-node store it always was.
    struct Replication: Sendable, Equatable {
        var enabled = false
        /// This replica's id, recorded with every write it accepts; the host name by default.
        var replicaID: String = ProcessInfo.processInfo.hostName
        var stream: String = IdentityDatabase.defaultReplicationStream
        var subjectPrefix: String = "scim-callout"
        var replicas = 3
        /// How long a SCIM write waits for its own apply before answering 503.
        var applyTimeout: Duration = .seconds(5)
        /// nil: publish decisions exactly when replication is enabled.
        var publishDecisions: Bool?
        /// A stream capturing every replica's decisions; nil: the plain subject only.
        var decisionsStream: String?

        /// `replica_id` as one subject token: anything a token cannot hold (the dots of a host
        /// name, wildcards, spaces) becomes `_`.
        var replicaName: String {
            let name = String(replicaID.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "_" })
            return name.isEmpty ? "replica" : name
        }

        var publishesDecisions: Bool { publishDecisions ?? enabled }

        /// Where this replica publishes its decisions.
        var decisionSubject: String { "\(subjectPrefix).decisions.\(replicaName)" }

        /// Every replica's decisions.
        var decisionsWildcard: String { "\(subjectPrefix).decisions.>" }
        /// How long a replica's proof that it applied the stream holds, and the longest a
        /// revoking write waits for the other replicas (docs/high-availability.md).
        var maxStaleness: Duration = .seconds(2)
        /// How often a snapshot of the store goes to the `<stream>_SNAPSHOTS` bucket (the stream
        /// is trimmed below it).
        var snapshotInterval: Duration = .seconds(3_600)
        /// How many snapshots the bucket keeps.
        var snapshotKeep = 3
    }
}
