import Foundation
import Testing
import TestSupport

/// The README's `make run`, non-interactively: `scripts/run-demo.sh` with `DEMO_EXIT_AFTER=1`
/// against a real nats-server and the built `scim-callout`, on free loopback ports and a fresh
/// data folder. It must show the allowed and the denied connect, then stop both processes.
@Suite("Quick start (make run) end to end")
struct QuickStartTests {
    @Test func runDemoShowsAnAllowedAndADeniedConnect() async throws {
        let data = try TestEnvironment.temporaryDirectory("quickstart")
        defer { try? FileManager.default.removeItem(at: data) }
        let root = TestEnvironment.packageRoot
        let environment = [
            "DEMO_EXIT_AFTER": "1",
            "DEMO_DATA_DIR": data.path,
            "DEMO_NATS_PORT": "\(freeLoopbackPort())",
            "DEMO_HTTP_PORT": "\(freeLoopbackPort())",
            "SCIM_CALLOUT_BIN": root.appendingPathComponent(".build/debug/scim-callout").path,
            "SCIM_CALLOUT_VENV": TestEnvironment.venv.path,
        ]
        let first = try await runCommand(URL(fileURLWithPath: "/bin/bash"),
                                         [root.appendingPathComponent("scripts/run-demo.sh").path],
                                         environment: environment, timeout: .seconds(120))
        let output = first.stdout + first.stderr
        #expect(first.status == 0, "\(output)\n--- serve log:\n\(Self.log(data, "scim-callout.log"))")
        #expect(output.contains("ALLOWED: alice connected"), "\(output)")
        #expect(output.contains("DENIED: mallory"), "\(output)")
        #expect(output.contains("stopping scim-callout"))
        #expect(output.contains("stopping nats-server"))
        // The decision log shows both, with the reason for the denial.
        let decisions = output.components(separatedBy: "scim-callout decisions)").last ?? ""
        #expect(decisions.contains("allow   allowed"), "decisions output: \(decisions)")
        #expect(decisions.contains("unknown_user  mallory"), "decisions output: \(decisions)")
        // Secrets stay out of the output.
        let password = try String(contentsOf: data.appendingPathComponent("demo-password"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let token = try String(contentsOf: data.appendingPathComponent("demo-scim-token"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!output.contains(password))
        #expect(!output.contains(token))
        #expect(!Self.log(data, "scim-callout.log").contains(password))
        // serve stopped cleanly (exit 0 is logged by the service as "stopped").
        #expect(Self.log(data, "scim-callout.log").contains("scim-callout stopped"))

        // A second run keeps the keys and the store, and works again.
        let issuer = try String(contentsOf: data.appendingPathComponent("issuer.nk"), encoding: .utf8)
        let second = try await runCommand(URL(fileURLWithPath: "/bin/bash"),
                                          [root.appendingPathComponent("scripts/run-demo.sh").path],
                                          environment: environment, timeout: .seconds(120))
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        #expect(second.stdout.contains("issuer.nk: kept"))
        #expect(second.stdout.contains("ALLOWED: alice connected"))
        #expect(try String(contentsOf: data.appendingPathComponent("issuer.nk"), encoding: .utf8) == issuer)
    }

    static func log(_ directory: URL, _ name: String) -> String {
        (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? "(no \(name))"
    }
}
