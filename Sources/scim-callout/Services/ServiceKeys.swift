import Foundation
import NKeys

/// The seeds the running service needs, read and checked once at start.
struct ServiceKeys: Sendable {
    /// Signs authorization responses and user JWTs (`auth_callout.issuer`).
    var issuer: KeyPair
    /// Opens sealed requests and seals replies (`auth_callout.xkey`); nil when not configured.
    var xkey: XKeyPair?
    /// The service user's nkey for its own NATS connection.
    var serviceUser: KeyPair?
    /// The system-account user's nkey for KICK.
    var systemUser: KeyPair?

    /// Reads every configured seed; errors name the key and never show the seed.
    static func load(_ configuration: Configuration) throws(ConfigurationError) -> ServiceKeys {
        let issuer = try signing(configuration.keys.issuerSeedFile, key: "keys.issuer_seed_file",
                                 expected: configuration.callout.mode == .operator ? [.account, .operator] : [.account])
        var xkey: XKeyPair?
        if let path = configuration.keys.xkeySeedFile {
            let seed = try read(path, key: "keys.xkey_seed_file")
            do {
                xkey = try XKeyPair(seed: seed)
            } catch {
                throw ConfigurationError(code: .invalidValue, key: "keys.xkey_seed_file",
                                         message: "\(path) is not a curve (xkey) seed, SX…: \(error)")
            }
        }
        let service = try configuration.nats.nkeySeedFile.map { path throws(ConfigurationError) in
            try signing(path, key: "nats.nkey_seed_file", expected: [.user])
        }
        let system = try configuration.nats.system.nkeySeedFile.map { path throws(ConfigurationError) in
            try signing(path, key: "nats.system.nkey_seed_file", expected: [.user])
        }
        return ServiceKeys(issuer: issuer, xkey: xkey, serviceUser: service, systemUser: system)
    }

    /// Only the service user's nkey (`nats.nkey_seed_file`), for commands that connect as the
    /// service but sign nothing.
    static func serviceUser(_ configuration: Configuration) throws(ConfigurationError) -> KeyPair? {
        try configuration.nats.nkeySeedFile.map { path throws(ConfigurationError) in
            try signing(path, key: "nats.nkey_seed_file", expected: [.user])
        }
    }

    private static func signing(_ path: String, key: String, expected: Set<NKeyType>) throws(ConfigurationError) -> KeyPair {
        let seed = try read(path, key: key)
        let pair: KeyPair
        do {
            pair = try KeyPair(seed: seed)
        } catch {
            throw ConfigurationError(code: .invalidValue, key: key, message: "\(path) is not an nkey seed: \(error)")
        }
        guard expected.contains(pair.type) else {
            let names = expected.map(\.rawValue).sorted().joined(separator: " or ")
            throw ConfigurationError(code: .invalidValue, key: key,
                                     message: "\(path) holds a \(pair.type.rawValue) seed; expected \(names)")
        }
        return pair
    }

    private static func read(_ path: String, key: String) throws(ConfigurationError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(code: .missingFile, key: key,
                                     message: "\(path) does not exist or is not readable (run `scim-callout init` to create it)")
        }
        let seed = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !seed.isEmpty else {
            throw ConfigurationError(code: .invalidValue, key: key, message: "\(path) is empty")
        }
        return seed
    }
}
