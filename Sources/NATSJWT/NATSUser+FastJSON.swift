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
