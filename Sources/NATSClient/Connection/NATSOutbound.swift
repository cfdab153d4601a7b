/// What ``NATSConnection`` writes into the channel.
enum NATSOutbound: Sendable {
    case operation(ClientOperation)
    /// Several operations written as one buffer (resubscribe after reconnect).
    case operations([ClientOperation])
    /// Send `PING`; the write promise completes when the matching `PONG` arrives.
    case flush
}

extension NATSOutbound {
    /// Room for the encoded bytes, so a reply (about a kilobyte) is written without regrowing the buffer.
    var estimatedSize: Int {
        switch self {
        case .operation(let operation): operation.estimatedSize
        case .operations(let operations): operations.reduce(0) { $0 + $1.estimatedSize }
        case .flush: 8
        }
    }
}
