import Foundation
import IdentityStore
import Logging
import Testing
import TestSupport

@Suite("scim-callout serve: health, readiness, metrics, clean shutdown")
struct ServeCommandTests {
    @Test func servesHealthAndParsableMetricsAndStopsWithZero() async throws {
        let directory = try TestEnvironment.temporaryDirectory("serve")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let nats = try await ServeFixture.natsServer(directory)
        defer { Task { try? await nats.stop() } }
        let port = freeLoopbackPort()
        let serve = try ManagedProcess(
            executable: CLI.binary, arguments: ["serve", "--data-dir", directory.path],
            environment: ["SCIM_CALLOUT_HTTP_LISTEN": "127.0.0.1:\(port)", "SCIM_CALLOUT_LOG_FORMAT": "json",
                          "SCIM_CALLOUT_NATS_URLS": nats.url, "SCIM_CALLOUT_CALLOUT_CONNECTIONS": "3"],
            logURL: directory.appendingPathComponent("serve.log"))
        let base = "http://127.0.0.1:\(port)"
        let health = try await poll("serve /healthz", timeout: .seconds(30)) {
            try? await HTTPProbe.get("\(base)/healthz")
        }
        #expect(health.status == 200, "\(serve.output)")
        let ready = try await poll("serve /readyz", timeout: .seconds(30)) {
            let reply = try? await HTTPProbe.get("\(base)/readyz")
            return reply?.status == 200 ? reply : nil
        }
        #expect(ready.body == "ready\n")

        let metrics = try await HTTPProbe.get("\(base)/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.contentType?.hasPrefix("text/plain; version=0.0.4") == true)
        let parsed = try PrometheusText(metrics.body)
        #expect(parsed.values("scim_callout_info", ["version": "0.1.0"]) == [1])
        #expect(parsed.types["scim_callout_uptime_seconds"] == "gauge")
        // callout.connections = 3: the main connection and two more, each watched.
        for connection in ["service", "service-1", "service-2"] {
            #expect(parsed.values("nats_connection_state", ["connection": connection, "state": "connected"]) == [1], "\(connection)")
        }
        #expect(serve.output.contains(#""callout.connections":"3""#), "the subscribe line says how many connections answer")

        let stopped = try await serve.stop(signal: SIGTERM)
        #expect(stopped == 0, "\(serve.output)")
        // json log format: every line the service wrote is a JSON object.
        for line in serve.output.split(separator: "\n") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "\(line)")
        }
    }
}

@Suite("scim-callout serve: callout.thread_priority the host refuses")
struct ServeThreadPriorityTests {
    /// Without CAP_SYS_NICE and with no real-time allowance, SCHED_FIFO is refused: serve says
    /// so, names what the host must allow, and serves anyway.
    @Test func aRefusedPriorityIsAWarningAndServeRunsAtTheDefault() async throws {
        let directory = try TestEnvironment.temporaryDirectory("serve")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let nats = try await ServeFixture.natsServer(directory)
        defer { Task { try? await nats.stop() } }
        // Root: drop CAP_SYS_NICE from the bounding set (root's capabilities after exec).
        // Others: take away any RLIMIT_RTPRIO allowance. Both tools exec serve, so the PID is serve's.
        let (tool, options) = geteuid() == 0
            ? ("/usr/bin/setpriv", ["--bounding-set=-sys_nice"]) : ("/usr/bin/prlimit", ["--rtprio=0:0", "--"])
        try #require(FileManager.default.isExecutableFile(atPath: tool), "\(tool) (util-linux) is needed")
        let (serve, _) = try await ServeFixture.startServe(
            directory, nats: nats, environment: ["SCIM_CALLOUT_CALLOUT_THREAD_PRIORITY": "fifo:10"], wrapper: (tool, options))
        #expect(serve.output.contains("callout.thread_priority not applied"), "\(serve.output)")
        #expect(serve.output.contains("CAP_SYS_NICE"), "\(serve.output)")
        #expect(!serve.output.contains("callout threads scheduled"), "\(serve.output)")
        let threads = try ProcThreads.list(pid: serve.pid)
        #expect(!threads.isEmpty)
        #expect(threads.allSatisfy { $0.policy == 0 }, "every thread stays SCHED_OTHER: \(threads)")
        #expect(try await serve.stop(signal: SIGTERM) == 0, "\(serve.output)")
    }
}

@Suite("scim-callout serve: callout connections follow the usable CPUs")
struct ServeCPUAffinityTests {
    /// Under `taskset -c 0` (as under systemd's `CPUAffinity=`) the default is one callout
    /// connection and one decision thread, not one per host core: two loops on one CPU would
    /// only take turns.
    @Test func oneAllowedCPUMeansOneCalloutConnection() async throws {
        let directory = try TestEnvironment.temporaryDirectory("serve")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let nats = try await ServeFixture.natsServer(directory)
        defer { Task { try? await nats.stop() } }
        let tool = "/usr/bin/taskset"
        try #require(FileManager.default.isExecutableFile(atPath: tool), "\(tool) (util-linux) is needed")
        let (serve, _) = try await ServeFixture.startServe(
            directory, nats: nats, environment: ["SCIM_CALLOUT_LOG_FORMAT": "json"], wrapper: (tool, ["-c", "0"]))
        try await pollUntil("the subscribe line", timeout: .seconds(10)) { serve.output.contains("auth callout subscribed") }
        #expect(serve.output.contains(#""callout.connections":"1""#), "\(serve.output)")
        let threads = try ProcThreads.list(pid: serve.pid)
        #expect(threads.count { $0.name.hasPrefix("NIO-ELT-") } == 1, "one decision thread: \(threads)")
        #expect(try await serve.stop(signal: SIGTERM) == 0, "\(serve.output)")
    }
}

