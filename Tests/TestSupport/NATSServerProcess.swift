import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real `nats-server` (from `.venv`, 2.15.x) started on an ephemeral loopback port.
///
/// The port is chosen by the server (`-1`) and read back from its ports file, so tests never
/// race for ports. `restart()` brings the server back on the same port, for reconnect tests.
public final class NATSServerProcess: @unchecked Sendable {
    /// The client port the server listens on.
    public private(set) var port: Int
    /// The monitoring port, when `monitoring` was asked for.
    public private(set) var monitoringPort: Int?
    public let directory: URL
    public let configURL: URL
    private var process: ManagedProcess
    private let body: String
    private let monitoring: Bool

    /// `nats://127.0.0.1:<port>`
    public var url: String { "nats://127.0.0.1:\(port)" }
    public var pid: Int32 { process.pid }
    /// The server's log so far (useful in failure messages; never contains client secrets).
    public var log: String { process.output }

    /// Starts a server with `config` (nats-server configuration without `listen`/`port`).
    /// - Parameters:
    ///   - config: the configuration body, e.g. accounts and `authorization { auth_callout {…} }`.
    ///   - port: a fixed port; nil lets the server pick one.
    ///   - monitoring: also open the HTTP monitoring port (ephemeral).
    ///   - jetStream: enable JetStream with its store in `<directory>/jetstream` (kept across `restart()`).
    public static func start(
        config: String = "",
        port: Int? = nil,
        monitoring: Bool = false,
        jetStream: Bool = false,
        label: String = "nats"
    ) async throws -> NATSServerProcess {
        let directory = try TestEnvironment.temporaryDirectory(label)
        var body = config
        if jetStream {
            let store = directory.appendingPathComponent("jetstream").path
            body = "jetstream { store_dir: \"\(store)\" }\n" + body
        }
        let server = try NATSServerProcess(directory: directory, body: body, monitoring: monitoring, port: port)
        try await server.waitUntilReady()
        return server
    }

    private init(directory: URL, body: String, monitoring: Bool, port: Int?) throws {
        self.directory = directory
        self.body = body
        self.monitoring = monitoring
        self.configURL = directory.appendingPathComponent("server.conf")
        self.port = port ?? -1
        self.process = try Self.launch(directory: directory, configURL: configURL, body: body,
                                       port: port ?? -1, monitoring: monitoring)
    }

    private static func launch(directory: URL, configURL: URL, body: String, port: Int,
                               monitoring: Bool) throws -> ManagedProcess {
        var config = "listen: 127.0.0.1:\(port)\n"
        if monitoring { config += "http: 127.0.0.1:-1\n" }
        config += "ports_file_dir: \"\(directory.path)\"\n"
        config += body
        try Data(config.utf8).write(to: configURL)
        let binary = try TestEnvironment.tool("nats-server")
        let log = directory.appendingPathComponent("nats-server-\(UUID().uuidString.prefix(6)).log")
        return try ManagedProcess(executable: binary, arguments: ["-c", configURL.path], logURL: log)
    }

    private func waitUntilReady() async throws {
        let portsFile = directory.appendingPathComponent("nats-server_\(process.pid).ports")
        let process = self.process
        struct Ports: Decodable { var nats: [String]?; var monitoring: [String]? }
        let ports: Ports
        do {
            ports = try await poll("nats-server ports file", timeout: .seconds(15)) {
                guard process.isRunning else {
                    throw TestSupportError.processFailed(command: "nats-server", status: -1, output: process.output)
                }
                guard let data = FileManager.default.contents(atPath: portsFile.path), !data.isEmpty,
                      let ports = try? JSONDecoder().decode(Ports.self, from: data),
                      ports.nats?.isEmpty == false
                else { return nil }
                return ports
            }
        } catch {
            throw TestSupportError.processFailed(command: "nats-server", status: -1, output: process.output)
        }
        func portOf(_ url: String?) -> Int? { url.flatMap { $0.split(separator: ":").last.flatMap { Int($0) } } }
        if let p = portOf(ports.nats?.first) { self.port = p }
        self.monitoringPort = portOf(ports.monitoring?.first)
        let port = self.port
        try await pollUntil("nats-server to accept on \(port)", timeout: .seconds(10)) { canConnect(port: port) }
    }

    /// Stops the server (SIGTERM, then SIGKILL if it lingers).
    public func stop() async throws {
        try await process.stop()
    }

    /// Stops the server and starts it again on the same port with the same configuration.
    public func restart() async throws {
        try await process.stop()
        process = try Self.launch(directory: directory, configURL: configURL, body: body, port: port,
                                  monitoring: monitoring)
        try await waitUntilReady()
    }

    /// Starts the server again after `stop()`, on the same port.
    public func start() async throws {
        guard !process.isRunning else { return }
        process = try Self.launch(directory: directory, configURL: configURL, body: body, port: port,
                                  monitoring: monitoring)
        try await waitUntilReady()
    }

    deinit {
        if process.isRunning { kill(process.pid, SIGKILL) }
    }
}

/// True when a TCP connection to 127.0.0.1:`port` succeeds.
public func canConnect(port: Int, host: String = "127.0.0.1") -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    inet_pton(AF_INET, host, &addr.sin_addr)
    let result = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    return result == 0
}

/// A free loopback TCP port (bound then released: for servers that cannot pick their own).
public func freeLoopbackPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
    _ = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    var bound = sockaddr_in()
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &bound) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
    }
    return Int(UInt16(bigEndian: bound.sin_port))
}
