import Foundation

/// NATS connection types, spelled as nats-server expects them in a user JWT.
public enum ConnectionType: String, Sendable, Hashable, CaseIterable, Comparable {
    case standard = "STANDARD"
    case websocket = "WEBSOCKET"
    case mqtt = "MQTT"
    case mqttWebsocket = "MQTT_WS"
    case leafnode = "LEAFNODE"
    case leafnodeWebsocket = "LEAFNODE_WS"
    case inProcess = "IN_PROCESS"

    public static func < (lhs: ConnectionType, rhs: ConnectionType) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The connection types a request's `client_info` `kind`/`type` may stand for.
    ///
    /// The request does not tell websocket leafnodes or MQTT over websocket apart, so both
    /// variants are candidates; an unknown kind yields no candidate (bindings that restrict
    /// connection types then do not apply: fail closed).
    public static func candidates(kind: String?, type: String?) -> Set<ConnectionType> {
        switch (kind?.lowercased(), type?.lowercased()) {
        case ("client", "nats"), ("client", nil), (nil, "nats"): return [.standard]
        case ("client", "websocket"), (nil, "websocket"): return [.websocket]
        case ("client", "mqtt"), (nil, "mqtt"): return [.mqtt, .mqttWebsocket]
        case ("leafnode", _): return [.leafnode, .leafnodeWebsocket]
        default: return []
        }
    }
}
