import AuthCallout
import Foundation
import IdentityStore
import NKeys
import TestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The auth callout as production runs it: the release `scim-callout serve` binary (JSON log
/// lines to a file, the `decisions` table, metrics, the session registry, the revoker) against a
/// real nats-server, with 32 nats-py clients connecting and closing in a loop, then in rounds of
/// 32 connects at the same moment.
///
/// Measured per mode, in one run: connects/s and connect latency as the clients see it, the
/// service process's CPU per decision (from `/proc/<pid>/stat`, so the load generator and
/// nats-server are not counted), and the service-side decision latency (the socket read that
/// brought the request to the reply, the `latency_us` of each stored decision record).
/// Each mode runs on the shared host, then (callout modes) with raised decision-thread priority,
/// then with the host split by ``Placement``: the service on a CPU of its own. The floor modes
/// answer with a ``FloorResponder`` instead of `serve`: the protocol's required work alone.
enum ServedCalloutBench {
    static let policy = """
        version: 1
        account: APP
        bindings:
          - group: developers
            publish: ["app.{{userName}}.>", "app.shared.>"]
            subscribe: ["app.>", "_INBOX.>"]
        """

    /// - Parameters:
    ///   - storePath: a store file holding `user0`… in group `developers` (password `bench-password`).
    static func run(storePath: String, users: Int, seconds: Int) async throws -> [BenchResult] {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("scim-callout")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw BenchError("\(binary.path) is missing: build it with `swift build -c release --product scim-callout`")
        }
        var results: [BenchResult] = []
        var staticRate: Double?
        var pinnedStaticRate: Double?
        // Then both callout modes again with the decision threads at a raised priority
        // (`callout.thread_priority`, CALLOUT_BENCH_THREAD_PRIORITY; empty skips these runs).
        let environment = ProcessInfo.processInfo.environment
        let priority = environment["CALLOUT_BENCH_THREAD_PRIORITY"] ?? "fifo:10"
        var runs: [(mode: String, priority: String?, placement: Placement?)] = [
            ("static", nil, nil), ("callout", nil, nil), ("callout-xkey", nil, nil),
            // The protocol's required work alone, with our client and codecs: a floor under the callout rows.
            ("floor", nil, nil), ("floor-xkey", nil, nil),
        ]
        if !priority.isEmpty { runs += [("callout", priority, nil), ("callout-xkey", priority, nil)] }
        // And static, both callout modes and both floors at the default priority with the service
        // (or the floor responder) on a CPU of its own (CALLOUT_BENCH_PIN=0 skips these runs).
        if environment["CALLOUT_BENCH_PIN"] != "0", let placement = Placement.ownCPU() {
            runs += [("static", nil, placement), ("callout", nil, placement), ("callout-xkey", nil, placement),
                     ("floor", nil, placement), ("floor-xkey", nil, placement)]
        }
        for (mode, priority, placement) in runs {
            let directory = try TestEnvironment.temporaryDirectory("served-bench")
            defer { try? FileManager.default.removeItem(at: directory) }
            let initResult = try await runCommand(binary, ["init", "--data-dir", directory.path])
            guard initResult.status == 0 else { throw BenchError("scim-callout init failed: \(initResult.stderr)") }
            try Data(policy.utf8).write(to: directory.appendingPathComponent("policy.yaml"))
            if mode != "callout-xkey" {
                // With an xkey configured the service refuses plaintext requests; plain mode has none.
                let configURL = directory.appendingPathComponent("config.yaml")
                let config = try String(contentsOf: configURL, encoding: .utf8)
                try Data(config.split(separator: "\n", omittingEmptySubsequences: false)
                    .filter { !$0.contains("xkey_seed_file") }.joined(separator: "\n").utf8).write(to: configURL)
            }
            func publicKey(_ file: String) throws -> String {
                try KeyPair(seed: try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)).publicKey
            }
            let issuer = try publicKey("issuer.nk"), service = try publicKey("service.nk"), system = try publicKey("sys.nk")
            let xkey = try XKeyPair(seed: try String(contentsOf: directory.appendingPathComponent("xkey.nk"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)).publicKey
            let server = try await NATSServerProcess.start(config: """
                accounts {
                  AUTH { users: [ { nkey: \(service) } ] }
                  APP { users: [ { user: static, password: bench-password } ] }
                  SYS { users: [ { nkey: \(system) } ] }
                }
                system_account: SYS
                authorization {
                  timeout: 2
                  auth_callout {
                    issuer: \(issuer)
                    auth_users: [ \(service), \(system), static ]
                    account: AUTH
                    \(mode.hasSuffix("-xkey") ? "xkey: \(xkey)" : "")
                  }
                }
                """, label: "served-bench")
            defer { Task { try? await server.stop() } }
            if let placement { try await placement.pin(pid: server.pid, to: placement.others) }

            // nats-server on fewer CPUs connects fewer clients a second: a longer window keeps the
            // CPU per decision over at least 10,000 decisions there too.
            let windowSeconds = placement == nil ? seconds : seconds * 3 / 2
            let label = "served \(mode)\(priority.map { ", callout.thread_priority \($0)" } ?? "")\(placement.map { ", \($0.label)" } ?? ""), 32 nats-py clients, \(users) users"
            if mode == "static" {
                let load = try await LoadGenerator.run(url: server.url, userPrefix: "static", clients: 32, seconds: windowSeconds, distinctUsers: 1,
                                                       cpus: placement?.others)
                if placement != nil { pinnedStaticRate = load.rate } else { staticRate = load.rate }
                results += load.results(label)
                continue
            }
            if mode.hasPrefix("floor") {
                results += try await floor(label: label, serverURL: server.url, keys: directory, xkey: mode.hasSuffix("-xkey"),
                                           seconds: windowSeconds, users: users, placement: placement)
                continue
            }

            let decisionsPath = directory.appendingPathComponent("decisions.sqlite").path
            let port = freeLoopbackPort()
            // CALLOUT_BENCH_SERVE_PREFIX runs serve under a command that execs it (`taskset -c 1`,
            // `chrt -f 10`): the scheduling experiments of docs/benchmarks.md. The PID stays serve's.
            // A placed run starts serve on its CPU, as systemd's CPUAffinity= would: the default
            // callout.connections follows the usable CPUs.
            let prefix = (placement.map { ["taskset", "-c", $0.service] } ?? [])
                + (ProcessInfo.processInfo.environment["CALLOUT_BENCH_SERVE_PREFIX"] ?? "").split(separator: " ").map(String.init)
            let serveArguments = ["serve", "--data-dir", directory.path]
            let serve = try ManagedProcess(
                executable: prefix.first.map { URL(fileURLWithPath: try commandPath($0)) } ?? binary,
                arguments: prefix.isEmpty ? serveArguments : Array(prefix.dropFirst()) + [binary.path] + serveArguments,
                environment: [
                    "SCIM_CALLOUT_NATS_URLS": server.url, "SCIM_CALLOUT_HTTP_LISTEN": "127.0.0.1:\(port)",
                    "SCIM_CALLOUT_STORE_PATH": storePath, "SCIM_CALLOUT_DECISIONS_PATH": decisionsPath,
                    "SCIM_CALLOUT_LOG_FORMAT": "json", "SCIM_CALLOUT_CALLOUT_THREAD_PRIORITY": priority ?? "",
                ],
                logURL: directory.appendingPathComponent("serve.log"))
            try await pollUntil("scim-callout serve ready", timeout: .seconds(120), interval: .milliseconds(50)) {
                await isReady("http://127.0.0.1:\(port)/readyz")
            }
            // A priority the host refused would make these rows the default's under another name.
            if priority != nil, !serve.output.contains("callout threads scheduled") {
                throw BenchError("callout.thread_priority \(priority ?? "") was not applied:\n\(serve.output.suffix(2_000))")
            }
            // Warm-up: every benchmark user once through the credential cache (one argon2id each),
            // as a service that has been running a while would be.
            _ = try await LoadGenerator.run(url: server.url, userPrefix: "user", clients: 32, seconds: 3, distinctUsers: min(users, 1_000),
                                            cpus: placement?.others)
            if let placement {
                // A thread left unpinned would make these rows the shared host's under another name.
                try placement.verify(pid: serve.pid, cpus: placement.service)
                try placement.verify(pid: server.pid, cpus: placement.others)
            }

            let windowStart = Date()
            let cpuBefore = try processCPUSeconds(pid: serve.pid)
            let deciderCPUBefore = try decisionThreadCPUSeconds(pid: serve.pid)
            let load = try await LoadGenerator.run(url: server.url, userPrefix: "user", clients: 32, seconds: windowSeconds,
                                                   distinctUsers: min(users, 1_000), cpus: placement?.others)
            let cpu = try processCPUSeconds(pid: serve.pid) - cpuBefore
            let deciderCPU = try decisionThreadCPUSeconds(pid: serve.pid) - deciderCPUBefore
            let windowEnd = Date()
            // Then rounds of 32 connects at the same moment, with the host otherwise idle: the
            // latency a burst of clients sees, without the queueing of a saturated host.
            let burstStart = Date()
            let bursts = try await LoadGenerator.run(url: server.url, userPrefix: "user", clients: 32, seconds: max(3, seconds / 2),
                                                     distinctUsers: min(users, 1_000), mode: .bursts, cpus: placement?.others)
            let burstEnd = Date()
            // SIGTERM drains the decision log into its table before the process exits.
            let status = try await serve.stop(signal: SIGTERM, timeout: .seconds(30))
            guard status == 0 else { throw BenchError("scim-callout serve exited with \(status):\n\(serve.output.suffix(2_000))") }

            let store = try DecisionStore.open(path: decisionsPath)
            let window = try await store.decisions(DecisionQuery(since: windowStart, until: windowEnd, limit: 10_000_000))
            let latencies = window.map { Double($0.record.latencyMicroseconds) / 1_000 }.sorted()
            let allowed = window.count { $0.record.result == .allow }
            results += load.results(label)
            if let staticRate = placement == nil ? staticRate : pinnedStaticRate, staticRate > 0 {
                results.append(BenchResult(name: "\(label): connects/s ÷ static connects/s", value: load.rate / staticRate, unit: "ratio"))
            }
            results.append(BenchResult(name: "\(label): decisions in the window (allowed)", value: Double(allowed), unit: "count"))
            if !window.isEmpty {
                results.append(BenchResult(name: "\(label): service CPU per decision (\(window.count) decisions)",
                                           value: cpu / Double(window.count) * 1e6, unit: "µs"))
                results.append(BenchResult(name: "\(label): of which on the decision threads (NATS I/O, deciding, the log line)",
                                           value: deciderCPU / Double(window.count) * 1e6, unit: "µs"))
                results.append(BenchResult(name: "\(label): service-side decision latency p50", value: CalloutBench.percentile(latencies, 0.50), unit: "ms"))
                results.append(BenchResult(name: "\(label): service-side decision latency p90", value: CalloutBench.percentile(latencies, 0.90), unit: "ms"))
                results.append(BenchResult(name: "\(label): service-side decision latency p99", value: CalloutBench.percentile(latencies, 0.99), unit: "ms"))
                results.append(BenchResult(name: "\(label): service-side decision latency max", value: latencies.last ?? 0, unit: "ms"))
                results += latencyParts(window, label: label)
            }
            let burstWindow = try await store.decisions(DecisionQuery(since: burstStart, until: burstEnd, limit: 10_000_000))
            let burstLatencies = burstWindow.map { Double($0.record.latencyMicroseconds) / 1_000 }.sorted()
            let burstLabel = "\(label), bursts of 32 connects at once"
            results.append(BenchResult(name: "\(burstLabel): connect latency p50", value: bursts.p50, unit: "ms"))
            results.append(BenchResult(name: "\(burstLabel): connect latency p99", value: bursts.p99, unit: "ms"))
            results.append(BenchResult(name: "\(burstLabel): failed connects", value: Double(bursts.failures), unit: "count"))
            results.append(BenchResult(name: "\(burstLabel): decisions (allowed)",
                                       value: Double(burstWindow.count { $0.record.result == .allow }), unit: "count"))
            if !burstLatencies.isEmpty {
                results.append(BenchResult(name: "\(burstLabel): service-side decision latency p50",
                                           value: CalloutBench.percentile(burstLatencies, 0.50), unit: "ms"))
                results.append(BenchResult(name: "\(burstLabel): service-side decision latency p99",
                                           value: CalloutBench.percentile(burstLatencies, 0.99), unit: "ms"))
                results.append(BenchResult(name: "\(burstLabel): service-side decision latency max",
                                           value: burstLatencies.last ?? 0, unit: "ms"))
                results += latencyParts(burstWindow, label: burstLabel)
            }
        }
        return results
    }

    /// The ``FloorResponder`` as a process of its own under the same load as `serve`: its process
    /// CPU over each window ÷ the requests it answered in it, and its own latency figures.
    /// - Parameters:
    ///   - keys: the directory `scim-callout init` wrote the seeds into.
    ///   - placement: where the responder (started under `taskset -c`, as `serve` is) and the clients run; nil: anywhere.
    static func floor(label: String, serverURL: String, keys: URL, xkey: Bool, seconds: Int, users: Int,
                      placement: Placement?) async throws -> [BenchResult] {
        let seeds = ["service.nk", "issuer.nk"] + (xkey ? ["xkey.nk"] : [])
        let binary = CommandLine.arguments[0]
        let arguments = ["floor-responder", serverURL] + seeds.map { keys.appendingPathComponent($0).path }
        let responder = try ManagedProcess(
            executable: URL(fileURLWithPath: placement == nil ? binary : try commandPath("taskset")),
            arguments: placement.map { ["-c", $0.service, binary] + arguments } ?? arguments,
            logURL: keys.appendingPathComponent("floor.log"))
        defer { Task { try? await responder.stop(signal: SIGKILL) } }
        try await pollUntil("floor responder ready", timeout: .seconds(30), interval: .milliseconds(20)) {
            guard responder.isRunning else { throw BenchError("floor responder exited:\n\(responder.output.suffix(2_000))") }
            return responder.output.contains("floor responder ready")
        }
        if let placement { try placement.verify(pid: responder.pid, cpus: placement.service) }
        // The same warm-up as serve gets, so both windows start from warm caches.
        _ = try await LoadGenerator.run(url: serverURL, userPrefix: "user", clients: 32, seconds: 3, distinctUsers: min(users, 1_000),
                                        cpus: placement?.others)
        var results: [BenchResult] = []
        for mode in [LoadGenerator.Mode.sustained, .bursts] {
            kill(responder.pid, SIGUSR1)
            let cpuBefore = try processCPUSeconds(pid: responder.pid)
            let load = try await LoadGenerator.run(url: serverURL, userPrefix: "user", clients: 32,
                                                   seconds: mode == .bursts ? max(3, seconds / 2) : seconds,
                                                   distinctUsers: min(users, 1_000), mode: mode, cpus: placement?.others)
            let cpu = try processCPUSeconds(pid: responder.pid) - cpuBefore
            let reports = responder.output.components(separatedBy: "window ").count
            kill(responder.pid, SIGUSR2)
            try await pollUntil("floor responder's window report", timeout: .seconds(10), interval: .milliseconds(20)) {
                responder.output.components(separatedBy: "window ").count > reports
            }
            guard let window = FloorResponder.lastWindow(in: responder.output), window.decisions > 0 else {
                throw BenchError("floor responder answered nothing:\n\(responder.output.suffix(2_000))")
            }
            let windowLabel = mode == .bursts ? "\(label), bursts of 32 connects at once" : label
            if mode == .bursts {
                results.append(BenchResult(name: "\(windowLabel): connect latency p99", value: load.p99, unit: "ms"))
                results.append(BenchResult(name: "\(windowLabel): failed connects", value: Double(load.failures), unit: "count"))
            } else {
                results += load.results(windowLabel)
                results.append(BenchResult(name: "\(windowLabel): responder CPU per decision (\(window.decisions) decisions)",
                                           value: cpu / Double(window.decisions) * 1e6, unit: "µs"))
            }
            results.append(BenchResult(name: "\(windowLabel): responder-side decision latency p50", value: window.p50, unit: "ms"))
            results.append(BenchResult(name: "\(windowLabel): responder-side decision latency p99", value: window.p99, unit: "ms"))
        }
        return results
    }

    /// The p99 of the two parts of the service-side latency: waiting after the socket read
    /// (`queue_us`) and deciding after that.
    static func latencyParts(_ decisions: [StoredDecision], label: String) -> [BenchResult] {
        let measured = decisions.compactMap { decision in
            decision.record.queueMicroseconds.map { (queued: Double($0) / 1_000, deciding: Double(decision.record.latencyMicroseconds - $0) / 1_000) }
        }
        guard !measured.isEmpty else { return [] }
        return [
            BenchResult(name: "\(label): service-side queue wait p99 (socket read → decision start)", value: CalloutBench.percentile(measured.map(\.queued).sorted(), 0.99), unit: "ms"),
            BenchResult(name: "\(label): service-side deciding time p99 (decision start → reply)", value: CalloutBench.percentile(measured.map(\.deciding).sorted(), 0.99), unit: "ms"),
        ]
    }

    /// The executable `command` names (a path, or found on `PATH`).
    static func commandPath(_ command: String) throws -> String {
        if command.contains("/") { return command }
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        guard let found = directories.map({ "\($0)/\(command)" }).first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw BenchError("CALLOUT_BENCH_SERVE_PREFIX: \(command) is not on PATH")
        }
        return found
    }

    /// User + system CPU of another process, from `/proc/<pid>/stat` (clock ticks).
    static func processCPUSeconds(pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
        guard let close = stat.lastIndex(of: ")") else { throw BenchError("unreadable /proc/\(pid)/stat") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw BenchError("unreadable /proc/\(pid)/stat")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// CPU time of the callout's event-loop threads (`NIO-ELT-*`: the callout has the only
    /// such group in `serve`), from each thread's `schedstat` (nanoseconds run).
    static func decisionThreadCPUSeconds(pid: Int32) throws -> Double {
        let directory = "/proc/\(pid)/task"
        var nanoseconds: UInt64 = 0
        for thread in try FileManager.default.contentsOfDirectory(atPath: directory) {
            guard let name = try? String(contentsOfFile: "\(directory)/\(thread)/comm", encoding: .utf8),
                  name.hasPrefix("NIO-ELT-"),
                  let schedstat = try? String(contentsOfFile: "\(directory)/\(thread)/schedstat", encoding: .utf8),
                  let ran = schedstat.split(separator: " ").first.flatMap({ UInt64($0) }) else { continue }
            nanoseconds += ran
        }
        guard nanoseconds > 0 else { throw BenchError("no NIO-ELT-* decision threads in /proc/\(pid)/task") }
        return Double(nanoseconds) / 1e9
    }

    static func isReady(_ url: String) async -> Bool {
        guard let url = URL(string: url) else { return false }
        let response = try? await URLSession.shared.data(from: url).1
        return (response as? HTTPURLResponse)?.statusCode == 200
    }
}

extension LoadGenerator.Report {
    func results(_ label: String) -> [BenchResult] {
        [
            BenchResult(name: "\(label): connects/s", value: rate, unit: "ops/s"),
            BenchResult(name: "\(label): connect latency p50", value: p50, unit: "ms"),
            BenchResult(name: "\(label): connect latency p99", value: p99, unit: "ms"),
            BenchResult(name: "\(label): failed connects", value: Double(failures), unit: "count"),
        ]
    }
}
