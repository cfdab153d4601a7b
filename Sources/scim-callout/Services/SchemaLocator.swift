import Foundation
import SCIM

/// Finds and loads the SCIM schema documents (`Schemas/` in the repository).
enum SchemaLocator {
    /// The places looked at when `scim.schemas_dir` is not set, in order.
    static func candidates(currentDirectory: String = FileManager.default.currentDirectoryPath) -> [URL] {
        var result: [URL] = []
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            let bin = executable.deletingLastPathComponent()
            result.append(bin.deletingLastPathComponent().appendingPathComponent("share/scim-callout/Schemas"))
            result.append(bin.appendingPathComponent("Schemas"))
            // A development build (.build/<triple>/debug/scim-callout): the repository's Schemas.
            var ancestor = bin
            for _ in 0..<4 {
                ancestor = ancestor.deletingLastPathComponent()
                if FileManager.default.fileExists(atPath: ancestor.appendingPathComponent("Package.swift").path) {
                    result.append(ancestor.appendingPathComponent("Schemas"))
                    break
                }
            }
        }
        result.append(URL(fileURLWithPath: currentDirectory).appendingPathComponent("Schemas"))
        return result
    }

    static func load(_ configuration: Configuration.SCIM) throws(ConfigurationError) -> SchemaRegistry {
        let directory: URL
        if let configured = configuration.schemasDirectory {
            directory = URL(fileURLWithPath: configured)
        } else if let found = candidates().first(where: { FileManager.default.fileExists(atPath: $0.appendingPathComponent("schemas").path) }) {
            directory = found
        } else {
            throw ConfigurationError(code: .missingFile, key: "scim.schemas_dir",
                                     message: "no SCIM schema folder found in \(candidates().map(\.path).joined(separator: ", ")); "
                                         + "set scim.schemas_dir to the repository's Schemas folder")
        }
        do {
            return try SchemaRegistry(directory: directory)
        } catch {
            throw ConfigurationError(code: .invalidValue, key: "scim.schemas_dir",
                                     message: "cannot load SCIM schemas from \(directory.path): \(error)")
        }
    }
}
