import IdentityStore

extension ConfigurationKey {
    /// Every setting, in the order the docs list them.
    static let all: [ConfigurationKey] = nats + keys + callout + http + rest

    private static let nats: [ConfigurationKey] = [
        .init("nats.urls", "list of URLs", default: "[nats://127.0.0.1:4222]", \.nats.urls, natsURLs,
              "nats-server URLs (nats:// or tls://); environment: comma-separated."),
        .init("nats.name", "string", default: "scim-callout", \.nats.name, nonEmptyString,
              "Connection name shown in nats-server monitoring."),
        .init("nats.user", "string", default: "unset", \.nats.user, optionalString,
              "Service user (config mode: listed in auth_callout.auth_users)."),
        .secret("nats.password", \.nats.password,
                "Service user's password; prefer nats.password_file."),
        .secret("nats.token", \.nats.token,
                "Service token instead of user/password; prefer nats.token_file."),
        .init("nats.nkey_seed_file", "path", default: "unset", \.nats.nkeySeedFile, optionalString,
              "Service user's nkey seed (0600). Also makes the server send nonces, so clients can use nkeys."),
        .init("nats.credentials_file", "path", default: "unset", \.nats.credentialsFile, optionalString,
              "A .creds file (operator mode) instead of user/password or nkey."),
        .init("nats.queue_group", "string", default: "scim-callout", \.nats.queueGroup, nonEmptyString,
              "Queue group for $SYS.REQ.USER.AUTH: replicas share the requests."),
        .init("nats.connect_retry", "bool", default: "false", \.nats.connectRetry, bool,
              "At start, keep retrying until a server answers (containers starting together) instead of exiting 69."),
        .init("nats.tls.enabled", "bool", default: "false", \.nats.tls.enabled, bool,
              "Require TLS to nats-server (implied by tls:// URLs)."),
        .init("nats.tls.ca_file", "path", default: "system roots", \.nats.tls.caFile, optionalString,
              "CA bundle (PEM) that signed nats-server's certificate."),
        .init("nats.tls.cert_file", "path", default: "unset", \.nats.tls.certFile, optionalString,
              "Client certificate (PEM) for mutual TLS."),
        .init("nats.tls.key_file", "path", default: "unset", \.nats.tls.keyFile, optionalString,
              "Client private key (PEM) for mutual TLS."),
        .init("nats.system.user", "string", default: "unset", \.nats.system.user, optionalString,
              "System-account user for KICKing revoked users' live connections; unset disables."),
        .secret("nats.system.password", \.nats.system.password,
                "Its password; prefer nats.system.password_file."),
        .init("nats.system.nkey_seed_file", "path", default: "unset", \.nats.system.nkeySeedFile, optionalString,
              "System-account user's nkey seed (0600), instead of user/password."),
        .init("nats.system.credentials_file", "path", default: "unset", \.nats.system.credentialsFile, optionalString,
              "System-account .creds file (operator mode)."),
    ]

    private static let keys: [ConfigurationKey] = [
        .init("keys.issuer_seed_file", "path", default: "issuer.nk", \.keys.issuerSeedFile, nonEmptyString,
              "Account nkey seed (SA…) that signs responses; its public key is auth_callout.issuer."),
        .init("keys.xkey_seed_file", "path", default: "unset (no encryption)", \.keys.xkeySeedFile, optionalString,
              "Curve seed (SX…) whose public key is auth_callout.xkey; requests and replies are sealed."),
    ]

