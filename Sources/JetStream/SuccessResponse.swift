/// `STREAM.DELETE`, `CONSUMER.DELETE`: `{"success":true}`.
struct SuccessResponse: Decodable {
    var success: Bool
}
