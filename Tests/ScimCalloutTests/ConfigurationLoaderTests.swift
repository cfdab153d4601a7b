import AuthCallout
import Foundation
import Testing
import TestSupport
@testable import scim_callout

@Suite("Configuration: YAML + environment + secret files")
struct ConfigurationLoaderTests {
    let base = URL(fileURLWithPath: "/srv/scim-callout")

    func load(_ yaml: String?, environment: [String: String] = [:]) throws -> ConfigurationLoader.Result {
        try ConfigurationLoader(environment: environment).load(yaml: yaml, source: "config.yaml", baseDirectory: base)
    }

    func error(_ yaml: String?, environment: [String: String] = [:]) -> ConfigurationError? {
        do {
            _ = try load(yaml, environment: environment)
            return nil
        } catch {
            return error as? ConfigurationError
        }
    }

    @Test func defaultsResolvePathsAgainstTheDataDirectory() throws {
        let configuration = try load(nil).configuration
        #expect(configuration.nats.urls == ["nats://127.0.0.1:4222"])
        #expect(configuration.store.path == "/srv/scim-callout/scim-callout.sqlite")
        #expect(configuration.keys.issuerSeedFile == "/srv/scim-callout/issuer.nk")
        #expect(configuration.keys.xkeySeedFile == nil)
        #expect(configuration.http.listen == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(configuration.jwt.lifetime == .seconds(3_600))
        #expect(configuration.log.format == .text)
    }

    @Test func yamlSetsNestedKeysAndAbsolutePathsStay() throws {
        let configuration = try load("""
            nats:
              urls: [nats://a:4222, tls://b:4443]
              queue_group: callout
              tls:
                ca_file: /etc/ssl/ca.pem
            keys:
              xkey_seed_file: xkey.nk
            http:
              listen: ":9090"
            store: { path: /var/lib/sc/db.sqlite, durability: normal }
            jwt: { lifetime: 90s }
            decisions: { retention: 7d }
            log: { level: warn, format: json }
            """).configuration
        #expect(configuration.nats.urls == ["nats://a:4222", "tls://b:4443"])
        #expect(configuration.nats.tls.enabled, "a tls:// URL turns TLS on")
        #expect(configuration.nats.tls.caFile == "/etc/ssl/ca.pem")
        #expect(configuration.nats.queueGroup == "callout")
        #expect(configuration.keys.xkeySeedFile == "/srv/scim-callout/xkey.nk")
        #expect(configuration.http.listen == ListenAddress(host: "0.0.0.0", port: 9090))
        #expect(configuration.store == .init(path: "/var/lib/sc/db.sqlite", durability: .normal))
        #expect(configuration.jwt.lifetime == .seconds(90))
        #expect(configuration.decisions.retention == .seconds(7 * 86_400))
        #expect(configuration.log.level == .warning)
        #expect(configuration.log.format == .json)
    }

    @Test func environmentOverridesTheFile() throws {
        let configuration = try load("nats: { urls: [nats://file:4222] }\nlog: { level: info }", environment: [
            "SCIM_CALLOUT_NATS_URLS": "nats://env1:4222, nats://env2:4222",
            "SCIM_CALLOUT_LOG_LEVEL": "debug",
            "SCIM_CALLOUT_NATS_TLS_ENABLED": "yes",
            "SCIM_CALLOUT_HTTP_LISTEN": "0.0.0.0:8443",
            "SCIM_CALLOUT_STORE_DURABILITY": "",  // empty counts as unset
        ]).configuration
        #expect(configuration.nats.urls == ["nats://env1:4222", "nats://env2:4222"])
        #expect(configuration.log.level == .debug)
        #expect(configuration.nats.tls.enabled)
        #expect(configuration.http.listen.port == 8443)
        #expect(configuration.store.durability == .full)
    }

