import Foundation
import TestSupport

/// Runs the built `scim-callout` binary (the test target depends on it, so it is built).
enum CLI {
    static var binary: URL {
        TestEnvironment.packageRoot.appendingPathComponent(".build/debug/scim-callout")
    }

    /// Runs `scim-callout arguments…` with only the given `SCIM_CALLOUT_*` variables set
    /// (inherited ones are blanked, which the loader treats as unset, so the host cannot change results).
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> CommandResult {
        try await runCommand(binary, arguments, environment: Self.environment(environment), timeout: .seconds(60))
    }

    /// `environment` plus every inherited `SCIM_CALLOUT_*` variable blanked, for a child whose
    /// environment is merged into the inherited one (`runCommand`, ``ManagedProcess``).
    static func environment(_ environment: [String: String]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SCIM_CALLOUT_") }
        env.merge(environment) { $1 }
        for key in ProcessInfo.processInfo.environment.keys where key.hasPrefix("SCIM_CALLOUT_") && env[key] == nil {
            env[key] = ""
        }
        return env
    }
}
