import Foundation

/// The threads of a running process as Linux's `/proc` shows them.
enum ProcThreads {
    struct Thread: CustomStringConvertible {
        var id: Int
        var name: String
        var nice: Int
        /// The scheduling policy (`SCHED_OTHER` 0, `SCHED_FIFO` 1, …).
        var policy: Int
        var description: String { "\(id) \(name) nice=\(nice) policy=\(policy)" }
    }

    static func list(pid: Int32) throws -> [Thread] {
        let directory = "/proc/\(pid)/task"
        return try FileManager.default.contentsOfDirectory(atPath: directory).compactMap { entry in
            guard let id = Int(entry),
                  let stat = try? String(contentsOfFile: "\(directory)/\(entry)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return nil }
            // Fields after the parenthesised name start at field 3 (state): nice is field 19, policy 41.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 38, let nice = Int(fields[16]), let policy = Int(fields[38]) else { return nil }
            return Thread(id: id, name: String(stat[stat.index(after: open) ..< close]), nice: nice, policy: policy)
        }
    }
}
