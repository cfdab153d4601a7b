import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Hummingbird
import IdentityStore
import Logging
import SCIM
import SCIMServer

/// SCIM endpoint and store figures: user creates/s over real HTTP with durable commits,
/// `userName eq` lookup latency with `users` users in the store, a 1,000-member PATCH into a
/// 100,000-member group, and resident memory.
///
/// Call from `BenchMain`: `report.add(suite: "SCIM endpoint and store", results: try await SCIMBench.run())`.
/// The server is a ``BenchSCIMServer``, driven by blocking keep-alive HTTP clients on their own
/// threads.
enum SCIMBench {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func run(
        users: Int = 1_000_000,
        creates: Int = 8_000,
        // One IdP token gets at most scim.max_concurrent_per_token (16) requests in flight.
        connections: Int = 16,
        lookups: Int = 5_000,
        groupSize: Int = 100_000,
        patchMembers: Int = 1_000
    ) async throws -> [BenchResult] {
        try await BenchSCIMServer.with(label: "scim-bench") { server in
            let (store, port, token) = (server.store, server.port, server.token)
            var results: [BenchResult] = []

            // 1. Creates over HTTP, each acknowledged only after its commit is synced (FULL).
            //    One connection is bounded by the disk's sync rate; concurrent connections share
            //    commits (group commit), as IdPs provisioning in parallel do.
            for (label, connectionCount, total) in [("1 connection", 1, creates / 4), ("\(connections) connections", connections, creates)] {
                let prefix = "http\(connectionCount)"
                let elapsed = try await onThreads(connectionCount) { worker in
                    let client = try BenchHTTPClient(port: port, token: token)
                    for i in stride(from: worker, to: total, by: connectionCount) {
                        let response = try client.request("POST", "/scim/v2/Users", body: """
                            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"\(prefix)-\(i)@example.com",
                             "displayName":"HTTP \(i)","emails":[{"value":"\(prefix)-\(i)@example.com","type":"work"}]}
                            """)
                        guard response.status == 201 else { throw Failure(description: "create answered \(response.status)") }
                    }
                }
                results.append(BenchResult(name: "user creates over HTTP, synchronous=FULL (\(label))",
                                           value: Double(total) / elapsed, unit: "creates/s"))
            }

            // 2. Bulk-load the store to `users` users (directly, not over HTTP).
            let loadStart = ContinuousClock.now
            // Keep only the ids the group benchmark needs: the figure is the server's memory.
            let keep = groupSize + 3 * patchMembers
            var ids: [String] = []
            let batch = 50_000
            var loaded = 0
            while loaded < users {
                let count = min(batch, users - loaded)
                let created = try await store.importUsers((loaded..<(loaded + count)).map(userInput), batchSize: 10_000)
                if ids.count < keep { ids.append(contentsOf: created.prefix(keep - ids.count)) }
                loaded += count
            }
            results.append(BenchResult(name: "bulk load of \(users) users (store, batches of 10,000)",
                                       value: seconds(ContinuousClock.now - loadStart), unit: "s"))
            results.append(BenchResult(name: "resident memory right after the bulk load (VmRSS)",
                                       value: residentMemory().rss, unit: "MiB"))
            // The import's transient buffers belong to the benchmark, not to a serving process:
            // hand freed heap back to the OS before measuring the server's steady state.
            releaseFreedHeap()

            // 3. `userName eq` lookups over HTTP, and the callout's read.
            let httpBox = Samples()
            _ = try await onThreads(1) { _ in
                let client = try BenchHTTPClient(port: port, token: token)
                var generator = SystemRandomNumberGenerator()
                for _ in 0..<lookups {
                    let n = Int.random(in: 0..<users, using: &generator)
                    let filter = "userName%20eq%20%22USER-\(n)%40example.com%22"
                    let start = ContinuousClock.now
                    let response = try client.request("GET", "/scim/v2/Users?filter=\(filter)")
                    httpBox.append(seconds(ContinuousClock.now - start) * 1000)
                    guard response.status == 200, String(decoding: response.body, as: UTF8.self)
                        .contains("\"totalResults\":1") else { throw Failure(description: "lookup of user-\(n) failed") }
                }
            }
            let httpLatencies = httpBox.sorted
            results.append(BenchResult(name: "GET /Users?filter=userName eq … p50 (\(users) users)",
                                       value: percentile(httpLatencies, 0.50), unit: "ms"))
            results.append(BenchResult(name: "GET /Users?filter=userName eq … p99 (\(users) users)",
                                       value: percentile(httpLatencies, 0.99), unit: "ms"))
            var storeLatencies: [Double] = []
            for _ in 0..<lookups {
                let n = Int.random(in: 0..<users)
                let start = ContinuousClock.now
                guard try store.identity(for: .userName("user-\(n)@example.com")) != nil else {
                    throw Failure(description: "identity(for: .userName(user-\(n))) missing")
                }
                storeLatencies.append(seconds(ContinuousClock.now - start) * 1000)
            }
            storeLatencies.sort()
            results.append(BenchResult(name: "identity(for: .userName) p50 (\(users) users)",
                                       value: percentile(storeLatencies, 0.50), unit: "ms"))
            results.append(BenchResult(name: "identity(for: .userName) p99 (\(users) users)",
                                       value: percentile(storeLatencies, 0.99), unit: "ms"))

            // 4. PATCH 1,000 members into a 100,000-member group.
            let size = min(groupSize, max(0, ids.count - 3 * patchMembers))
            let groupStart = ContinuousClock.now
            let big = try await store.createGroup(
                GroupInput(displayName: "bench-big",
                           resource: #"{"displayName":"bench-big","schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]}"#),
                members: ids[0..<size].map { MemberInput(value: $0, type: "User") })
            results.append(BenchResult(name: "create a \(size)-member group (store)",
                                       value: seconds(ContinuousClock.now - groupStart), unit: "s"))
            let patchBox = Samples()
            let memberIds = ids
            _ = try await onThreads(1) { _ in
                let client = try BenchHTTPClient(port: port, token: token)
                for round in 0..<3 {
                    let slice = memberIds[(size + round * patchMembers)..<(size + (round + 1) * patchMembers)]
                    let values = slice.map { #"{"value":"\#($0)","type":"User"}"# }.joined(separator: ",")
                    let body = """
                        {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                         "Operations":[{"op":"add","path":"members","value":[\(values)]}]}
                        """
                    let start = ContinuousClock.now
                    let response = try client.request("PATCH", "/scim/v2/Groups/\(big.id)?excludedAttributes=members",
                                                      body: body)
                    patchBox.append(seconds(ContinuousClock.now - start) * 1000)
                    guard response.status == 200 else { throw Failure(description: "PATCH answered \(response.status)") }
                }
            }
            guard try await store.memberCount(groupId: big.id) == size + 3 * patchMembers else {
                throw Failure(description: "group has the wrong member count after PATCH")
            }
            let patchTimes = patchBox.sorted
            results.append(BenchResult(name: "PATCH +\(patchMembers) members into a \(size)-member group (median of 3)",
                                       value: patchTimes[1], unit: "ms"))
            results.append(BenchResult(name: "PATCH +\(patchMembers) members into a \(size)-member group (max of 3)",
                                       value: patchTimes[2], unit: "ms"))

            // 5. Memory.
            let (rss, peak) = residentMemory()
            results.append(BenchResult(name: "resident memory serving \(users) users after lookups and PATCHes (VmRSS)",
                                       value: rss, unit: "MiB"))
            results.append(BenchResult(name: "peak resident memory (VmHWM, includes the bulk load)", value: peak, unit: "MiB"))

            return results
        }
    }

    static func userInput(_ n: Int) -> UserInput {
        let name = "user-\(n)@example.com"
        return UserInput(
            userName: name, displayName: "User \(n)", active: true, emails: [name],
            resource: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"\#(name)","displayName":"User \#(n)","active":true,"emails":[{"value":"\#(name)","type":"work","primary":true}]}"#)
    }

    /// Runs `body(worker)` on `count` threads at once and returns the wall-clock seconds.
    static func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) async throws -> Double {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Double, any Error>) in
            DispatchQueue.global().async {
                let start = ContinuousClock.now
                let failures = ErrorBox()
                // One thread per worker: concurrentPerform runs at most one iteration per CPU, so
                // on 2 cores "32 connections" were 2 requests in flight.
                let group = DispatchGroup()
                for worker in 0..<count {
                    group.enter()
                    let thread = Thread {
                        defer { group.leave() }
                        do { try body(worker) } catch { failures.set(error) }
                    }
                    thread.stackSize = 1 << 20
                    thread.start()
                }
                group.wait()
                if let error = failures.error { continuation.resume(throwing: error) } else {
                    continuation.resume(returning: seconds(ContinuousClock.now - start))
                }
            }
        }
    }

    /// Measurements taken on a worker thread.
    final class Samples: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Double] = []
        func append(_ value: Double) { lock.withLock { values.append(value) } }
        var sorted: [Double] { lock.withLock { values.sorted() } }
    }

    final class ErrorBox: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: (any Error)?
        var error: (any Error)? { lock.withLock { stored } }
        func set(_ error: any Error) { lock.withLock { stored = stored ?? error } }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.down)))]
    }

    /// glibc's `malloc_trim(0)` (not exported by the Glibc module), looked up at run time.
    static func releaseFreedHeap() {
        #if canImport(Glibc)
        typealias Trim = @convention(c) (Int) -> Int32
        if let symbol = dlsym(nil, "malloc_trim") { _ = unsafeBitCast(symbol, to: Trim.self)(0) }
        #endif
    }

    /// VmRSS and VmHWM in MiB from /proc/self/status.
    static func residentMemory() -> (rss: Double, peak: Double) {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (.nan, .nan) }
        func value(_ key: String) -> Double {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) }),
                  let kb = Double(line.split(separator: " ").dropFirst().first { !$0.isEmpty } ?? "")
            else { return .nan }
            return kb / 1024
        }
        return (value("VmRSS:"), value("VmHWM:"))
    }
}
