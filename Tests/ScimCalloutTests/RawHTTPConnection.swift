import NIOCore
import NIOPosix

/// A raw TCP connection to the HTTP listener, for clients no HTTP library would be: one that
/// sends its request a byte at a time, or never finishes its body.
struct RawHTTPConnection: Sendable {
    let channel: any Channel
    /// When the connection was opened.
    let opened: ContinuousClock.Instant

    static func open(port: Int) async throws -> RawHTTPConnection {
        // No handlers: what the server sends is dropped, and its close closes this channel
        // (remote half-closure is off), which is what the tests watch.
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port).get()
        return RawHTTPConnection(channel: channel, opened: .now)
    }

    /// Sends `text` at once; false when the connection is closed.
    @discardableResult
    func send(_ text: String) async -> Bool {
        guard channel.isActive else { return false }
        do {
            try await channel.writeAndFlush(ByteBuffer(string: text)).get()
            return true
        } catch {
            return false
        }
    }

    /// Sends `text` one byte every `pace` until it is all sent or the server closes the
    /// connection; true when the server closed it first.
    func trickle(_ text: String, pace: Duration) async throws -> Bool {
        for byte in text.utf8 {
            guard await send(String(decoding: [byte], as: UTF8.self)) else { return true }
            try await Task.sleep(for: pace)
        }
        return !channel.isActive
    }

    /// Waits until the connection is closed and returns how long after opening that was.
    func closedAfter() async throws -> Duration {
        try await channel.closeFuture.get()
        return opened.duration(to: .now)
    }

    var isOpen: Bool { channel.isActive }

    func close() async {
        try? await channel.close()
    }
}
