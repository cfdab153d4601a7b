import JSON

/// Hand-written readers mirroring the Codable `init(from:)`s of the request types member by
/// member: same defaults for absent or null members, unmodelled members skipped (nested types)
/// or kept as `JSONValue` (the `nats` section), anything doubtful left to Codable.
extension NATSAuthorizationRequest: FastDecodablePayload {
    static func read(from reader: inout JSONReader) throws(JSONDecodingError) -> Self {
        var serverID: ServerID?, userNKey: String?
        var clientInfo = ClientInformation(), connectOptions = ConnectOptions(), clientTLS: ClientTLS?
        var requestNonce: String?, tags: [String] = [], type = "", version = 0
        var unknown: [String: JSONValue] = [:]
        try reader.readObject { reader, member throws(JSONDecodingError) in
            if member.is("server_id") {
                // Required (`decode`): null is an error, left to Codable.
                guard try !reader.readNull() else { throw reader.failure("server_id is null") }
                serverID = try ServerID.read(from: &reader)
            } else if member.is("user_nkey") {
                userNKey = try reader.readString()
            } else if member.is("client_info") {
                clientInfo = try reader.readNull() ? ClientInformation() : ClientInformation.read(from: &reader)
            } else if member.is("connect_opts") {
                connectOptions = try reader.readNull() ? ConnectOptions() : ConnectOptions.read(from: &reader)
            } else if member.is("client_tls") {
                clientTLS = try reader.readNull() ? nil : ClientTLS.read(from: &reader)
            } else if member.is("request_nonce") {
                requestNonce = try reader.readOptionalString()
            } else if member.is("tags") {
                tags = try reader.readOptionalStringArray() ?? []
            } else if member.is("type") {
                type = try reader.readOptionalString() ?? ""
            } else if member.is("version") {
                version = try reader.readOptionalInteger() ?? 0
            } else {
                unknown[String(decoding: member, as: UTF8.self)] = try reader.readClaimValue()
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
            if member.is("name") {
                id.name = try reader.readOptionalString() ?? ""
            } else if member.is("host") {
                id.host = try reader.readOptionalString() ?? ""
            } else if member.is("id") {
                id.id = try reader.readOptionalString() ?? ""
            } else if member.is("version") {
                id.version = try reader.readOptionalString()
            } else if member.is("cluster") {
                id.cluster = try reader.readOptionalString()
            } else if member.is("tags") {
                id.tags = try reader.readOptionalStringArray()
            } else if member.is("xkey") {
                id.xkey = try reader.readOptionalString()
            } else {
                try reader.skipValue()
            }
        }
        return id
    }
}

extension ClientInformation {
    static func read(from reader: inout JSONReader) throws(JSONDecodingError) -> ClientInformation {
        var info = ClientInformation()
        try reader.readObject { reader, member throws(JSONDecodingError) in
            if member.is("host") {
                info.host = try reader.readOptionalString()
            } else if member.is("id") {
                info.id = try reader.readOptionalInteger()
            } else if member.is("user") {
                info.user = try reader.readOptionalString()
            } else if member.is("name") {
                info.name = try reader.readOptionalString()
            } else if member.is("tags") {
                info.tags = try reader.readOptionalStringArray()
            } else if member.is("name_tag") {
                info.nameTag = try reader.readOptionalString()
            } else if member.is("kind") {
                info.kind = try reader.readOptionalString()
            } else if member.is("type") {
                info.type = try reader.readOptionalString()
            } else if member.is("mqtt_id") {
                info.mqttID = try reader.readOptionalString()
            } else if member.is("nonce") {
                info.nonce = try reader.readOptionalString()
            } else {
                try reader.skipValue()
            }
        }
        return info
    }
}

extension ConnectOptions {
    static func read(from reader: inout JSONReader) throws(JSONDecodingError) -> ConnectOptions {
        var options = ConnectOptions()
        try reader.readObject { reader, member throws(JSONDecodingError) in
            if member.is("jwt") {
                options.jwt = try reader.readOptionalString()
            } else if member.is("nkey") {
                options.nkey = try reader.readOptionalString()
            } else if member.is("sig") {
                options.signedNonce = try reader.readOptionalString()
            } else if member.is("auth_token") {
                options.authToken = try reader.readOptionalString()
            } else if member.is("user") {
                options.username = try reader.readOptionalString()
            } else if member.is("pass") {
                options.password = try reader.readOptionalString()
            } else if member.is("name") {
                options.name = try reader.readOptionalString()
            } else if member.is("lang") {
                options.lang = try reader.readOptionalString()
            } else if member.is("version") {
                options.version = try reader.readOptionalString()
            } else if member.is("protocol") {
                options.protocol = try reader.readOptionalInteger() ?? 0
            } else {
                try reader.skipValue()
            }
        }
        return options
    }
}

extension ClientTLS {
    static func read(from reader: inout JSONReader) throws(JSONDecodingError) -> ClientTLS {
        var tls = ClientTLS()
        try reader.readObject { reader, member throws(JSONDecodingError) in
            if member.is("version") {
                tls.version = try reader.readOptionalString()
            } else if member.is("cipher") {
                tls.cipher = try reader.readOptionalString()
            } else if member.is("certs") {
                tls.certs = try reader.readOptionalStringArray()
            } else if member.is("verified_chains") {
                if try reader.readNull() {
                    tls.verifiedChains = nil
                } else {
                    var chains: [[String]] = []
                    try reader.readArray { reader throws(JSONDecodingError) in
                        chains.append(try reader.readStringArray())
                    }
                    tls.verifiedChains = chains
                }
            } else {
                try reader.skipValue()
            }
        }
        return tls
    }
}
