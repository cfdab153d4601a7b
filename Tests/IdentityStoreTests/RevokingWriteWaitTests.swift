import Foundation
import IdentityStore
import Synchronization
import Testing
import TestSupport

/// The writer's side of the revocation bound in the replicated write path, on a real
/// JetStream server: an update or delete returns only after the revocation wait, a create
/// does not wait, and the wait is given a position at or past the write's own.
@Suite("Revoking writes wait on the barrier", .serialized, .timeLimit(.minutes(2)))
struct RevokingWriteWaitTests {
    /// A wait the test opens by hand, recording the sequences it was asked for.
    final class Gate: Sendable {
        private struct State {
            var asked: [UInt64] = []
            var waiting: [CheckedContinuation<Void, Never>] = []
            var open = false
        }
        private let state = Mutex(State())
        var asked: [UInt64] { state.withLock { $0.asked } }

        func wait(_ sequence: UInt64) async {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    state.asked.append(sequence)
                    if state.open { return true }
                    state.waiting.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }

        func open() {
            let waiting = state.withLock { state in
                state.open = true
                defer { state.waiting = [] }
                return state.waiting
            }
            for continuation in waiting { continuation.resume() }
        }
    }

    @Test func updatesAndDeletesWaitCreatesDoNot() async throws {
        let server = try await NATSServerProcess.start(jetStream: true, label: "revoking-wait")
        try await withReplicas(["a"], on: server) { replicas in
            let a = replicas[0]
            let gate = Gate()
            a.store.setRevocationWait { sequence in await gate.wait(sequence) }
            let author = ChangeAuthor.local("test")

            let user = try await a.store.createUser(userInput("dora"), passwordHash: nil, author: author)
            #expect(gate.asked.isEmpty, "a create grants only: no wait")

            let returned = Mutex(false)
            let deletion = Task {
                try await a.store.deleteUser(id: user.id, ifMatch: nil, author: author)
                returned.withLock { $0 = true }
            }
            try await pollUntil("the delete to wait on the barrier") { !gate.asked.isEmpty }
            // Applied locally already, but not answered while the barrier is closed.
            #expect(try await a.database.user(id: user.id) == nil)
            #expect(!returned.withLock { $0 }, "no 2xx before the barrier")
            #expect(gate.asked[0] >= 2, "the wait covers the delete's own sequence")
            gate.open()
            try await deletion.value
            #expect(returned.withLock { $0 })
        }
        try await server.stop()
    }
}
