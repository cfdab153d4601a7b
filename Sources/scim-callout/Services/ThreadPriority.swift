import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The CPU scheduling the callout's decision threads ask for (`callout.thread_priority`).
///
/// It is set on those threads only, from inside the process: the argon2id pool, the log and
/// table writers and the HTTP server keep the host's default, so neither a burst of password
/// checks nor a SCIM import runs at the raised priority. A process-wide setting would not work
/// anyway: systemd's `Nice=` (or `nice`) reaches the main thread, but the event-loop threads are
/// started from a Swift runtime thread whose nice value the runtime sets itself.
enum ThreadPriority: Sendable, Equatable, CustomStringConvertible {
    /// A nice value, -20 (the largest CPU share) to 19. Below 0 needs `CAP_SYS_NICE` or an
    /// `RLIMIT_NICE` that allows it (systemd `LimitNICE=`).
    case nice(Int32)
    /// `SCHED_FIFO` with a real-time priority of 1 to 99: runs before every normal thread on its
    /// core. Needs `CAP_SYS_NICE` or an `RLIMIT_RTPRIO` that allows it (systemd `LimitRTPRIO=`).
    case fifo(Int32)

    /// `nice:-10` or `fifo:10`; nil when the text is neither.
    init?(parsing text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).lowercased().split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let value = Int32(parts[1].trimmingCharacters(in: .whitespaces)) else { return nil }
        switch parts[0].trimmingCharacters(in: .whitespaces) {
        case "nice" where (-20 ... 19).contains(value): self = .nice(value)
        case "fifo" where (1 ... 99).contains(value): self = .fifo(value)
        default: return nil
        }
    }

    var description: String {
        switch self {
        case let .nice(value): "nice:\(value)"
        case let .fifo(value): "fifo:\(value)"
        }
    }

    /// What the host needs to allow this priority, for the warning when it refuses.
    var permissionHint: String {
        switch self {
        case .nice: "CAP_SYS_NICE, or LimitNICE= in the systemd unit"
        case .fifo: "CAP_SYS_NICE, or LimitRTPRIO= in the systemd unit"
        }
    }

    /// Applies the priority to the calling thread (Linux keeps scheduling settings per thread).
    func applyToCurrentThread() throws(ThreadPriorityError) {
        #if os(Linux)
        switch self {
        case let .nice(value):
            // PRIO_PROCESS with id 0 is the calling thread on Linux, not the whole process.
            guard setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, value) == 0 else {
                throw ThreadPriorityError(priority: self, errorNumber: errno)
            }
        case let .fifo(value):
            var parameters = sched_param(sched_priority: value)
            let status = pthread_setschedparam(pthread_self(), SCHED_FIFO, &parameters)
            guard status == 0 else { throw ThreadPriorityError(priority: self, errorNumber: status) }
        }
        #else
        throw ThreadPriorityError(priority: self, errorNumber: ENOTSUP)
        #endif
    }

    /// The calling thread's priority as the kernel reports it: `fifo:N` under `SCHED_FIFO`,
    /// otherwise its nice value.
    static func currentThread() -> ThreadPriority {
        #if os(Linux)
        var policy: Int32 = 0
        var parameters = sched_param()
        if pthread_getschedparam(pthread_self(), &policy, &parameters) == 0, policy == SCHED_FIFO {
            return .fifo(parameters.sched_priority)
        }
        errno = 0
        return .nice(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0))
        #else
        return .nice(0)
        #endif
    }
}

/// The host refused a ``ThreadPriority``.
struct ThreadPriorityError: Error, CustomStringConvertible {
    var priority: ThreadPriority
    var errorNumber: Int32

    var description: String {
        let reason = String(cString: strerror(errorNumber))
        return errorNumber == EPERM
            ? "\(priority) not permitted (\(reason)); it needs \(priority.permissionHint)"
            : "cannot set \(priority): \(reason)"
    }
}
