import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

extension NATSConnection {
    // MARK: - Losing the connection

    func channelClosed(id: UInt64, error: NATSClientError?) {
        enum Next { case ignore, reconnect, finishDrain, giveUp }
        let next = state.withLockedValue { state -> Next in
            guard state.channelID == id, state.channel != nil else { return .ignore }
            state.channel = nil
            state.outbox = nil
            switch state.status {
            case .connecting, .reconnecting, .closed:
                return .ignore
            case .draining:
                return .finishDrain
            case .connected:
                guard configuration.reconnect.isEnabled else { return .giveUp }
                state.status = .reconnecting
                return .reconnect
            }
        }
        let reason = error ?? NATSClientError(.connectionClosed, "the server closed the connection")
        switch next {
        case .ignore, .finishDrain:
            return
        case .giveUp:
            emit(.disconnected(reason: reason.description))
            Task { await self.shutDown(reason: reason) }
        case .reconnect:
            logger.info("NATS disconnected, reconnecting", metadata: ["nats.reason": "\(reason)"])
            emit(.disconnected(reason: reason.description))
            let task = Task { await self.reconnectLoop() }
            let cancelled = state.withLockedValue { state -> Bool in
                guard state.status == .reconnecting else { return true }
                state.reconnectTask = task
                return false
            }
            if cancelled { task.cancel() }
        }
    }

    // MARK: - Reconnecting

    func reconnectLoop() async {
        let backoff = ReconnectBackoff(configuration.reconnect)
        var round = 0
        while !Task.isCancelled {
            let order = state.withLockedValue { $0.pool.roundOrder(after: $0.server) }
            if order.isEmpty {
                await shutDown(reason: NATSClientError(.noServersAvailable, "gave up reconnecting: every server failed too often"))
                return
            }
            for address in order {
                if Task.isCancelled { return }
                do {
                    let (channel, info, id) = try await establish(address)
                    _ = adopt(channel: channel, info: info, id: id, address: address)
                    return
                } catch {
                    logger.debug("NATS reconnect attempt failed", metadata: [
                        "nats.server": "\(address)", "nats.error": "\(error)",
                    ])
                    state.withLockedValue { $0.pool.recordFailure(address) }
                }
            }
            let delay = backoff.delay(afterRound: round, randomFraction: Double.random(in: 0...1))
            round += 1
            do { try await clock.sleep(for: delay) } catch { return }
        }
    }

    // MARK: - Closing

    /// Closes for good; `reason` is nil for a requested close.
    func shutDown(reason: NATSClientError?) async {
        let taken = state.withLockedValue { state -> (
            channel: (any Channel)?, records: [SubscriptionRecord], requests: [EventLoopPromise<NATSMessage>],
            task: Task<Void, Never>?
        )? in
            guard state.status != .closed else { return nil }
            state.status = .closed
            state.closeReason = reason
            defer {
                state.channel = nil
                state.outbox = nil
                state.subscriptions.removeAll()
                state.requests.removeAll()
                state.reconnectTask = nil
                state.reconnectBuffer.removeAll()
                state.reconnectBufferBytes = 0
            }
            return (state.channel, Array(state.subscriptions.values), Array(state.requests.values), state.reconnectTask)
        }
        guard let taken else { return }
        taken.task?.cancel()
        if let channel = taken.channel {
            try? await channel.close()
        }
        for record in taken.records { record.sink.finish() }
        let error = reason ?? NATSClientError(.connectionClosed, "the connection was closed")
        for request in taken.requests { request.fail(error) }
        logger.debug("NATS connection closed", metadata: reason.map { ["nats.reason": "\($0)"] } ?? [:])
        emit(.closed(reason: reason?.description))
        eventContinuation.finish()
        closedPromise.succeed()
    }
}
