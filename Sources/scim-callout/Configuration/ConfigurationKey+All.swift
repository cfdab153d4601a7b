import IdentityStore

extension ConfigurationKey {
    /// Every setting, in the order the docs list them.
    static let all: [ConfigurationKey] = nats + keys + callout + http + rest

    private static let nats: [ConfigurationKey] = [
        .init(path: "nats.urls", type: "list of URLs", defaultValue: "[nats://127.0.0.1:4222]",
              summary: "nats-server URLs (nats:// or tls://); environment: comma-separated.", isSecret: false) {
            $0.nats.urls = try natsURLs($1, $2)
        },
        .init(path: "nats.name", type: "string", defaultValue: "scim-callout",
              summary: "Connection name shown in nats-server monitoring.", isSecret: false) {
            $0.nats.name = try nonEmptyString($1, $2)
        },
        .init(path: "nats.user", type: "string", defaultValue: "unset",
              summary: "Service user (config mode: listed in auth_callout.auth_users).", isSecret: false) {
            $0.nats.user = try optionalString($1, $2)
        },
        .init(path: "nats.password", type: "secret", defaultValue: "unset",
              summary: "Service user's password; prefer nats.password_file.", isSecret: true) {
            $0.nats.password = try optionalString($1, $2).map(Secret.init)
        },
        .init(path: "nats.token", type: "secret", defaultValue: "unset",
              summary: "Service token instead of user/password; prefer nats.token_file.", isSecret: true) {
            $0.nats.token = try optionalString($1, $2).map(Secret.init)
        },
        .init(path: "nats.nkey_seed_file", type: "path", defaultValue: "unset",
              summary: "Service user's nkey seed (0600). Also makes the server send nonces, so clients can use nkeys.",
              isSecret: false) {
            $0.nats.nkeySeedFile = try optionalString($1, $2)
        },
        .init(path: "nats.credentials_file", type: "path", defaultValue: "unset",
              summary: "A .creds file (operator mode) instead of user/password or nkey.", isSecret: false) {
            $0.nats.credentialsFile = try optionalString($1, $2)
        },
        .init(path: "nats.queue_group", type: "string", defaultValue: "scim-callout",
              summary: "Queue group for $SYS.REQ.USER.AUTH: replicas share the requests.", isSecret: false) {
            $0.nats.queueGroup = try nonEmptyString($1, $2)
        },
        .init(path: "nats.connect_retry", type: "bool", defaultValue: "false",
              summary: "At start, keep retrying until a server answers (containers starting together) instead of exiting 69.",
              isSecret: false) {
            $0.nats.connectRetry = try bool($1, $2)
        },
        .init(path: "nats.tls.enabled", type: "bool", defaultValue: "false",
              summary: "Require TLS to nats-server (implied by tls:// URLs).", isSecret: false) {
            $0.nats.tls.enabled = try bool($1, $2)
        },
        .init(path: "nats.tls.ca_file", type: "path", defaultValue: "system roots",
              summary: "CA bundle (PEM) that signed nats-server's certificate.", isSecret: false) {
            $0.nats.tls.caFile = try optionalString($1, $2)
        },
        .init(path: "nats.tls.cert_file", type: "path", defaultValue: "unset",
              summary: "Client certificate (PEM) for mutual TLS.", isSecret: false) {
            $0.nats.tls.certFile = try optionalString($1, $2)
        },
        .init(path: "nats.tls.key_file", type: "path", defaultValue: "unset",
              summary: "Client private key (PEM) for mutual TLS.", isSecret: false) {
            $0.nats.tls.keyFile = try optionalString($1, $2)
        },
        .init(path: "nats.system.user", type: "string", defaultValue: "unset",
              summary: "System-account user for KICKing revoked users' live connections; unset disables.",
              isSecret: false) {
            $0.nats.system.user = try optionalString($1, $2)
        },
        .init(path: "nats.system.password", type: "secret", defaultValue: "unset",
              summary: "Its password; prefer nats.system.password_file.", isSecret: true) {
            $0.nats.system.password = try optionalString($1, $2).map(Secret.init)
        },
        .init(path: "nats.system.nkey_seed_file", type: "path", defaultValue: "unset",
              summary: "System-account user's nkey seed (0600), instead of user/password.", isSecret: false) {
            $0.nats.system.nkeySeedFile = try optionalString($1, $2)
        },
        .init(path: "nats.system.credentials_file", type: "path", defaultValue: "unset",
              summary: "System-account .creds file (operator mode).", isSecret: false) {
            $0.nats.system.credentialsFile = try optionalString($1, $2)
        },
    ]

    private static let keys: [ConfigurationKey] = [
        .init(path: "keys.issuer_seed_file", type: "path", defaultValue: "issuer.nk",
              summary: "Account nkey seed (SA…) that signs responses; its public key is auth_callout.issuer.",
              isSecret: false) {
            $0.keys.issuerSeedFile = try nonEmptyString($1, $2)
        },
        .init(path: "keys.xkey_seed_file", type: "path", defaultValue: "unset (no encryption)",
              summary: "Curve seed (SX…) whose public key is auth_callout.xkey; requests and replies are sealed.",
              isSecret: false) {
            $0.keys.xkeySeedFile = try optionalString($1, $2)
        },
    ]

