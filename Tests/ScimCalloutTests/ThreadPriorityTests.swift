import Foundation
import NIOCore
import NIOPosix
import Testing
@testable import scim_callout
#if canImport(Glibc)
import Glibc
#endif

@Suite("callout.thread_priority: parsing and applying it to a thread")
struct ThreadPriorityTests {
    @Test(arguments: [
        ("nice:-10", ThreadPriority.nice(-10)), ("nice:19", .nice(19)), ("nice:-20", .nice(-20)), ("NICE: 0", .nice(0)),
        ("fifo:1", .fifo(1)), ("fifo:99", .fifo(99)), (" fifo:10 ", .fifo(10)),
    ])
    func parses(text: String, expected: ThreadPriority) {
        #expect(ThreadPriority(parsing: text) == expected)
        #expect(ThreadPriority(parsing: expected.description) == expected, "description round-trips")
    }

    @Test(arguments: ["", "nice", "nice:", "nice:20", "nice:-21", "fifo:0", "fifo:100", "fifo:-1", "rr:10", "nice:x", "nice:1:2"])
    func refuses(text: String) {
        #expect(ThreadPriority(parsing: text) == nil)
    }

    /// A raised nice value is allowed to anyone, so this runs everywhere; it is set on one
    /// event-loop thread only, as the service sets it on its callout loops.
    @Test func aNiceValueReachesTheThreadItIsAppliedOnAndNoOther() async throws {
        try await withLoops(2) { loops in
            try await loops[0].submit { try ThreadPriority.nice(7).applyToCurrentThread() }.get()
            #expect(try await loops[0].submit { ThreadPriority.currentThread() }.get() == .nice(7))
            #expect(try await loops[1].submit { ThreadPriority.currentThread() }.get() != .nice(7))
        }
    }

    /// SCHED_FIFO needs CAP_SYS_NICE: granted, the thread runs under it; refused, the error names
    /// what the host must allow.
    @Test func fifoIsAppliedWhenPermittedAndExplainedWhenNot() async throws {
        let outcome = try await withLoops(1) { loops in try await loops[0].submit { () -> Result<ThreadPriority, ThreadPriorityError> in
            do throws(ThreadPriorityError) {
                try ThreadPriority.fifo(1).applyToCurrentThread()
                return .success(ThreadPriority.currentThread())
            } catch {
                return .failure(error)
            }
        }.get() }
        switch outcome {
        case let .success(priority):
            #expect(priority == .fifo(1))
        case let .failure(error):
            #expect(geteuid() != 0, "root may set SCHED_FIFO: \(error)")
            #expect(error.errorNumber == EPERM)
            #expect(error.description.contains("CAP_SYS_NICE"))
        }
    }

    /// Runs `body` with a fresh group of `count` event loops, shut down afterwards.
    private func withLoops<T: Sendable>(_ count: Int, _ body: ([any EventLoop]) async throws -> T) async throws -> T {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: count)
        do {
            let result = try await body(Array(group.makeIterator()))
            try await group.shutdownGracefully()
            return result
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }
}
