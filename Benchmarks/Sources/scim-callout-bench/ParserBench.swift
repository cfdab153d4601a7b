import TestSupport
import NATSClient
import NIOCore

/// Throughput of the NATS protocol parser over a captured-style stream, and of the encoder.
///
/// The stream mixes what a callout service sees: small `MSG`s, `HMSG`s with a few headers and
/// ~1 KiB payloads (auth requests are JWTs of that size), and keep-alive `PING`s. It is fed in
/// 64 KiB chunks, like socket reads, through the same decode loop the channel handler runs.
enum ParserBench {
    /// - Parameters:
    ///   - messages: frames in the stream.
    ///   - iterations: passes over the stream; the best pass is reported.
    static func run(messages: Int = 100_000, iterations: Int = 5) throws -> [BenchResult] {
        let stream = makeStream(messages: messages)
        let clock = ContinuousClock()
        var best = Duration.seconds(1_000)
        var decoded = 0
        for _ in 0..<iterations {
            let start = clock.now
            decoded = try parse(stream)
            best = min(best, clock.now - start)
        }
        guard decoded == messages else {
            throw Failure(reason: "parsed \(decoded) of \(messages) frames")
        }
        let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) / 1e18
        let megabytes = Double(stream.readableBytes) / 1_048_576

        var encodeBest = Duration.seconds(1_000)
        var encodedBytes = 0
        let encoder = ClientOperationEncoder()
        let payload = ByteBuffer(repeating: 0x61, count: 512)
        var headers = NATSHeaders()
        headers.add(name: "Nats-Server-Xkey", value: "XAB3NANV3M6N7AHSQP2U5FRWKKUT7EG2ZXXABV4XVXYQRJGM4S2CZGHT")
        for _ in 0..<iterations {
            var out = ByteBuffer()
            out.reserveCapacity(messages * 700)
            let start = clock.now
            for index in 0..<messages {
                try encoder.encode(data: .publish(subject: "scim.callout.reply", replyTo: nil,
                                                  headers: index % 5 == 0 ? headers : nil, payload: payload), out: &out)
            }
            encodeBest = min(encodeBest, clock.now - start)
            encodedBytes = out.readableBytes
        }
        let encodeSeconds = Double(encodeBest.components.seconds) + Double(encodeBest.components.attoseconds) / 1e18

        return [
            BenchResult(name: "nats.parser.throughput", value: megabytes / seconds, unit: "MB/s"),
            BenchResult(name: "nats.parser.frames", value: Double(messages) / seconds, unit: "frames/s"),
            BenchResult(name: "nats.parser.stream_size", value: megabytes, unit: "MB"),
            BenchResult(name: "nats.encoder.throughput", value: Double(encodedBytes) / 1_048_576 / encodeSeconds, unit: "MB/s"),
            BenchResult(name: "nats.encoder.publishes", value: Double(messages) / encodeSeconds, unit: "ops/s"),
        ]
    }

    /// Parses `stream` in 64 KiB reads; returns the number of frames.
    static func parse(_ stream: ByteBuffer) throws -> Int {
        var decoder = ServerOperationDecoder()
        var input = stream
        var buffer = ByteBuffer()
        var count = 0
        while input.readableBytes > 0 {
            guard var chunk = input.readSlice(length: min(65_536, input.readableBytes)) else { break }
            if buffer.readableBytes == 0 {
                buffer = chunk
            } else {
                buffer.writeBuffer(&chunk)
            }
            while let _ = try decoder.decode(buffer: &buffer) { count += 1 }
            buffer.discardReadBytes()
        }
        return count
    }

    static func makeStream(messages: Int) -> ByteBuffer {
        var stream = ByteBuffer()
        var generator = SeededGenerator(seed: 42)
        let body = [UInt8](repeating: 0x65, count: 1_200)
        for index in 0..<messages {
            switch index % 10 {
            case 0:
                stream.writeString("PING\r\n")
            case 1, 2:
                let headers = "NATS/1.0\r\nNats-Server-Xkey: XAB3NANV3M6N7AHSQP2U5FRWKKUT7EG2ZXXABV4XVXYQRJGM4S2CZGHT\r\n\r\n"
                let size = 800 + Int(generator.next() % 400)
                stream.writeString("HMSG $SYS.REQ.USER.AUTH 1 $SYS._INBOX.abc.\(index) \(headers.utf8.count) \(headers.utf8.count + size)\r\n")
                stream.writeString(headers)
                stream.writeBytes(body[..<size])
                stream.writeString("\r\n")
            default:
                let size = 16 + Int(generator.next() % 240)
                stream.writeString("MSG app.events.\(index % 64) \(index % 8 + 2) \(size)\r\n")
                stream.writeBytes(body[..<size])
                stream.writeString("\r\n")
            }
        }
        return stream
    }

    struct Failure: Error, CustomStringConvertible {
        var reason: String
        var description: String { "benchmark failed: \(reason)" }
    }
}
