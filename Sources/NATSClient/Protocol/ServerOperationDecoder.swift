import Foundation
import NIOCore

/// Decodes the server's side of the NATS protocol from a `ByteBuffer`, one operation at a time.
///
/// Limits follow nats-server: a control line (everything before `\r\n`) may be at most
/// ``maxControlLineLength`` bytes, and a message payload (headers included) at most
/// ``maxPayload``, which the connection raises to the server's `max_payload` once `INFO` arrives.
/// `INFO` lines may be longer (``maxInfoLineLength``) because a cluster lists all its peers there.
/// Anything else that is malformed is a ``NATSProtocolError``; the decoder never traps.
public struct ServerOperationDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = ServerOperation

    /// nats-server's `MAX_CONTROL_LINE_SIZE`.
    public static let maxControlLineLength = 4096
    /// The limit for `INFO` lines, whose JSON grows with the cluster's `connect_urls`.
    public static let maxInfoLineLength = 64 * 1024
    /// nats-server's default `max_payload` (1 MiB), used until `INFO` says otherwise.
    public static let defaultMaxPayload = 1_048_576

    /// The largest payload accepted in `MSG`/`HMSG` (headers included).
    public var maxPayload: Int

    /// A `MSG`/`HMSG` whose control line was read but whose payload has not fully arrived.
    private var pendingMessage: PendingMessage?

    private struct PendingMessage {
        var subject: String
        var sid: UInt64
        var replyTo: String?
        var headerLength: Int?
        var totalLength: Int
    }

    public init(maxPayload: Int = ServerOperationDecoder.defaultMaxPayload) {
        self.maxPayload = maxPayload
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> ServerOperation? {
        if pendingMessage == nil {
            guard var line = try Self.readControlLine(from: &buffer) else { return nil }
            if let operation = try parse(line: &line) { return operation }
        }
        return try readPayload(from: &buffer)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> ServerOperation? {
        if let operation = try decode(buffer: &buffer) { return operation }
        if pendingMessage != nil || buffer.readableBytes > 0 {
            pendingMessage = nil
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            throw NATSProtocolError(.truncatedFrame, "connection ended inside a frame")
        }
        return nil
    }

    // MARK: - Control lines

    /// Reads one line without its `\r\n`, or returns nil when the line end has not arrived yet.
    private static func readControlLine(from buffer: inout ByteBuffer) throws -> ByteBuffer? {
        let view = buffer.readableBytesView
        let searchLimit = min(view.count, maxInfoLineLength + 2)
        // memchr: the line-end search is the hot loop of the parser.
        let lfOffset = buffer.withUnsafeReadableBytes { raw -> Int? in
            guard let base = raw.baseAddress, searchLimit > 0,
                  let found = memchr(base, Int32(UInt8.lf), searchLimit)
            else { return nil }
            return base.distance(to: UnsafeRawPointer(found))
        }
        guard let lfOffset else {
            if view.count > maxControlLineLength + 1 && !startsWithInfo(view) {
                throw NATSProtocolError(.controlLineTooLong, "control line longer than \(maxControlLineLength) bytes")
            }
            if view.count > maxInfoLineLength + 1 {
                throw NATSProtocolError(.controlLineTooLong, "INFO line longer than \(maxInfoLineLength) bytes")
            }
            return nil
        }
        let lineLength = lfOffset
        guard lineLength > 0, view[view.startIndex + lineLength - 1] == .cr else {
            throw NATSProtocolError(.missingCRLF, "control line ended by LF without CR")
        }
        let contentLength = lineLength - 1
        if contentLength > maxControlLineLength && !startsWithInfo(view) {
            throw NATSProtocolError(.controlLineTooLong, "control line longer than \(maxControlLineLength) bytes")
        }
        // Both reads are within the readable bytes just inspected.
        guard let line = buffer.readSlice(length: contentLength) else { return nil }
        buffer.moveReaderIndex(forwardBy: 2)
        return line
    }

    private static func startsWithInfo(_ view: ByteBufferView) -> Bool {
        view.count >= 5 && matches(view.prefix(4), "INFO") && (view.dropFirst(4).first == .space || view.dropFirst(4).first == .tab)
    }

    /// Parses a control line; returns the operation, or nil after storing a pending message.
    private mutating func parse(line: inout ByteBuffer) throws -> ServerOperation? {
        let view = line.readableBytesView
        let opEnd = view.firstIndex { $0 == .space || $0 == .tab } ?? view.endIndex
        let op = view[view.startIndex..<opEnd]
        let rest = view[opEnd...]
        switch op.count {
        case 3 where Self.matches(op, "MSG"):
            try parseMessage(arguments: rest, hasHeaders: false)
            return nil
        case 4 where Self.matches(op, "HMSG"):
            try parseMessage(arguments: rest, hasHeaders: true)
            return nil
        case 4 where Self.matches(op, "PING"):
            try Self.expectNoArguments(rest, op: "PING")
            return .ping
        case 4 where Self.matches(op, "PONG"):
            try Self.expectNoArguments(rest, op: "PONG")
            return .pong
        case 3 where Self.matches(op, "+OK"):
            try Self.expectNoArguments(rest, op: "+OK")
            return .ok
        case 4 where Self.matches(op, "-ERR"):
            var text = rest.trimmingBlanks()
            if text.count >= 2, text.first == UInt8(ascii: "'"), text.last == UInt8(ascii: "'") {
                text = text.dropFirst().dropLast()
            }
            return .error(ServerErrorMessage(message: String(decoding: text, as: UTF8.self)))
        case 4 where Self.matches(op, "INFO"):
            let json = rest.trimmingBlanks()
            guard !json.isEmpty else { throw NATSProtocolError(.invalidInfo, "INFO without a JSON body") }
            do {
                return .info(try JSONDecoder().decode(ServerInfo.self, from: Data(json)))
            } catch {
                throw NATSProtocolError(.invalidInfo, "INFO body is not a valid server info object")
            }
        default:
            throw NATSProtocolError(.unknownOperation, "unknown operation of \(op.count) bytes")
        }
    }

    private mutating func parseMessage(arguments: ByteBufferView.SubSequence, hasHeaders: Bool) throws {
        let args = Self.split(arguments)
        let name = hasHeaders ? "HMSG" : "MSG"
        let sizeCount = hasHeaders ? 2 : 1
        guard args.count == 2 + sizeCount || args.count == 3 + sizeCount else {
            throw NATSProtocolError(.invalidArguments, "\(name) takes \(2 + sizeCount) or \(3 + sizeCount) arguments, got \(args.count)")
        }
        guard let sid = Self.parseNumber(args[1]).flatMap(UInt64.init(exactly:)) else {
            throw NATSProtocolError(.invalidArguments, "\(name) subscription id is not a number")
        }
        let replyTo = args.count == 3 + sizeCount ? String(decoding: args[2], as: UTF8.self) : nil
        guard let totalLength = Self.parseNumber(args[args.count - 1]) else {
            throw NATSProtocolError(.invalidArguments, "\(name) size is not a number")
        }
        var headerLength: Int?
        if hasHeaders {
            guard let length = Self.parseNumber(args[args.count - 2]), length <= totalLength else {
                throw NATSProtocolError(.invalidArguments, "HMSG header size is not a number no larger than the total size")
            }
            headerLength = length
        }
        guard totalLength <= maxPayload else {
            throw NATSProtocolError(.payloadTooLarge, "\(name) payload of \(totalLength) bytes exceeds max_payload \(maxPayload)")
        }
        pendingMessage = PendingMessage(
            subject: String(decoding: args[0], as: UTF8.self), sid: sid, replyTo: replyTo,
            headerLength: headerLength, totalLength: totalLength
        )
    }

    // MARK: - Payloads

    private mutating func readPayload(from buffer: inout ByteBuffer) throws -> ServerOperation? {
        guard let pending = pendingMessage, buffer.readableBytes >= pending.totalLength + 2 else { return nil }
        self.pendingMessage = nil
        guard var payload = buffer.readSlice(length: pending.totalLength),
              let terminator = buffer.readInteger(as: UInt16.self)
        else { return nil }
        guard terminator == 0x0D0A else {
            throw NATSProtocolError(.missingCRLF, "message payload not followed by CRLF")
        }
        var headers: NATSHeaders?
        if let headerLength = pending.headerLength, let block = payload.readSlice(length: headerLength) {
            headers = try NATSHeaders.parse(block: block)
        }
        return .message(MessageFrame(subject: pending.subject, sid: pending.sid, replyTo: pending.replyTo,
                                     headers: headers, payload: payload))
    }

    // MARK: - Helpers

    /// ASCII case-insensitive comparison with an upper-case literal.
    private static func matches<Bytes: Collection<UInt8>>(_ bytes: Bytes, _ upper: StaticString) -> Bool {
        guard bytes.count == upper.utf8CodeUnitCount else { return false }
        return upper.withUTF8Buffer { expected in
            zip(bytes, expected).allSatisfy { byte, want in
                byte == want || (want >= UInt8(ascii: "A") && want <= UInt8(ascii: "Z") && byte == want | 0x20)
            }
        }
    }

    private static func expectNoArguments(_ rest: ByteBufferView.SubSequence, op: String) throws {
        guard rest.trimmingBlanks().isEmpty else {
            throw NATSProtocolError(.invalidArguments, "\(op) takes no arguments")
        }
    }

    private static func split(_ bytes: ByteBufferView.SubSequence) -> [ByteBufferView.SubSequence] {
        var parts: [ByteBufferView.SubSequence] = []
        parts.reserveCapacity(5)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            while index < bytes.endIndex, bytes[index] == .space || bytes[index] == .tab { index += 1 }
            let start = index
            while index < bytes.endIndex, bytes[index] != .space, bytes[index] != .tab { index += 1 }
            if start < index { parts.append(bytes[start..<index]) }
        }
        return parts
    }

    /// A non-negative decimal of at most 18 digits (so it cannot overflow), or nil.
    private static func parseNumber(_ digits: ByteBufferView.SubSequence) -> Int? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return value
    }
}
