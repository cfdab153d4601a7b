import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
import IdentityStore
import Logging
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The real `scim-callout serve` (the debug build) on a data folder made by `scim-callout init`,
/// against a real nats-server running init's `nats-server.conf`: what an operator runs, so a test
/// can kill -9 it, restart it and look at its files.
final class ServedInstallation: @unchecked Sendable {
    let directory: URL
    let nats: NATSServerProcess
    /// The running `serve`, nil between a kill and the next start.
    private(set) var serve: ManagedProcess?
    /// The HTTP port of the running `serve` (a fresh one per start).
    private(set) var httpPort = 0
    private var starts = 0

    static var binary: URL { TestEnvironment.packageRoot.appendingPathComponent(".build/debug/scim-callout") }
    static let logger = Logger(label: "crash-safety", factory: { _ in SwiftLogNoOpLogHandler() })

    var storePath: String { directory.appendingPathComponent("scim-callout.sqlite").path }
    var decisionsPath: String { directory.appendingPathComponent("decisions.sqlite").path }
    var baseURL: String { "http://127.0.0.1:\(httpPort)" }

    /// `SCIM_CALLOUT_*` settings added to every `serve` start (e.g. `replication.*`).
    var environment: [String: String] = [:]
    /// Whether ``tearDown()`` stops the nats-server (a ``replica(label:)`` shares its origin's).
    private let ownsServer: Bool

