import JetStream
import Testing

@Suite("Ordered consumer state machine")
struct OrderedConsumerStateMachineTests {
    private func delivery(stream: UInt64, consumer: UInt64, pending: UInt64 = 0) -> JetStreamMessageMetadata {
        JetStreamMessageMetadata(stream: "S", consumer: "c", deliveryCount: 1, streamSequence: stream,
                                 consumerSequence: consumer, timestampNanoseconds: 0, pending: pending)
    }

    private func started(_ policy: DeliverPolicy = .all) -> OrderedConsumerStateMachine {
        var machine = OrderedConsumerStateMachine(deliverPolicy: policy)
        _ = machine.consumerCreated(serial: 1)
        return machine
    }

    @Test func deliversConsecutiveConsumerSequences() {
        var machine = started()
        #expect(machine.messageReceived(serial: 1, metadata: delivery(stream: 5, consumer: 1)) == .deliver)
        #expect(machine.messageReceived(serial: 1, metadata: delivery(stream: 9, consumer: 2)) == .deliver)
        #expect(machine.lastStreamSequence == 9)
        #expect(machine.resets == 0)
    }

    @Test func aConsumerSequenceGapRecreatesFromTheNextStreamSequence() {
        var machine = started()
        _ = machine.messageReceived(serial: 1, metadata: delivery(stream: 5, consumer: 1))
        let action = machine.messageReceived(serial: 1, metadata: delivery(stream: 7, consumer: 3))
        guard case .recreate(2, .byStartSequence(6), .zero, _) = action else {
            Issue.record("expected a recreate from 6, got \(action)")
            return
        }
        #expect(machine.lastConsumerSequence == 0)
        #expect(machine.resets == 1)
        // Stragglers of the old incarnation, and anything before the new one is confirmed, are dropped.
        #expect(machine.messageReceived(serial: 1, metadata: delivery(stream: 8, consumer: 4)) == .ignore)
        #expect(machine.messageReceived(serial: 2, metadata: delivery(stream: 6, consumer: 1)) == .ignore)
        _ = machine.consumerCreated(serial: 2)
        #expect(machine.messageReceived(serial: 2, metadata: delivery(stream: 6, consumer: 1)) == .deliver)
        #expect(machine.lastStreamSequence == 6)
    }

    @Test func beforeAnyDeliveryAResetKeepsTheStartPolicy() {
        var machine = started(.byStartSequence(100))
        let action = machine.messageReceived(serial: 1, metadata: delivery(stream: 101, consumer: 2))
        guard case .recreate(2, .byStartSequence(100), _, _) = action else {
            Issue.record("expected a recreate from 100, got \(action)")
            return
        }
    }

    @Test func heartbeatsCheckTheLastConsumerSequence() {
        var machine = started()
        _ = machine.messageReceived(serial: 1, metadata: delivery(stream: 1, consumer: 1))
        #expect(machine.heartbeatReceived(serial: 1, lastConsumerSequence: 1, stalledFlowControl: nil) == .ignore)
        #expect(machine.heartbeatReceived(serial: 1, lastConsumerSequence: 1, stalledFlowControl: "$JS.FC.S.c.x")
            == .respondToFlowControl("$JS.FC.S.c.x"))
        guard case .recreate(2, .byStartSequence(2), _, _) =
                machine.heartbeatReceived(serial: 1, lastConsumerSequence: 2, stalledFlowControl: nil)
        else {
            Issue.record("a heartbeat ahead of us must reset")
            return
        }
    }

    @Test func flowControlIsAnsweredOnlyForTheCurrentIncarnation() {
        var machine = started()
        #expect(machine.flowControlRequested(serial: 1, replyTo: "$JS.FC.a") == .respondToFlowControl("$JS.FC.a"))
        #expect(machine.flowControlRequested(serial: 7, replyTo: "$JS.FC.b") == .ignore)
    }

    @Test func anIdleCheckResetsOnlyWhenNothingHappenedSince() {
        var machine = started()
        let mark = machine.activityMark
        _ = machine.heartbeatReceived(serial: 1, lastConsumerSequence: 0, stalledFlowControl: nil)
        #expect(machine.idleTimerFired(serial: 1, mark: mark) == .ignore)
        let quiet = machine.activityMark
        guard case .recreate(2, .all, _, "missed heartbeats") = machine.idleTimerFired(serial: 1, mark: quiet) else {
            Issue.record("a quiet interval must reset")
            return
        }
        #expect(machine.idleTimerFired(serial: 1, mark: machine.activityMark) == .ignore)
    }

    @Test func consumerDeletedAndUnreadableDeliveriesReset() {
        var machine = started()
        guard case .recreate(2, _, _, _) = machine.consumerDeleted(serial: 1) else {
            Issue.record("409 must reset")
            return
        }
        _ = machine.consumerCreated(serial: 2)
        guard case .recreate(3, _, _, _) = machine.unreadableMessageReceived(serial: 2) else {
            Issue.record("a delivery without metadata must reset")
            return
        }
    }

    @Test func failedCreationsBackOffUpToTenSeconds() {
        var machine = started()
        _ = machine.messageReceived(serial: 1, metadata: delivery(stream: 3, consumer: 1))
        _ = machine.consumerDeleted(serial: 1)
        var delays: [Duration] = []
        for _ in 0..<6 {
            guard case .recreate(2, .byStartSequence(4), let delay, _) = machine.consumerCreationFailed(serial: 2) else {
                Issue.record("a failed creation must retry the same incarnation")
                return
            }
            delays.append(delay)
        }
        #expect(delays == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10)])
        _ = machine.consumerCreated(serial: 2)
        #expect(machine.failedCreations == 0)
        #expect(machine.consumerCreationFailed(serial: 1) == .ignore)
    }
}
