import ArgumentParser
import Foundation

/// Exit codes scripts can rely on (sysexits.h values where one fits).
enum ExitStatus: Int32, Sendable, CaseIterable {
    case success = 0
    /// Something unexpected failed; the message says what.
    case failure = 1
    /// `policy check`: the connection would be denied.
    case denied = 2
    /// `audit deprovisioning`: a connect was allowed after a deprovisioning that should have prevented it.
    case flagged = 3
    /// Wrong arguments (also what ArgumentParser uses for its own usage errors).
    case usage = 64
    /// Input that is present but invalid: a malformed seed, policy or token.
    case dataError = 65
    /// Something asked for does not exist: a file, a user, a token.
    case notFound = 66
    /// A service it needs is unreachable (nats-server).
    case unavailable = 69
    /// Refused to overwrite an existing file (`init`/`keys` without `--force`).
    case cannotCreate = 73
    /// The configuration is invalid; the message names the key.
    case configuration = 78

    static var summary: String {
        "0 ok, 1 unexpected failure, 2 denied (policy check), 3 flagged (audit), 64 usage, 65 invalid input, 66 not found, "
            + "69 nats-server unavailable, 73 refusing to overwrite, 78 invalid configuration."
    }
}

/// Runs a command body, printing known errors as one `error:` line and exiting with their status.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as CLIError {
        printError(error.message)
        throw ExitCode(error.status.rawValue)
    } catch let error as ConfigurationError {
        printError("invalid configuration: \(error)")
        throw ExitCode(ExitStatus.configuration.rawValue)
    }
}

/// Writes `error: <message>` to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
}

/// Writes `warning: <message>` to standard error.
func printWarning(_ message: String) {
    FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
}
