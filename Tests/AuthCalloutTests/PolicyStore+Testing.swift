import Logging
import Policy
@testable import AuthCallout

extension PolicyStore {
    /// A store holding the policy `yaml` (which must be valid), logging nowhere.
    static func parsing(_ yaml: String) throws -> PolicyStore {
        PolicyStore(policy: try PolicyParser.parse(yaml), logger: Logger(label: "test-policy", factory: { _ in SwiftLogNoOpLogHandler() }))
    }
}
