import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes log lines to a file descriptor from a thread of its own, a batch at a time.
///
/// Every decision is a log line, and it is logged on the NATS event loop. A `write(2)` there per
/// line would cost a system call per decision and, worse, block every decision while the reader
/// of stderr (a log shipper, a full pipe) stalls. Here a caller only appends to a buffer; the
/// writer thread lets lines gather for up to `linger` and writes them with one call. A stalled
/// reader fills the buffer up to `capacity`, then lines are dropped and counted (the decisions
/// table still has every record), and the count is logged once the reader catches up.
final class LogLineWriter: @unchecked Sendable {
    /// The process's stderr writer (JSON logs of `serve`).
    static let standardError = LogLineWriter(fileDescriptor: STDERR_FILENO)

    private let fileDescriptor: Int32
    private let linger: TimeInterval
    private let capacity: Int
    /// Guards every `var` below (hence `@unchecked Sendable`); signalled when a line arrives
    /// for an idle writer, when a flush is asked for, and when a batch has been written.
    private let condition = NSCondition()
    private var buffer: [UInt8] = []
    /// The last batch's storage, handed back to `buffer` emptied: both keep their capacity, so
    /// appends stop regrowing an array after the first batches.
    private var spare: [UInt8] = []
    private var dropped = 0
    /// The writer waits for a first line with no deadline: only then does an append wake it.
    private var writerIdle = false
    private var writing = false
    private var flushRequested = false
    private var stopped = false

    /// - Parameters:
    ///   - linger: how long the first line of a batch waits for others (a fifth of the decisions
    ///     table's 100 ms flush: fewer `write(2)` calls and writer wake-ups per decision).
    ///   - capacity: bytes held at most while the descriptor does not take them.
    init(fileDescriptor: Int32, linger: Duration = .milliseconds(20), capacity: Int = 4 << 20) {
        self.fileDescriptor = fileDescriptor
        self.linger = TimeInterval(linger.components.seconds) + TimeInterval(linger.components.attoseconds) / 1e18
        self.capacity = max(1, capacity)
        let thread = Thread { [self] in run() }
        thread.name = "log-writer"
        thread.start()
    }

    /// Queues one line (which must end with a newline). Never blocks on the descriptor.
    func write(_ line: [UInt8]) {
        condition.lock()
        if stopped {
            condition.unlock()
            return
        }
        if buffer.count + line.count > capacity {
            dropped += 1
        } else {
            buffer.append(contentsOf: line)
        }
        // A writer lingering over a buffer that is half full already should not wait any longer.
        let wake = writerIdle || buffer.count >= capacity / 2
        writerIdle = false
        condition.unlock()
        if wake { condition.broadcast() }
    }

    /// Returns once every line queued before the call has been written (or dropped).
    func flush() {
        condition.lock()
        flushRequested = true
        condition.broadcast()
        while !buffer.isEmpty || writing || dropped > 0 {
            condition.wait()
        }
        condition.unlock()
    }

    /// Writes what is queued and ends the writer thread; later lines are ignored.
    func stop() {
        flush()
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func run() {
        condition.lock()
        while true {
            while buffer.isEmpty, dropped == 0, !stopped {
                writerIdle = true
                condition.wait()
            }
            if stopped { break }
            writerIdle = false
            let deadline = Date(timeIntervalSinceNow: linger)
            while !flushRequested, buffer.count < capacity / 2, condition.wait(until: deadline) {}
            var batch = buffer
            buffer = spare
            spare = []
            if dropped > 0 {
                batch += Array(#"{"level":"warning","logger":"scim-callout","msg":"log lines dropped: stderr did not keep up","dropped":"\#(dropped)"}"#.utf8)
                batch.append(UInt8(ascii: "\n"))
                dropped = 0
            }
            writing = true
            flushRequested = false
            condition.unlock()
            Self.writeAll(batch, to: fileDescriptor)
            batch.removeAll(keepingCapacity: true)
            condition.lock()
            // A batch that grew past the bound (a stall) is not kept at that size.
            spare = batch.capacity <= capacity ? batch : []
            writing = false
            condition.broadcast()
        }
        writerIdle = false
        condition.unlock()
    }

    /// Writes all of `bytes`, retrying partial writes and interruptions; gives up on an error
    /// (a closed stderr must not take the service down).
    private static func writeAll(_ bytes: [UInt8], to fileDescriptor: Int32) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let written = Glibc.write(fileDescriptor, base + offset, buffer.count - offset)
                if written > 0 { offset += written } else if written < 0, errno == EINTR { continue } else { return }
            }
        }
    }
}
