import Logging
import NIOCore
import NIOSSL
import NIOTLS

extension ClientOperation {
    var estimatedSize: Int {
        switch self {
        case .publish(let subject, let replyTo, let headers, let payload):
            // The control line's fixed parts and numbers fit in 64 bytes.
            64 + subject.utf8.count + (replyTo?.utf8.count ?? 0) + (headers?.encodedLength ?? 0) + payload.readableBytes
        default: 256
        }
    }
}

/// Runs the actions of a ``ConnectionStateMachine`` on one channel: decodes server operations,
/// encodes client operations, upgrades to TLS, and keeps the connection alive with PINGs.
///
/// All state is confined to the channel's event loop, so it needs no locks.
final class NATSChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = NATSOutbound
    typealias OutboundOut = ByteBuffer

    struct TLSSettings {
        var context: NIOSSLContext
        var serverHostname: String?
    }

    private var stateMachine: ConnectionStateMachine
    private var decoder = ServerOperationDecoder()
    private let encoder = ClientOperationEncoder()
    private var inbound: ByteBuffer?
    /// One entry per PING in flight after the handshake: a flush promise, or nil for keep-alive.
    private var pongWaiters = CircularBuffer<EventLoopPromise<Void>?>()
    private var pingTask: RepeatedTask?
    private var connectTimeoutTask: Scheduled<Void>?
    private var closeError: NATSClientError?
    private var context: ChannelHandlerContext?
    /// When the read being decoded came off the socket (each message delivered from it carries it).
    private var readAt = NIODeadline.uptimeNanoseconds(0)

    private let tls: TLSSettings?
    private let pingInterval: TimeAmount
    private let connectTimeout: TimeAmount
    private let callbacks: NATSChannelCallbacks
    private let connectPromise: EventLoopPromise<ServerInfo>
    private let logger: Logger

    init(
        tlsMode: ConnectionStateMachine.TLSMode,
        tls: TLSSettings?,
        pingInterval: TimeAmount,
        maxPingsOutstanding: Int,
        connectTimeout: TimeAmount,
        callbacks: NATSChannelCallbacks,
        connectPromise: EventLoopPromise<ServerInfo>,
        logger: Logger
    ) {
        self.stateMachine = ConnectionStateMachine(tlsMode: tlsMode, maxPingsOutstanding: maxPingsOutstanding)
        self.tls = tls
        self.pingInterval = pingInterval
        self.connectTimeout = connectTimeout
        self.callbacks = callbacks
        self.connectPromise = connectPromise
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        connectTimeoutTask = context.eventLoop.scheduleTask(in: connectTimeout) {
            let handler = loopBound.value
            handler.run(handler.stateMachine.connectTimeoutFired())
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        readAt = .now()
        var buffer: ByteBuffer
        if var pending = inbound, pending.readableBytes > 0 {
            inbound = nil  // drop the second reference so the append does not copy
            pending.writeBuffer(&incoming)
            buffer = pending
        } else {
            inbound = nil
            buffer = incoming
        }
        do {
            while let operation = try decoder.decode(buffer: &buffer) {
                if case .info(let info) = operation, let maxPayload = info.maxPayload {
                    decoder.maxPayload = max(maxPayload, 0)
                }
                run(stateMachine.received(operation))
            }
        } catch {
            logger.debug("NATS protocol error", metadata: ["nats.error": "\(error)"])
            run(stateMachine.errorCaught(error))
            return
        }
        if buffer.readableBytes > 0 {
            if buffer.readerIndex > 64 * 1024 { buffer.discardReadBytes() }
            inbound = buffer
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            run(stateMachine.tlsHandshakeCompleted())
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("NATS channel error", metadata: ["nats.error": "\(error)"])
        run(stateMachine.errorCaught(error))
    }

    func channelInactive(context: ChannelHandlerContext) {
        stateMachine.channelInactive()
        pingTask?.cancel()
        connectTimeoutTask?.cancel()
        let error = closeError ?? NATSClientError(.connectionClosed, "the server closed the connection")
        connectPromise.fail(error)
        while let waiter = pongWaiters.popFirst() {
            waiter?.fail(error)
        }
        callbacks.closed(closeError)
        context.fireChannelInactive()
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard stateMachine.isConnected else {
            promise?.fail(NATSClientError(.connectionClosed, "the connection is not established"))
            return
        }
        let outbound = unwrapOutboundIn(data)
        var buffer = context.channel.allocator.buffer(capacity: outbound.estimatedSize)
        do {
            switch outbound {
            case .operation(let operation):
                try encoder.encode(data: operation, out: &buffer)
                context.write(wrapOutboundOut(buffer), promise: promise)
            case .operations(let operations):
                for operation in operations { try encoder.encode(data: operation, out: &buffer) }
                context.write(wrapOutboundOut(buffer), promise: promise)
            case .flush:
                try encoder.encode(data: .ping, out: &buffer)
                pongWaiters.append(promise ?? context.eventLoop.makePromise())
                context.write(wrapOutboundOut(buffer), promise: nil)
            }
        } catch {
            promise?.fail(error)
        }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode == .all, case .close = stateMachine.closeRequested() {
            logger.trace("closing NATS channel on request")
        }
        context.close(mode: mode, promise: promise)
    }

    // MARK: Actions

    private func run(_ action: ConnectionStateMachine.Action) {
        guard let context else { return }
        switch action {
        case .none:
            break
        case .startTLS(let info):
            startTLS(context: context, info: info)
        case .sendConnect(let info):
            do {
                let options = try callbacks.makeConnectOptions(info)
                var buffer = context.channel.allocator.buffer(capacity: 512)
                try encoder.encode(data: .connect(options), out: &buffer)
                try encoder.encode(data: .ping, out: &buffer)
                context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            } catch {
                let reason = (error as? NATSClientError)?.reason ?? "could not build CONNECT"
                run(.close(NATSClientError(.invalidCredentials, reason)))
            }
        case .connected(let info):
            connectTimeoutTask?.cancel()
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            pingTask = context.eventLoop.scheduleRepeatedTask(initialDelay: pingInterval, delay: pingInterval) { _ in
                let handler = loopBound.value
                handler.run(handler.stateMachine.pingTimerFired())
            }
            connectPromise.succeed(info)
        case .sendPing:
            pongWaiters.append(nil)
            writeAndFlush(.ping, context: context)
        case .sendPong:
            writeAndFlush(.pong, context: context)
        case .pongReceived:
            if let waiter = pongWaiters.popFirst() { waiter?.succeed() }
        case .deliver(let frame):
            callbacks.deliver(frame, readAt)
        case .infoUpdated(let info):
            callbacks.infoUpdated(info)
        case .reportServerError(let error):
            callbacks.serverError(error)
        case .close(let error):
            closeError = error
            if let error { logger.debug("closing NATS channel", metadata: ["nats.reason": "\(error)"]) }
            context.close(promise: nil)
        }
    }

    private func writeAndFlush(_ operation: ClientOperation, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 16)
        try? encoder.encode(data: operation, out: &buffer)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    private func startTLS(context: ChannelHandlerContext, info: ServerInfo) {
        guard let tls else {
            run(.close(NATSClientError(.tlsRequired, "TLS is required but no TLS configuration was given")))
            return
        }
        do {
            let sslHandler = try NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverHostname)
            try context.pipeline.syncOperations.addHandler(sslHandler, position: .before(self))
        } catch {
            run(.close(NATSClientError(.connectionFailed, "could not start TLS: \(error)")))
        }
    }
}
