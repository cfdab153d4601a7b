import Foundation
import IdentityStore
import Testing
import TestSupport

@Suite struct BackupTests {
    /// An in-memory store copied to a file opens as a WAL pool with the same users, groups and
    /// password hashes (the benchmark builds its million-user file this way).
    @Test func backupOfAnInMemoryStoreOpensAsAFileStore() async throws {
        let dir = try TestEnvironment.temporaryDirectory("backup")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("copy.sqlite").path
        let source = try IdentityDatabase.inMemory(logger: quietLogger)
        let hash = try PasswordHasher.testing.hashSync("pw")
        let user = try await source.createUser(userInput("zoë"), passwordHash: hash)
        _ = try await source.createGroup(.init(displayName: "devs", resource: "{}"), members: [.init(value: user.id)])

        try source.backup(toPath: path)

        let copy = try IdentityDatabase.open(path: path, logger: quietLogger)
        #expect(try await copy.connectionPragmas().journalMode == "wal")
        let subject = try #require(try copy.identity(for: .userName("ZOË")))
        #expect(subject.id == user.id)
        #expect(subject.passwordHash == hash)
        #expect(subject.groups.map(\.displayName) == ["devs"])
    }

    @Test func backupRefusesToOverwriteAFile() async throws {
        let dir = try TestEnvironment.temporaryDirectory("backup")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("taken.sqlite").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data("keep".utf8)))
        let source = try IdentityDatabase.inMemory(logger: quietLogger)
        let error = try #require(throws: IdentityStoreError.self) { try source.backup(toPath: path) }
        #expect(error.code == .invalidValue)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep")
    }
}
