import AuthCallout
import Foundation
import IdentityStore
import Logging
import NATSJWT
import NKeys
import Policy
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The auth callout's cost and speed.
///
/// - In process (no network): the full handler (verify request, decide against the SQLite store
///   with argon2id behind the credential cache, mint and sign user + response JWTs, xkey) over
///   ≥ 10,000 decisions: process CPU per decision (getrusage), and decision latency p50/p99 with
///   32 decisions in flight, for each store size.
/// - Through a real nats-server (from `.venv`) and the real `scim-callout serve` process: see
///   ``ServedCalloutBench``.
///
/// Usage from `BenchMain`: `report.add(suite: "Auth callout", results: try await CalloutBench.run())`.
/// Environment: `CALLOUT_BENCH_USERS` (comma-separated store sizes, default `1000,1000000`),
/// `CALLOUT_BENCH_SECONDS` (seconds per through-server run, default 10), `CALLOUT_BENCH_SERVER=0`
/// (in-process runs only, for profiling), `CALLOUT_BENCH_DECISIONS` (sequential decisions per
/// in-process run, default 20,000), `CALLOUT_BENCH_SERVE_PREFIX` (a command that execs the served
/// `scim-callout serve`, such as `chrt -f 10`; default none), `CALLOUT_BENCH_THREAD_PRIORITY`
/// (`callout.thread_priority` for the extra served runs, default `fifo:10`; empty skips them),
/// `CALLOUT_BENCH_PIN` (`0` skips the runs with the service on a CPU of its own), `SCIM_CALLOUT_VENV`.
enum CalloutBench {
    static let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })

    /// What the figures mean (printed above the table in docs/benchmarks.md).
    static let note = """
        How to read these figures (targets from issue 4):
        - **in-process** rows time `AuthorizationHandler.handle` alone on a file-backed store (WAL pool, as
          production opens it): verify the request JWT, open the xkey box, read the user, check the password
          through the credential cache, evaluate the policy, sign the user and response JWTs, seal the reply.
          *CPU per decision* is process CPU (getrusage) over one-at-a-time decisions.
          *bursts of 32 at once* hands the handler 32 requests at the same instant (200 bursts) and times each
          from the burst's start, so it includes waiting behind the other 31 for one of the 2 cores: the last
          of a burst cannot finish before about 32 × (CPU per decision) ÷ 2, so this is the worst case of 32
          clients connecting in the same instant, not what a client usually sees.
        - **decision table** is the process CPU per record appended to the `decisions` table in the service's
          batches (256 per transaction, a WAL file as `serve` opens it): that part of a served decision is
          SQLite's insert (two indexes), each row bound through SQLite's C API. *At its retention limit* appends
          to a table kept full, so each batch also deletes as many old rows, as a long-running service does.
        - **served** rows run the release `scim-callout serve` binary exactly as deployed (JSON log lines to a
          file, the `decisions` table, metrics, session registry and revoker) behind a real nats-server, with 32
          nats-py clients connecting and closing in a loop (after a warm-up that puts each user through the
          credential cache once). *service CPU per decision* is that process's CPU (`/proc/<pid>/stat`) over
          the window ÷ the decisions stored in the window, so it includes NATS I/O, logging and the table;
          *of which on the decision threads* is the part the callout's event-loop threads ran (their
          `schedstat`), the rest being the table and log writers and the runtime's pools.
          *service-side decision latency* is each stored decision's `latency_us`: from the socket read that
          brought the request to the reply being queued for the socket, so time behind other requests of the
          same read counts. It is split in two, each with its own p99: the *queue wait* (`queue_us`: socket read →
          decision start, behind the requests read with it) and the *deciding time* (decision start → reply; a
          decision preempted by another process counts here). The sustained rows saturate the host (the clients connect as fast as they can);
          the *bursts of 32 connects at once* rows then run rounds of all 32 clients connecting at the same
          moment, each round after the last finished (issue 4's "32 clients connecting at once").
          nats-server, the 32 clients and the service share the same 2 cores; the clients stand in for other
          machines and run at `nice 10` so they take the CPU the system under test leaves over
          (`CALLOUT_BENCH_CLIENT_NICE`).
          Rows labelled *floor* / *floor-xkey* put a floor under those figures: the same load against a
          responder process (`scim-callout-bench floor-responder`) that does only what the protocol requires,
          with our client and codecs and `serve`'s connection layout: open the box, verify the request JWT, sign
          a user JWT with the benchmark policy's permissions, sign the response, seal it, publish it. No store,
          no password check, no policy, no log line, no table, no metrics. *responder CPU per decision* is its
          process CPU over the window ÷ the requests it answered; `serve`'s figure minus this one is what the
          product's own work (lookup, policy, decision log, table, sessions) costs per decision.
          *responder-side decision latency* is measured as `serve`'s `latency_us` is (socket read → reply
          queued), in the sustained window and in rounds of 32 connects at once.
          Rows labelled *callout.thread_priority fifo:10* repeat both callout modes with the service's decision
          threads under SCHED_FIFO (the opt-in setting of docs/operations.md; `CALLOUT_BENCH_THREAD_PRIORITY`
          picks another value, empty skips them): the same work, without waiting for nats-server's threads.
          Rows labelled *service alone on CPU …* repeat all three modes at the default priority with the
          host split, as docs/operations.md advises when the p99 matters: `serve` started under `taskset -c`
          on the last CPU (so it runs one callout connection), nats-server and the clients moved to the
          others (`CALLOUT_BENCH_PIN=0` skips these runs). Here nats-server then has one core, so
          connects/s is lower (the window is 1.5 times as long, for enough decisions) and is compared with
          static users under the same split; a burst's 32
          requests reach the service as fast as that one core sends them.
        - Targets: ≤ 150 µs service CPU per decision (≤ 170 µs xkey); service-side p99 < 2 ms with 32 clients
          connecting at once; flat from 1,000 to 1,000,000 users.
        """

    static func run() async throws -> [BenchResult] {
        let environment = ProcessInfo.processInfo.environment
        let sizes = (environment["CALLOUT_BENCH_USERS"] ?? "1000,1000000").split(separator: ",").compactMap { Int($0) }
        let seconds = Int(environment["CALLOUT_BENCH_SECONDS"] ?? "10") ?? 10
        let directory = try TestEnvironment.temporaryDirectory("callout-bench")
        defer { try? FileManager.default.removeItem(at: directory) }
        var results: [BenchResult] = []
        var largest: String?
        for size in sizes {
            let path = directory.appendingPathComponent("store-\(size).sqlite").path
            let database = try await populatedStore(users: size, path: path)
            results += try await inProcess(database: database, users: size, xkey: false)
            results += try await inProcess(database: database, users: size, xkey: true)
            largest = path
        }
        results += try await DecisionTableBench.run()
        if let path = largest, environment["CALLOUT_BENCH_SERVER"] != "0" {
            results += try await ServedCalloutBench.run(storePath: path, users: sizes.last ?? 0, seconds: seconds)
        }
        return results
    }

    // MARK: Store

    /// A store file at `path` with `users` users (`user0`…) in group `developers`, all with the
    /// same password hash (argon2id, cheap test parameters: the cache makes its cost a one-time
    /// one per user), opened as production opens it (a WAL pool). Built in memory, then copied to
    /// the file with SQLite's backup: a million single-row durable commits would take an hour.
    static func populatedStore(users: Int, path: String) async throws -> IdentityDatabase {
        let started = ContinuousClock.now
        let database = try IdentityDatabase.inMemory(logger: logger)
        let hash = try PasswordHasher.testing.hashSync("bench-password")
        let group = try await database.createGroup(GroupInput(
            displayName: "developers", resource: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"developers"}"#))
        var members: [MemberInput] = []
        members.reserveCapacity(min(users, 2_000))
        for index in 0 ..< users {
            let name = "user\(index)"
            let user = try await database.createUser(
                UserInput(userName: name, resource: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"\#(name)"}"#),
                passwordHash: hash)
            // Group only the users the benchmark connects as; the rest just fill the tables.
            if index < 2_000 { members.append(MemberInput(value: user.id, type: "User")) }
        }
        let added = members
        _ = try await database.updateGroup(id: group.id) { group in
            GroupUpdate(input: GroupInput(displayName: group.displayName, resource: group.resource), members: .delta(add: added, remove: []))
        }
        try database.backup(toPath: path)
        print("  store with \(users) users ready in \(ContinuousClock.now - started)")
        return try IdentityDatabase.open(path: path, logger: logger)
    }

    static func policy() throws -> PolicyStore {
        PolicyStore(policy: try PolicyParser.parse("""
            account: APP
            bindings:
              - group: developers
                publish: ["app.{{userName}}.>", "app.shared.>"]
                subscribe: ["app.>", "_INBOX.>"]
            """), logger: logger)
    }

    // MARK: In process

    static func inProcess(database: IdentityDatabase, users: Int, xkey: Bool) async throws -> [BenchResult] {
        let issuer = try KeyPair.generate(.account)
        let serverKey = try KeyPair.generate(.server)
        let serverXKey = try XKeyPair.generate()
        let serviceXKey = try XKeyPair.generate()
        // As `serve` runs it: argon2id (cache misses, the warm-up) on the password pool.
        let passwordChecks = PasswordCheckPool()
        defer { Task { try? await passwordChecks.shutdown() } }
        let authorizer = Authorizer(identities: database, policy: try policy(), passwordChecks: passwordChecks)
        // As `serve` builds it: decided without waiting unless an argon2id check is needed.
        let handler = AuthorizationHandler(keys: CalloutKeys(mode: .config(issuer: issuer), xkey: xkey ? serviceXKey : nil),
                                           authorizer: authorizer)
        let active = min(users, 1_000)
        // Requests are made before each phase (the server's cost, not ours), every one distinct and
        // valid for the 60 s a request may live, as nats-server makes them: the handler refuses a
        // request it has decided before (replay), so none is reused.
        func makeRequests(_ count: Int) throws -> [[UInt8]] {
            let issued = Date()
            return try (0 ..< count).map { index in
                let claims = AuthorizationRequestClaims(
                    subject: issuer.publicKey, audience: "nats-authorization-request",
                    expires: Int64(issued.timeIntervalSince1970) + 60,
                    nats: NATSAuthorizationRequest(
                        serverID: ServerID(name: "bench", host: "127.0.0.1", id: serverKey.publicKey,
                                           xkey: xkey ? serverXKey.publicKey : nil),
                        userNKey: try KeyPair.generate(.user).publicKey,
                        clientInfo: ClientInformation(host: "127.0.0.1", id: UInt64(index), kind: "Client", type: "nats"),
                        connectOptions: ConnectOptions(username: "user\(index % active)", password: "bench-password", lang: "bench")))
                let token = Array(try JWT.encode(claims, signedBy: serverKey, issuedAt: issued).utf8)
                return xkey ? try serverXKey.seal(token, to: serviceXKey.publicKey) : token
            }
        }
        let header = xkey ? serverXKey.publicKey : nil
        // Warm-up: fills the credential cache once per user (argon2id), as a running service would be.
        for request in try makeRequests(active) {
            let outcome = await handler.handle(payload: request, serverXKey: header)
            guard outcome.record.result == .allow else { throw BenchError("warm-up decision denied: \(outcome.record.reason)") }
        }

        let label = "in-process \(xkey ? "xkey" : "plain"), \(users) users"
        // Sequential: CPU per decision.
        let decisions = Int(ProcessInfo.processInfo.environment["CALLOUT_BENCH_DECISIONS"] ?? "") ?? 20_000
        let requests = try makeRequests(decisions)
        let cpuBefore = processCPUSeconds()
        let wallStart = ContinuousClock.now
        for request in requests {
            let outcome = await handler.handle(payload: request, serverXKey: header)
            guard outcome.record.result == .allow else { throw BenchError("denied: \(outcome.record.reason)") }
        }
        let wall = (ContinuousClock.now - wallStart).seconds
        let cpu = processCPUSeconds() - cpuBefore
        var results = [
            BenchResult(name: "\(label): service CPU per decision (\(decisions) decisions)", value: cpu / Double(decisions) * 1e6, unit: "µs"),
            BenchResult(name: "\(label): decisions/s, one at a time", value: Double(decisions) / wall, unit: "ops/s"),
        ]
        // Bursts of 32 requests arriving at the same instant: each one's latency counts from the
        // burst's start, so waiting for a core behind the other 31 is included.
        let shared = try makeRequests(200 * 32)
        var latencies: [Double] = []
        for burst in 0 ..< 200 {
            let start = ContinuousClock.now
            let samples = try await withThrowingTaskGroup(of: Double.self) { group in
                for index in 0 ..< 32 {
                    group.addTask {
                        let outcome = await handler.handle(payload: shared[burst * 32 + index], serverXKey: header)
                        guard outcome.record.result == .allow else { throw BenchError("denied: \(outcome.record.reason)") }
                        return (ContinuousClock.now - start).seconds * 1e3
                    }
                }
                var all: [Double] = []
                for try await sample in group { all.append(sample) }
                return all
            }
            latencies += samples
        }
        latencies.sort()
        results.append(BenchResult(name: "\(label): latency p50, bursts of 32 at once", value: percentile(latencies, 0.50), unit: "ms"))
        results.append(BenchResult(name: "\(label): latency p99, bursts of 32 at once", value: percentile(latencies, 0.99), unit: "ms"))
        return results
    }

    // MARK: Helpers

    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
