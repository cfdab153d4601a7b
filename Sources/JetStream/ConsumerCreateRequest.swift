/// The body of `CONSUMER.CREATE`: `{"stream_name","config","action"}`.
struct ConsumerCreateRequest: Encodable {
    var stream: String
    var config: ConsumerConfig
    /// "" (create or same config), "create" (must not exist with another config), "update".
    var action: String

    enum CodingKeys: String, CodingKey {
        case config, action
        case stream = "stream_name"
    }
}
