/// The connection-level state of a ``NATSConnection``: which server it dials, whether it is
/// connected, reconnecting, draining or closed, and what goes out when that changes.
///
/// Pure, like ``ConnectionStateMachine`` one level down: every method is an event (a dial
/// failed, a channel closed, a message arrived, a request timed out …) that returns an action
/// for ``NATSConnection`` to run. It opens no channel, takes no lock and reads no clock; time and
/// randomness come in with the events. `Transport` is whatever the runner writes to (its
/// ``PublishOutbox``); tests use any value.
///
/// Its subscription and request events are in `ClientStateMachine+Subscriptions.swift` and
/// `ClientStateMachine+Requests.swift`.
struct ClientStateMachine<Transport> {
    enum Status: Equatable {
        /// Before the first connection is established.
        case connecting
        case connected
        /// The channel was lost; dialing again.
        case reconnecting
        /// `drain()` is unsubscribing and flushing; no new subscriptions or requests.
        case draining
        case closed
    }

    private(set) var status: Status = .connecting
    /// Where writes go while connected (or draining); nil while no channel is current.
    private(set) var transport: Transport?
    /// Identifies the current channel; events about older channels are ignored.
    private(set) var channelID: UInt64 = 0
    private var nextChannelID: UInt64 = 1
    /// The server of the current (or last) channel; a reconnect round starts after it.
    private(set) var server: ServerAddress?
    private(set) var serverInfo: ServerInfo?
    /// Taken from `serverInfo` so a publish checks two plain values instead of copying the INFO.
    private var maxPayload: Int?
    private var serverSupportsHeaders = false
    /// A newer INFO that arrived on a channel that is not current yet.
    private var earlyInfo: (channelID: UInt64, info: ServerInfo)?
    private(set) var pool: ServerPool
    private var dialing: Dialing?
    private var reconnectBuffer: [ClientOperation] = []
    private(set) var reconnectBufferBytes = 0
    /// Why the connection closed by itself; nil after a requested close.
    private(set) var closeReason: NATSClientError?

    // Written only by this type's own extensions (other files, so not `private`).
    var nextSID: UInt64 = 1
    var subscriptions: [UInt64: SubscriptionRecord] = [:]
    var inboxSID: UInt64?
    var nextRequestToken: UInt64 = 1
    var requests: [String: PendingRequest] = [:]

    let reconnect: NATSConfiguration.Reconnect
    let pendingLimits: NATSConfiguration.PendingLimits
    /// `<inboxPrefix>.<random>`: replies to requests arrive on `<inboxBase>.<token>`.
    let inboxBase: String

    /// One pass (or, with retries, several) over the server pool.
    private struct Dialing {
        /// Where the rotation starts: after the server that was lost, or at the first for a connect.
        var after: ServerAddress?
        var retries: Bool
        var order: [ServerAddress] = []
        var position = 0
        var round = 0
    }

    init(servers: [ServerAddress], configuration: NATSConfiguration, inboxBase: String) {
        self.pool = ServerPool(addresses: servers, maxAttemptsPerServer: configuration.reconnect.maxAttemptsPerServer)
        self.reconnect = configuration.reconnect
        self.pendingLimits = configuration.pendingLimits
        self.inboxBase = inboxBase
    }

    /// Connected with a current channel.
    var isConnected: Bool { status == .connected && transport != nil }

    /// Where control writes (SUB, UNSUB, PING) go now: only while connected.
    var connectedTransport: Transport? { status == .connected ? transport : nil }

    // MARK: - Dialing

    /// What to do next about finding a server.
    enum DialAction: Equatable {
        /// Open a channel to this server and complete the handshake; report back with
        /// ``dialSucceeded(_:info:channelID:)`` or ``dialFailed(channelID:randomFraction:)``.
        case dial(ServerAddress, channelID: UInt64)
        /// Every server of the round failed: call ``reconnectWaitElapsed()`` after this long.
        case scheduleReconnect(after: Duration)
        /// No server is left to try: close with this reason.
        case giveUp(NATSClientError)
        /// The connection closed meanwhile (or a channel is current already): stop dialing.
        case stop
    }

    /// `connect` was called: one round over the configured servers, more with
    /// `retryOnFailedConnect`.
    mutating func connectRequested() -> DialAction {
        guard status == .connecting, dialing == nil else { return .stop }
        dialing = Dialing(after: nil, retries: reconnect.isEnabled && reconnect.retryOnFailedConnect)
        return startRound()
    }

