import AuthCallout
import Foundation
import NIOConcurrencyHelpers

func makeDirectory() throws -> any CalloutDirectory { MemoryDirectory() }

/// Interim identity source until the SQLite store is merged.
final class MemoryDirectory: CalloutDirectory, @unchecked Sendable {
    private struct State {
        var users: [String: CalloutIdentity] = [:]
        var tokens: [String: String] = [:]
        var changes: [IdentityChange] = []
        var nextID = 1
    }
    private let state = NIOLockedValueBox(State())

    private func change(_ userName: String, _ body: (inout CalloutIdentity) -> Void) {
        state.withLockedValue { state in
            guard var user = state.users[userName] else { return }
            body(&user)
            user.version += 1
            state.users[userName] = user
            state.changes.append(IdentityChange(sequence: Int64(state.changes.count + 1), kind: .user, resourceID: user.id))
        }
    }

    func addUser(_ userName: String, password: String?, groups: [String]) async throws -> String {
        state.withLockedValue { state in
            let id = "u\(state.nextID)"
            state.nextID += 1
            state.users[userName] = CalloutIdentity(id: id, userName: userName, passwordHash: password.map { "plain:" + $0 },
                                                    groups: groups.map { .init(displayName: $0, id: "g-" + $0) })
            return id
        }
    }
    func setActive(_ userName: String, _ active: Bool) async throws { change(userName) { $0.active = active } }
    func setPassword(_ userName: String, _ password: String) async throws { change(userName) { $0.passwordHash = "plain:" + password } }
    func setGroups(_ userName: String, _ groups: [String]) async throws {
        change(userName) { $0.groups = groups.map { .init(displayName: $0, id: "g-" + $0) } }
    }
    func addNKey(_ userName: String, _ publicKey: String) async throws { change(userName) { $0.nkeys.append(publicKey) } }
    func issueToken(_ userName: String) async throws -> String {
        let token = "natstok_" + UUID().uuidString
        state.withLockedValue { $0.tokens[token] = userName }
        return token
    }
    func deleteUser(_ userName: String) async throws {
        state.withLockedValue { state in
            guard let user = state.users.removeValue(forKey: userName) else { return }
            state.changes.append(IdentityChange(sequence: Int64(state.changes.count + 1), kind: .user, resourceID: user.id))
        }
    }

    func identity(id: String) async throws -> CalloutIdentity? { state.withLockedValue { $0.users.values.first { $0.id == id } } }
    func identity(userName: String) async throws -> CalloutIdentity? { state.withLockedValue { $0.users[userName] } }
    func identity(nkey: String) async throws -> CalloutIdentity? {
        state.withLockedValue { $0.users.values.first { $0.nkeys.contains(nkey) } }
    }
    func identity(accessToken: String) async throws -> CalloutIdentity? {
        state.withLockedValue { state in state.tokens[accessToken].flatMap { state.users[$0] } }
    }
    func verifyPassword(_ password: String, hash: String) -> Bool { hash == "plain:" + password }
    func latestChangeSequence() async throws -> Int64 { state.withLockedValue { Int64($0.changes.count) } }
    func identityChanges(after sequence: Int64, limit: Int) async throws -> [IdentityChange] {
        state.withLockedValue { Array($0.changes.filter { $0.sequence > sequence }.prefix(limit)) }
    }
}
