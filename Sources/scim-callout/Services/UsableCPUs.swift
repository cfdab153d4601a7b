import Foundation
import NIOCore

/// The CPUs this process may run on: NIO's core count (the host's, or its cgroup quota or
/// cpuset, as Docker's `--cpus`/`--cpuset-cpus` set) narrowed by the process's CPU affinity,
/// which NIO does not read (`taskset`, systemd's `CPUAffinity=`, `numactl`).
///
/// The callout runs one event loop per connection and at most one per usable CPU: two loops
/// confined to one CPU would only take turns, and each would wait out the other's decisions.
enum UsableCPUs {
    /// At least 1.
    static var count: Int {
        max(1, min(System.coreCount, affinityCount ?? Int.max))
    }

    /// The CPUs in the process's affinity mask (`Cpus_allowed_list` of `/proc/self/status`, the
    /// main thread's, which new threads inherit), or nil where it cannot be read.
    static var affinityCount: Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }) else { return nil }
        return cpuCount(inList: line.dropFirst("Cpus_allowed_list:".count))
    }

    /// The CPUs a Linux CPU list names (`0-3,8,10-11` → 7); nil if it is not one.
    static func cpuCount(inList list: some StringProtocol) -> Int? {
        var count = 0
        for part in list.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1 ... 2).contains(bounds.count), let low = Int(bounds[0]), let high = Int(bounds[bounds.count - 1]),
                  low >= 0, high >= low else { return nil }
            count += high - low + 1
        }
        return count > 0 ? count : nil
    }
}
