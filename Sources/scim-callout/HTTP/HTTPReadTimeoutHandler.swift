import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client is too slow to send a request head or body
/// (``HTTPReadDeadlines``), so slow senders cannot hold the listener's connections.
///
/// Sits after Hummingbird's HTTP/1 decoder (`HTTP1Channel.Configuration.additionalChannelHandlers`):
/// it sees decoded heads and ends, and each socket read as `channelReadComplete` even when the
/// read finished no part, which is how the first byte of a later request is noticed. It runs
/// on its channel's event loop only and keeps one timer.
final class HTTPReadTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var deadlines: HTTPReadDeadlines
    private let onTimeout: @Sendable (HTTPReadDeadlines.Phase) -> Void
    private var timer: Scheduled<Void>?

    /// - Parameter onTimeout: called once for each connection closed, with the late part.
    init(deadlines: HTTPReadDeadlines, onTimeout: @escaping @Sendable (HTTPReadDeadlines.Phase) -> Void) {
        self.deadlines = deadlines
        self.onTimeout = onTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { run(deadlines.connected(now: .now()), context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        run(deadlines.connected(now: .now()), context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: run(deadlines.headReceived(now: .now()), context: context)
        case .body: break
        case .end: run(deadlines.endReceived(), context: context)
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        run(deadlines.bytesArrived(now: .now()), context: context)
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { run(deadlines.responseEnded(), context: context) }
        context.write(data, promise: promise)
    }

    private func run(_ action: HTTPReadDeadlines.Action, context: ChannelHandlerContext) {
        switch action {
        case .schedule(let deadline):
            timer?.cancel()
            let loop = context.eventLoop.assumeIsolated()
            timer = loop.scheduleTask(deadline: deadline) { [self] in
                timer = nil
                timerFired(context: context)
            }
        case .cancel:
            timer?.cancel()
            timer = nil
        case .none:
            break
        }
    }

    private func timerFired(context: ChannelHandlerContext) {
        switch deadlines.timerFired(now: .now()) {
        case .close(let phase):
            onTimeout(phase)
            context.close(promise: nil)
        case .none:
            break
        }
    }
}

@available(*, unavailable)
extension HTTPReadTimeoutHandler: Sendable {}
