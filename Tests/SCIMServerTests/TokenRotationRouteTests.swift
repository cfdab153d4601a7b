import Foundation
import Hummingbird
import HummingbirdTesting
import IdentityStore
import SCIM
import SCIMServer
import TestSupport
import Testing

/// Rotation over real HTTP on loopback, with the store's clock moved by hand past the overlap.
@Suite("SCIM token rotation over HTTP")
struct TokenRotationRouteTests {
    @Test func bothTokensWorkDuringTheOverlapAndOnlyTheNewOneAfter() async throws {
        let time = ManualTime()
        let store = try IdentityDatabase.inMemory(logger: quietLogger, now: { time.now })
        let registry = try SchemaRegistry(directory: TestEnvironment.packageRoot.appendingPathComponent("Schemas"))
        let old = try await store.issueSCIMToken(name: "okta", expiresAt: time.now.addingTimeInterval(90 * 86_400))
        let router = SCIMRoutes.buildRouter(repository: store, registry: registry,
                                            configuration: .init(passwordHasher: .testing))
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              logger: quietLogger)
        try await app.test(.live) { client in
            func status(_ token: String) async throws -> HTTPResponse.Status {
                try await client.execute(uri: "/scim/v2/Users", method: .get,
                                         headers: [.authorization: "Bearer \(token)"]).status
            }
            #expect(try await status(old.token) == .ok)

            let rotated = try await store.rotateSCIMToken(nameOrId: "okta", overlap: 7 * 86_400)
            let new = rotated.successor.token
            #expect(try await status(old.token) == .ok)
            #expect(try await status(new) == .ok)

            time.advance(by: 7 * 86_400 - 1)
            #expect(try await status(old.token) == .ok, "the last second of the overlap")

            time.advance(by: 1)
            #expect(try await status(old.token) == .unauthorized)
            #expect(try await status(new) == .ok)
        }
    }
}