    /// The dial announced by `.dial(_, channelID)` failed.
    mutating func dialFailed(channelID: UInt64, randomFraction: Double) -> DialAction {
        guard var dialing, status == .connecting || status == .reconnecting,
              channelID == self.channelID, dialing.position < dialing.order.count
        else { return .stop }
        pool.recordFailure(dialing.order[dialing.position])
        dialing.position += 1
        if dialing.position < dialing.order.count {
            self.dialing = dialing
            return .dial(dialing.order[dialing.position], channelID: allocateChannelID())
        }
        guard dialing.retries else {
            self.dialing = nil
            return .giveUp(NATSClientError(.connectionFailed, "could not connect to any server"))
        }
        let backoff = ReconnectBackoff(reconnect)
        let delay = backoff.delay(afterRound: dialing.round, randomFraction: randomFraction)
        dialing.round += 1
        self.dialing = dialing
        return .scheduleReconnect(after: delay)
    }

    /// The wait from `.scheduleReconnect(after:)` is over: the next round.
    mutating func reconnectWaitElapsed() -> DialAction {
        guard status == .connecting || status == .reconnecting, dialing != nil else { return .stop }
        return startRound()
    }

    private mutating func startRound() -> DialAction {
        guard var dialing else { return .stop }
        dialing.order = pool.roundOrder(after: dialing.after)
        dialing.position = 0
        guard let first = dialing.order.first else {
            self.dialing = nil
            return .giveUp(status == .reconnecting
                ? NATSClientError(.noServersAvailable, "gave up reconnecting: every server failed too often")
                : NATSClientError(.noServersAvailable, "no servers to try"))
        }
        self.dialing = dialing
        return .dial(first, channelID: allocateChannelID())
    }

    private mutating func allocateChannelID() -> UInt64 {
        defer { nextChannelID += 1 }
        channelID = nextChannelID
        return nextChannelID
    }

    /// What to do with a channel that completed its handshake.
    enum AdoptAction: Equatable {
        /// It is current now. Write `operations` (resubscriptions, the request inbox, publishes
        /// buffered while disconnected) before anything else, then report `connected` or
        /// `reconnected` (and lame-duck mode when `info` says so).
        case adopted(operations: [ClientOperation], server: ServerAddress, info: ServerInfo, isReconnect: Bool)
        /// The connection was closed meanwhile: close the channel.
        case closeChannel
    }

    /// The dial announced by `.dial(_, channelID)` completed its handshake with `info`.
    mutating func dialSucceeded(_ transport: Transport, info handshakeInfo: ServerInfo, channelID: UInt64) -> AdoptAction {
        guard status == .connecting || status == .reconnecting, channelID == self.channelID,
              let dialing, dialing.position < dialing.order.count
        else { return .closeChannel }
        let address = dialing.order[dialing.position]
        self.dialing = nil
        let isReconnect = status == .reconnecting
        status = .connected
        self.transport = transport
        server = address
        let info = earlyInfo.flatMap { $0.channelID == channelID ? $0.info : nil } ?? handshakeInfo
        earlyInfo = nil
        adopt(info)
        pool.recordSuccess(address)
        var operations = resubscriptions()
        operations += reconnectBuffer
        reconnectBuffer.removeAll()
        reconnectBufferBytes = 0
        return .adopted(operations: operations, server: address, info: info, isReconnect: isReconnect)
    }

    private mutating func adopt(_ info: ServerInfo) {
        serverInfo = info
        maxPayload = info.maxPayload ?? ServerOperationDecoder.defaultMaxPayload
        serverSupportsHeaders = info.headers == true
        pool.addDiscovered(info.connectURLs ?? [])
    }

    // MARK: - Channel events

    /// A later INFO arrived on channel `channelID`. Returns the server when it announced lame-duck mode.
    mutating func infoUpdated(_ info: ServerInfo, channelID: UInt64) -> ServerAddress? {
        guard channelID == self.channelID, transport != nil else {
            // Arrived between the handshake and dialSucceeded: keep it for then.
            if channelID >= self.channelID, status == .connecting || status == .reconnecting {
                earlyInfo = (channelID, info)
            }
            return nil
        }
        adopt(info)
        return info.lameDuckMode == true ? server : nil
    }

    /// What losing a channel means.
    enum ConnectionLostAction: Equatable {
        /// Not the current channel, or nothing to do (closing, draining).
        case ignore
        /// Report the disconnect, then run the dial action (`.giveUp` when no server is left).
        case reconnect(DialAction)
        /// Reconnecting is disabled: report the disconnect and close.
        case giveUp
    }

