import Foundation
import Logging
import Policy
import Testing
import TestSupport
@testable import AuthCallout

@Suite("Policy store reloads")
struct PolicyStoreTests {
    let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    func temporaryFile(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID().uuidString).yaml")
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test func invalidFileAtStartIsAnError() throws {
        let url = try temporaryFile("account: APP\nbindings:\n  - group: a\n    publish: ['a..b']\n")
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: PolicyError.self) { try PolicyStore(url: url, logger: quietLogger) }
    }

    @Test func invalidReloadKeepsTheLastGoodPolicy() throws {
        let url = try temporaryFile("account: APP\n")
        defer { try? FileManager.default.removeItem(at: url) }
        let store = try PolicyStore(url: url, logger: quietLogger)
        #expect(store.current.defaultAccount == "APP")

        try Data("account: APP\nbindings:\n  - group: a\n    pubish: [x]\n".utf8).write(to: url)
        guard case let .rejected(error) = store.reloadIfChanged() else { Issue.record("accepted a bad file"); return }
        #expect(error.issues.first?.line == 4)
        #expect(store.current.defaultAccount == "APP")
        #expect(store.generation == 1)
        // The broken file is reported once, not on every poll.
        #expect(store.reloadIfChanged() == .unchanged)

        try Data("account: OTHER\nbindings: []\n".utf8).write(to: url)
        #expect(store.reloadIfChanged() == .reloaded)
        #expect(store.current.defaultAccount == "OTHER")
        #expect(store.generation == 2)
        #expect(store.reload() == .reloaded)
    }

    @Test func watchReloadsWhenTheFileChanges() async throws {
        let url = try temporaryFile("account: APP\n")
        defer { try? FileManager.default.removeItem(at: url) }
        let store = try PolicyStore(url: url, logger: quietLogger)
        let watcher = Task { await store.watch(every: .milliseconds(5), clock: ContinuousClock()) }
        defer { watcher.cancel() }
        try Data("account: NEWACCOUNT\n".utf8).write(to: url)
        // The watcher is a task like every other suite's; a loaded host can hold it past 10 s.
        try await pollUntil("the watcher to load the new file", timeout: .seconds(60), interval: .milliseconds(5)) {
            store.current.defaultAccount == "NEWACCOUNT"
        }
    }

    @Test func everyLoadIsAnnouncedWithTheFilesBytes() async throws {
        let first = "account: APP\n"
        let url = try temporaryFile(first)
        defer { try? FileManager.default.removeItem(at: url) }
        let store = try PolicyStore(url: url, logger: quietLogger)
        try Data("account: APP\nbindings:\n  - group: a\n    pubish: [x]\n".utf8).write(to: url)
        #expect(store.reload() != .reloaded, "a rejected file is not announced")
        let second = "account: OTHER\n"
        try Data(second.utf8).write(to: url)
        #expect(store.reload() == .reloaded)

        var loads = store.loads.makeAsyncIterator()
        let initial = await loads.next()
        let reloaded = await loads.next()
        #expect(initial?.content == Data(first.utf8) && initial?.generation == 1)
        #expect(reloaded?.content == Data(second.utf8) && reloaded?.generation == 2)
    }
}
