import NIOCore
@testable import scim_callout
import Testing

/// The read deadlines as plain calls: which event starts, moves or stops the one timer.
@Suite("HTTP read deadlines")
struct HTTPReadDeadlinesTests {
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    func machine() -> HTTPReadDeadlines { HTTPReadDeadlines(header: .seconds(10), body: .seconds(30)) }

    @Test func aHeadMustArriveWithinTheHeaderTimeoutOfTheConnect() {
        var deadlines = machine()
        #expect(deadlines.connected(now: start) == .schedule(start + .seconds(10)))
        // Bytes trickling in do not move the deadline.
        #expect(deadlines.bytesArrived(now: start + .seconds(5)) == .none)
        #expect(deadlines.timerFired(now: start + .seconds(10)) == .close(.header))
    }

    @Test func aBodyMustArriveWithinTheBodyTimeoutOfItsHead() {
        var deadlines = machine()
        _ = deadlines.connected(now: start)
        #expect(deadlines.headReceived(now: start + .seconds(1)) == .schedule(start + .seconds(31)))
        #expect(deadlines.bytesArrived(now: start + .seconds(20)) == .none)
        #expect(deadlines.timerFired(now: start + .seconds(10)) == .none)
        #expect(deadlines.timerFired(now: start + .seconds(31)) == .close(.body))
    }

    @Test func noDeadlineRunsWhileTheServiceAnswersOrTheConnectionIsIdle() {
        var deadlines = machine()
        _ = deadlines.connected(now: start)
        _ = deadlines.headReceived(now: start)
        #expect(deadlines.endReceived() == .cancel)
        #expect(deadlines.timerFired(now: start + .seconds(3_600)) == .none)
        #expect(deadlines.responseEnded() == .none)
        #expect(deadlines.timerFired(now: start + .seconds(7_200)) == .none)
        // The next request's first byte starts its header deadline.
        let later = start + .seconds(7_200)
        #expect(deadlines.bytesArrived(now: later) == .schedule(later + .seconds(10)))
        #expect(deadlines.timerFired(now: later + .seconds(10)) == .close(.header))
    }

    @Test func aCompleteRequestInOneReadNeverStartsAHeaderDeadline() {
        var deadlines = machine()
        _ = deadlines.connected(now: start)
        _ = deadlines.headReceived(now: start)
        _ = deadlines.endReceived()
        _ = deadlines.responseEnded()
        // A keep-alive request whose head and end arrive in the same read as its first byte.
        #expect(deadlines.headReceived(now: start + .seconds(1)) == .schedule(start + .seconds(31)))
        #expect(deadlines.endReceived() == .cancel)
        #expect(deadlines.bytesArrived(now: start + .seconds(1)) == .none)
    }
}
