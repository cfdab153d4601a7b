import NIOCore

extension ClientStateMachine {
    // MARK: - Subscribing

    /// Where a new subscription's `SUB` goes.
    enum SubscribeAction {
        /// Write the `SUB` to the current channel.
        case write(ClientOperation, Transport)
        /// Not connected: the resubscription after connecting sends it.
        case deferred
    }

    /// A new subscription: allocates its sid.
    mutating func subscribe(
        to subject: String, queue: String?, sink: SubscriptionSink
    ) throws(NATSClientError) -> (sid: UInt64, action: SubscribeAction) {
        try checkAcceptsNewWork()
        let sid = nextSID
        nextSID += 1
        subscriptions[sid] = SubscriptionRecord(subject: subject, queue: queue, sink: sink)
        guard let transport = connectedTransport else { return (sid, .deferred) }
        return (sid, .write(.subscribe(subject: subject, queue: queue, sid: sid), transport))
    }

    /// What an unsubscribe does.
    struct UnsubscribeAction {
        /// End this sink now (nil while messages up to the `after` count may still come).
        var finish: SubscriptionSink?
        /// Write this `UNSUB` to this channel (nil while not connected).
        var write: (ClientOperation, Transport)?
    }

    /// `unsubscribe()` or `unsubscribe(after:)` on subscription `sid`.
    mutating func unsubscribe(sid: UInt64, after max: Int?) throws(NATSClientError) -> UnsubscribeAction {
        guard var record = subscriptions[sid] else {
            throw NATSClientError(.subscriptionClosed, "subscription \(sid) is no longer active")
        }
        let transport = connectedTransport
        if let max, record.delivered < max {
            // The server stops after the rest of the count; the last delivery ends the sink.
            record.maxMessages = max
            subscriptions[sid] = record
            return UnsubscribeAction(finish: nil, write: transport.map { (.unsubscribe(sid: sid, max: max), $0) })
        }
        subscriptions[sid] = nil
        return UnsubscribeAction(finish: record.sink, write: transport.map { (.unsubscribe(sid: sid, max: nil), $0) })
    }

    /// The consumer of subscription `sid` stopped iterating: forget it. Returns where its
    /// `UNSUB` goes (nil when it was gone already or nothing is connected).
    mutating func subscriptionTerminated(sid: UInt64) -> (ClientOperation, Transport)? {
        guard subscriptions.removeValue(forKey: sid) != nil, let transport = connectedTransport else { return nil }
        return (.unsubscribe(sid: sid, max: nil), transport)
    }

    /// `SUB` (and the remaining `UNSUB` count) for every live subscription, in sid order, then
    /// the request inbox: what a new channel needs before anything else.
    func resubscriptions() -> [ClientOperation] {
        var operations: [ClientOperation] = []
        for (sid, record) in subscriptions.sorted(by: { $0.key < $1.key }) {
            operations.append(.subscribe(subject: record.subject, queue: record.queue, sid: sid))
            if let max = record.maxMessages { operations.append(.unsubscribe(sid: sid, max: max - record.delivered)) }
        }
        if let inboxSID {
            operations.append(.subscribe(subject: "\(inboxBase).*", queue: nil, sid: inboxSID))
        }
        return operations
    }

    func checkAcceptsNewWork() throws(NATSClientError) {
        switch status {
        case .closed: throw NATSClientError(.connectionClosed, "the connection is closed")
        case .draining: throw NATSClientError(.draining, "the connection is draining")
        case .connecting, .connected, .reconnecting: break
        }
    }

    // MARK: - Delivering

    /// Where a `MSG`/`HMSG` goes. The runner builds the ``NATSMessage`` from the frame.
    enum DeliverAction {
        /// Yield to a subscription's stream; `finish` ends it after (its `unsubscribe(after:)` count).
        case yield(AsyncStream<NATSMessage>.Continuation, finish: Bool)
        /// Call the handler on this event loop; `ended` is completed after it (the last message).
        case handle(NATSConnection.MessageHandler, ended: EventLoopPromise<Void>?)
        /// A reply to a request.
        case reply(EventLoopPromise<NATSMessage>)
        /// A `503` status on a request's inbox: nobody listens on the request subject.
        case noResponders(EventLoopPromise<NATSMessage>)
        /// The stream's consumer fell behind its pending limits: this message is dropped and a
        /// `slowConsumer` event is due (once per episode).
        case slowConsumer(subject: String, dropped: Int)
        /// Unknown sid, unknown request token, or a further drop of a slow consumer.
        case drop
    }

    /// A `MSG`/`HMSG` arrived on the current channel (called on the event loop for every message).
    mutating func messageArrived(_ frame: MessageFrame) -> DeliverAction {
        if frame.sid == inboxSID {
            return replyArrived(frame)
        }
        // Mutated in place through the index: one hash lookup and no copy of the record per message.
        guard let index = subscriptions.index(forKey: frame.sid) else { return .drop }
        let sink = subscriptions.values[index].sink
        if case .stream(_, let pending) = sink,
           !pending.tryAdd(bytes: frame.payload.readableBytes, limits: pendingLimits) {
            let becameSlow = !subscriptions.values[index].isSlow
            subscriptions.values[index].isSlow = true
            return becameSlow ? .slowConsumer(subject: subscriptions.values[index].subject, dropped: pending.dropped) : .drop
        }
        subscriptions.values[index].isSlow = false
        subscriptions.values[index].delivered += 1
        var finish = false
        if let max = subscriptions.values[index].maxMessages, subscriptions.values[index].delivered >= max {
            subscriptions.remove(at: index)
            finish = true
        }
        switch sink {
        case .stream(let continuation, _): return .yield(continuation, finish: finish)
        case .handler(let handler, let ended): return .handle(handler, ended: finish ? ended : nil)
        }
    }
}

extension ClientStateMachine.SubscribeAction: Equatable where Transport: Equatable {}
