import Foundation
import NATSClient
import NIOSSL
import NKeys

/// Turns the `nats.*` settings into `NATSConfiguration`s for the service and system-account users.
enum NATSClientSettings {
    /// The service user's connection (subscribes to `$SYS.REQ.USER.AUTH`).
    /// - Parameter name: 0 for the main connection; the extra callout connections (`callout.connections`)
    ///   are told apart in the server's connection list by a `-<n>` suffix on the name.
    static func service(_ configuration: Configuration, keys: ServiceKeys, name index: Int = 0) throws(ConfigurationError) -> NATSConfiguration {
        try service(configuration, serviceUser: keys.serviceUser, name: index)
    }

    /// The service user's connection for a command that needs no other key (`decisions --cluster`).
    static func service(_ configuration: Configuration, serviceUser: KeyPair?, name index: Int = 0) throws(ConfigurationError) -> NATSConfiguration {
        let nats = configuration.nats
        let authentication: NATSConfiguration.Authentication
        if let user = nats.user, let password = nats.password {
            authentication = .userPassword(user: user, password: password.value)
        } else if let token = nats.token {
            authentication = .token(token.value)
        } else if let pair = serviceUser {
            authentication = .nkey(publicKey: pair.publicKey, signNonce: signer(pair))
        } else if let path = nats.credentialsFile {
            authentication = try credentials(path, key: "nats.credentials_file")
        } else {
            authentication = .none
        }
        let name = index == 0 ? nats.name : "\(nats.name)-\(index)"
        return NATSConfiguration(servers: nats.urls, name: name, authentication: authentication,
                                 tls: try tls(nats.tls), echo: false, reconnect: reconnect(nats))
    }

    /// The system-account connection for KICK, or nil when `nats.system.*` is not set.
    static func system(_ configuration: Configuration, keys: ServiceKeys) throws(ConfigurationError) -> NATSConfiguration? {
        let system = configuration.nats.system
        let authentication: NATSConfiguration.Authentication
        if let user = system.user, let password = system.password {
            authentication = .userPassword(user: user, password: password.value)
        } else if let pair = keys.systemUser {
            authentication = .nkey(publicKey: pair.publicKey, signNonce: signer(pair))
        } else if let path = system.credentialsFile {
            authentication = try credentials(path, key: "nats.system.credentials_file")
        } else {
            return nil
        }
        return NATSConfiguration(servers: configuration.nats.urls, name: configuration.nats.name + "-system",
                                 authentication: authentication, tls: try tls(configuration.nats.tls), echo: false,
                                 reconnect: reconnect(configuration.nats))
    }

    /// Reconnect forever once connected (the callout must come back after a server restart).
    private static func reconnect(_ nats: Configuration.NATS) -> NATSConfiguration.Reconnect {
        NATSConfiguration.Reconnect(maxAttemptsPerServer: nil, retryOnFailedConnect: nats.connectRetry)
    }

    private static func signer(_ pair: KeyPair) -> NATSConfiguration.NonceSigner {
        { nonce in pair.signature(for: nonce) }
    }

    private static func credentials(_ path: String, key: String) throws(ConfigurationError) -> NATSConfiguration.Authentication {
        do {
            return try .credentialsFile(at: path) { seed in signer(try KeyPair(seed: seed)) }
        } catch {
            throw ConfigurationError(code: .invalidValue, key: key, message: "\(path) is not a usable .creds file: \(error)")
        }
    }

    private static func tls(_ settings: Configuration.TLS) throws(ConfigurationError) -> NATSConfiguration.TLS {
        guard settings.enabled || settings.caFile != nil || settings.certFile != nil else { return .disable }
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            if let ca = settings.caFile {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
            }
        } catch {
            throw ConfigurationError(code: .invalidValue, key: "nats.tls.ca_file", message: "cannot load PEM certificates: \(error)")
        }
        do {
            if let cert = settings.certFile, let key = settings.keyFile {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            }
        } catch {
            throw ConfigurationError(code: .invalidValue, key: "nats.tls.cert_file",
                                     message: "cannot load the client certificate or key as PEM: \(error)")
        }
        return .require(tls)
    }
}