    /// `init` in a fresh folder and a nats-server on its configuration (`serve` not started yet).
    /// - Parameter jetStream: JetStream on, for the service's account (AUTH) too.
    static func create(label: String, jetStream: Bool = false) async throws -> ServedInstallation {
        let directory = try TestEnvironment.temporaryDirectory(label)
        try await cli(["init", "--data-dir", directory.path, "--keep-existing"])
        let conf = try String(contentsOf: directory.appendingPathComponent("nats-server.conf"), encoding: .utf8)
        var body = conf.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("listen:") }.joined(separator: "\n")
        if jetStream { body = body.replacingOccurrences(of: "AUTH { users:", with: "AUTH { jetstream: enabled, users:") }
        let nats = try await NATSServerProcess.start(config: body, monitoring: true, jetStream: jetStream, label: "\(label)-nats")
        return ServedInstallation(directory: directory, nats: nats, ownsServer: true)
    }

    /// A second installation on the same nats-server: a copy of this folder (keys, policy,
    /// store) taken now, so its `serve` is another replica of the same service.
    func replica(label: String) throws -> ServedInstallation {
        precondition(serve == nil, "copy the folder while serve is stopped")
        let copy = try TestEnvironment.temporaryDirectory(label)
        try FileManager.default.removeItem(at: copy)
        try FileManager.default.copyItem(at: directory, to: copy)
        return ServedInstallation(directory: copy, nats: nats, ownsServer: false)
    }

    private init(directory: URL, nats: NATSServerProcess, ownsServer: Bool) {
        self.directory = directory
        self.nats = nats
        self.ownsServer = ownsServer
    }

    /// Runs `scim-callout arguments…` to completion and returns its stdout.
    @discardableResult
    static func cli(_ arguments: [String]) async throws -> String {
        let result = try await runCommand(binary, arguments, environment: environment([:]), timeout: .seconds(60))
        guard result.status == 0 else {
            throw TestSupportError.processFailed(command: "scim-callout \(arguments.first ?? "")", status: result.status,
                                                 output: result.stderr)
        }
        return result.stdout
    }

    /// `environment` with every inherited `SCIM_CALLOUT_*` variable blanked (the loader treats
    /// blank as unset), so the host's variables cannot change what the child does.
    static func environment(_ environment: [String: String]) -> [String: String] {
        var env = environment
        for key in ProcessInfo.processInfo.environment.keys where key.hasPrefix("SCIM_CALLOUT_") && env[key] == nil {
            env[key] = ""
        }
        return env
    }

    /// A SCIM bearer token issued with the CLI.
    func scimToken() async throws -> String {
        try await Self.cli(["tokens", "issue", "--data-dir", directory.path, "--scim", "--name", "crash-safety"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Opens the identity store as the CLI does (to set up users before `serve` starts).
    func openStore() throws -> IdentityDatabase {
        try IdentityDatabase.open(path: storePath, logger: Self.logger)
    }

    /// Starts `serve` on a fresh HTTP port and returns once `/readyz` answers 200.
    func start() async throws {
        precondition(serve == nil, "serve is already running")
        starts += 1
        let port = freeLoopbackPort()
        let process = try ManagedProcess(
            executable: Self.binary, arguments: ["serve", "--data-dir", directory.path],
            environment: Self.environment(["SCIM_CALLOUT_HTTP_LISTEN": "127.0.0.1:\(port)",
                                           "SCIM_CALLOUT_NATS_URLS": nats.url].merging(environment) { $1 }),
            logURL: directory.appendingPathComponent("serve-\(starts).log"))
        serve = process
        httpPort = port
        try await pollUntil("serve ready on \(port)", timeout: .seconds(30)) {
            guard process.isRunning else {
                throw TestSupportError.processFailed(command: "scim-callout serve", status: -1, output: process.output)
            }
            return await self.readyz() == 200
        }
    }

    /// `kill -9` and wait until the process is gone.
    func kill9() async throws {
        guard let serve else { return }
        _ = try await serve.stop(signal: SIGKILL)
        self.serve = nil
    }

    /// SIGTERM (a clean stop) and the exit status.
    @discardableResult
    func stop() async throws -> Int32? {
        guard let serve else { return nil }
        defer { self.serve = nil }
        return try await serve.stop(signal: SIGTERM)
    }

    /// What the current (or last) `serve` wrote.
    var log: String { serve?.output ?? "(serve not running)" }

    /// The resident set of `serve` in KiB (`VmRSS` of /proc/PID/status).
    func residentKiB() throws -> Int {
        guard let serve else { throw TestSupportError.processFailed(command: "VmRSS", status: -1, output: "serve not running") }
        let status = try String(contentsOfFile: "/proc/\(serve.pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap({ Int($0) })
        else { throw TestSupportError.processFailed(command: "VmRSS", status: -1, output: status) }
        return kib
    }

    /// The status `/readyz` answers (0 when nothing answers).
    func readyz() async -> Int {
        guard let url = URL(string: "\(baseURL)/readyz"),
              let (_, response) = try? await URLSession.shared.data(from: url)
        else { return 0 }
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    /// The samples of metric `name` from `/metrics`: each sample's label text and value.
    func metric(_ name: String) async throws -> [(labels: String, value: Double)] {
        guard let url = URL(string: "\(baseURL)/metrics") else { throw URLError(.badURL) }
        let (data, _) = try await URLSession.shared.data(from: url)
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            guard line.hasPrefix(name + "{") || line.hasPrefix(name + " "),
                  let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...])
            else { return nil }
            return (String(line[..<space].dropFirst(name.count)), value)
        }
    }

    /// The connection ids (`cid`) of the clients nats-server has connected in `account` now
    /// (its monitoring endpoint `/connz`).
    func connectionIDs(account: String) async throws -> Set<Int64> {
        Set(try await connz("acc=\(account)").map(\.cid))
    }

    /// Why nats-server closed each connection it remembers closing, by connection id.
    func closedConnectionReasons() async throws -> [Int64: String] {
        Dictionary(try await connz("state=closed").map { ($0.cid, $0.reason ?? "") }, uniquingKeysWith: { first, _ in first })
    }

    private struct Connection: Decodable { var cid: Int64; var reason: String? }

    private func connz(_ query: String) async throws -> [Connection] {
        struct Connz: Decodable { var connections: [Connection]? }
        guard let port = nats.monitoringPort, let url = URL(string: "http://127.0.0.1:\(port)/connz?\(query)&limit=5000")
        else { throw URLError(.badURL) }
        let (data, _) = try await URLSession.shared.data(from: url)
        return try JSONDecoder().decode(Connz.self, from: data).connections ?? []
    }

    /// `PRAGMA integrity_check` (and `foreign_key_check`) on a store file, opened read-only.
    /// Run it while no `serve` has the file open: it checks what a crash left on disk.
    static func integrityProblems(ofFileAt path: String) throws -> [String] {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            let foreignKeys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").map { "foreign key: \($0)" }
            return (integrity == ["ok"] ? [] : integrity) + foreignKeys
        }
    }

    /// Rows of `sql` in the decisions file, read through a read-only connection of its own.
    func decisionRows(_ sql: String = "SELECT * FROM decisions ORDER BY seq") throws -> [DecisionRow] {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        let queue = try DatabaseQueue(path: decisionsPath, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in try Row.fetchAll(db, sql: sql).map(DecisionRow.init) }
    }

    /// Stops `serve` and nats-server and removes the folder.
    func tearDown() async {
        _ = try? await stop()
        if ownsServer { try? await nats.stop() }
        // CRASH_SAFETY_KEEP=1 keeps the folder (store files, serve logs) to look at after a failure.
        if ProcessInfo.processInfo.environment["CRASH_SAFETY_KEEP"] == nil { try? FileManager.default.removeItem(at: directory) }
    }
}
