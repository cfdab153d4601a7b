import AuthCallout
import Foundation

/// Read access to the store for the CLI's read-only commands.
enum StoreAccess {
    /// The user and its groups as the policy sees them.
    static func policySubject(userName: String, configuration: Configuration) async throws -> PolicySubject {
        throw CLIError(.failure, "reading users from the store is not available in this build; pass --group to evaluate a hypothetical user")
    }
}
