import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

extension NATSConnection {
    // MARK: - Connecting

    /// Tries each server once; with `reconnect.retryOnFailedConnect`, keeps going in rounds with
    /// the reconnect backoff until a server accepts us or every server used up its attempts.
    func connectInitially() async throws {
        let backoff = ReconnectBackoff(configuration.reconnect)
        let retries = configuration.reconnect.isEnabled && configuration.reconnect.retryOnFailedConnect
        var lastError: any Error = NATSClientError(.noServersAvailable, "no servers to try")
        var round = 0
        rounds: while true {
            let order = state.withLockedValue { $0.pool.roundOrder(after: nil) }
            if order.isEmpty { break }
            for address in order {
                do {
                    let (channel, info, id) = try await establish(address)
                    if adopt(channel: channel, info: info, id: id, address: address) { return }
                    lastError = NATSClientError(.connectionClosed, "the connection was closed while connecting")
                    break rounds
                } catch {
                    logger.debug("NATS connect failed", metadata: ["nats.server": "\(address)", "nats.error": "\(error)"])
                    state.withLockedValue { $0.pool.recordFailure(address) }
                    lastError = error
                }
            }
            guard retries else { break }
            do {
                try await clock.sleep(for: backoff.delay(afterRound: round, randomFraction: Double.random(in: 0...1)))
            } catch {
                lastError = error
                break
            }
            round += 1
        }
        await shutDown(reason: lastError as? NATSClientError
            ?? NATSClientError(.connectionFailed, "could not connect to any server"))
        throw lastError
    }

    /// Opens a channel to `address` and completes the NATS handshake on it.
    func establish(_ address: ServerAddress) async throws -> (any Channel, ServerInfo, UInt64) {
        let id = state.withLockedValue { state in
            defer { state.nextChannelID += 1 }
            return state.nextChannelID
        }
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
            return (channel, info, id)
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

    /// Makes a handshaken channel the current one and resends subscriptions and buffered publishes.
    /// Returns false when the connection was closed meanwhile.
    func adopt(channel: any Channel, info handshakeInfo: ServerInfo, id: UInt64, address: ServerAddress) -> Bool {
        let adopted = state.withLockedValue { state -> (info: ServerInfo, isReconnect: Bool)? in
            guard state.status == .connecting || state.status == .reconnecting else { return nil }
            let isReconnect = state.status == .reconnecting
            state.status = .connected
            state.channel = channel
            state.outbox = PublishOutbox(channel: channel)
            state.channelID = id
            state.server = address
            let info = state.earlyInfo.flatMap { $0.channelID == id ? $0.info : nil } ?? handshakeInfo
            state.earlyInfo = nil
            state.serverInfo = info
            state.pool.recordSuccess(address)
            state.pool.addDiscovered(info.connectURLs ?? [])
            var operations: [ClientOperation] = []
            for (sid, record) in state.subscriptions.sorted(by: { $0.key < $1.key }) {
                operations.append(.subscribe(subject: record.subject, queue: record.queue, sid: sid))
                if let max = record.maxMessages { operations.append(.unsubscribe(sid: sid, max: max - record.delivered)) }
            }
            if let sid = state.inboxSID {
                operations.append(.subscribe(subject: "\(inboxBase).*", queue: nil, sid: sid))
            }
            operations += state.reconnectBuffer
            state.reconnectBuffer.removeAll()
            state.reconnectBufferBytes = 0
            // Under the lock, so no new publish can overtake the subscriptions and buffered messages.
            if !operations.isEmpty {
                channel.enqueueWrite(.operations(operations))
            }
            return (info, isReconnect)
        }
        guard let adopted else {
            channel.close(promise: nil)
            return false
        }
        logger.debug(adopted.isReconnect ? "NATS reconnected" : "NATS connected", metadata: [
            "nats.server": "\(address)", "nats.server_id": "\(adopted.info.serverID)",
        ])
        emit(adopted.isReconnect ? .reconnected(server: "\(address)") : .connected(server: "\(address)"))
        if adopted.info.lameDuckMode == true { emit(.lameDuckMode(server: "\(address)")) }
        // The channel may have closed before it became current; its close callback was ignored then.
        if !channel.isActive {
            channelClosed(id: id, error: NATSClientError(.connectionClosed, "the server closed the connection"))
        }
        return true
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
