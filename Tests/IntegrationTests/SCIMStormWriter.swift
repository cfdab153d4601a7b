import Foundation
import TestSupport
import NIOConcurrencyHelpers

/// One writer of a SCIM write storm. It owns its users and groups (no other writer touches
/// them), so its requests apply in order and its last acknowledged view is exactly what the
/// store must hold, give or take the one request it had in flight when the service died.
struct SCIMStormWriter: Sendable {
    /// A write, as sent.
    enum Operation: Sendable, CustomStringConvertible {
        case create(userName: String)
        case deactivate(userID: String)
        case setMember(userID: String, groupID: String, member: Bool)

        var description: String {
            switch self {
            case let .create(userName): "create \(userName)"
            case let .deactivate(userID): "deactivate \(userID)"
            case let .setMember(userID, groupID, member): "\(member ? "add" : "remove") \(userID) \(member ? "to" : "from") \(groupID)"
            }
        }
    }

    struct User: Equatable, Sendable {
        var userName: String
        var active: Bool
    }

    let index: Int
    private(set) var groupIDs: [String] = []
    /// Acknowledged state: users by id, and the members of each of this writer's groups.
    private(set) var users: [String: User] = [:]
    private(set) var members: [String: Set<String>] = [:]
    /// The request sent but not answered when the storm ended (it may or may not have happened).
    private(set) var inFlight: Operation?
    /// Acknowledged writes, all storms.
    private(set) var acknowledged = 0
    /// Non-2xx answers (a defect: every write of the storm is valid).
    private(set) var failures: [String] = []
    private var created = 0

    init(index: Int) { self.index = index }

    var userPrefix: String { "w\(index)-" }
    var groupPrefix: String { "storm-w\(index)-" }

    /// Creates this writer's groups (before the first storm).
    mutating func createGroups(_ count: Int, with client: SCIMClient) async throws {
        for number in 0..<count {
            let group = try await client.createGroup("\(groupPrefix)\(number)")
            groupIDs.append(group.id)
            members[group.id] = []
        }
    }

    /// Sends writes one after another until a request gets no answer (the service is gone) or
    /// `limit` writes were acknowledged; each acknowledged write counts in `acks`.
    mutating func storm(with client: SCIMClient, random: inout SeededGenerator, acks: NIOLockedValueBox<Int>, limit: Int) async {
        for _ in 0..<limit {
            let operation = next(&random)
            inFlight = operation
            do {
                switch operation {
                case let .create(userName):
                    let user = try await client.createUser(userName)
                    users[user.id] = User(userName: user.userName, active: user.active ?? true)
                case let .deactivate(userID):
                    let user = try await client.deactivate(userID)
                    users[userID]?.active = user.active ?? true
                case let .setMember(userID, groupID, member):
                    try await client.setMember(userID, of: groupID, member)
                    if member { members[groupID, default: []].insert(userID) } else { members[groupID, default: []].remove(userID) }
                }
                inFlight = nil
                acknowledged += 1
                acks.withLockedValue { $0 += 1 }
            } catch let error as SCIMClient.StatusError {
                failures.append("\(operation): \(error)")
                inFlight = nil
                return
            } catch {
                return  // no answer: the service died with this request in flight
            }
        }
    }

    private mutating func next(_ random: inout SeededGenerator) -> Operation {
        let roll = Int.random(in: 0..<100, using: &random)
        let ids = users.keys.sorted()
        if roll >= 45, !ids.isEmpty, let groupID = groupIDs.randomElement(using: &random) {
            let current = members[groupID, default: []]
            if roll < 75, let userID = ids.filter({ !current.contains($0) }).randomElement(using: &random) {
                return .setMember(userID: userID, groupID: groupID, member: true)
            }
            if roll < 85, let userID = current.sorted().randomElement(using: &random) {
                return .setMember(userID: userID, groupID: groupID, member: false)
            }
            if roll >= 85, let userID = ids.filter({ users[$0]?.active == true }).randomElement(using: &random) {
                return .deactivate(userID: userID)
            }
        }
        created += 1
        return .create(userName: "\(userPrefix)\(created)")
    }

    /// What differs between the acknowledged state and what the service serves now (the request
    /// in flight may have happened or not); then adopts the served state for the next storm.
    mutating func check(users served: [SCIMClient.User], groups servedGroups: [SCIMClient.Group]) -> [String] {
        var problems: [String] = []
        let mine = Dictionary(served.filter { $0.userName.hasPrefix(userPrefix) }.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for (id, user) in users {
            guard let now = mine[id] else { problems.append("acknowledged user \(user.userName) (\(id)) is gone"); continue }
            if now.userName != user.userName { problems.append("user \(id) is \(now.userName), acknowledged as \(user.userName)") }
            let active = now.active ?? true
            if active != user.active {
                if case .deactivate(id)? = inFlight, !active {} else {
                    problems.append("user \(user.userName) is active=\(active), acknowledged active=\(user.active)")
                }
            }
        }
        for (id, user) in mine where users[id] == nil {
            if case .create(user.userName)? = inFlight {
                users[id] = User(userName: user.userName, active: user.active ?? true)
            } else {
                problems.append("user \(user.userName) (\(id)) exists but was never acknowledged")
            }
        }
        for groupID in groupIDs {
            guard let group = servedGroups.first(where: { $0.id == groupID }) else { problems.append("group \(groupID) is gone"); continue }
            let now = Set((group.members ?? []).map(\.value))
            var expected = members[groupID, default: []]
            if case let .setMember(userID, inFlightGroup, member)? = inFlight, inFlightGroup == groupID,
               now.contains(userID) == member {
                if member { expected.insert(userID) } else { expected.remove(userID) }
            }
            if now != expected {
                problems.append("group \(group.displayName): members \(now.subtracting(expected).sorted()) not acknowledged, "
                    + "\(expected.subtracting(now).sorted()) acknowledged but missing")
            }
            members[groupID] = now
        }
        for (id, user) in mine { users[id]?.active = user.active ?? true }
        inFlight = nil
        return problems.map { "writer \(index): \($0)" }
    }
}
