extension JetStreamContext {
    /// Creates a consumer, or returns the existing one with the same configuration
    /// (`CONSUMER.CREATE.<stream>[.<name>]`).
    public func createConsumer(stream: String, config: ConsumerConfig) async throws(JetStreamError) -> ConsumerInfo {
        try Self.validate(name: stream, what: "stream")
        var api = "CONSUMER.CREATE.\(stream)"
        if let name = config.name ?? config.durableName {
            try Self.validate(name: name, what: "consumer")
            api += ".\(name)"
        }
        let request = ConsumerCreateRequest(stream: stream, config: config, action: "")
        return try await call(api, request: request, as: ConsumerInfo.self)
    }

    /// A consumer's configuration and position (`CONSUMER.INFO`).
    /// - Throws: ``JetStreamError/Code/consumerNotFound``.
    public func consumerInfo(stream: String, name: String) async throws(JetStreamError) -> ConsumerInfo {
        try Self.validate(name: stream, what: "stream")
        try Self.validate(name: name, what: "consumer")
        return try await call("CONSUMER.INFO.\(stream).\(name)", as: ConsumerInfo.self)
    }

    /// Deletes a consumer (`CONSUMER.DELETE`).
    public func deleteConsumer(stream: String, name: String) async throws(JetStreamError) {
        try Self.validate(name: stream, what: "stream")
        try Self.validate(name: name, what: "consumer")
        let reply = try await call("CONSUMER.DELETE.\(stream).\(name)", as: SuccessResponse.self)
        guard reply.success else { throw JetStreamError(.apiError, "CONSUMER.DELETE.\(stream).\(name): not deleted") }
    }
}
