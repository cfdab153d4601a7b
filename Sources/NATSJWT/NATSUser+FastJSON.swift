import JSON

extension NATSUser: FastEncodablePayload {
    /// Every modelled member; presence as Go writes it (limits always, -1 = unlimited).
    @usableFromInline func writeFields<Writer: ClaimFieldWriter>(to writer: inout Writer) throws(Writer.Failure) {
        try Field.forEach { field throws(Writer.Failure) in
            switch field {
            case .allowedConnectionTypes: try writer.nonEmpty(field, allowedConnectionTypes)
            case .bearerToken: try writer.ifTrue(field, bearerToken)
            case .data: try writer.integer(field, data)
            case .issuerAccount: try writer.nonEmpty(field, issuerAccount)
            case .payload: try writer.integer(field, payload)
            case .proxyRequired: try writer.ifTrue(field, proxyRequired)
            case .pub: try writer.object(field, pub)
            case .resp: try writer.object(field, resp)
            case .src: try writer.nonEmpty(field, src)
            case .sub: try writer.object(field, sub)
            case .subs: try writer.integer(field, subs)
            case .tags: try writer.nonEmpty(field, tags)
            case .times: try writer.nonEmpty(field, times)
            case .timesLocation: try writer.nonEmpty(field, timesLocation)
            case .type: try writer.string(field, Self.claimType)
            case .version: try writer.integer(field, Int64(version))
            }
        }
    }
}

extension Permission: ClaimObject {
    @usableFromInline func writeFields<Writer: ClaimFieldWriter>(to writer: inout Writer) throws(Writer.Failure) {
        try Field.forEach { field throws(Writer.Failure) in
            switch field {
            case .allow: try writer.nonEmpty(field, allow)
            case .deny: try writer.nonEmpty(field, deny)
            }
        }
    }
}

extension ResponsePermission: ClaimObject {
    @usableFromInline func writeFields<Writer: ClaimFieldWriter>(to writer: inout Writer) throws(Writer.Failure) {
        try Field.forEach { field throws(Writer.Failure) in
            switch field {
            case .maxMessages: try writer.integer(field, Int64(maxMessages))
            case .expires: try writer.integer(field, Self.nanoseconds(expires))
            }
        }
    }
}

extension TimeRange: ClaimObject {
    @usableFromInline func writeFields<Writer: ClaimFieldWriter>(to writer: inout Writer) throws(Writer.Failure) {
        try Field.forEach { field throws(Writer.Failure) in
            switch field {
            case .end: try writer.string(field, end)
            case .start: try writer.string(field, start)
            }
        }
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
            guard let field = Field(member: member) else {
                user.unknownFields[String(decoding: member, as: UTF8.self)] = try reader.readClaimValue()
                return
            }
            switch field {
            case .pub: user.pub = try reader.readNull() ? Permission() : Permission.read(from: &reader)
            case .sub: user.sub = try reader.readNull() ? Permission() : Permission.read(from: &reader)
            case .resp: user.resp = try reader.readNull() ? nil : ResponsePermission.read(from: &reader)
            case .subs: user.subs = try reader.readOptionalInteger() ?? 0
            case .data: user.data = try reader.readOptionalInteger() ?? 0
            case .payload: user.payload = try reader.readOptionalInteger() ?? 0
            // The legacy comma-separated string form is left to Codable.
            case .src: user.src = try reader.readOptionalStringArray() ?? []
            case .times: user.times = try reader.readNull() ? [] : TimeRange.readList(from: &reader)
            case .timesLocation: user.timesLocation = try reader.readOptionalString()
            case .bearerToken: user.bearerToken = try reader.readNull() ? false : reader.readBool()
            case .proxyRequired: user.proxyRequired = try reader.readNull() ? false : reader.readBool()
            case .allowedConnectionTypes: user.allowedConnectionTypes = try reader.readOptionalStringArray() ?? []
            case .issuerAccount: user.issuerAccount = try reader.readOptionalString()
            case .tags: user.tags = try reader.readOptionalStringArray() ?? []
            case .type: user.type = try reader.readOptionalString() ?? ""
            case .version: user.version = try reader.readOptionalInteger() ?? 0
            }
        }
        return user
    }
}

extension Permission {
    static func read(from reader: inout JSONReader) throws(JSONDecodingError) -> Permission {
        var permission = Permission()
        try reader.readObject { reader, member throws(JSONDecodingError) in
            switch Field(member: member) {
            case .allow: permission.allow = try reader.readOptionalStringArray() ?? []
            case .deny: permission.deny = try reader.readOptionalStringArray() ?? []
            case nil: try reader.skipValue()
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
            switch Field(member: member) {
            case .maxMessages: maxMessages = try reader.readOptionalInteger() ?? 0
            case .expires: nanoseconds = try reader.readOptionalInteger() ?? 0
            case nil: try reader.skipValue()
            }
        }
        return ResponsePermission(maxMessages: maxMessages, expires: .nanoseconds(nanoseconds))
    }
}

extension TimeRange {
    /// `[TimeRange]`: each element an object with non-null `start` and `end` (as `init(from:)`
    /// requires both).
    static func readList(from reader: inout JSONReader) throws(JSONDecodingError) -> [TimeRange] {
        var list: [TimeRange] = []
        try reader.readArray { reader throws(JSONDecodingError) in
            var start: String?, end: String?
            try reader.readObject { reader, member throws(JSONDecodingError) in
                switch Field(member: member) {
                case .start: start = try reader.readString()
                case .end: end = try reader.readString()
                case nil: try reader.skipValue()
                }
            }
            guard let start, let end else { throw reader.failure("a time range lacks start or end") }
            list.append(TimeRange(start: start, end: end))
        }
        return list
    }
}
