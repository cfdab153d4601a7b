import Foundation
import NIOConcurrencyHelpers

/// The connections this replica allowed, by SCIM user, until their JWTs expire.
///
/// It lets the revoker cut exactly the sessions decided on state that has since changed (even
/// after a rename), and cut membership removals, which the change feed reports on the group.
/// Bounded by time: entries leave when their JWT expires (`prune`); and by size, since the
/// server does not tell us when a client disconnects and connect churn can be high: at most
/// `capacity` users, `sessionsPerUser` sessions per user (the newest) and `sessionCapacity`
/// sessions in all. Beyond the caps a session is not tracked: a deactivation, deletion or
/// credential change still finds it through CONNZ, only an access-token revocation cannot (the
/// JWT's `exp` still bounds it).
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

    private let users = NIOLockedValueBox<(byID: [String: TrackedUser], sessions: Int)>(([:], 0))
    /// The most users tracked.
    public let capacity: Int
    /// The most sessions tracked per user (older ones are forgotten first).
    public let sessionsPerUser: Int
    /// The most sessions tracked in all.
    public let sessionCapacity: Int

    public init(capacity: Int = 100_000, sessionsPerUser: Int = 64, sessionCapacity: Int = 200_000) {
        self.capacity = capacity
        self.sessionsPerUser = max(1, sessionsPerUser)
        self.sessionCapacity = max(1, sessionCapacity)
    }

    /// Remembers an allowed connection.
    public func add(_ session: AllowedSession) {
        guard let clientID = session.clientID else { return }
        let entry = Session(serverID: session.serverID, clientID: clientID, account: session.account, expires: session.expires,
                            accessTokenHash: session.accessTokenHash)
        let (capacity, perUser, sessionCapacity) = (self.capacity, sessionsPerUser, self.sessionCapacity)
        users.withLockedValue { state in
            // Changed in place through the index: copying a user out and back would copy its
            // sessions array on every connect, under the lock every decision takes.
            if let index = state.byID.index(forKey: session.userID) {
                // Decided on newer state: older sessions are the revoker's business, keep both.
                state.byID.values[index].fingerprint = session.fingerprint
                state.byID.values[index].userName = session.userName
                state.byID.values[index].groupIDs = session.groupIDs
                if state.byID.values[index].sessions.count >= perUser {
                    state.byID.values[index].sessions.removeFirst()
                    state.sessions -= 1
                }
                if state.sessions < sessionCapacity {
                    state.byID.values[index].sessions.append(entry)
                    state.sessions += 1
                }
            } else {
                guard state.byID.count < capacity, state.sessions < sessionCapacity else { return }
                state.byID[session.userID] = TrackedUser(userName: session.userName, fingerprint: session.fingerprint,
                                                         groupIDs: session.groupIDs, sessions: [entry])
                state.sessions += 1
            }
        }
    }

    /// The tracked state of a user.
    public func user(_ userID: String) -> TrackedUser? { users.withLockedValue { $0.byID[userID] } }

    /// Tracked users who were members of `groupID` when they connected.
    public func users(inGroup groupID: String) -> [String] {
        users.withLockedValue { $0.byID.filter { $0.value.groupIDs.contains(groupID) }.map(\.key) }
    }

    /// Forgets a user (after its sessions were cut).
    public func remove(_ userID: String) {
        users.withLockedValue { state in
            if let removed = state.byID.removeValue(forKey: userID) { state.sessions -= removed.sessions.count }
        }
    }

    /// Forgets some of a user's sessions (after they were cut); the user goes when none are left.
    public func remove(_ userID: String, sessionsWhere shouldRemove: (Session) -> Bool) {
        users.withLockedValue { state in
            guard var user = state.byID[userID] else { return }
            let before = user.sessions.count
            user.sessions.removeAll(where: shouldRemove)
            state.sessions -= before - user.sessions.count
            state.byID[userID] = user.sessions.isEmpty ? nil : user
        }
    }

    /// Drops sessions whose JWT has expired (the server closed them already).
    ///
    /// Runs under the lock every decision takes, so it touches only users with an expired
    /// session, in place, instead of rewriting every entry.
    public func prune(now: Date) {
        users.withLockedValue { state in
            var emptied: [String] = []
            var index = state.byID.startIndex
            while index != state.byID.endIndex {
                if state.byID.values[index].sessions.contains(where: { $0.expires <= now }) {
                    let before = state.byID.values[index].sessions.count
                    state.byID.values[index].sessions.removeAll { $0.expires <= now }
                    let after = state.byID.values[index].sessions.count
                    state.sessions -= before - after
                    if after == 0 { emptied.append(state.byID.keys[index]) }
                }
                state.byID.formIndex(after: &index)
            }
            for id in emptied { state.byID.removeValue(forKey: id) }
        }
    }

    /// Tracked sessions in total.
    public var sessionCount: Int { users.withLockedValue { $0.sessions } }
}
