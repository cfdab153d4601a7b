import Foundation
import NIOCore
import Testing
@testable import NATSClient

struct ClientOperationEncoderTests {
    func encode(_ operation: ClientOperation) throws -> String {
        var buffer = ByteBuffer()
        try ClientOperationEncoder().encode(data: operation, out: &buffer)
        return String(buffer: buffer)
    }

    @Test func encodesEachOperationByteForByte() throws {
        #expect(try encode(.ping) == "PING\r\n")
        #expect(try encode(.pong) == "PONG\r\n")
        #expect(try encode(.publish(subject: "a.b", replyTo: nil, headers: nil, payload: ByteBuffer(string: "hello")))
            == "PUB a.b 5\r\nhello\r\n")
        #expect(try encode(.publish(subject: "a.b", replyTo: "_INBOX.1", headers: nil, payload: ByteBuffer()))
            == "PUB a.b _INBOX.1 0\r\n\r\n")
        #expect(try encode(.subscribe(subject: "a.*", queue: nil, sid: 7)) == "SUB a.* 7\r\n")
        #expect(try encode(.subscribe(subject: "a.>", queue: "workers", sid: 8)) == "SUB a.> workers 8\r\n")
        #expect(try encode(.unsubscribe(sid: 7, max: nil)) == "UNSUB 7\r\n")
        #expect(try encode(.unsubscribe(sid: 7, max: 3)) == "UNSUB 7 3\r\n")
    }

    @Test func encodesHPUBWithHeaderAndTotalSizes() throws {
        let headers = NATSHeaders([("Nats-Msg-Id", "1"), ("X", "a"), ("X", "b")])
        let wire = try encode(.publish(subject: "s", replyTo: "r", headers: headers, payload: ByteBuffer(string: "hi")))
        let block = "NATS/1.0\r\nNats-Msg-Id: 1\r\nX: a\r\nX: b\r\n\r\n"
        #expect(wire == "HPUB s r \(block.utf8.count) \(block.utf8.count + 2)\r\n\(block)hi\r\n")
        #expect(headers.encodedLength == block.utf8.count)
    }

    @Test func hpubRoundTripsThroughTheServerDecoder() throws {
        var headers = NATSHeaders([("a", "1"), ("B", "two words")])
        headers.statusCode = 503
        headers.statusDescription = "No Responders"
        let wire = try encode(.publish(subject: "s", replyTo: nil, headers: headers, payload: ByteBuffer(string: "x")))
        // The server echoes HPUB as HMSG with a sid; reuse the sizes to check our own parser agrees.
        let hmsg = wire.replacingOccurrences(of: "HPUB s ", with: "HMSG s 1 ")
        #expect(try decodeAll([Array(hmsg.utf8)]) == [frame(subject: "s", sid: 1, headers: headers, payload: "x")])
    }

    @Test func connectCarriesTheNegotiatedFlagsAsJSON() throws {
        var options = ConnectOptions()
        options.name = "svc"
        options.headers = true
        options.noResponders = true
        options.user = "auth"
        options.password = "s3cret"
        let wire = try encode(.connect(options))
        #expect(wire.hasPrefix("CONNECT {") && wire.hasSuffix("}\r\n"))
        let json = wire.dropFirst("CONNECT ".count).dropLast(1)  // "\r\n" is one Character
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["verbose"] as? Bool == false)
        #expect(object["pedantic"] as? Bool == false)
        #expect(object["protocol"] as? Int == 1)
        #expect(object["headers"] as? Bool == true)
        #expect(object["no_responders"] as? Bool == true)
        #expect(object["echo"] as? Bool == true)
        #expect(object["lang"] as? String == "swift")
        #expect(object["user"] as? String == "auth")
        #expect(object["pass"] as? String == "s3cret")
        #expect(object["auth_token"] == nil && object["sig"] == nil && object["jwt"] == nil)
    }

    @Test func connectOptionsDescriptionRedactsSecrets() {
        var options = ConnectOptions()
        options.user = "auth"
        options.password = "s3cret"
        options.authToken = "t0ken"
        options.signature = "c2ln"
        options.jwt = "eyJhbGciOi"
        let text = "\(options)"
        #expect(!text.contains("s3cret") && !text.contains("t0ken") && !text.contains("c2ln") && !text.contains("eyJ"))
        #expect(text.contains("auth"))
    }

    @Test(arguments: ["", "a b", "a\r\nPUB x 1", "a\tb", "a\u{7F}"])
    func rejectsSubjectsThatCouldInjectOperations(subject: String) {
        #expect(throws: NATSClientError.self) {
            try encode(.publish(subject: subject, replyTo: nil, headers: nil, payload: ByteBuffer()))
        }
        #expect(throws: NATSClientError.self) { try encode(.subscribe(subject: subject, queue: nil, sid: 1)) }
        #expect(throws: NATSClientError.self) { try encode(.subscribe(subject: "ok", queue: subject, sid: 1)) }
        #expect(throws: NATSClientError.self) {
            try encode(.publish(subject: "ok", replyTo: subject, headers: nil, payload: ByteBuffer()))
        }
    }

    @Test func rejectsHeadersThatCouldBreakTheBlock() {
        for headers in [NATSHeaders([("a", "x\r\nInjected: 1")]), NATSHeaders([("a b", "x")]),
                        NATSHeaders([("a:b", "x")]), NATSHeaders([("", "x")])] {
            #expect(throws: NATSClientError.self) {
                try encode(.publish(subject: "s", replyTo: nil, headers: headers, payload: ByteBuffer()))
            }
        }
    }
}

struct NATSHeadersTests {
    @Test func keepsOrderCaseAndMultipleValues() {
        var headers = NATSHeaders([("Trace", "1"), ("trace", "2"), ("Trace", "3")])
        #expect(headers["Trace"] == "1")
        #expect(headers["trace"] == "2")
        #expect(headers.values(for: "Trace") == ["1", "3"])
        headers.set(name: "Trace", value: "9")
        #expect(headers.values(for: "Trace") == ["9"])
        #expect(headers.fields.map(\.name) == ["trace", "Trace"])
        headers.remove(name: "trace")
        #expect(headers.fields.count == 1)
    }

    @Test func parsesStatusWithAndWithoutDescription() throws {
        let plain = try NATSHeaders.parse(block: ByteBuffer(string: "NATS/1.0 503\r\n\r\n"))
        #expect(plain.statusCode == 503 && plain.statusDescription == nil && plain.fields.isEmpty)
        let described = try NATSHeaders.parse(block: ByteBuffer(string: "NATS/1.0 404 No Messages\r\nA:b\r\n\r\n"))
        #expect(described.statusCode == 404 && described.statusDescription == "No Messages")
        #expect(described["A"] == "b")
    }
}
