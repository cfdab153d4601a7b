import NIOCore
import NIOTestUtils
import Testing
@testable import NATSClient

/// Feeds `chunks` through a fresh decoder the way the channel handler does.
func decodeAll(_ chunks: [[UInt8]], maxPayload: Int = ServerOperationDecoder.defaultMaxPayload) throws -> [ServerOperation] {
    var decoder = ServerOperationDecoder(maxPayload: maxPayload)
    var buffer = ByteBuffer()
    var operations: [ServerOperation] = []
    for chunk in chunks {
        buffer.writeBytes(chunk)
        while let operation = try decoder.decode(buffer: &buffer) { operations.append(operation) }
    }
    return operations
}

func frame(subject: String, sid: UInt64, replyTo: String? = nil, headers: NATSHeaders? = nil, payload: String) -> ServerOperation {
    .message(MessageFrame(subject: subject, sid: sid, replyTo: replyTo, headers: headers, payload: ByteBuffer(string: payload)))
}

struct ServerOperationDecoderTests {
    static var info: ServerInfo {
        var info = ServerInfo(serverID: "NABC", maxPayload: 1_048_576, headers: true)
        info.version = "2.15.1"
        info.proto = 1
        info.nonce = "abc-123"
        info.connectURLs = ["10.0.0.2:4222"]
        return info
    }

    static var noResponders: NATSHeaders {
        var headers = NATSHeaders()
        headers.statusCode = 503
        return headers
    }

    /// Each wire frame and what it decodes to.
    static let cases: [(wire: String, expected: [ServerOperation])] = [
        ("PING\r\n", [.ping]),
        ("PONG\r\n", [.pong]),
        ("+OK\r\n", [.ok]),
        ("ping\r\n", [.ping]),
        ("-ERR 'Authorization Violation'\r\n", [.error(ServerErrorMessage(message: "Authorization Violation"))]),
        ("-ERR 'Permissions Violation for Publish to \"x\"'\r\n",
         [.error(ServerErrorMessage(message: "Permissions Violation for Publish to \"x\""))]),
        ("MSG foo.bar 9 5\r\nhello\r\n", [frame(subject: "foo.bar", sid: 9, payload: "hello")]),
        ("MSG foo.bar 9 _INBOX.x.1 5\r\nhello\r\n", [frame(subject: "foo.bar", sid: 9, replyTo: "_INBOX.x.1", payload: "hello")]),
        ("MSG  foo\t1   0\r\n\r\n", [frame(subject: "foo", sid: 1, payload: "")]),
        ("MSG foo 1 4\r\n\r\n\r\n\r\n", [frame(subject: "foo", sid: 1, payload: "\r\n\r\n")]),
        ("HMSG foo 2 24 29\r\nNATS/1.0\r\nA: 1\r\nA: 2\r\n\r\nhello\r\n",
         [frame(subject: "foo", sid: 2, headers: NATSHeaders([("A", "1"), ("A", "2")]), payload: "hello")]),
        ("HMSG _INBOX.x.1 3 16 16\r\nNATS/1.0 503\r\n\r\n\r\n",
         [frame(subject: "_INBOX.x.1", sid: 3, headers: noResponders, payload: "")]),
        ("HMSG foo 2 r 46 48\r\nNATS/1.0 408 Request Timeout\r\nx-Case: Kept\r\n\r\nhi\r\n",
         [frame(subject: "foo", sid: 2, replyTo: "r", headers: {
             var headers = NATSHeaders([("x-Case", "Kept")])
             headers.statusCode = 408
             headers.statusDescription = "Request Timeout"
             return headers
         }(), payload: "hi")]),
        ("INFO {\"server_id\":\"NABC\",\"version\":\"2.15.1\",\"proto\":1,\"headers\":true,\"max_payload\":1048576,"
            + "\"nonce\":\"abc-123\",\"connect_urls\":[\"10.0.0.2:4222\"],\"unknown_field\":{\"a\":[1]}}\r\n",
         [.info(info)]),
    ]