    /// The decision feed's names end up in subjects and a stream name: a prefix or stream name
    /// that would change a subject's meaning (wildcards, empty tokens, spaces) is refused at load.
    @Test func replicationNamesMustBeSubjectTokens() throws {
        for (variable, value) in [("SUBJECT_PREFIX", "acme.>"), ("SUBJECT_PREFIX", "acme..iam"), ("DECISIONS_STREAM", "dec isions")] {
            #expect(throws: ConfigurationError.self, "\(variable)=\(value)") {
                try load(nil, environment: ["SCIM_CALLOUT_REPLICATION_\(variable)": value])
            }
        }
        let defaults = try load(nil, environment: [:]).configuration.replication
        #expect(!defaults.publishesDecisions, "off without replication")
        #expect(!defaults.replicaName.isEmpty && !defaults.replicaName.contains("."))
        // A host name's dots (the default replica_id) cannot split the decision subject.
        let dotted = try load(nil, environment: ["SCIM_CALLOUT_REPLICATION_REPLICA_ID": "node1.example.com"]).configuration.replication
        #expect(dotted.decisionSubject == "scim-callout.decisions.node1_example_com")
        let enabled = try load(nil, environment: ["SCIM_CALLOUT_REPLICATION_ENABLED": "true",
                                                  "SCIM_CALLOUT_REPLICATION_REPLICA_ID": "node-1"]).configuration.replication
        #expect(enabled.publishesDecisions, "on with replication")
        #expect(enabled.decisionSubject == "scim-callout.decisions.node-1")
        let single = try load(nil, environment: ["SCIM_CALLOUT_REPLICATION_PUBLISH_DECISIONS": "true",
                                                 "SCIM_CALLOUT_REPLICATION_SUBJECT_PREFIX": "acme.iam"]).configuration.replication
        #expect(single.publishesDecisions, "a single node can publish without replication")
        #expect(single.decisionsWildcard == "acme.iam.decisions.>")
    }

    @Test func everyKeyHasAWorkingEnvironmentVariable() throws {
        // One sample value per key, set only through the environment: each must change the result.
        let samples: [String: String] = [
            "nats.urls": "nats://x:1", "nats.name": "n", "nats.user": "u", "nats.password": "p",
            "nats.token": "t", "nats.nkey_seed_file": "s.nk", "nats.credentials_file": "c.creds",
            "nats.queue_group": "q", "nats.connect_retry": "true", "nats.tls.enabled": "true", "nats.tls.ca_file": "ca.pem",
            "nats.tls.cert_file": "c.pem", "nats.tls.key_file": "k.pem", "nats.system.user": "sys",
            "nats.system.password": "sp", "nats.system.nkey_seed_file": "sys.nk", "nats.system.credentials_file": "sys.creds",
            "keys.issuer_seed_file": "i.nk", "keys.xkey_seed_file": "x.nk", "callout.mode": "operator",
            "callout.auth_account": "A" + String(repeating: "B", count: 55), "callout.connections": "3",
            "callout.thread_priority": "fifo:10", "callout.server_keys": "N" + String(repeating: "B", count: 55),
            "callout.max_request_lifetime": "10s", "callout.decision_budget": "8s", "callout.allowed_accounts": "A" + String(repeating: "B", count: 55),
            "callout.throttle.enabled": "false", "callout.throttle.source_burst": "7", "callout.throttle.source_per_minute": "7",
            "callout.throttle.user_burst": "7", "callout.throttle.user_per_minute": "7", "callout.throttle.free_failures": "0",
            "callout.throttle.max_backoff": "5s", "callout.throttle.forget_after": "1h", "callout.throttle.user_max_waiting": "2",
            "callout.throttle.source_max_waiting": "3",
            "http.listen": "1.2.3.4:5",
            "http.tls.cert_file": "h.pem", "http.tls.key_file": "hk.pem", "http.header_timeout": "2s",
            "http.body_timeout": "5s", "http.idle_timeout": "2m", "scim.max_concurrent_per_token": "2", "store.path": "o.sqlite",
            "store.durability": "normal", "scim.schemas_dir": "schemas", "scim.base_url": "https://x/scim/v2",
            "scim.max_results": "50", "scim.lenient_members": "true", "policy.file": "p.yaml", "jwt.lifetime": "1m",
            "decisions.path": "d.sqlite", "decisions.retention": "1d", "decisions.max_rows": "10", "log.level": "error", "log.format": "json",
            "oidc.issuers": #"[{"issuer":"https://idp.example.com","audiences":["nats"],"user_claim":"oid"}]"#,
            "oidc.password_user": "oidc", "history.retention": "30d",
            "replication.enabled": "true", "replication.replica_id": "replica-z", "replication.stream": "S2",
            "replication.subject_prefix": "p2", "replication.replicas": "1", "replication.apply_timeout": "2s",
            "replication.publish_decisions": "false", "replication.decisions_stream": "DECISIONS",
            "replication.max_staleness": "1s",
            "replication.snapshot_interval": "10m", "replication.snapshot_keep": "5",
        ]
        #expect(Set(samples.keys) == Set(ConfigurationKey.all.map(\.path)), "a sample for every key")
        let defaults = Configuration()
        for key in ConfigurationKey.all {
            var configuration = Configuration()
            try key.apply(&configuration, .scalar(try #require(samples[key.path])), key.path)
            #expect(configuration != defaults, "\(key.environmentVariable) changes nothing")
        }
        // And through the loader, with the pairs that must go together.
        let configuration = try load(nil, environment: [
            "SCIM_CALLOUT_NATS_USER": "svc", "SCIM_CALLOUT_NATS_PASSWORD": "pw",
            "SCIM_CALLOUT_HTTP_TLS_CERT_FILE": "h.pem", "SCIM_CALLOUT_HTTP_TLS_KEY_FILE": "k.pem",
        ]).configuration
        #expect(configuration.nats.user == "svc")
        #expect(configuration.http.tls.keyFile == "/srv/scim-callout/k.pem")
    }

    @Test func secretsComeFromFilesAndAreNeverPrinted() throws {
        let directory = try TestEnvironment.temporaryDirectory("secret")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("s3cr3t-value\n".utf8).write(to: directory.appendingPathComponent("nats.pass"))
        try Data("sys-pass".utf8).write(to: directory.appendingPathComponent("sys.pass"))
        let result = try ConfigurationLoader(environment: ["SCIM_CALLOUT_NATS_SYSTEM_PASSWORD_FILE": "sys.pass"]).load(
            yaml: "nats:\n  user: auth\n  password_file: nats.pass\n  system:\n    user: sys\n",
            source: "config.yaml", baseDirectory: directory)
        #expect(result.configuration.nats.password?.value == "s3cr3t-value")
        #expect(result.configuration.nats.system.password?.value == "sys-pass")
        let printed = "\(result.configuration) \(String(reflecting: result.configuration))"
        #expect(!printed.contains("s3cr3t"))
        #expect(!printed.contains("sys-pass"))
    }

    @Test func aMissingSecretFileNamesTheKeyNotTheContent() throws {
        let failure = try #require(error("nats:\n  user: a\n  password_file: /nonexistent/pass\n"))
        #expect(failure.code == .missingFile)
        #expect(failure.key == "nats.password_file")
        #expect(failure.description.contains("/nonexistent/pass"))
        #expect(failure.source == "config.yaml:3")
    }

    @Test func unknownEnvironmentVariablesAreWarnedAbout() throws {
        let result = try load(nil, environment: ["SCIM_CALLOUT_NATS_URL": "nats://x:1", "SCIM_CALLOUT_VENV": "/v"])
        #expect(result.warnings.count == 1)
        #expect(result.warnings.first?.contains("SCIM_CALLOUT_NATS_URL ") == true)
    }

    /// Bad files: each error names the key (or the file) and says what to do.
    @Test(arguments: [
        ("nats:\n  url: nats://x:4222\n", "nats.url", ConfigurationError.Code.unknownKey, "did you mean nats.urls"),
        ("jwt:\n  lifetime: forever\n", "jwt.lifetime", .invalidValue, "positive duration"),
        ("jwt:\n  lifetime: 0s\n", "jwt.lifetime", .invalidValue, "positive duration"),
        ("log:\n  level: loud\n", "log.level", .invalidValue, "expected one of trace"),
        ("log:\n  format: xml\n", "log.format", .invalidValue, "text, json"),
        ("nats:\n  urls: [http://x:80]\n", "nats.urls", .invalidValue, "nats://host:port"),
        ("nats:\n  urls: [nats://u:p@x:4222]\n", "nats.urls", .invalidValue, "do not put credentials"),
        ("nats:\n  urls: []\n", "nats.urls", .invalidValue, "at least one"),
        ("http:\n  listen: localhost\n", "http.listen", .invalidValue, "host:port"),
        ("http:\n  listen: 127.0.0.1:0\n", "http.listen", .invalidValue, "port 0"),
        ("http:\n  tls:\n    cert_file: c.pem\n", "http.tls.key_file", .conflict, "needed too"),
        ("nats:\n  user: svc\n", "nats.password", .conflict, "no password"),
        ("nats:\n  password: x\n", "nats.user", .conflict, "nats.user is not"),
        ("nats:\n  token: t\n  credentials_file: a.creds\n", "nats.credentials_file", .conflict, "choose one"),
        ("nats:\n  password: x\n  password_file: f\n", "nats.password", .conflict, "not both"),
        ("nats:\n  system:\n    user: sys\n", "nats.system.password", .conflict, "set nats.system.password_file"),
        ("nats:\n  system:\n    password: x\n", "nats.system.user", .conflict, "nats.system.user is not"),
        ("nats:\n  system:\n    nkey_seed_file: s.nk\n    credentials_file: s.creds\n", "nats.system.credentials_file",
         .conflict, "choose one way for the system account"),
        ("callout:\n  auth_account: Axyz\n", "callout.auth_account", .invalidValue, "account public key"),
        ("callout:\n  thread_priority: fifo:0\n", "callout.thread_priority", .invalidValue, "fifo:N with N from 1 to 99"),
        ("callout:\n  thread_priority: realtime\n", "callout.thread_priority", .invalidValue, "nice:N with N from -20 to 19"),
        ("jwt:\n  lifetime: 2d\n", "jwt.lifetime", .invalidValue, "between 5s and 24h"),
        ("callout:\n  server_keys: [NABC]\n", "callout.server_keys", .invalidValue, "not a server public key"),
        ("callout:\n  allowed_accounts: [AABC]\n", "callout.allowed_accounts", .invalidValue, "operator only"),
        ("callout:\n  mode: operator\n  allowed_accounts: [APP]\n", "callout.allowed_accounts", .invalidValue,
         "not an account public key"),
        ("callout:\n  max_request_lifetime: 1h\n", "callout.max_request_lifetime", .invalidValue, "between 1s and 10m"),
        ("callout:\n  decision_budget: 50ms\n", "callout.decision_budget", .invalidValue, "between 100ms and 60s"),
        ("callout:\n  decision_budget: 2m\n", "callout.decision_budget", .invalidValue, "between 100ms and 60s"),
        ("callout:\n  throttle:\n    free_failures: -1\n", "callout.throttle.free_failures", .invalidValue, "0 or more"),
        ("callout:\n  throttle:\n    source_burst: 0\n", "callout.throttle.source_burst", .invalidValue, "positive whole number"),
        ("callout:\n  throttle:\n    max_backoff: never\n", "callout.throttle.max_backoff", .invalidValue, "positive duration"),
        ("nats: nats://x:4222\n", "nats", .invalidValue, "is a section"),
        ("nats:\n  queue_group:\n    x: 1\n", "nats.queue_group", .unknownKey, "unknown key"),
        ("scim:\n  base_url: not-a-url\n", "scim.base_url", .invalidValue, "absolute http(s) URL"),
        ("scim:\n  max_results: -3\n", "scim.max_results", .invalidValue, "positive whole number"),
        ("store:\n  durability: sometimes\n", "store.durability", .invalidValue, "full, normal"),
        ("nats:\n  tls:\n    enabled: maybe\n", "nats.tls.enabled", .invalidValue, "true or false"),
        ("- just\n- a list\n", "", .unreadableFile, "mapping of sections"),
        ("nats: [unclosed\n", "", .unreadableFile, "not valid YAML"),
    ])
    func badFilesNameTheKey(yaml: String, key: String, code: ConfigurationError.Code, hint: String) throws {
        let failure = try #require(error(yaml), "expected \(yaml) to fail")
        #expect(failure.key == key)
        #expect(failure.code == code)
        #expect(failure.description.contains(hint), "\(failure.description)")
    }

    @Test func errorsSayWhereTheValueCameFrom() throws {
        let fromFile = try #require(error("log:\n  level: info\n  format: xml\n"))
        #expect(fromFile.description.hasPrefix("log.format (config.yaml:3): "))
        let fromEnvironment = try #require(error(nil, environment: ["SCIM_CALLOUT_JWT_LIFETIME": "soon"]))
        #expect(fromEnvironment.description.hasPrefix("jwt.lifetime (SCIM_CALLOUT_JWT_LIFETIME): "))
    }

    @Test(arguments: [("250ms", 250), ("90s", 90_000), ("15m", 900_000), ("2h", 7_200_000), ("1.5h", 5_400_000),
                      ("7d", 604_800_000), ("30", 30_000)])
    func durationsParse(text: String, milliseconds: Int64) {
        #expect(DurationText.parse(text) == .milliseconds(milliseconds))
    }

    @Test func durationsFormatShortest() {
        #expect(DurationText.format(.seconds(600)) == "10m")
        #expect(DurationText.format(.seconds(30 * 86_400)) == "30d")
        #expect(DurationText.format(.milliseconds(1_500)) == "1500ms")
    }

    /// `callout.throttle.*` becomes the throttle's settings; the defaults are the throttle's own,
    /// and `enabled: false` turns it off.
    @Test func throttleKeysBecomeTheThrottleSettings() throws {
        #expect(try load(nil).configuration.callout.throttle.settings == PasswordThrottle.Settings())
        let tuned = try load("""
            callout:
              throttle:
                user_burst: 3
                free_failures: 0
                max_backoff: 5m
                source_max_waiting: 40
            """, environment: ["SCIM_CALLOUT_CALLOUT_THROTTLE_SOURCE_PER_MINUTE": "600"]).configuration
        let settings = try #require(tuned.callout.throttle.settings)
        #expect(settings.userBurst == 3 && settings.freeFailures == 0 && settings.maxBackoff == .seconds(300))
        #expect(settings.sourceMaxWaiting == 40 && settings.sourcePerMinute == 600 && settings.userMaxWaiting == 4)
        #expect(try load("callout:\n  throttle:\n    enabled: false\n").configuration.callout.throttle.settings == nil)
    }

    @Test func docsListEveryKey() throws {
        let docs = try String(contentsOf: TestEnvironment.packageRoot.appendingPathComponent("docs/configuration.md"),
                              encoding: .utf8)
        for key in ConfigurationKey.all {
            #expect(docs.contains("`\(key.path)`"), "docs/configuration.md misses \(key.path)")
            #expect(docs.contains(key.environmentVariable), "docs/configuration.md misses \(key.environmentVariable)")
        }
    }
}

@Suite("Configuration: oidc.issuers")
struct OIDCConfigurationTests {
    let base = URL(fileURLWithPath: "/srv/scim-callout")

    func load(_ yaml: String) throws -> Configuration {
        try ConfigurationLoader(environment: [:]).load(yaml: yaml, source: "config.yaml", baseDirectory: base).configuration
    }

    func error(_ yaml: String) -> ConfigurationError? {
        do {
            _ = try load(yaml)
            return nil
        } catch {
            return error as? ConfigurationError
        }
    }

    @Test func issuersParseWithDefaults() throws {
        let configuration = try load("""
            oidc:
              password_user: oidc
              issuers:
                - issuer: https://login.microsoftonline.com/t/v2.0
                  audiences: [api://nats]
                  algorithms: [RS256, ps256]
                  user_claim: oid
                  scim_attribute: externalId
                - issuer: https://example.okta.com/oauth2/default
                  audiences: nats
                  max_token_age: 1h
            """)
        #expect(configuration.oidc.passwordUser == "oidc")
        #expect(configuration.oidc.issuers.count == 2)
        let entra = configuration.oidc.issuers[0]
        #expect(entra.algorithms == [.rs256, .ps256])
        #expect(entra.mapping == .init(claim: "oid", attribute: .externalId))
        #expect(entra.clockSkew == .seconds(60) && entra.maxTokenAge == nil)
        let okta = configuration.oidc.issuers[1]
        #expect(okta.audiences == ["nats"] && okta.mapping == .init(claim: "sub", attribute: .userName))
        #expect(okta.algorithms == [.rs256, .es256] && okta.maxTokenAge == .seconds(3600))
    }

    @Test func unsafeOrIncompleteIssuersAreRefused() {
        let cases: [(String, String)] = [
            ("- { issuer: https://idp, audiences: [a], algorithms: [none] }", "oidc.issuers[0].algorithms"),
            ("- { issuer: https://idp, audiences: [a], algorithms: [HS256] }", "oidc.issuers[0].algorithms"),
            ("- { issuer: http://idp.example.com, audiences: [a] }", "oidc.issuers[0].issuer"),
            ("- { issuer: https://idp }", "oidc.issuers[0].audiences"),
            ("- { issuer: https://idp, audiences: [a], scim_attribute: phone }", "oidc.issuers[0].scim_attribute"),
            ("- { issuer: https://idp, audiences: [a], colour: blue }", "oidc.issuers[0].colour"),
            ("- { issuer: https://idp, audiences: [a] }\n    - { issuer: https://idp, audiences: [b] }", "oidc.issuers"),
        ]
        for (issuers, key) in cases {
            #expect(error("oidc:\n  issuers:\n    \(issuers)\n")?.key == key, "\(issuers)")
        }
        #expect(error("oidc:\n  password_user: oidc\n")?.key == "oidc.password_user")
    }
}
