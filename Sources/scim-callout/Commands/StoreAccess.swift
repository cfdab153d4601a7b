import AuthCallout
import Foundation
import IdentityStore
import Logging
import Policy

/// Store access for the CLI's commands (`tokens`, `users`, `groups`, `policy`, `decisions`).
///
/// The CLI opens the same SQLite file as a running `serve` (WAL mode lets both work) and logs
/// nothing: its output is for people and scripts.
enum StoreAccess {
    /// Opens the store with the configured durability, creating it when missing (so tokens can
    /// be issued before the first `serve`).
    static func open(_ configuration: Configuration) throws -> IdentityDatabase {
        let path = configuration.store.path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder) else {
            throw CLIError(.notFound, "the folder of store.path (\(folder)) does not exist: run `scim-callout init` or check --config")
        }
        do {
            return try IdentityDatabase.open(path: path, logger: Logger(label: "scim-callout.cli", factory: { _ in SwiftLogNoOpLogHandler() }),
                                             durability: configuration.store.durability)
        } catch {
            throw CLIError(.failure, "cannot open the store at \(path): \(error)")
        }
    }

    /// Maps store errors to CLI errors with exit codes.
    static func mapErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as IdentityStoreError {
            switch error.code {
            case .notFound: throw CLIError(.notFound, error.detail)
            case .invalidValue, .uniqueness: throw CLIError(.dataError, error.detail)
            default: throw CLIError(.failure, error.detail)
            }
        }
    }

    /// The user and its groups as the policy sees them.
    static func policySubject(userName: String, configuration: Configuration) async throws -> PolicySubject {
        try await policySubject(key: .userName(userName), configuration: configuration)
    }

    /// The user `key` names (a userName, or what a token's claim maps to).
    static func policySubject(key: CredentialKey, configuration: Configuration) async throws -> PolicySubject {
        let database = try open(configuration)
        guard let identity = try await mapErrors({ try database.identity(for: key) }) else {
            throw CLIError(.notFound, "no user matches \(Self.describe(key)) in the store")
        }
        return identity.policySubject
    }

    private static func describe(_ key: CredentialKey) -> String {
        switch key {
        case let .userName(name): "userName \(DisplayText.escaped(name))"
        case let .externalID(id): "externalId \(DisplayText.escaped(id))"
        case let .email(email): "email \(DisplayText.escaped(email))"
        case let .id(id): "id \(DisplayText.escaped(id))"
        case .nkey, .accessTokenHash: "the credential"
        }
    }
}