@Suite("scim-callout serve: start-up failures")
struct ServeStartupTests {
    @Test func anUnreachableNATSServerExits69() async throws {
        let directory = try TestEnvironment.temporaryDirectory("serve")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let result = try await CLI.run(["serve", "--data-dir", directory.path], environment: [
            "SCIM_CALLOUT_NATS_URLS": "nats://127.0.0.1:\(freeLoopbackPort())",
            "SCIM_CALLOUT_HTTP_LISTEN": "127.0.0.1:\(freeLoopbackPort())",
        ])
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.stderr.contains("cannot connect to nats-server"))
    }

    @Test func aSystemUserTheServerRefusesExits69() async throws {
        let directory = try TestEnvironment.temporaryDirectory("serve")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let nats = try await ServeFixture.natsServer(directory)
        defer { Task { try? await nats.stop() } }
        let stranger = directory.appendingPathComponent("stranger.nk")
        #expect(try await CLI.run(["keys", "generate", "--type", "user", "--out", stranger.path]).status == 0)
        let result = try await CLI.run(["serve", "--data-dir", directory.path], environment: [
            "SCIM_CALLOUT_NATS_URLS": nats.url, "SCIM_CALLOUT_HTTP_LISTEN": "127.0.0.1:\(freeLoopbackPort())",
            "SCIM_CALLOUT_NATS_SYSTEM_NKEY_SEED_FILE": stranger.path,
        ])
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.stderr.contains("Authorization Violation"))
        let seed = try String(contentsOf: stranger, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!result.stderr.contains(seed))
    }

    @Test func anInvalidConfigurationExits78BeforeStarting() async throws {
        let directory = try TestEnvironment.temporaryDirectory("serve")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let result = try await CLI.run(["serve", "--data-dir", directory.path],
                                       environment: ["SCIM_CALLOUT_HTTP_LISTEN": "nowhere"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("http.listen (SCIM_CALLOUT_HTTP_LISTEN)"))
    }
}

/// Files `serve` needs in its data directory.
enum ServeFixture {
    static func prepare(_ directory: URL) async throws {
        let result = try await CLI.run(["init", "--data-dir", directory.path, "--keep-existing"])
        guard result.status == 0 else { throw TestSupportError.processFailed(command: "init", status: result.status, output: result.stderr) }
    }

    /// The store file `init` configured, opened (without log output) to write users straight
    /// into it, as the CLI does.
    static func openStore(_ directory: URL) throws -> IdentityDatabase {
        try IdentityDatabase.open(path: directory.appendingPathComponent("scim-callout.sqlite").path,
                                  logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    }

    /// A SCIM bearer token issued with the CLI, as an operator hands one to the IdP.
    static func scimToken(_ directory: URL, name: String) async throws -> String {
        let issued = try await CLI.run(["tokens", "issue", "--data-dir", directory.path, "--scim", "--name", name])
        guard issued.status == 0 else {
            throw TestSupportError.processFailed(command: "tokens issue", status: issued.status, output: issued.stderr)
        }
        return issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A real nats-server running the configuration `init` wrote (the harness picks the port).
    static func natsServer(_ directory: URL) async throws -> NATSServerProcess {
        let conf = try String(contentsOf: directory.appendingPathComponent("nats-server.conf"), encoding: .utf8)
        let body = conf.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("listen:") }.joined(separator: "\n")
        return try await NATSServerProcess.start(config: body)
    }

    /// Starts `serve` on `directory` against `nats` (HTTP on a free loopback port) and returns once
    /// `/readyz` answers 200.
    /// - Parameter wrapper: a command that execs serve with its options (`setpriv …`), or nil.
    static func startServe(_ directory: URL, nats: NATSServerProcess, environment: [String: String] = [:],
                           wrapper: (tool: String, options: [String])? = nil) async throws -> (serve: ManagedProcess, port: Int) {
        let port = freeLoopbackPort()
        let command = ["serve", "--data-dir", directory.path]
        let serve = try ManagedProcess(
            executable: wrapper.map { URL(fileURLWithPath: $0.tool) } ?? CLI.binary,
            arguments: wrapper.map { $0.options + [CLI.binary.path] + command } ?? command,
            environment: ["SCIM_CALLOUT_HTTP_LISTEN": "127.0.0.1:\(port)", "SCIM_CALLOUT_NATS_URLS": nats.url]
                .merging(environment) { _, given in given },
            logURL: directory.appendingPathComponent("serve.log"))
        try await pollUntil("serve ready", timeout: .seconds(30)) {
            (try? await HTTPProbe.get("http://127.0.0.1:\(port)/readyz"))?.status == 200
        }
        return (serve, port)
    }
}
