/// `STREAM.PURGE`: `{"success":true,"purged":N}`.
struct PurgeResponse: Decodable {
    var success: Bool
    var purged: UInt64?
}
