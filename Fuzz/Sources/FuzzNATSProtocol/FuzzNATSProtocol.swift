import NATSClient
import NIOCore

/// Bytes from a NATS server (or something pretending to be one), decoded as the client does: an
/// operation at a time until the buffer runs dry or the decoder throws. Each call must consume
/// input or ask for more; a decoder that returns an operation without moving would loop forever.
func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start = data else { return 0 }
    var buffer = ByteBuffer(bytes: UnsafeBufferPointer(start: start, count: count))
    // A small payload limit too, so the limit's own checks are reached with small inputs.
    var decoder = ServerOperationDecoder(maxPayload: count % 2 == 0 ? 1024 * 1024 : 64)
    do {
        while true {
            let before = buffer.readableBytes
            guard try decoder.decode(buffer: &buffer) != nil else { break }
            precondition(buffer.readableBytes < before, "an operation was decoded from no bytes")
        }
        _ = try decoder.decodeLast(buffer: &buffer, seenEOF: true)
    } catch {
        // A protocol error is the expected answer to bad bytes; the connection would close.
    }
    return 0
}
