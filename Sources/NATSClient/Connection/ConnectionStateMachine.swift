/// The protocol state of one TCP/TLS connection to one server: handshake, keep-alive and errors.
///
/// Pure: events go in, an ``Action`` comes out, and ``NATSChannelHandler`` runs it. Reconnecting
/// across servers is the job of ``NATSConnection``; a new channel gets a new state machine.
struct ConnectionStateMachine {
    enum TLSMode: Equatable {
        case disabled
        /// Upgrade after the plaintext `INFO` (the classic NATS way).
        case required
        /// TLS was negotiated before any protocol byte; `INFO` arrives encrypted.
        case handshakeFirst
    }

    enum State: Equatable {
        case waitingForInfo
        case upgradingTLS(ServerInfo)
        /// `CONNECT` and `PING` are sent; the `PONG` (or an `-ERR`) decides.
        case authenticating(ServerInfo)
        case connected(ServerInfo)
        case closing
        case closed
    }

    enum Action: Equatable {
        case none
        case startTLS(ServerInfo)
        /// Send `CONNECT` (built from the info) followed by `PING`.
        case sendConnect(ServerInfo)
        /// The handshake is done: report success and start the keep-alive timer.
        case connected(ServerInfo)
        case sendPing
        case sendPong
        /// A `PONG` answered a keep-alive or flush `PING`.
        case pongReceived
        case deliver(MessageFrame)
        /// A later `INFO` (new cluster members, lame-duck mode).
        case infoUpdated(ServerInfo)
        /// An `-ERR` the server does not close the connection for.
        case reportServerError(ServerErrorMessage)
        /// Close the channel; the error says why (nil for a requested close).
        case close(NATSClientError?)
    }

    private(set) var state: State = .waitingForInfo
    private(set) var outstandingPings = 0
    let tlsMode: TLSMode
    let maxPingsOutstanding: Int

    init(tlsMode: TLSMode, maxPingsOutstanding: Int) {
        self.tlsMode = tlsMode
        self.maxPingsOutstanding = max(1, maxPingsOutstanding)
    }

    mutating func received(_ operation: ServerOperation) -> Action {
        switch (state, operation) {
        case (.closing, _), (.closed, _):
            return .none
        case (_, .ping):
            return .sendPong
        case (.waitingForInfo, .info(let info)):
            return receivedFirstInfo(info)
        case (.waitingForInfo, _), (.upgradingTLS, _):
            return closeWith(.connectionFailed, "server sent something other than INFO before the handshake")
        case (.authenticating(let info), .pong):
            state = .connected(info)
            return .connected(info)
        case (.authenticating, .error(let error)):
            let code: NATSClientError.Code = switch error.kind {
            case .authorizationViolation, .authenticationExpired, .authenticationTimeout: .authenticationFailed
            default: .serverError
            }
            return closeWith(code, "server refused CONNECT: \(error.message)")
        case (.authenticating(let old), .info(let info)):
            state = .authenticating(Self.merge(old, info))
            return .none
        case (.authenticating, .ok), (.connected, .ok):
            return .none
        case (.authenticating, .message):
            return closeWith(.connectionFailed, "server sent a message before the handshake completed")
        case (.connected, .pong):
            outstandingPings = 0
            return .pongReceived
        case (.connected(let old), .info(let info)):
            let merged = Self.merge(old, info)
            state = .connected(merged)
            return .infoUpdated(merged)
        case (.connected, .message(let frame)):
            return .deliver(frame)
        case (.connected, .error(let error)):
            if error.keepsConnectionOpen { return .reportServerError(error) }
            let code: NATSClientError.Code = error.kind == .staleConnection ? .staleConnection
                : error.kind == .authenticationExpired || error.kind == .authorizationViolation ? .authenticationFailed
                : .serverError
            return closeWith(code, "server error: \(error.message)")
        }
    }

    private mutating func receivedFirstInfo(_ info: ServerInfo) -> Action {
        switch tlsMode {
        case .disabled:
            if info.tlsRequired == true {
                return closeWith(.tlsRequired, "server requires TLS but TLS is disabled in the configuration")
            }
            state = .authenticating(info)
            return .sendConnect(info)
        case .required:
            guard info.tlsRequired == true || info.tlsAvailable == true else {
                return closeWith(.tlsRequired, "TLS is required by the configuration but the server does not offer it")
            }
            state = .upgradingTLS(info)
            return .startTLS(info)
        case .handshakeFirst:
            state = .authenticating(info)
            return .sendConnect(info)
        }
    }

    mutating func tlsHandshakeCompleted() -> Action {
        guard case .upgradingTLS(let info) = state else { return .none }
        state = .authenticating(info)
        return .sendConnect(info)
    }

    /// The keep-alive timer fired: ping, or give up when too many pings went unanswered.
    mutating func pingTimerFired() -> Action {
        guard case .connected = state else { return .none }
        if outstandingPings >= maxPingsOutstanding {
            return closeWith(.staleConnection, "\(outstandingPings) PINGs without a PONG")
        }
        outstandingPings += 1
        return .sendPing
    }

    /// The handshake did not finish in time.
    mutating func connectTimeoutFired() -> Action {
        switch state {
        case .waitingForInfo, .upgradingTLS, .authenticating:
            return closeWith(.connectTimeout, "no completed handshake within the connect timeout")
        case .connected, .closing, .closed:
            return .none
        }
    }

    mutating func errorCaught(_ error: any Error) -> Action {
        switch state {
        case .closing, .closed:
            return .none
        default:
            if let error = error as? NATSProtocolError {
                return closeWith(.connectionFailed, error.description)
            }
            return closeWith(.connectionFailed, "channel error: \(String(describing: type(of: error)))")
        }
    }

    mutating func closeRequested() -> Action {
        switch state {
        case .closing, .closed: return .none
        default:
            state = .closing
            return .close(nil)
        }
    }

    mutating func channelInactive() {
        state = .closed
    }

    var isConnected: Bool {
        if case .connected = state { return true }
        return false
    }

    private mutating func closeWith(_ code: NATSClientError.Code, _ reason: String) -> Action {
        state = .closing
        return .close(NATSClientError(code, reason))
    }

    /// Later `INFO`s may omit fields; keep what we knew.
    static func merge(_ old: ServerInfo, _ new: ServerInfo) -> ServerInfo {
        var merged = new
        merged.maxPayload = new.maxPayload ?? old.maxPayload
        merged.headers = new.headers ?? old.headers
        merged.nonce = new.nonce ?? old.nonce
        merged.connectURLs = new.connectURLs ?? old.connectURLs
        return merged
    }
}
