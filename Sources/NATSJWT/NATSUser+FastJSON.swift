import JSON

extension NATSUser: FastEncodablePayload {
    func write(to writer: inout JSONWriter) -> Bool {
        guard unknownFields.isEmpty else { return false }
        // Sorted as JSONEncoder's `.sortedKeys`; presence rules as in `encode(to:)`.
        writer.beginObject()
        writer.nonEmpty("allowed_connection_types", allowedConnectionTypes)
        writer.ifTrue("bearer_token", bearerToken)
        writer.key("data")
        writer.integer(data)
        writer.nonEmpty("issuer_account", issuerAccount)
        writer.key("payload")
        writer.integer(payload)
        writer.ifTrue("proxy_required", proxyRequired)
        writer.key("pub")
        pub.write(to: &writer)
        if let resp {
            writer.key("resp")
            writer.beginObject()
            writer.key("max")
            writer.integer(resp.maxMessages)
            writer.key("ttl")
            writer.integer(ResponsePermission.nanoseconds(resp.expires))
            writer.endObject()
        }
        writer.nonEmpty("src", src)
        writer.key("sub")
        sub.write(to: &writer)
        writer.key("subs")
        writer.integer(subs)
        writer.nonEmpty("tags", tags)
        if !times.isEmpty {
            writer.key("times")
            writer.beginArray()
            for range in times {
                writer.beginObject()
                writer.key("end")
                writer.string(range.end)
                writer.key("start")
                writer.string(range.start)
                writer.endObject()
            }
            writer.endArray()
        }
        writer.nonEmpty("times_location", timesLocation)
        writer.key("type")
        writer.string(Self.claimType)
        writer.key("version")
        writer.integer(version)
        writer.endObject()
        return true
    }
}

extension Permission {
    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.nonEmpty("allow", allow)
        writer.nonEmpty("deny", deny)
        writer.endObject()
    }
}

/// Mirrors `init(from:)` member by member (see `NATSAuthorizationRequest.read(from:)`), so
/// user JWTs (`JWT.decode`/`verify` of `NATSUser`) skip `JSONDecoder` too.
extension NATSUser: FastDecodablePayload {
    static func read(from reader: inout JSONReader) throws(JSONDecodingError) -> NATSUser {
        var user = NATSUser(subs: 0, data: 0, payload: 0)
        user.type = ""
        user.version = 0
        try reader.readObject { reader, member throws(JSONDecodingError) in
            if member.is("pub") {
                user.pub = try reader.readNull() ? Permission() : Permission.read(from: &reader)
            } else if member.is("sub") {
                user.sub = try reader.readNull() ? Permission() : Permission.read(from: &reader)
            } else if member.is("resp") {
                user.resp = try reader.readNull() ? nil : ResponsePermission.read(from: &reader)
            } else if member.is("subs") {
                user.subs = try reader.readOptionalInteger() ?? 0
            } else if member.is("data") {
                user.data = try reader.readOptionalInteger() ?? 0
            } else if member.is("payload") {
                user.payload = try reader.readOptionalInteger() ?? 0
            } else if member.is("src") {
                // The legacy comma-separated string form is left to Codable.
                user.src = try reader.readOptionalStringArray() ?? []
            } else if member.is("times") {
                user.times = try reader.readNull() ? [] : TimeRange.readList(from: &reader)
            } else if member.is("times_location") {
                user.timesLocation = try reader.readOptionalString()
            } else if member.is("bearer_token") {
                user.bearerToken = try reader.readNull() ? false : reader.readBool()
            } else if member.is("proxy_required") {
                user.proxyRequired = try reader.readNull() ? false : reader.readBool()
            } else if member.is("allowed_connection_types") {
                user.allowedConnectionTypes = try reader.readOptionalStringArray() ?? []
            } else if member.is("issuer_account") {
                user.issuerAccount = try reader.readOptionalString()
            } else if member.is("tags") {
                user.tags = try reader.readOptionalStringArray() ?? []
            } else if member.is("type") {
                user.type = try reader.readOptionalString() ?? ""
            } else if member.is("version") {
                user.version = try reader.readOptionalInteger() ?? 0
            } else {
                user.unknownFields[String(decoding: member, as: UTF8.self)] = try reader.readClaimValue()
            }
        }
        return user
    }
}

extension Permission {
    static func read(from reader: inout JSONReader) throws(JSONDecodingError) -> Permission {
        var permission = Permission()
        try reader.readObject { reader, member throws(JSONDecodingError) in
            if member.is("allow") {
                permission.allow = try reader.readOptionalStringArray() ?? []
            } else if member.is("deny") {
                permission.deny = try reader.readOptionalStringArray() ?? []
            } else {
                try reader.skipValue()
            }
        }
        return permission
    }
}

extension ResponsePermission {
    static func read(from reader: inout JSONReader) throws(JSONDecodingError) -> ResponsePermission {
        var maxMessages = 0
        var nanoseconds: Int64 = 0
        try reader.readObject { reader, member throws(JSONDecodingError) in
            if member.is("max") {
                maxMessages = try reader.readOptionalInteger() ?? 0
            } else if member.is("ttl") {
                nanoseconds = try reader.readOptionalInteger() ?? 0
            } else {
                try reader.skipValue()
            }
        }
        return ResponsePermission(maxMessages: maxMessages, expires: .nanoseconds(nanoseconds))
    }
}

extension TimeRange {
    /// `[TimeRange]`: each element an object with non-null `start` and `end` (synthesized
    /// Codable requires both).
    static func readList(from reader: inout JSONReader) throws(JSONDecodingError) -> [TimeRange] {
        var list: [TimeRange] = []
        try reader.readArray { reader throws(JSONDecodingError) in
            var start: String?, end: String?
            try reader.readObject { reader, member throws(JSONDecodingError) in
                if member.is("start") {
                    start = try reader.readString()
                } else if member.is("end") {
                    end = try reader.readString()
                } else {
                    try reader.skipValue()
                }
            }
            guard let start, let end else { throw reader.failure("a time range lacks start or end") }
            list.append(TimeRange(start: start, end: end))
        }
        return list
    }
}
