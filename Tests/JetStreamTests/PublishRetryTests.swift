import JetStream
import Testing

/// Which publish failures are retried, and how long the waits are (no sockets, no clock).
@Suite("PublishRetry")
struct PublishRetryTests {
    let retry = PublishRetry(deadline: .seconds(5), initialWait: .milliseconds(25), maxWait: .milliseconds(500))

    static let unavailable = JetStreamError(JetStreamAPIError(code: 503, errorCode: 10008,
                                                              description: "JetStream system temporarily unavailable"),
                                            context: "publish")
    static let wrongLast = JetStreamError(JetStreamAPIError(code: 400, errorCode: 10071,
                                                            description: "wrong last sequence: 7"), context: "publish")

    @Test(arguments: [
        // (error, has a message id, retried)
        (JetStreamError(.noResponders, "no leader"), false, true),
        (JetStreamError(.noResponders, "no leader"), true, true),
        (JetStreamError(.timeout, "no ack"), true, true),
        (JetStreamError(.timeout, "no ack: may be stored, and nothing would deduplicate it"), false, false),
        (JetStreamError(.duplicateInProcess, "still storing"), true, true),
        (unavailable, true, true),
        (unavailable, false, false),
        (wrongLast, true, false),
        (JetStreamError(.streamNotFound, "gone"), true, false),
        (JetStreamError(.invalidArgument, "bad subject"), true, false),
    ])
    func retriesOnlyWhatCannotBeStoredTwice(error: JetStreamError, hasMessageID: Bool, retried: Bool) {
        #expect(PublishRetry.isRetryable(error, hasMessageID: hasMessageID) == retried)
        let wait = retry.wait(after: error, failures: 1, elapsed: .zero, hasMessageID: hasMessageID)
        #expect((wait != nil) == retried)
    }

    @Test func waitsDoubleUpToTheMaximum() {
        let error = JetStreamError(.noResponders, "no leader")
        let waits = (1...8).map { retry.wait(after: error, failures: $0, elapsed: .zero, hasMessageID: true) }
        #expect(waits == [25, 50, 100, 200, 400, 500, 500, 500].map { Duration.milliseconds($0) })
    }

    @Test func givesUpWhenTheNextWaitWouldPassTheDeadline() {
        let error = JetStreamError(.noResponders, "no leader")
        #expect(retry.wait(after: error, failures: 6, elapsed: .milliseconds(4_400), hasMessageID: true) == .milliseconds(500))
        #expect(retry.wait(after: error, failures: 6, elapsed: .milliseconds(4_600), hasMessageID: true) == nil)
        #expect(PublishRetry.none.wait(after: error, failures: 1, elapsed: .zero, hasMessageID: true) == nil)
    }
}
