import Foundation
import NIOCore

/// Encodes client operations into wire bytes.
///
/// Subjects, reply subjects, queue names and headers are validated first: a space or line break
/// in any of them would let a caller inject extra protocol operations.
public struct ClientOperationEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = ClientOperation

    public init() {}

    public func encode(data operation: ClientOperation, out buffer: inout ByteBuffer) throws {
        switch operation {
        case .connect(let options):
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let json = try encoder.encode(options)
            buffer.writeStaticString("CONNECT ")
            buffer.writeBytes(json)
            buffer.writeStaticString("\r\n")
        case .publish(let subject, let replyTo, let headers, let payload):
            try Self.validate(subject: subject, what: "subject")
            if let replyTo { try Self.validate(subject: replyTo, what: "reply subject") }
            if let headers {
                try headers.validateForSending()
                var block = ByteBuffer()
                let headerLength = headers.write(to: &block)
                buffer.writeStaticString("HPUB ")
                buffer.writeString(subject)
                if let replyTo { buffer.writeString(" \(replyTo)") }
                buffer.writeString(" \(headerLength) \(headerLength + payload.readableBytes)\r\n")
                buffer.writeImmutableBuffer(block)
            } else {
                buffer.writeStaticString("PUB ")
                buffer.writeString(subject)
                if let replyTo { buffer.writeString(" \(replyTo)") }
                buffer.writeString(" \(payload.readableBytes)\r\n")
            }
            buffer.writeImmutableBuffer(payload)
            buffer.writeStaticString("\r\n")
        case .subscribe(let subject, let queue, let sid):
            try Self.validate(subject: subject, what: "subject")
            if let queue { try Self.validate(subject: queue, what: "queue group") }
            buffer.writeStaticString("SUB ")
            buffer.writeString(subject)
            if let queue { buffer.writeString(" \(queue)") }
            buffer.writeString(" \(sid)\r\n")
        case .unsubscribe(let sid, let max):
            buffer.writeString("UNSUB \(sid)")
            if let max { buffer.writeString(" \(max)") }
            buffer.writeStaticString("\r\n")
        case .ping:
            buffer.writeStaticString("PING\r\n")
        case .pong:
            buffer.writeStaticString("PONG\r\n")
        }
    }

    /// A subject (or queue name) is non-empty printable text without spaces or control characters.
    static func validate(subject: String, what: String) throws {
        guard !subject.isEmpty, subject.utf8.count <= ServerOperationDecoder.maxControlLineLength / 2,
              !subject.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F })
        else {
            throw NATSClientError(.invalidSubject, "\(what) must be non-empty, short, and free of whitespace and control characters")
        }
    }
}
