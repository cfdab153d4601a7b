import Foundation

/// Where the tools that tests run against live, and how strict to be when one is missing.
///
/// `make test` installs every tool (`nats-server`, `nats-py`, `scim2`) into `.venv`, so a missing
/// tool is always a failure with a message that says how to fix it; tests never skip silently.
public enum TestEnvironment {
    /// The package root, found from this file's location (`Tests/TestSupport/…`).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    /// True under CI (`CI=true`), where nothing may be skipped.
    public static var isCI: Bool {
        ProcessInfo.processInfo.environment["CI"].map { $0 == "true" || $0 == "1" } ?? false
    }

    /// The virtual environment holding nats-server, nats-py and the SCIM tester.
    /// `SCIM_CALLOUT_VENV` overrides the default `<package root>/.venv`.
    public static var venv: URL {
        if let path = ProcessInfo.processInfo.environment["SCIM_CALLOUT_VENV"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return packageRoot.appendingPathComponent(".venv")
    }

    /// The path of an executable in the virtual environment's `bin`.
    /// - Throws: `TestSupportError.missingTool` when it is not installed.
    public static func tool(_ name: String) throws -> URL {
        let url = venv.appendingPathComponent("bin").appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw TestSupportError.missingTool(name: name, path: url.path)
        }
        return url
    }

    /// The Python interpreter of the virtual environment (has `nats-py`, `nkeys`, `pynacl`).
    public static func python() throws -> URL { try tool("python") }

    /// A fresh temporary directory for one test.
    public static func temporaryDirectory(_ label: String = "test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("scim-callout-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Errors raised by the test support code; each says what to do about it.
public enum TestSupportError: Error, CustomStringConvertible {
    case missingTool(name: String, path: String)
    case timedOut(what: String, seconds: Double)
    case processFailed(command: String, status: Int32, output: String)

    public var description: String {
        switch self {
        case let .missingTool(name, path):
            return "\(name) is not installed at \(path): run `make setup` (CI=\(TestEnvironment.isCI))"
        case let .timedOut(what, seconds):
            return "timed out after \(seconds)s waiting for \(what)"
        case let .processFailed(command, status, output):
            return "\(command) exited with \(status):\n\(output)"
        }
    }
}
