/// The ordered consumer's decisions, without I/O: which deliveries to pass on, when to answer
/// flow control, and when to throw the consumer away and recreate it from the next stream
/// sequence. Events in, ``Action``s out; ``OrderedConsumer`` runs the actions.
///
/// Each consumer incarnation has a `serial`. Messages carry the serial of the subscription that
/// received them, so anything from an older incarnation is dropped. A reset happens when:
/// - a delivery's consumer sequence is not the previous one plus one (a message was lost);
/// - an idle heartbeat's `Nats-Last-Consumer` differs from the last consumer sequence we saw;
/// - no message or heartbeat arrived for two heartbeat intervals (the consumer or the server is gone);
/// - the server says the consumer was deleted (status 409), or the delivery cannot be read.
/// The new consumer starts at the last delivered stream sequence plus one (or at the original
/// policy when nothing was delivered yet) and must start again at consumer sequence 1.
public struct OrderedConsumerStateMachine: Hashable, Sendable {
    /// What the shell must do after an event.
    public enum Action: Hashable, Sendable {
        /// Pass the message to the application.
        case deliver
        /// Nothing to do (a stale or already-handled event).
        case ignore
        /// Publish an empty message to this flow-control subject.
        case respondToFlowControl(String)
        /// Drop the current consumer and its subscription, then create incarnation `serial`
        /// with `deliverPolicy`, after waiting `delay`.
        case recreate(serial: UInt64, deliverPolicy: DeliverPolicy, delay: Duration, reason: String)
    }

    /// The policy the first incarnation uses.
    public let initialPolicy: DeliverPolicy
    /// The current incarnation (1 for the first).
    public private(set) var serial: UInt64 = 1
    /// Whether the current incarnation's consumer exists (creation confirmed).
    public private(set) var isActive = false
    /// The stream sequence of the last delivered message; 0 before the first.
    public private(set) var lastStreamSequence: UInt64 = 0
    /// The consumer sequence of the last delivered message in the current incarnation.
    public private(set) var lastConsumerSequence: UInt64 = 0
    /// Bumped by every event of the current incarnation; an idle check compares it.
    public private(set) var activityMark: UInt64 = 0
    /// Consecutive failed creations, for the backoff.
    public private(set) var failedCreations = 0
    /// Resets so far (for metrics and tests).
    public private(set) var resets = 0

    /// The longest wait between attempts to recreate a consumer.
    public static let maximumBackoff: Duration = .seconds(10)

    public init(deliverPolicy: DeliverPolicy) {
        self.initialPolicy = deliverPolicy
    }

    /// The deliver policy for a (re)creation now: continue after the last delivered message.
    public var nextDeliverPolicy: DeliverPolicy {
        lastStreamSequence == 0 ? initialPolicy : .byStartSequence(lastStreamSequence + 1)
    }

    /// The consumer of incarnation `serial` exists now.
    public mutating func consumerCreated(serial: UInt64) -> Action {
        guard serial == self.serial else { return .ignore }
        isActive = true
        failedCreations = 0
        activityMark &+= 1
        return .ignore
    }

    /// Creating incarnation `serial` failed: try again with the same serial after a backoff of
    /// 1 s doubling up to ``maximumBackoff``.
    public mutating func consumerCreationFailed(serial: UInt64) -> Action {
        guard serial == self.serial else { return .ignore }
        failedCreations += 1
        let exponent = min(failedCreations - 1, 4)
        let delay = min(Duration.seconds(1 << exponent), Self.maximumBackoff)
        return .recreate(serial: serial, deliverPolicy: nextDeliverPolicy, delay: delay, reason: "creation failed")
    }

    /// A message arrived on incarnation `serial`'s subscription with this ack metadata.
    public mutating func messageReceived(serial: UInt64, metadata: JetStreamMessageMetadata) -> Action {
        guard isCurrent(serial) else { return .ignore }
        activityMark &+= 1
        guard metadata.consumerSequence == lastConsumerSequence + 1 else {
            return reset("consumer sequence \(metadata.consumerSequence) after \(lastConsumerSequence)")
        }
        lastConsumerSequence = metadata.consumerSequence
        lastStreamSequence = metadata.streamSequence
        return .deliver
    }

    /// A message without readable ack metadata arrived: order cannot be checked, start over.
    public mutating func unreadableMessageReceived(serial: UInt64) -> Action {
        guard isCurrent(serial) else { return .ignore }
        return reset("delivery without ack metadata")
    }

    /// An idle heartbeat arrived. `lastConsumerSequence` is its `Nats-Last-Consumer` header,
    /// `stalledFlowControl` its `Nats-Consumer-Stalled` header (a flow-control request we missed).
    public mutating func heartbeatReceived(
        serial: UInt64, lastConsumerSequence: UInt64?, stalledFlowControl: String?
    ) -> Action {
        guard isCurrent(serial) else { return .ignore }
        activityMark &+= 1
        if let lastConsumerSequence, lastConsumerSequence != self.lastConsumerSequence {
            return reset("heartbeat reports consumer sequence \(lastConsumerSequence), we saw \(self.lastConsumerSequence)")
        }
        if let stalledFlowControl, !stalledFlowControl.isEmpty { return .respondToFlowControl(stalledFlowControl) }
        return .ignore
    }

    /// A flow-control request arrived after the messages before it were handled.
    public mutating func flowControlRequested(serial: UInt64, replyTo: String) -> Action {
        guard isCurrent(serial) else { return .ignore }
        activityMark &+= 1
        return .respondToFlowControl(replyTo)
    }

    /// The server reported the consumer gone (status 409 `Consumer Deleted`).
    public mutating func consumerDeleted(serial: UInt64) -> Action {
        guard isCurrent(serial) else { return .ignore }
        return reset("consumer deleted")
    }

    /// Two heartbeat intervals passed after the event that left `activityMark` at `mark`.
    public mutating func idleTimerFired(serial: UInt64, mark: UInt64) -> Action {
        guard isCurrent(serial), mark == activityMark else { return .ignore }
        return reset("missed heartbeats")
    }

    private func isCurrent(_ serial: UInt64) -> Bool { isActive && serial == self.serial }

    private mutating func reset(_ reason: String) -> Action {
        serial += 1
        isActive = false
        lastConsumerSequence = 0
        resets += 1
        activityMark &+= 1
        return .recreate(serial: serial, deliverPolicy: nextDeliverPolicy, delay: .zero, reason: reason)
    }
}
