import Foundation
import IdentityStore
import Logging
import NATSClient
import NIOCore

/// nats-server's system requests used to cut live sessions: CONNZ to find a user's connections
/// across the cluster, KICK to close one. Needs a connection in the system account.
public struct ServerControl: Sendable {
    /// A live connection as CONNZ reports it.
    public struct Connection: Sendable, Hashable {
        public var serverID: String
        public var clientID: UInt64
        public var account: String?
    }

    let connection: NATSConnection
    /// How long to collect CONNZ answers (one per server in the cluster).
    let gatherWindow: Duration
    let clock: any Clock<Duration>

    public init(connection: NATSConnection, gatherWindow: Duration = .milliseconds(250), clock: any Clock<Duration> = ContinuousClock()) {
        self.connection = connection
        self.gatherWindow = gatherWindow
        self.clock = clock
    }

    /// Connections authenticated as `userName` (the user JWT `name`) on every server.
    public func connections(userName: String) async throws -> [Connection] {
        struct Request: Encodable { var user: String; var auth = true; var limit = 1024 }
        struct Reply: Decodable {
            struct Server: Decodable { var id: String }
            struct Data: Decodable {
                struct Conn: Decodable { var cid: UInt64; var account: String? }
                var connections: [Conn]?
            }
            var server: Server?
            var data: Data?
        }
        let inbox = "_INBOX.connz.\(DecisionRecord.makeID())"
        let subscription = try await connection.subscribe(to: inbox)
        let body = try JSONEncoder().encode(Request(user: userName))
        try await connection.publish(ByteBuffer(bytes: body), to: "$SYS.REQ.SERVER.PING.CONNZ", replyTo: inbox)
        let clock = self.clock, window = gatherWindow
        return try await withThrowingTaskGroup(of: [Connection]?.self) { group in
            group.addTask {
                var found: [Connection] = []
                for await message in subscription {
                    guard let reply = try? JSONDecoder().decode(Reply.self, from: Data(message.payload.readableBytesView)),
                          let server = reply.server?.id else { continue }
                    for conn in reply.data?.connections ?? [] {
                        found.append(Connection(serverID: server, clientID: conn.cid, account: conn.account))
                    }
                }
                return found
            }
            group.addTask {
                try? await clock.sleep(for: window)
                try? await subscription.unsubscribe()
                return nil
            }
            var result: [Connection] = []
            for try await item in group { if let item { result = item } }
            return result
        }
    }

    /// Closes client `clientID` on server `serverID`; false when the server no longer has it.
    public func kick(serverID: String, clientID: UInt64) async throws -> Bool {
        struct Reply: Decodable { struct Failure: Decodable { var code: Int? }; var error: Failure? }
        let body = Data("{\"cid\":\(clientID)}".utf8)
        let reply = try await connection.request(ByteBuffer(bytes: body), to: "$SYS.REQ.SERVER.\(serverID).KICK", timeout: .seconds(2))
        let decoded = try? JSONDecoder().decode(Reply.self, from: Data(reply.payload.readableBytesView))
        return decoded != nil && decoded?.error == nil
    }
}
