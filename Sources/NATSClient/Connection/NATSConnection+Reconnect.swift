import Logging
import NIOCore

extension NATSConnection {
    // MARK: - Losing the connection

    func channelClosed(id: UInt64, error: NATSClientError?) {
        let action = state.withLockedValue { $0.machine.connectionLost(channelID: id) }
        let reason = error ?? NATSClientError(.connectionClosed, "the server closed the connection")
        switch action {
        case .ignore:
            return
        case .giveUp:
            emit(.disconnected(reason: reason.description))
            Task { await self.shutDown(reason: reason) }
        case .reconnect(let first):
            logger.info("NATS disconnected, reconnecting", metadata: ["nats.reason": "\(reason)"])
            emit(.disconnected(reason: reason.description))
            let task = Task { await self.reconnect(startingWith: first) }
            let cancelled = state.withLockedValue { state -> Bool in
                guard state.machine.status == .reconnecting else { return true }
                state.reconnectTask = task
                return false
            }
            if cancelled { task.cancel() }
        }
    }

    // MARK: - Reconnecting

    /// Runs the machine's dial actions until a server accepts us, none is left, or `close()`
    /// cancels the task.
    func reconnect(startingWith first: ClientStateMachine<PublishOutbox>.DialAction) async {
        var action = first
        while !Task.isCancelled {
            switch action {
            case .dial(let address, let channelID):
                do {
                    let (channel, info) = try await establish(address, channelID: channelID)
                    _ = adopt(channel, info: info, channelID: channelID)
                    return
                } catch {
                    logger.debug("NATS reconnect attempt failed", metadata: [
                        "nats.server": "\(address)", "nats.error": "\(error)",
                    ])
                    action = state.withLockedValue {
                        $0.machine.dialFailed(channelID: channelID, randomFraction: Double.random(in: 0...1))
                    }
                }
            case .scheduleReconnect(let delay):
                do { try await clock.sleep(for: delay) } catch { return }
                action = state.withLockedValue { $0.machine.reconnectWaitElapsed() }
            case .giveUp(let reason):
                await shutDown(reason: reason)
                return
            case .stop:
                return
            }
        }
    }

    // MARK: - Closing

    /// Closes for good; `reason` is nil for a requested close.
    func shutDown(reason: NATSClientError?) async {
        let taken = state.withLockedValue { state -> (ClientStateMachine<PublishOutbox>.ShutDownAction, Task<Void, Never>?)? in
            guard let action = state.machine.closeRequested(reason: reason) else { return nil }
            defer { state.reconnectTask = nil }
            return (action, state.reconnectTask)
        }
        guard let (action, task) = taken else { return }
        task?.cancel()
        if let outbox = action.transport {
            try? await outbox.channel.close()
        }
        for sink in action.sinks { sink.finish() }
        let error = reason ?? NATSClientError(.connectionClosed, "the connection was closed")
        for request in action.requests { request.reply.fail(error) }
        logger.debug("NATS connection closed", metadata: reason.map { ["nats.reason": "\($0)"] } ?? [:])
        emit(.closed(reason: reason?.description))
        eventContinuation.finish()
        closedPromise.succeed()
    }
}
