import JSON

/// Hand-written readers mirroring the Codable `init(from:)`s of the request types member by
/// member: same defaults for absent or null members, unmodelled members skipped (nested types)
/// or kept as `JSONValue` (the `nats` section), anything doubtful left to Codable. Members are
/// matched through the same `Field` / `CodingKeys` the Codable conformances use.
extension NATSAuthorizationRequest: FastDecodablePayload {
    static func read(from reader: inout JSONReader) throws(JSONDecodingError) -> Self {
        var serverID: ServerID?, userNKey: String?
        var clientInfo = ClientInformation(), connectOptions = ConnectOptions(), clientTLS: ClientTLS?
        var requestNonce: String?, tags: [String] = [], type = "", version = 0
        var unknown: [String: JSONValue] = [:]
        try reader.readObject { reader, member throws(JSONDecodingError) in
            guard let field = Field(member: member) else {
                unknown[String(decoding: member, as: UTF8.self)] = try reader.readClaimValue()
                return
            }
            switch field {
            case .serverID:
                // Required (`decode`): null is an error, left to Codable.
                guard try !reader.readNull() else { throw reader.failure("server_id is null") }
                serverID = try ServerID.read(from: &reader)
            case .userNKey: userNKey = try reader.readString()
            case .clientInfo:
                clientInfo = try reader.readNull() ? ClientInformation() : ClientInformation.read(from: &reader)
            case .connectOptions:
                connectOptions = try reader.readNull() ? ConnectOptions() : ConnectOptions.read(from: &reader)
            case .clientTLS: clientTLS = try reader.readNull() ? nil : ClientTLS.read(from: &reader)
            case .requestNonce: requestNonce = try reader.readOptionalString()
            case .tags: tags = try reader.readOptionalStringArray() ?? []
            case .type: type = try reader.readOptionalString() ?? ""
            case .version: version = try reader.readOptionalInteger() ?? 0
            }
        }
        guard let serverID, let userNKey else { throw reader.failure("server_id or user_nkey is missing") }
        return NATSAuthorizationRequest(
            serverID: serverID, userNKey: userNKey, clientInfo: clientInfo, connectOptions: connectOptions,
            clientTLS: clientTLS, requestNonce: requestNonce, tags: tags, type: type, version: version,
            unknownFields: unknown)
    }
}

extension ServerID {
    static func read(from reader: inout JSONReader) throws(JSONDecodingError) -> ServerID {
        var id = ServerID(name: "", host: "", id: "")
        try reader.readObject { reader, member throws(JSONDecodingError) in
            switch CodingKeys(member: member) {
            case .name: id.name = try reader.readOptionalString() ?? ""
            case .host: id.host = try reader.readOptionalString() ?? ""
            case .id: id.id = try reader.readOptionalString() ?? ""
            case .version: id.version = try reader.readOptionalString()
            case .cluster: id.cluster = try reader.readOptionalString()
            case .tags: id.tags = try reader.readOptionalStringArray()
            case .xkey: id.xkey = try reader.readOptionalString()
            case nil: try reader.skipValue()
            }
        }
        return id
    }
}

extension ClientInformation {
    static func read(from reader: inout JSONReader) throws(JSONDecodingError) -> ClientInformation {
        var info = ClientInformation()
        try reader.readObject { reader, member throws(JSONDecodingError) in
            switch CodingKeys(member: member) {
            case .host: info.host = try reader.readOptionalString()
            case .id: info.id = try reader.readOptionalInteger()
            case .user: info.user = try reader.readOptionalString()
            case .name: info.name = try reader.readOptionalString()
            case .tags: info.tags = try reader.readOptionalStringArray()
            case .nameTag: info.nameTag = try reader.readOptionalString()
            case .kind: info.kind = try reader.readOptionalString()
            case .type: info.type = try reader.readOptionalString()
            case .mqttID: info.mqttID = try reader.readOptionalString()
            case .nonce: info.nonce = try reader.readOptionalString()
            case nil: try reader.skipValue()
            }
        }
        return info
    }
}

extension ConnectOptions {
    static func read(from reader: inout JSONReader) throws(JSONDecodingError) -> ConnectOptions {
        var options = ConnectOptions()
        try reader.readObject { reader, member throws(JSONDecodingError) in
            switch CodingKeys(member: member) {
            case .jwt: options.jwt = try reader.readOptionalString()
            case .nkey: options.nkey = try reader.readOptionalString()
            case .signedNonce: options.signedNonce = try reader.readOptionalString()
            case .authToken: options.authToken = try reader.readOptionalString()
            case .username: options.username = try reader.readOptionalString()
            case .password: options.password = try reader.readOptionalString()
            case .name: options.name = try reader.readOptionalString()
            case .lang: options.lang = try reader.readOptionalString()
            case .version: options.version = try reader.readOptionalString()
            case .protocol: options.protocol = try reader.readOptionalInteger() ?? 0
            case nil: try reader.skipValue()
            }
        }
        return options
    }
}

extension ClientTLS {
    static func read(from reader: inout JSONReader) throws(JSONDecodingError) -> ClientTLS {
        var tls = ClientTLS()
        try reader.readObject { reader, member throws(JSONDecodingError) in
            switch CodingKeys(member: member) {
            case .version: tls.version = try reader.readOptionalString()
            case .cipher: tls.cipher = try reader.readOptionalString()
            case .certs: tls.certs = try reader.readOptionalStringArray()
            case .verifiedChains:
                if try reader.readNull() {
                    tls.verifiedChains = nil
                } else {
                    var chains: [[String]] = []
                    try reader.readArray { reader throws(JSONDecodingError) in
                        chains.append(try reader.readStringArray())
                    }
                    tls.verifiedChains = chains
                }
            case nil: try reader.skipValue()
            }
        }
        return tls
    }
}