    @Test("each frame decodes", arguments: 0..<cases.count)
    func decodesFrame(index: Int) throws {
        let (wire, expected) = Self.cases[index]
        #expect(try decodeAll([Array(wire.utf8)]) == expected)
    }

    @Test("each frame decodes when split at every byte boundary", arguments: 0..<cases.count)
    func decodesFrameSplitAnywhere(index: Int) throws {
        let (wire, expected) = Self.cases[index]
        let bytes = Array(wire.utf8)
        for cut in 0...bytes.count {
            let chunks = [Array(bytes[..<cut]), Array(bytes[cut...])]
            #expect(try decodeAll(chunks) == expected, "split at \(cut)")
        }
        #expect(try decodeAll(bytes.map { [$0] }) == expected, "one byte at a time")
    }

    @Test func decodesAConcatenatedStreamSplitAnywhere() throws {
        let bytes = Self.cases.flatMap { Array($0.wire.utf8) }
        let expected = Self.cases.flatMap(\.expected)
        for cut in 0...bytes.count {
            #expect(try decodeAll([Array(bytes[..<cut]), Array(bytes[cut...])]) == expected, "split at \(cut)")
        }
    }

    @Test func passesNIOsDecoderVerifier() throws {
        try ByteToMessageDecoderVerifier.verifyDecoder(
            stringInputOutputPairs: Self.cases.map { ($0.wire, $0.expected) },
            decoderFactory: { ServerOperationDecoder() }
        )
    }

    @Test func payloadIsASliceOfTheInputNotACopyOfText() throws {
        let payload = (0...255).map { UInt8($0) }
        let wire = Array("MSG bin 1 256\r\n".utf8) + payload + [13, 10]
        let operations = try decodeAll([wire])
        guard case .message(let message) = operations.first else {
            Issue.record("expected a message")
            return
        }
        #expect(Array(message.payload.readableBytesView) == payload)
    }

    @Test func acceptsAPayloadOfExactlyMaxPayload() throws {
        let wire = "MSG a 1 8\r\n12345678\r\n"
        #expect(try decodeAll([Array(wire.utf8)], maxPayload: 8) == [frame(subject: "a", sid: 1, payload: "12345678")])
    }

    @Test func acceptsAControlLineOfExactly4096Bytes() throws {
        let subject = String(repeating: "s", count: 4096 - "MSG  1 0".count)
        let wire = "MSG \(subject) 1 0\r\n\r\n"
        #expect(try decodeAll([Array(wire.utf8)]) == [frame(subject: subject, sid: 1, payload: "")])
    }

    static let malformed: [(wire: String, code: NATSProtocolError.Code)] = [
        ("FOO\r\n", .unknownOperation),
        ("MSGX a 1 1\r\nx\r\n", .unknownOperation),
        ("\r\n", .unknownOperation),
        ("PING\n", .missingCRLF),
        ("PING extra\r\n", .invalidArguments),
        ("MSG a 1\r\n", .invalidArguments),
        ("MSG a b c d e\r\n", .invalidArguments),
        ("MSG a x 1\r\nx\r\n", .invalidArguments),
        ("MSG a 1 -1\r\n", .invalidArguments),
        ("MSG a 1 1x\r\n", .invalidArguments),
        ("MSG a 1 99999999999999999999\r\n", .invalidArguments),
        ("MSG a 1 3\r\nabcXY", .missingCRLF),
        ("MSG a 1 3\r\nabcd\r\n", .missingCRLF),
        ("MSG a 1 65\r\n", .payloadTooLarge),
        ("HMSG a 1 5\r\n", .invalidArguments),
        ("HMSG a 1 9 5\r\n", .invalidArguments),
        ("HMSG a 1 4 4\r\nabcd\r\n", .invalidHeaderBlock),
        ("HMSG a 1 16 16\r\nNATS/1.0\r\nxx\r\n\r\n\r\n", .invalidHeaderBlock),
        ("HMSG a 1 22 22\r\nNATS/1.0\r\nNo colon\r\n\r\n\r\n", .invalidHeaderBlock),
        ("HMSG a 1 15 15\r\nNATS/1.0 5x\r\n\r\n\r\n", .invalidHeaderBlock),
        ("HMSG a 1 12 12\r\nNATS/2.0\r\n\r\n\r\n", .invalidHeaderBlock),
        ("HMSG a 1 17 17\r\nNATS/1.0\r\n: v\r\n\r\n\r\n", .invalidHeaderBlock),
        ("INFO\r\n", .invalidInfo),
        ("INFO {not json}\r\n", .invalidInfo),
        ("INFO [1,2]\r\n", .invalidInfo),
        ("INFO {\"max_payload\":1}\r\n", .invalidInfo),
    ]

