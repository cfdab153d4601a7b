import NIOCore
import NIOEmbedded
import Testing

extension NIOAsyncTestingChannel {
    /// The next bytes the client wrote, as text.
    func clientWrote() async throws -> String {
        String(buffer: try await waitForOutboundWrite(as: ByteBuffer.self))
    }

    func serverSends(_ text: String) async throws {
        try await writeInbound(ByteBuffer(string: text))
    }

    /// Plays the server side of the handshake.
    func acceptHandshake(info: String = #"{"server_id":"NFAKE","headers":true,"max_payload":1024}"#) async throws {
        try await serverSends("INFO \(info)\r\n")
        let connect = try await clientWrote()
        #expect(connect.hasPrefix("CONNECT {") && connect.hasSuffix("}\r\nPING\r\n"))
        try await serverSends("PONG\r\n")
    }
}
