import JetStream
import NATSClient
import NIOCore
import Synchronization
import Testing
import TestSupport

/// `streamInfo(_:creatingWith:within:)` against nats-server behind a proxy of its API that leaves
/// the first `STREAM.INFO` requests unanswered, as a clustered stream does until it has a leader.
@Suite("A stream that answers late")
struct StreamAnswerServerTests {
    /// Forwards `PROXY.API.>` to `$JS.API.>`, leaving the first `limit` `STREAM.INFO` requests
    /// unanswered.
    final class SilentInfoProxy: Sendable {
        /// How many were dropped, and how many may be.
        let counts: Mutex<(dropped: Int, limit: Int)>
        private let subscription: Mutex<NATSHandlerSubscription?> = Mutex(nil)

        init(limit: Int) { counts = Mutex((0, limit)) }

        var dropped: Int { counts.withLock { $0.dropped } }

        func start(_ nats: NATSConnection) async throws {
            let started = try await nats.subscribe(to: "PROXY.API.>") { [self] message, _ in
                guard let replyTo = message.replyTo else { return }
                let api = String(message.subject.dropFirst("PROXY.API.".count))
                let silent = api.hasPrefix("STREAM.INFO.") && counts.withLock { counts in
                    guard counts.dropped < counts.limit else { return false }
                    counts.dropped += 1
                    return true
                }
                guard !silent else { return }
                Task {
                    let reply = try await nats.request(message.payload, to: "$JS.API." + api, headers: message.headers)
                    try await nats.publish(reply.payload, to: replyTo, headers: reply.headers)
                }
            }
            subscription.withLock { $0 = started }
            try await nats.flush()
        }

        func stop() async throws {
            try await subscription.withLock { $0 }?.unsubscribe()
        }
    }

    static let config = StreamConfig(name: "LATE", subjects: ["late.>"], storage: .memory)

    @Test func aStreamThatAnswersLateIsCreatedAndReturned() async throws {
        let env = try await JetStreamTestServer.start()
        let proxy = SilentInfoProxy(limit: 2)
        try await proxy.start(env.nats)
        let js = JetStreamContext(connection: env.nats, apiPrefix: "PROXY.API", timeout: .seconds(1))

        // The first request goes unanswered before the stream exists, the second after this call
        // created it; the third answers.
        let (info, created) = try await js.streamInfo("LATE", creatingWith: Self.config, within: .seconds(20))
        #expect(created)
        #expect(info.config.subjects == ["late.>"])
        #expect(proxy.dropped == 2)

        // Once it exists, the same call opens it without creating it.
        let again = try await js.streamInfo("LATE", creatingWith: Self.config, within: .seconds(20))
        #expect(!again.created)
        try await proxy.stop()
        try await env.stop()
    }

    @Test func aStreamThatNeverAnswersFailsOnceTheLimitHasPassed() async throws {
        let env = try await JetStreamTestServer.start()
        _ = try await env.js.createStream(Self.config)
        let proxy = SilentInfoProxy(limit: .max)
        try await proxy.start(env.nats)
        let js = JetStreamContext(connection: env.nats, apiPrefix: "PROXY.API", timeout: .milliseconds(200))

        let error = await #expect(throws: JetStreamError.self) {
            _ = try await js.streamInfo("LATE", creatingWith: Self.config, within: .seconds(1))
        }
        #expect(error?.code == .timeout)
        // How often it asked within the limit depends on the host's speed; that it asks again
        // is shown by the test above.
        #expect(proxy.dropped >= 1)
        try await proxy.stop()
        try await env.stop()
    }

    @Test func anErrorOtherThanSilenceIsThrownAsItIs() async throws {
        let env = try await JetStreamTestServer.start()
        var other = Self.config
        other.subjects = ["other.>"]
        _ = try await env.js.createStream(other)
        // A stream of that name with other subjects: creating one whose subjects overlap is refused, and retrying cannot help.
        var wrong = Self.config
        wrong.name = "MISSING"
        wrong.subjects = ["other.>"]
        let error = await #expect(throws: JetStreamError.self) {
            _ = try await env.js.streamInfo("MISSING", creatingWith: wrong, within: .seconds(20))
        }
        #expect(error?.code == .apiError, "the overlap (err_code 10065) as nats-server says it")
        #expect(error?.apiError?.errorCode == 10065)
        try await env.stop()
    }
}