    @Test("malformed frames are typed errors", arguments: 0..<malformed.count)
    func rejectsMalformedFrame(index: Int) throws {
        let (wire, code) = Self.malformed[index]
        #expect(throws: NATSProtocolError.self) { try decodeAll([Array(wire.utf8)], maxPayload: 64) }
        do {
            _ = try decodeAll([Array(wire.utf8)], maxPayload: 64)
        } catch let error as NATSProtocolError {
            #expect(error.code == code, "\(wire.debugDescription): \(error)")
        }
    }

    @Test("malformed frames are errors however they are split", arguments: 0..<malformed.count)
    func rejectsMalformedFrameSplitAnywhere(index: Int) throws {
        let bytes = Array(Self.malformed[index].wire.utf8)
        for cut in 0...bytes.count {
            #expect(throws: NATSProtocolError.self, "split at \(cut)") {
                try decodeAll([Array(bytes[..<cut]), Array(bytes[cut...])], maxPayload: 64)
            }
        }
    }

    @Test func rejectsAControlLineOverTheLimitBeforeItsEnd() throws {
        let line = Array(("MSG " + String(repeating: "s", count: 5000)).utf8)
        #expect(throws: NATSProtocolError(.controlLineTooLong, "control line longer than 4096 bytes")) {
            try decodeAll([line])
        }
        let complete = line + Array(" 1 0\r\n\r\n".utf8)
        #expect(throws: NATSProtocolError.self) { try decodeAll([complete]) }
    }

    @Test func allowsLongInfoButBoundsIt() throws {
        let urls = (0..<300).map { "\"10.0.\($0 / 250).\($0 % 250):4222\"" }.joined(separator: ",")
        let wire = "INFO {\"server_id\":\"N\",\"connect_urls\":[\(urls)]}\r\n"
        #expect(wire.utf8.count > 4096)
        let operations = try decodeAll([Array(wire.utf8)])
        guard case .info(let info) = operations.first else {
            Issue.record("expected INFO")
            return
        }
        #expect(info.connectURLs?.count == 300)
        let huge = Array(("INFO {\"x\":\"" + String(repeating: "a", count: 70_000)).utf8)
        #expect(throws: NATSProtocolError.self) { try decodeAll([huge]) }
    }

    @Test func waitsForMoreBytesWithoutConsumingAPartialFrame() throws {
        var decoder = ServerOperationDecoder()
        var buffer = ByteBuffer(string: "MSG a 1 5\r\nhel")
        #expect(try decoder.decode(buffer: &buffer) == nil)
        buffer.writeString("lo\r\nPI")
        #expect(try decoder.decode(buffer: &buffer) == frame(subject: "a", sid: 1, payload: "hello"))
        #expect(try decoder.decode(buffer: &buffer) == nil)
        #expect(buffer.readableBytes == 2)
    }

    @Test func eofInsideAFrameIsTruncation() throws {
        var decoder = ServerOperationDecoder()
        var buffer = ByteBuffer(string: "MSG a 1 5\r\nhe")
        #expect(throws: NATSProtocolError(.truncatedFrame, "connection ended inside a frame")) {
            try decoder.decodeLast(buffer: &buffer, seenEOF: true)
        }
    }

    @Test func randomGarbageNeverTraps() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("MSGHPINFOKER+-0123456789 \r\n\t:/{}\"".utf8)
        for _ in 0..<2_000 {
            let length = Int(generator.next(upperBound: UInt64(64)))
            let bytes = (0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] }
            _ = try? decodeAll([bytes], maxPayload: 16)
        }
    }
}
