import Foundation
import Testing
import TestSupport

/// Two real `serve` replicas (`replication.enabled`, stream R3) on a real 3-node JetStream
/// cluster, taking SCIM writes over HTTP.
@Suite("Replicated serve on a 3-node cluster", .serialized, .timeLimit(.minutes(3)))
struct ReplicatedServeTests {
    @Test func writesOnEitherReplicaReachBothAndConflictsAreDecidedOnce() async throws {
        let installation = try await ReplicatedInstallation.create(label: "repl-serve", replicas: 2)
        do {
            try await installation.startAll()
            let (a, b) = (installation.replicas[0].client, installation.replicas[1].client)
            // A write on A is answered after A applied it, and B serves it once B applied it.
            let alice = try await a.createUser("alice")
            let onB = try await poll("alice on b", timeout: .seconds(10)) {
                let (status, body) = await b.exchange("GET", "Users/\(alice.id)")
                return status == 200 ? body : nil
            }
            #expect(onB.contains(#""userName":"alice""#))
            // The same userName on both at once: one 201, one 409 uniqueness (from either side).
            let body = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"Bob"}"#
            async let first = a.exchange("POST", "Users", body: body)
            async let second = b.exchange("POST", "Users", body: body.replacingOccurrences(of: "Bob", with: "BOB"))
            let answers = await [first, second]
            #expect(answers.map(\.status).sorted() == [201, 409], "\(answers)")
            #expect(answers.contains { $0.status == 409 && $0.body.contains("uniqueness") }, "\(answers)")
            // A stale ETag from B after A's update: 412.
            let (_, seen) = await b.exchange("GET", "Users/\(alice.id)")
            let etag = try #require(Self.version(of: seen), "\(seen)")
            _ = try await a.deactivate(alice.id)
            let patch = #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"#
                + #""Operations":[{"op":"replace","path":"displayName","value":"late"}]}"#
            let stale = await b.exchange("PATCH", "Users/\(alice.id)", body: patch, headers: ["If-Match": etag])
            #expect(stale.status == 412, "\(stale)")
            let digest = try await installation.waitForConvergence()
            #expect(!digest.isEmpty)
        } catch {
            Issue.record("\(error)\n\(installation.logs)")
        }
        await installation.tearDown()
    }

    /// `meta.version` (the ETag) of a SCIM resource.
    static func version(of json: String) -> String? {
        struct Resource: Decodable { struct Meta: Decodable { var version: String? }; var meta: Meta? }
        return (try? JSONDecoder().decode(Resource.self, from: Data(json.utf8)))?.meta?.version
    }
}
