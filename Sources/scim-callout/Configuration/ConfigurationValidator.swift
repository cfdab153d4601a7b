import Foundation
import NKeys

/// Checks that settings which depend on each other make sense together.
///
/// Single values are checked as they are parsed (`ConfigurationKey`); this is for combinations.
enum ConfigurationValidator {
    static func validate(_ configuration: inout Configuration) throws(ConfigurationError) {
        try validateNATSAuth(configuration.nats)
        try validateSystemAccount(configuration.nats.system)
        if configuration.nats.urls.contains(where: { $0.hasPrefix("tls://") }) {
            configuration.nats.tls.enabled = true
        }
        try pair(configuration.nats.tls.certFile, "nats.tls.cert_file", configuration.nats.tls.keyFile, "nats.tls.key_file")
        try pair(configuration.http.tls.certFile, "http.tls.cert_file", configuration.http.tls.keyFile, "http.tls.key_file")
        if let base = configuration.scim.publicBaseURL {
            guard let url = URL(string: base), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ConfigurationError(code: .invalidValue, key: "scim.base_url",
                                         message: "expected an absolute http(s) URL such as https://sync.example.com/scim/v2")
            }
        }
        if let account = configuration.callout.authAccount {
            guard account.count == 56, account.hasPrefix("A") else {
                throw ConfigurationError(code: .invalidValue, key: "callout.auth_account",
                                         message: "expected an account public key (A…, 56 characters)")
            }
        }
        if let bad = configuration.callout.serverKeys.first(where: { !PublicKey.isValid($0, types: [.server]) }) {
            throw ConfigurationError(code: .invalidValue, key: "callout.server_keys",
                                     message: "'\(bad.prefix(60))' is not a server public key (N…, 56 characters)")
        }
        if !configuration.callout.allowedAccounts.isEmpty {
            guard configuration.callout.mode == .operator else {
                throw ConfigurationError(code: .invalidValue, key: "callout.allowed_accounts",
                                         message: "applies to callout.mode operator only; in config mode list the accounts in auth_callout")
            }
            if let bad = configuration.callout.allowedAccounts.first(where: { !PublicKey.isValid($0, types: [.account]) }) {
                throw ConfigurationError(code: .invalidValue, key: "callout.allowed_accounts",
                                         message: "'\(bad.prefix(60))' is not an account public key (A…, 56 characters)")
            }
        }
        let lifetime = configuration.callout.maxRequestLifetime
        if lifetime < .seconds(1) || lifetime > .seconds(600) {
            throw ConfigurationError(code: .invalidValue, key: "callout.max_request_lifetime", message: "must be between 1s and 10m")
        }
        let budget = configuration.callout.decisionBudget
        if budget < .milliseconds(100) || budget > .seconds(60) {
            throw ConfigurationError(code: .invalidValue, key: "callout.decision_budget", message: "must be between 100ms and 60s")
        }
        if configuration.jwt.lifetime < .seconds(5) || configuration.jwt.lifetime > .seconds(86_400) {
            throw ConfigurationError(code: .invalidValue, key: "jwt.lifetime", message: "must be between 5s and 24h")
        }
        if configuration.oidc.passwordUser != nil, configuration.oidc.issuers.isEmpty {
            throw ConfigurationError(code: .invalidValue, key: "oidc.password_user", message: "needs oidc.issuers: no issuer would verify its tokens")
        }
        if configuration.http.listen.port == 0 {
            throw ConfigurationError(code: .invalidValue, key: "http.listen", message: "port 0 is not allowed; pick a port")
        }
    }

    private static func validateNATSAuth(_ nats: Configuration.NATS) throws(ConfigurationError) {
        try validateLogin(prefix: "nats", user: nats.user, password: nats.password, purpose: "to authenticate", ways: [
            nats.user != nil ? "nats.user" : nil,
            nats.token != nil ? "nats.token" : nil,
            nats.nkeySeedFile != nil ? "nats.nkey_seed_file" : nil,
            nats.credentialsFile != nil ? "nats.credentials_file" : nil,
        ])
    }

    private static func validateSystemAccount(_ system: Configuration.SystemAccount) throws(ConfigurationError) {
        try validateLogin(prefix: "nats.system", user: system.user, password: system.password,
                          purpose: "for the system account", ways: [
            system.user != nil ? "nats.system.user" : nil,
            system.nkeySeedFile != nil ? "nats.system.nkey_seed_file" : nil,
            system.credentialsFile != nil ? "nats.system.credentials_file" : nil,
        ])
    }

    /// A user under `prefix` (`nats`, `nats.system`) needs its password and the reverse, and at
    /// most one way to log in may be set (`ways`: the keys of those that are, nil for the rest).
    private static func validateLogin(
        prefix: String, user: String?, password: Secret?, purpose: String, ways: [String?]
    ) throws(ConfigurationError) {
        if password != nil && user == nil {
            throw ConfigurationError(code: .conflict, key: "\(prefix).user",
                                     message: "\(prefix).password is set but \(prefix).user is not")
        }
        if user != nil && password == nil {
            throw ConfigurationError(code: .conflict, key: "\(prefix).password",
                                     message: "\(prefix).user is set but has no password: set \(prefix).password_file")
        }
        let methods = ways.compactMap { $0 }
        if methods.count > 1 {
            throw ConfigurationError(code: .conflict, key: methods[1],
                                     message: "choose one way \(purpose): \(methods.joined(separator: ", ")) are all set")
        }
    }

    private static func pair(_ a: String?, _ aKey: String, _ b: String?, _ bKey: String) throws(ConfigurationError) {
        if a != nil && b == nil {
            throw ConfigurationError(code: .conflict, key: bKey, message: "\(aKey) is set, so \(bKey) is needed too")
        }
        if b != nil && a == nil {
            throw ConfigurationError(code: .conflict, key: aKey, message: "\(bKey) is set, so \(aKey) is needed too")
        }
    }
}
