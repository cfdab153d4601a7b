import Foundation
import Logging
import Testing
import TestSupport
@testable import scim_callout

@Suite("store.durability")
struct StoreOpenerTests {
    @Test(arguments: [(Configuration.Store.Durability.full, 2), (.normal, 1)])
    func durabilitySetsSynchronous(durability: Configuration.Store.Durability, synchronous: Int) async throws {
        let directory = try TestEnvironment.temporaryDirectory("store")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = Configuration.Store(path: directory.appendingPathComponent("s.sqlite").path, durability: durability)
        let database = try StoreOpener.open(store, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let pragmas = try await database.connectionPragmas()
        #expect(pragmas.journalMode == "wal")
        #expect(pragmas.synchronous == synchronous)
    }
}