    private static let callout: [ConfigurationKey] = [
        .init("callout.mode", "config | operator", default: "config",
              \.callout.mode, choice(Configuration.Callout.Mode.self),
              "nats-server's auth mode: config file accounts, or operator (JWT) accounts."),
        .init("callout.auth_account", "account public key", default: "the issuer's public key",
              \.callout.authAccount, optionalString,
              "Operator mode: the account (A…) holding the auth callout settings; the issuer is its signing key."),
        .init("callout.connections", "integer", default: "one per usable CPU (at most 8)",
              \.callout.connections, positiveInteger,
              "NATS connections that receive auth requests in the queue group; each decides on its own event loop."),
        .init("callout.server_keys", "list of server public keys", default: "empty (any server key)",
              \.callout.serverKeys, list,
              "nats-server keys (N…) whose auth requests are decided; others are refused, so only they can claim a client's address."),
        .init("callout.max_request_lifetime", "duration", default: "60s", \.callout.maxRequestLifetime, duration,
              "Longest validity (exp − iat) of an auth request; longer ones are refused. Decided requests are remembered this long to refuse replays."),
        .init("callout.thread_priority", "nice:N | fifo:N", default: "unset (the host's default)",
              \.callout.threadPriority, threadPriority,
              "CPU priority of the threads that decide (nice -20…19, or SCHED_FIFO 1…99); see docs/operations.md."),
    ]

    private static let http: [ConfigurationKey] = [
        .init("http.listen", "host:port", default: "127.0.0.1:8080", \.http.listen, listenAddress,
              "Listener for /scim/v2, /healthz, /readyz and /metrics."),
        .init("http.tls.cert_file", "path", default: "unset (plain HTTP)", \.http.tls.certFile, optionalString,
              "Server certificate chain (PEM); set with http.tls.key_file to serve HTTPS."),
        .init("http.tls.key_file", "path", default: "unset", \.http.tls.keyFile, optionalString,
              "Server private key (PEM)."),
    ]

    private static let rest: [ConfigurationKey] = [
        .init("scim.schemas_dir", "path", default: "found automatically", \.scim.schemasDirectory, optionalString,
              "Folder with the SCIM schema and resource type documents (the repository's Schemas/); "
              + "by default <binary>/../share/scim-callout/Schemas, <binary>/Schemas or ./Schemas."),
        .init("scim.base_url", "URL", default: "from the Host header", \.scim.publicBaseURL, optionalString,
              "External base URL of the SCIM endpoint (https://…/scim/v2) for meta.location behind a proxy."),
        .init("scim.max_results", "integer", default: "1000", \.scim.maxResults, positiveInteger,
              "Largest page a SCIM list or search returns."),
        .init("scim.lenient_members", "bool", default: "false", \.scim.lenientMembers, bool,
              "Keep group members whose id names no user or group (conformance testers) instead of "
              + "refusing the write with 400 invalidValue; see docs/scim.md."),
        .init("store.path", "path", default: "scim-callout.sqlite", \.store.path, nonEmptyString,
              "The SQLite database file (WAL mode; back up with `sqlite3 … .backup`)."),
        .init("store.durability", "full | normal", default: "full",
              \.store.durability, choice(IdentityDatabase.Durability.self),
              "SQLite synchronous mode: full survives power loss, normal only process crashes."),
        .init("policy.file", "path", default: "policy.yaml", \.policy.file, nonEmptyString,
              "Group → NATS permissions policy (see docs/policy.md)."),
        .init("jwt.lifetime", "duration", default: "1h", \.jwt.lifetime, duration,
              "Upper bound on issued user JWT lifetimes (the policy may grant less); bounds how long a revoked user's session lives without a KICK."),
        .init("decisions.path", "path", default: "decisions.sqlite", \.decisions.path, nonEmptyString,
              "SQLite file of the decision log (separate from the identity store)."),
        .init("decisions.retention", "duration", default: "30d", \.decisions.retention, duration,
              "How long decision-log rows are kept."),
        .init("decisions.max_rows", "integer", default: "1000000", \.decisions.maxRows, positiveInteger,
              "Most decision-log rows kept (oldest dropped first)."),
        .init("history.retention", "duration", default: "400d", \.history.retention, duration,
              "How long identity history (every SCIM change, see docs/audit.md) is kept; serve prunes it hourly."),
        .init("log.level", "trace | debug | info | notice | warning | error | critical", default: "info",
              \.log.level, logLevel,
              "Minimum log level."),
        .init("log.format", "text | json", default: "text", \.log.format, choice(Configuration.Log.Format.self),
              "text for terminals, json (one object per line) for log shippers."),
    ]
}
