import Foundation
import Hummingbird
import Synchronization
import IdentityStore
import Logging
import SCIM
import SCIMServer

/// Identity history's cost: SCIM creates/s and PATCHes/s over real HTTP with durable commits
/// (each write also appends its history entry in its transaction; compare the creates/s with
/// the "SCIM endpoint and store" suite's figures of the same run), and the bytes history takes
/// per entry (SQLite's `dbstat`: table and indexes, pages included).
///
/// Call from `BenchMain`: `report.add(suite: "Identity history", results: try await HistoryBench.run())`.
enum HistoryBench {
    static func run(creates: Int = 8_000, connections: Int = 16, patches: Int = 2_000) async throws -> [BenchResult] {
        try await BenchSCIMServer.with(label: "history-bench") { server in
            let (store, port, token) = (server.store, server.port, server.token)
            var results: [BenchResult] = []
            let ids = CreatedIDs()

            // 1. Creates over HTTP (synchronous=FULL), as the SCIM suite measures them.
            for (label, connectionCount, total) in [("1 connection", 1, creates / 4), ("\(connections) connections", connections, creates)] {
                let prefix = "hist\(connectionCount)"
                let elapsed = try await SCIMBench.onThreads(connectionCount) { worker in
                    let client = try BenchHTTPClient(port: port, token: token)
                    for i in stride(from: worker, to: total, by: connectionCount) {
                        let response = try client.request("POST", "/scim/v2/Users", body: """
                            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"\(prefix)-\(i)@example.com",
                             "displayName":"HTTP \(i)","emails":[{"value":"\(prefix)-\(i)@example.com","type":"work"}]}
                            """)
                        guard response.status == 201 else {
                            throw SCIMBench.Failure(description: "create answered \(response.status)")
                        }
                        if connectionCount == 1, let id = Self.id(response.body) { ids.ids.withLock { $0.append(id) } }
                    }
                }
                results.append(BenchResult(name: "user creates over HTTP with history, synchronous=FULL (\(label))",
                                           value: Double(total) / elapsed, unit: "creates/s"))
            }
            let afterCreates = try await store.historySize()

            // 2. PATCH active=false over HTTP, one connection (a deprovisioning each).
            let targets = Array(ids.ids.withLock { $0 }.prefix(patches))
            let patchElapsed = try await SCIMBench.onThreads(1) { _ in
                let client = try BenchHTTPClient(port: port, token: token)
                for id in targets {
                    let response = try client.request("PATCH", "/scim/v2/Users/\(id)", body: """
                        {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                         "Operations":[{"op":"replace","path":"active","value":false}]}
                        """)
                    guard response.status == 200 else { throw SCIMBench.Failure(description: "PATCH answered \(response.status)") }
                }
            }
            results.append(BenchResult(name: "PATCH active=false over HTTP with history, synchronous=FULL (1 connection)",
                                       value: Double(targets.count) / patchElapsed, unit: "PATCHes/s"))
            let afterPatches = try await store.historySize()
            if let bytes = afterCreates.bytes, afterCreates.entries > 0 {
                results.append(BenchResult(name: "history bytes per user-create entry (table and indexes)",
                                           value: Double(bytes) / Double(afterCreates.entries), unit: "bytes"))
            }
            if let before = afterCreates.bytes, let after = afterPatches.bytes, afterPatches.entries > afterCreates.entries {
                results.append(BenchResult(name: "history bytes per PATCH entry (active=false)",
                                           value: Double(after - before) / Double(afterPatches.entries - afterCreates.entries),
                                           unit: "bytes"))
            }
            let replayStart = ContinuousClock.now
            let active = try await store.activeUsersWithGroups(asOf: Date())
            results.append(BenchResult(
                name: "activeUsersWithGroups(asOf:) over \(afterPatches.entries) entries (\(active.count) active)",
                value: SCIMBench.seconds(ContinuousClock.now - replayStart) * 1000, unit: "ms"))

            return results
        }
    }

    /// The ids of the users created over one connection (the PATCH targets).
    final class CreatedIDs: Sendable {
        let ids = Mutex<[String]>([])
    }

    /// The `id` of a created resource's JSON body.
    private static func id(_ body: [UInt8]) -> String? {
        guard let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return nil }
        return json["id"] as? String
    }
}
