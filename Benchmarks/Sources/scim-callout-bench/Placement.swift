import Foundation
import TestSupport

/// Where the served runs' processes may run: the service on one CPU, nats-server and the clients
/// on the others, so the service never waits for them (a host or cpuset of its own, as
/// docs/operations.md advises when the p99 matters).
struct Placement: Equatable {
    /// The CPU the service runs on (`taskset -c` syntax).
    var service: String
    /// The CPUs nats-server and the clients run on.
    var others: String

    var label: String { "service alone on CPU \(service), nats-server and clients on CPU \(others)" }

    /// The last CPU this process may use for the service, the rest for the others; nil with
    /// fewer than two.
    static func ownCPU() -> Placement? {
        let cpus = allowedCPUs(of: "self")
        guard cpus.count >= 2, let last = cpus.last else { return nil }
        return Placement(service: String(last), others: cpus.dropLast().map(String.init).joined(separator: ","))
    }

    /// Moves every thread of `pid` to `cpus` (threads it makes later inherit them).
    func pin(pid: Int32, to cpus: String) async throws {
        let result = try await runCommand(URL(fileURLWithPath: try ServedCalloutBench.commandPath("taskset")),
                                          ["-a", "-p", "-c", cpus, String(pid)])
        guard result.status == 0 else { throw BenchError("taskset -a -p -c \(cpus) \(pid) failed: \(result.stderr)") }
    }

    /// Throws unless every thread of `pid` may run on exactly `cpus`.
    func verify(pid: Int32, cpus: String) throws {
        let expected = cpus.split(separator: ",").compactMap { Int($0) }
        let directory = "/proc/\(pid)/task"
        for thread in try FileManager.default.contentsOfDirectory(atPath: directory) {
            let allowed = Self.allowedCPUs(of: "\(pid)/task/\(thread)")
            guard allowed == expected else {
                throw BenchError("thread \(thread) of \(pid) may run on CPUs \(allowed), not \(expected)")
            }
        }
    }

    /// `Cpus_allowed_list` of `/proc/<path>/status`, expanded (`0-2,5` → 0, 1, 2, 5).
    static func allowedCPUs(of path: String) -> [Int] {
        guard let status = try? String(contentsOfFile: "/proc/\(path)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }) else { return [] }
        let list = line.dropFirst("Cpus_allowed_list:".count).trimmingCharacters(in: .whitespaces)
        return list.split(separator: ",").flatMap { part -> [Int] in
            let bounds = part.split(separator: "-").compactMap { Int($0) }
            guard let low = bounds.first else { return [] }
            return Array(low ... (bounds.last ?? low))
        }
    }
}
