import Logging
import NIOCore

extension NATSConnection {
    /// Routes a MSG/HMSG (on the event loop) to its subscription or pending request; `readAt` is
    /// when the bytes carrying it were read from the socket.
    func deliver(_ frame: MessageFrame, readAt: NIODeadline) {
        switch state.withLockedValue({ $0.machine.messageArrived(frame) }) {
        case .handle(let handler, let ended):
            handler(NATSMessage(frame), readAt)
            ended?.succeed()
        case .yield(let continuation, let finish):
            continuation.yield(NATSMessage(frame))
            if finish { continuation.finish() }
        case .reply(let reply):
            reply.succeed(NATSMessage(frame))
        case .noResponders(let reply):
            reply.fail(NATSClientError(.noResponders, "no responders on the request subject"))
        case .slowConsumer(let subject, let dropped):
            logger.info("NATS slow consumer: dropping messages", metadata: [
                "nats.subject": "\(subject)", "nats.sid": "\(frame.sid)",
            ])
            emit(.slowConsumer(subject: subject, sid: frame.sid, dropped: dropped))
        case .drop:
            break
        }
    }

    func infoUpdated(_ info: ServerInfo, channelID: UInt64) {
        guard let server = state.withLockedValue({ $0.machine.infoUpdated(info, channelID: channelID) }) else { return }
        logger.info("NATS server entered lame-duck mode", metadata: ["nats.server": "\(server)"])
        emit(.lameDuckMode(server: "\(server)"))
    }
}
