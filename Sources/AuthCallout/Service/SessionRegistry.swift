import Foundation
import NIOConcurrencyHelpers

/// The connections this replica allowed, by SCIM user, until their JWTs expire.
///
/// It lets the revoker cut exactly the sessions decided on state that has since changed (even
/// after a rename), and cut membership removals, which the change feed reports on the group.
/// Bounded by time: entries leave when their JWT expires (`prune`), and by `capacity`.
public final class SessionRegistry: Sendable {
    /// One allowed connection.
    public struct Session: Sendable, Equatable {
        public var serverID: String
        public var clientID: UInt64
        public var account: String
        public var expires: Date
        /// The access token's SHA-256 hash when the session logged in with one.
        public var accessTokenHash: [UInt8]? = nil
    }

    /// What the registry knows about one user.
    public struct TrackedUser: Sendable, Equatable {
        public var userName: String
        public var fingerprint: IdentityFingerprint
        public var groupIDs: Set<String>
        public var sessions: [Session]
    }

    private let users = NIOLockedValueBox<[String: TrackedUser]>([:])
    /// The most sessions kept; beyond it new ones are not tracked (the JWT lifetime still bounds them).
    public let capacity: Int

    public init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    /// Remembers an allowed connection.
    public func add(_ session: AllowedSession) {
        guard let clientID = session.clientID else { return }
        let entry = Session(serverID: session.serverID, clientID: clientID, account: session.account, expires: session.expires,
                            accessTokenHash: session.accessTokenHash)
        users.withLockedValue { users in
            if var user = users[session.userID] {
                if user.fingerprint != session.fingerprint {
                    // Decided on newer state: older sessions are the revoker's business, keep both.
                    user.fingerprint = session.fingerprint
                }
                user.userName = session.userName
                user.groupIDs = session.groupIDs
                user.sessions.append(entry)
                users[session.userID] = user
            } else {
                guard users.count < capacity else { return }
                users[session.userID] = TrackedUser(userName: session.userName, fingerprint: session.fingerprint,
                                                    groupIDs: session.groupIDs, sessions: [entry])
            }
        }
    }

    /// The tracked state of a user.
    public func user(_ userID: String) -> TrackedUser? { users.withLockedValue { $0[userID] } }

    /// Tracked users who were members of `groupID` when they connected.
    public func users(inGroup groupID: String) -> [String] {
        users.withLockedValue { $0.filter { $0.value.groupIDs.contains(groupID) }.map(\.key) }
    }

    /// Forgets a user (after its sessions were cut).
    public func remove(_ userID: String) { users.withLockedValue { $0[userID] = nil } }

    /// Forgets some of a user's sessions (after they were cut); the user goes when none are left.
    public func remove(_ userID: String, sessionsWhere shouldRemove: (Session) -> Bool) {
        users.withLockedValue { users in
            guard var user = users[userID] else { return }
            user.sessions.removeAll(where: shouldRemove)
            users[userID] = user.sessions.isEmpty ? nil : user
        }
    }

    /// Drops sessions whose JWT has expired (the server closed them already).
    public func prune(now: Date) {
        users.withLockedValue { users in
            for (id, var user) in users {
                user.sessions.removeAll { $0.expires <= now }
                users[id] = user.sessions.isEmpty ? nil : user
            }
        }
    }

    /// Tracked sessions in total.
    public var sessionCount: Int { users.withLockedValue { $0.values.reduce(0) { $0 + $1.sessions.count } } }
}
