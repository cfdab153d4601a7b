import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started by a test and stopped by PID when the test is done.
///
/// Output goes to a log file so a failing test can show what the process said.
public final class ManagedProcess: @unchecked Sendable {
    public let executable: URL
    public let arguments: [String]
    public let logURL: URL
    private let process: Process

    /// Starts `executable` with `arguments`; stdout and stderr go to `logURL`.
    public init(
        executable: URL,
        arguments: [String],
        environment: [String: String]? = nil,
        currentDirectory: URL? = nil,
        logURL: URL
    ) throws {
        self.executable = executable
        self.arguments = arguments
        self.logURL = logURL
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logURL)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    /// What the process has written so far.
    public var output: String {
        (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
    }

    /// Sends `signal` to the process (SIGTERM by default) and waits for it to exit.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(10)) async throws -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let process = self.process
        do {
            try await pollUntil("pid \(pid) (\(executable.lastPathComponent)) to exit", timeout: timeout) { !process.isRunning }
        } catch {
            kill(process.processIdentifier, SIGKILL)
            // Gone only once it has exited and been reaped: on the loaded fresh-clone CI host
            // that once took longer than 5 s.
            try await pollUntil("pid \(pid) (\(executable.lastPathComponent)) to exit after SIGKILL",
                                timeout: .seconds(30)) { !process.isRunning }
        }
        return process.terminationStatus
    }

    /// Waits for the process to exit on its own and returns its status.
    public func waitForExit(timeout: Duration = .seconds(60)) async throws -> Int32 {
        let process = self.process
        try await pollUntil("\(executable.lastPathComponent) to exit", timeout: timeout) { !process.isRunning }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// The result of running a command to completion.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs a command to completion with a deadline, capturing stdout and stderr separately.
public func runCommand(
    _ executable: URL,
    _ arguments: [String],
    environment: [String: String] = [:],
    stdin: String? = nil,
    timeout: Duration = .seconds(60)
) async throws -> CommandResult {
    let dir = try TestEnvironment.temporaryDirectory("cmd")
    defer { try? FileManager.default.removeItem(at: dir) }
    let outURL = dir.appendingPathComponent("stdout")
    let errURL = dir.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    if let stdin {
        let inURL = dir.appendingPathComponent("stdin")
        try Data(stdin.utf8).write(to: inURL)
        process.standardInput = try FileHandle(forReadingFrom: inURL)
    } else {
        process.standardInput = FileHandle.nullDevice
    }
    try process.run()
    let finished: Void? = try? await poll("\(executable.lastPathComponent) to finish", timeout: timeout) {
        process.isRunning ? nil : ()
    }
    if finished == nil {
        kill(process.processIdentifier, SIGKILL)
        throw TestSupportError.timedOut(what: "\(executable.lastPathComponent) \(arguments.joined(separator: " "))",
                                        seconds: Double(timeout.components.seconds))
    }
    return CommandResult(
        status: process.terminationStatus,
        stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
        stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
    )
}

/// Runs a Python script with the virtual environment's interpreter (nats-py, nkeys, pynacl).
public func runPython(
    _ script: String,
    arguments: [String] = [],
    environment: [String: String] = [:],
    timeout: Duration = .seconds(60)
) async throws -> CommandResult {
    let dir = try TestEnvironment.temporaryDirectory("py")
    defer { try? FileManager.default.removeItem(at: dir) }
    let scriptURL = dir.appendingPathComponent("script.py")
    try Data(script.utf8).write(to: scriptURL)
    return try await runCommand(try TestEnvironment.python(), [scriptURL.path] + arguments,
                                environment: environment, timeout: timeout)
}
