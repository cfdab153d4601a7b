import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

extension NATSConnection {
    // MARK: - Connecting

    /// Runs the machine's dial actions: each server once, or with `reconnect.retryOnFailedConnect`
    /// in rounds with the reconnect backoff, until a server accepts us or none is left.
    func connectInitially() async throws {
        var lastError: any Error = NATSClientError(.noServersAvailable, "no servers to try")
        var action = state.withLockedValue { $0.machine.connectRequested() }
        dialing: while true {
            switch action {
            case .dial(let address, let channelID):
                do {
                    let (channel, info) = try await establish(address, channelID: channelID)
                    if adopt(channel, info: info, channelID: channelID) { return }
                    lastError = NATSClientError(.connectionClosed, "the connection was closed while connecting")
                    break dialing
                } catch {
                    logger.debug("NATS connect failed", metadata: ["nats.server": "\(address)", "nats.error": "\(error)"])
                    lastError = error
                    action = state.withLockedValue {
                        $0.machine.dialFailed(channelID: channelID, randomFraction: Double.random(in: 0...1))
                    }
                }
            case .scheduleReconnect(let delay):
                do {
                    try await clock.sleep(for: delay)
                } catch {
                    lastError = error
                    break dialing
                }
                action = state.withLockedValue { $0.machine.reconnectWaitElapsed() }
            case .giveUp, .stop:
                break dialing
            }
        }
        await shutDown(reason: lastError as? NATSClientError
            ?? NATSClientError(.connectionFailed, "could not connect to any server"))
        throw lastError
    }

    /// Opens channel `channelID` to `address` and completes the NATS handshake on it.
    func establish(_ address: ServerAddress, channelID id: UInt64) async throws -> (any Channel, ServerInfo) {
        let eventLoop = eventLoopGroup.next()
        let connected = eventLoop.makePromise(of: ServerInfo.self)
        let tlsMode: ConnectionStateMachine.TLSMode = switch configuration.tls {
        case .disable: address.wantsTLS ? .required : .disabled
        case .require: .required
        case .handshakeFirst: .handshakeFirst
        }
        let isIPAddress = address.host.contains(":") || address.host.allSatisfy { $0.isNumber || $0 == "." }
        let tls = tlsContext.map {
            NATSChannelHandler.TLSSettings(context: $0, serverHostname: isIPAddress ? nil : address.host)
        }
        let callbacks = makeCallbacks(channelID: id, address: address)
        let configuration = self.configuration
        var logger = self.logger
        logger[metadataKey: "nats.server"] = "\(address)"
        let handlerLogger = logger
        let initialize: @Sendable (any Channel) -> EventLoopFuture<Void> = { channel in
            channel.eventLoop.makeCompletedFuture {
                if tlsMode == .handshakeFirst, let tls {
                    let ssl = try NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverHostname)
                    try channel.pipeline.syncOperations.addHandler(ssl)
                }
                let handler = NATSChannelHandler(
                    tlsMode: tlsMode, tls: tls,
                    pingInterval: TimeAmount(configuration.pingInterval),
                    maxPingsOutstanding: configuration.maxPingsOutstanding,
                    connectTimeout: TimeAmount(configuration.connectTimeout),
                    callbacks: callbacks, connectPromise: connected, logger: handlerLogger
                )
                try channel.pipeline.syncOperations.addHandler(handler)
            }
        }
        let channel: any Channel
        do {
            if let channelFactory {
                channel = try await channelFactory(address, eventLoop, initialize)
            } else {
                channel = try await ClientBootstrap(group: eventLoop)
                    .connectTimeout(TimeAmount(configuration.connectTimeout))
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .channelInitializer(initialize)
                    .connect(host: address.host, port: address.port).get()
            }
        } catch {
            connected.fail(error)
            throw NATSClientError(.connectionFailed, "cannot reach \(address): \(error)")
        }
        do {
            let info = try await connected.futureResult.get()
            return (channel, info)
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    private func makeCallbacks(channelID: UInt64, address: ServerAddress) -> NATSChannelCallbacks {
        NATSChannelCallbacks(
            makeConnectOptions: { [weak self] info in
                guard let self else { throw NATSClientError(.connectionClosed, "connection released") }
                return try self.makeConnectOptions(info: info, address: address)
            },
            deliver: { [weak self] frame, readAt in self?.deliver(frame, readAt: readAt) },
            infoUpdated: { [weak self] info in self?.infoUpdated(info, channelID: channelID) },
            serverError: { [weak self] error in
                self?.logger.info("NATS server error", metadata: ["nats.error": "\(error.message)"])
                self?.emit(.serverError(message: error.message))
            },
            closed: { [weak self] error in self?.channelClosed(id: channelID, error: error) }
        )
    }

    /// Feeds a handshaken channel to the machine and writes what it must send first.
    /// Returns false when the connection was closed meanwhile.
    func adopt(_ channel: any Channel, info: ServerInfo, channelID: UInt64) -> Bool {
        let outbox = PublishOutbox(channel: channel)
        let action = state.withLockedValue { state in
            let action = state.machine.dialSucceeded(outbox, info: info, channelID: channelID)
            // Queued before the lock is released, so no new publish can overtake the
            // resubscriptions and buffered publishes (queueing only enqueues a task on the loop).
            if case .adopted(let operations, _, _, _) = action, !operations.isEmpty {
                channel.enqueueWrite(.operations(operations))
            }
            return action
        }
        switch action {
        case .closeChannel:
            channel.close(promise: nil)
            return false
        case .adopted(_, let address, let info, let isReconnect):
            logger.debug(isReconnect ? "NATS reconnected" : "NATS connected", metadata: [
                "nats.server": "\(address)", "nats.server_id": "\(info.serverID)",
            ])
            emit(isReconnect ? .reconnected(server: "\(address)") : .connected(server: "\(address)"))
            if info.lameDuckMode == true { emit(.lameDuckMode(server: "\(address)")) }
            // The channel may have closed before it became current; its close callback was ignored then.
            if !channel.isActive {
                channelClosed(id: channelID, error: NATSClientError(.connectionClosed, "the server closed the connection"))
            }
            return true
        }
    }

    func makeConnectOptions(info: ServerInfo, address: ServerAddress) throws -> ConnectOptions {
        var options = ConnectOptions()
        options.name = configuration.name
        options.echo = configuration.echo
        options.headers = info.headers == true
        options.noResponders = info.headers == true
        options.tlsRequired = tlsContext != nil && (address.wantsTLS || {
            if case .disable = configuration.tls { return false } else { return true }
        }())
        func signature(_ sign: NATSConfiguration.NonceSigner) throws -> String {
            guard let nonce = info.nonce else {
                throw NATSClientError(.invalidCredentials, "the server sent no nonce to sign")
            }
            let signature: [UInt8]
            do {
                signature = try sign(Array(nonce.utf8))
            } catch {
                throw NATSClientError(.invalidCredentials, "signing the server nonce failed")
            }
            return Data(signature).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        switch configuration.authentication {
        case .none:
            if let user = address.user {
                if let password = address.password {
                    options.user = user
                    options.password = password
                } else {
                    options.authToken = user
                }
            }
        case .userPassword(let user, let password):
            options.user = user
            options.password = password
        case .token(let token):
            options.authToken = token
        case .nkey(let publicKey, let signNonce):
            options.nkey = publicKey
            options.signature = try signature(signNonce)
        case .credentials(let jwt, let signNonce):
            options.jwt = jwt
            options.signature = try signature(signNonce)
        }
        return options
    }
}
