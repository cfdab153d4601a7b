import Foundation
import IdentityStore
import NIOCore
import NKeys
import Testing
@testable import AuthCallout

/// Records the arrival each lookup was asked with, answering from ``TestIdentities``.
final class ArrivalRecordingIdentities: IdentityReading, @unchecked Sendable {
    let base = TestIdentities()
    private let lock = NSLock()
    private var seen: [String] = []

    var lookups: [String] { lock.withLock { seen } }
    private func note(_ lookup: String) { lock.withLock { seen.append(lookup) } }

    func identity(for key: CredentialKey, asOf: DispatchTime?) throws -> Identity? {
        let kind: String? = switch key {
        case .userName: "userName"
        case .nkey: "nkey"
        case .accessTokenHash: "token"
        case .externalID: "externalId"
        case .email: "email"
        case .id: nil
        }
        if let kind { note(asOf.map { "\(kind)@\($0.uptimeNanoseconds)" } ?? kind) }
        return try base.identity(for: key, asOf: asOf)
    }
    func verifyPassword(_ password: String, hash: String) -> Bool { base.verifyPassword(password, hash: hash) }
    var decoyPasswordHash: String? { base.decoyPasswordHash }
}

@Suite("Authorizer: lookups carry the request's arrival")
struct AuthorizerArrivalTests {
    /// The arrival the service stamps comes from NIO's clock and the store's checks from
    /// Dispatch's: comparing them is only sound if they are the same monotonic clock.
    @Test func nioDeadlinesAndDispatchTimesReadOneClock() {
        for _ in 0 ..< 1_000 {
            let before = DispatchTime.now().uptimeNanoseconds
            let nio = NIODeadline.now().uptimeNanoseconds
            let after = DispatchTime.now().uptimeNanoseconds
            #expect(before <= nio && nio <= after)
        }
    }

    @Test func everyCredentialsLookupIsAskedAsOfTheArrival() async throws {
        let identities = ArrivalRecordingIdentities()
        let key = try KeyPair.generate(.user)
        identities.base.put(Identity(id: "id-alice", userName: "alice", passwordHash: "test-hash:pw1", nkeys: [key.publicKey],
                                            groups: [.init(displayName: "developers")]))
        identities.base.issueToken("tok-1", for: "alice")
        let authorizer = Authorizer(identities: identities, policy: try PolicyStore.parsing("""
            account: APP
            bindings:
              - group: developers
                publish: ["app.>"]
            """))
        let arrival = DispatchTime(uptimeNanoseconds: 123_456_789)
        let nonce = "Xq3nU9Tg0kwqy1A"
        let signature = Data(key.signature(for: Array(nonce.utf8))).base64EncodedString()
        let now = Date(timeIntervalSince1970: 1_767_225_600)
        for request in [
            ConnectRequest(user: "alice", password: "pw1", now: now, arrival: arrival),
            ConnectRequest(nkey: key.publicKey, signature: signature, nonce: nonce, now: now, arrival: arrival),
            ConnectRequest(token: "tok-1", now: now, arrival: arrival),
        ] {
            #expect(await authorizer.decide(request).reason == .allowed, "\(request)")
        }
        #expect(identities.lookups == ["userName@123456789", "nkey@123456789", "token@123456789"])
        // Without an arrival (tools, tests) the plain lookups answer as of the call.
        _ = await authorizer.decide(ConnectRequest(user: "alice", password: "pw1", now: now))
        #expect(identities.lookups.last == "userName")
    }
}
