import Foundation
import IdentityStore
import NATSJWT
import NKeys
import Testing
import TestSupport
@testable import AuthCallout

@Suite("Replayed authorization requests")
struct RequestReplayTests {
    @Test func aRequestIsAdmittedOnceUntilItExpires() {
        let replays = RequestReplayGuard()
        #expect(replays.admit("jti-1", expires: 1_010, now: 1_000))
        #expect(!replays.admit("jti-1", expires: 1_010, now: 1_005), "the same id again while valid")
        #expect(replays.admit("jti-2", expires: 1_010, now: 1_005), "another id")
        // Once expired, an id is forgotten (a replay of it is refused by its exp anyway).
        #expect(replays.admit("jti-1", expires: 1_030, now: 1_010))
        #expect(replays.count == 1, "jti-2 expired with it and was pruned")
    }

    @Test func aFullGuardDropsTheEarliestExpiringHalfNotTheNewest() {
        let replays = RequestReplayGuard(capacity: 4)
        for index in 0 ..< 4 { #expect(replays.admit("id-\(index)", expires: 2_000 + Int64(index), now: 1_000)) }
        #expect(replays.admit("id-4", expires: 2_004, now: 1_000))
        #expect(replays.count <= 4)
        #expect(!replays.admit("id-4", expires: 2_004, now: 1_000), "the newest is still remembered")
        #expect(!replays.admit("id-3", expires: 2_003, now: 1_000), "the latest-expiring are kept")
    }

    /// The handler refuses a captured request published again, without a reply, and records why;
    /// a fresh request for the same user is decided as usual.
    @Test func theHandlerRefusesAReplayWithoutAReply() async throws {
        let time = ManualTime(Date(timeIntervalSince1970: 1_767_225_600))
        let identities = TestIdentities()
        identities.put(Identity(id: "id-alice", userName: "alice", passwordHash: "test-hash:pw1",
                                groups: [.init(displayName: "developers", id: "g-dev")]))
        let policy = try PolicyStore.parsing("""
            account: APP
            bindings:
              - group: developers
                publish: ["app.>"]
            """)
        let issuer = try KeyPair.generate(.account)
        let server = try FakeServer()
        let handler = AuthorizationHandler(keys: CalloutKeys(mode: .config(issuer: issuer)), now: { time.now },
                                           authorizer: Authorizer(identities: identities, policy: policy))
        let options = ConnectOptions(username: "alice", password: "pw1")
        let captured = try server.request(issuer: issuer.publicKey, userNKey: try KeyPair.generate(.user).publicKey,
                                          options: options, now: time.now)

        let first = await handler.handle(payload: Array(captured.utf8), serverXKey: nil)
        #expect(first.record.result == .allow && first.reply != nil)

        time.advance(by: 1)
        let again = await handler.handle(payload: Array(captured.utf8), serverXKey: nil)
        #expect(again.reply == nil)
        #expect(again.record.result == .deny && again.record.reason == .replayedRequest)
        #expect(again.record.serverID == server.key.publicKey)

        let fresh = try server.request(issuer: issuer.publicKey, userNKey: try KeyPair.generate(.user).publicKey,
                                       options: options, now: time.now)
        #expect(await handler.handle(payload: Array(fresh.utf8), serverXKey: nil).record.result == .allow)
    }

    /// A request is known by server, client id and the user nkey made for that connect, not by
    /// its `jti` (which nats-io/jwt computes from the standard claims alone).
    @Test func aRequestIsKnownByServerClientAndUserNKey() {
        let connect = ConnectRequest(user: "alice", password: "pw1", clientID: 7, now: Date())
        var claims = VerifiedRequests.claims(for: connect)
        claims.id = "same-jti-for-every-request-this-second"
        #expect(AuthorizationHandler.replayID(of: claims) == "\(VerifiedRequests.server.publicKey)|7|\(VerifiedRequests.userNKey)")
    }
}