    /// Channel `channelID` closed (by the server, a protocol error, staleness or us).
    mutating func connectionLost(channelID: UInt64) -> ConnectionLostAction {
        guard channelID == self.channelID, transport != nil else { return .ignore }
        transport = nil
        switch status {
        case .connecting, .reconnecting, .closed, .draining:
            return .ignore
        case .connected:
            guard reconnect.isEnabled else { return .giveUp }
            status = .reconnecting
            dialing = Dialing(after: server, retries: true)
            return .reconnect(startRound())
        }
    }

    // MARK: - Publishing

    /// Where one publish goes.
    enum PublishAction {
        /// Write it to the current channel.
        case write(Transport)
        /// Kept for the reconnect; it goes out after the resubscriptions.
        case buffered
    }

    /// A publish of `size` bytes (payload plus headers) was validated by the caller.
    mutating func publish(
        _ operation: ClientOperation, size: Int, hasHeaders: Bool
    ) throws(NATSClientError) -> PublishAction {
        if status == .closed { throw NATSClientError(.connectionClosed, "the connection is closed") }
        if let maxPayload {
            guard size <= maxPayload else {
                throw NATSClientError(.maxPayloadExceeded, "message of \(size) bytes exceeds max_payload \(maxPayload)")
            }
            if hasHeaders, !serverSupportsHeaders {
                throw NATSClientError(.headersNotSupported, "the server does not support headers")
            }
        }
        if let transport, status != .reconnecting { return .write(transport) }
        guard reconnectBufferBytes + size <= reconnect.bufferSize else {
            throw NATSClientError(.reconnectBufferFull, "reconnect buffer of \(reconnect.bufferSize) bytes is full")
        }
        reconnectBuffer.append(operation)
        reconnectBufferBytes += size
        return .buffered
    }

    /// Where a flush (`PING`) goes: the current channel while connected or draining.
    func flushRequested() throws(NATSClientError) -> Transport {
        guard status != .closed else { throw NATSClientError(.connectionClosed, "the connection is closed") }
        guard status == .connected || status == .draining, let transport else {
            throw NATSClientError(.connectionClosed, "not connected (reconnecting)")
        }
        return transport
    }

    // MARK: - Draining and closing

    /// The first step of a drain.
    enum DrainAction {
        /// Write these UNSUBs to `transport`, then flush (PING/PONG) so every message routed
        /// before them arrives, then call ``drainFlushed()``.
        case unsubscribeAndFlush([ClientOperation], Transport)
        /// No channel to drain: call ``drainFlushed()`` now.
        case finishDrain
    }

    /// `drain()` was called.
    mutating func drainRequested() -> DrainAction {
        guard status == .connected || status == .reconnecting else { return .finishDrain }
        status = .draining
        guard let transport else { return .finishDrain }
        let operations = subscriptions.keys.sorted().map { ClientOperation.unsubscribe(sid: $0, max: nil) }
        return .unsubscribeAndFlush(operations, transport)
    }

    /// The drain's flush is done (or there was nothing to flush): end every subscription (they
    /// still yield what they buffered), then close.
    mutating func drainFlushed() -> [SubscriptionSink] {
        defer { subscriptions.removeAll() }
        return subscriptions.values.map(\.sink)
    }

    /// What closing takes down.
    struct ShutDownAction {
        /// Close it (nil when no channel is current).
        var transport: Transport?
        /// End these subscriptions.
        var sinks: [SubscriptionSink]
        /// Fail these requests.
        var requests: [PendingRequest]
    }

    /// Close for good; `reason` is nil for a requested close. Nil when already closed.
    mutating func closeRequested(reason: NATSClientError?) -> ShutDownAction? {
        guard status != .closed else { return nil }
        status = .closed
        closeReason = reason
        defer {
            transport = nil
            dialing = nil
            subscriptions.removeAll()
            requests.removeAll()
            reconnectBuffer.removeAll()
            reconnectBufferBytes = 0
        }
        return ShutDownAction(
            transport: transport, sinks: subscriptions.values.map(\.sink), requests: Array(requests.values)
        )
    }
}

extension ClientStateMachine.PublishAction: Equatable where Transport: Equatable {}
extension ClientStateMachine.DrainAction: Equatable where Transport: Equatable {}
extension ClientStateMachine: Sendable where Transport: Sendable {}
