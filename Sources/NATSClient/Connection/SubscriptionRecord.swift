/// What ``ClientStateMachine`` knows about one live subscription.
struct SubscriptionRecord: Sendable {
    var subject: String
    var queue: String?
    var sink: SubscriptionSink
    /// From `unsubscribe(after:)`: the subscription ends once this many messages were delivered.
    var maxMessages: Int?
    var delivered = 0
    /// Dropping messages for the pending limits; the `slowConsumer` event is emitted once per episode.
    var isSlow = false
}
