import Logging
import NIOCore

extension NATSConnection {
    /// Routes a MSG/HMSG (on the event loop) to its subscription or pending request; `readAt` is
    /// when the bytes carrying it were read from the socket.
    func deliver(_ frame: MessageFrame, readAt: NIODeadline) {
        enum Outcome {
            case reply(String)
            case yield(AsyncStream<NATSMessage>.Continuation, finish: Bool)
            case handle(MessageHandler, ended: EventLoopPromise<Void>?)
            case slow(subject: String, dropped: Int)
            case drop
        }
        let outcome = state.withLockedValue { state -> Outcome in
            if frame.sid == state.inboxSID {
                let prefix = inboxBase + "."
                guard frame.subject.hasPrefix(prefix) else { return .drop }
                return .reply(String(frame.subject.dropFirst(prefix.count)))
            }
            // Mutated in place through the index: one hash lookup and no copy of the record per message.
            guard let index = state.subscriptions.index(forKey: frame.sid) else { return .drop }
            let sink = state.subscriptions.values[index].sink
            if case .stream(_, let pending) = sink,
               !pending.tryAdd(bytes: frame.payload.readableBytes, limits: configuration.pendingLimits) {
                let becameSlow = !state.subscriptions.values[index].isSlow
                state.subscriptions.values[index].isSlow = true
                return becameSlow ? .slow(subject: state.subscriptions.values[index].subject, dropped: pending.dropped) : .drop
            }
            state.subscriptions.values[index].isSlow = false
            state.subscriptions.values[index].delivered += 1
            var finish = false
            if let max = state.subscriptions.values[index].maxMessages, state.subscriptions.values[index].delivered >= max {
                state.subscriptions.remove(at: index)
                finish = true
            }
            switch sink {
            case .stream(let continuation, _): return .yield(continuation, finish: finish)
            case .handler(let handler, let ended): return .handle(handler, ended: finish ? ended : nil)
            }
        }
        switch outcome {
        case .reply(let token):
            if frame.headers?.statusCode == 503 {
                completeRequest(token: token, with: .failure(
                    NATSClientError(.noResponders, "no responders on the request subject")))
            } else {
                completeRequest(token: token, with: .success(NATSMessage(frame)))
            }
        case .yield(let continuation, let finish):
            continuation.yield(NATSMessage(frame))
            if finish { continuation.finish() }
        case .handle(let handler, let ended):
            handler(NATSMessage(frame), readAt)
            ended?.succeed()
        case .slow(let subject, let dropped):
            logger.info("NATS slow consumer: dropping messages", metadata: [
                "nats.subject": "\(subject)", "nats.sid": "\(frame.sid)",
            ])
            emit(.slowConsumer(subject: subject, sid: frame.sid, dropped: dropped))
        case .drop:
            break
        }
    }

    func infoUpdated(_ info: ServerInfo, channelID: UInt64) {
        let server = state.withLockedValue { state -> ServerAddress? in
            guard state.channelID == channelID else {
                // An INFO that arrived between the handshake and adopt(): keep it for adopt().
                if channelID > state.channelID { state.earlyInfo = (channelID, info) }
                return nil
            }
            state.serverInfo = info
            state.pool.addDiscovered(info.connectURLs ?? [])
            return state.server
        }
        if info.lameDuckMode == true, let server {
            logger.info("NATS server entered lame-duck mode", metadata: ["nats.server": "\(server)"])
            emit(.lameDuckMode(server: "\(server)"))
        }
    }
}
