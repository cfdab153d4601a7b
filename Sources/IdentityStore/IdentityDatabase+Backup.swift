import Foundation
import GRDB

extension IdentityDatabase {
    /// Copies the whole store into a new SQLite file at `path` with SQLite's online backup, so
    /// the copy is consistent even while writes go on. Open the copy with ``open(path:logger:durability:)``.
    /// - Throws: `IdentityStoreError` (`.invalidValue`) when `path` already exists, or the SQLite
    ///   error when the file cannot be written.
    public func backup(toPath path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw IdentityStoreError(.invalidValue, "backup target \(path) already exists")
        }
        let destination = try DatabaseQueue(path: path, configuration: Self.configuration())
        try writer.backup(to: destination)
        try destination.close()
    }
}