    private static let callout: [ConfigurationKey] = [
        .init(path: "callout.mode", type: "config | operator", defaultValue: "config",
              summary: "nats-server's auth mode: config file accounts, or operator (JWT) accounts.", isSecret: false) {
            $0.callout.mode = try choice($1, $2, as: Configuration.Callout.Mode.self)
        },
        .init(path: "callout.auth_account", type: "account public key", defaultValue: "the issuer's public key",
              summary: "Operator mode: the account (A…) holding the auth callout settings; the issuer is its signing key.",
              isSecret: false) {
            $0.callout.authAccount = try optionalString($1, $2)
        },
        .init(path: "callout.connections", type: "integer", defaultValue: "one per usable CPU (at most 8)",
              summary: "NATS connections that receive auth requests in the queue group; each decides on its own event loop.",
              isSecret: false) {
            $0.callout.connections = try positiveInteger($1, $2)
        },
        .init(path: "callout.thread_priority", type: "nice:N | fifo:N", defaultValue: "unset (the host's default)",
              summary: "CPU priority of the threads that decide (nice -20…19, or SCHED_FIFO 1…99); see docs/operations.md.",
              isSecret: false) {
            $0.callout.threadPriority = try threadPriority($1, $2)
        },
    ]

    private static let http: [ConfigurationKey] = [
        .init(path: "http.listen", type: "host:port", defaultValue: "127.0.0.1:8080",
              summary: "Listener for /scim/v2, /healthz, /readyz and /metrics.", isSecret: false) {
            $0.http.listen = try listenAddress($1, $2)
        },
        .init(path: "http.tls.cert_file", type: "path", defaultValue: "unset (plain HTTP)",
              summary: "Server certificate chain (PEM); set with http.tls.key_file to serve HTTPS.", isSecret: false) {
            $0.http.tls.certFile = try optionalString($1, $2)
        },
        .init(path: "http.tls.key_file", type: "path", defaultValue: "unset",
              summary: "Server private key (PEM).", isSecret: false) {
            $0.http.tls.keyFile = try optionalString($1, $2)
        },
    ]

    private static let rest: [ConfigurationKey] = [
        .init(path: "scim.schemas_dir", type: "path", defaultValue: "found automatically",
              summary: "Folder with the SCIM schema and resource type documents (the repository's Schemas/); "
                  + "by default <binary>/../share/scim-callout/Schemas, <binary>/Schemas or ./Schemas.",
              isSecret: false) {
            $0.scim.schemasDirectory = try optionalString($1, $2)
        },
        .init(path: "scim.base_url", type: "URL", defaultValue: "from the Host header",
              summary: "External base URL of the SCIM endpoint (https://…/scim/v2) for meta.location behind a proxy.",
              isSecret: false) {
            $0.scim.publicBaseURL = try optionalString($1, $2)
        },
        .init(path: "scim.max_results", type: "integer", defaultValue: "1000",
              summary: "Largest page a SCIM list or search returns.", isSecret: false) {
            $0.scim.maxResults = try positiveInteger($1, $2)
        },
        .init(path: "scim.lenient_members", type: "bool", defaultValue: "false",
              summary: "Keep group members whose id names no user or group (conformance testers) instead of "
                  + "refusing the write with 400 invalidValue; see docs/scim.md.",
              isSecret: false) {
            $0.scim.lenientMembers = try bool($1, $2)
        },
        .init(path: "store.path", type: "path", defaultValue: "scim-callout.sqlite",
              summary: "The SQLite database file (WAL mode; back up with `sqlite3 … .backup`).", isSecret: false) {
            $0.store.path = try nonEmptyString($1, $2)
        },
        .init(path: "store.durability", type: "full | normal", defaultValue: "full",
              summary: "SQLite synchronous mode: full survives power loss, normal only process crashes.",
              isSecret: false) {
            $0.store.durability = try choice($1, $2, as: IdentityDatabase.Durability.self)
        },
        .init(path: "policy.file", type: "path", defaultValue: "policy.yaml",
              summary: "Group → NATS permissions policy (see docs/policy.md).", isSecret: false) {
            $0.policy.file = try nonEmptyString($1, $2)
        },
        .init(path: "jwt.lifetime", type: "duration", defaultValue: "1h",
              summary: "Upper bound on issued user JWT lifetimes (the policy may grant less); bounds how long a revoked user's session lives without a KICK.",
              isSecret: false) {
            $0.jwt.lifetime = try duration($1, $2)
        },
        .init(path: "decisions.path", type: "path", defaultValue: "decisions.sqlite",
              summary: "SQLite file of the decision log (separate from the identity store).", isSecret: false) {
            $0.decisions.path = try nonEmptyString($1, $2)
        },
        .init(path: "decisions.retention", type: "duration", defaultValue: "30d",
              summary: "How long decision-log rows are kept.", isSecret: false) {
            $0.decisions.retention = try duration($1, $2)
        },
        .init(path: "decisions.max_rows", type: "integer", defaultValue: "1000000",
              summary: "Most decision-log rows kept (oldest dropped first).", isSecret: false) {
            $0.decisions.maxRows = try positiveInteger($1, $2)
        },
        .init(path: "log.level", type: "trace | debug | info | notice | warning | error | critical",
              defaultValue: "info", summary: "Minimum log level.", isSecret: false) {
            $0.log.level = try logLevel($1, $2)
        },
        .init(path: "log.format", type: "text | json", defaultValue: "text",
              summary: "text for terminals, json (one object per line) for log shippers.", isSecret: false) {
            $0.log.format = try choice($1, $2, as: Configuration.Log.Format.self)
        },
    ]
}
