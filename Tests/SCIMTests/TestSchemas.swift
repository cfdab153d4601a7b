import Foundation
import SCIM

/// The repository's `Schemas/` directory, loaded once for all tests.
enum TestSchemas {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Schemas")

    static let registry: SchemaRegistry = {
        do {
            return try SchemaRegistry(directory: directory)
        } catch {
            fatalError("Schemas/ does not load: \(error)")
        }
    }()

    static var user: ResourceTypeDefinition { registry.user }
    static var group: ResourceTypeDefinition { registry.group }
}

/// Decodes a JSON literal written in a test.
func json(_ text: String) -> JSONValue {
    do {
        return try JSONValue.decode(text)
    } catch {
        fatalError("test JSON does not parse: \(error)\n\(text)")
    }
}
