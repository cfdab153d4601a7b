import AuthCallout
import Foundation
import IdentityStore
import NATSClient
import NIOCore
import Testing
import TestSupport

/// A real authorization request, captured in the callout account and sent again.
///
/// nats-server 2.15 refuses every client publish on `$SYS.REQ.USER.AUTH` (a Publish Violation,
/// even for a user allowed to publish `>`), so a replay cannot reach the callout through the
/// server; the test shows that, then hands the captured bytes to the service's own handler (the
/// one that decided the original, with its replay memory) to show the guard behind it.
@Suite("Auth callout: replayed requests on a real server", .serialized, .timeLimit(.minutes(3)))
struct CalloutReplayTests {
    @Test(arguments: [false, true])
    func aCapturedRequestPublishedAgainIsRefusedAsReplayed(xkey: Bool) async throws {
        try await CalloutEndToEndTests.Fixture.with(xkey: xkey, requireEncryption: xkey) { f in
            try await f.directory.addUser("alice", password: "alice-pw", groups: ["developers"])
            let url = f.server.server.url
            // Whoever holds a login in the callout account sees every request (not in the queue group).
            let serviceUser = f.server.serviceUser
            let spy = try await NATSConnection.connect(
                NATSConfiguration(servers: [url], name: "replay-spy",
                                  authentication: .nkey(publicKey: serviceUser.publicKey,
                                                        signNonce: { serviceUser.signature(for: $0) })),
                logger: RunningCallout.logger)
            defer { Task { await spy.close() } }
            let requests = try await spy.subscribe(to: "$SYS.REQ.USER.AUTH")
            try await spy.flush()

            // nats-server's request is valid for its auth timeout (2 s): it is replayed as soon as
            // the original is decided, while the client is still connecting.
            async let first = PythonClient.run(url, ["user": "alice", "password": "alice-pw"])
            var captured = requests.makeAsyncIterator()
            let original = try #require(try await captured.next())
            #expect((original.headers?["Nats-Server-Xkey"] != nil) == xkey)
            _ = try await f.callout.record("alice allowed") { $0.userName == "alice" && $0.result == .allow }

            // Through the server: refused before it reaches any subscriber.
            try? await spy.publish(original.payload, to: "$SYS.REQ.USER.AUTH", replyTo: "_INBOX.replay",
                                   headers: original.headers)
            let log = f.server.server
            try await pollUntil("nats-server refuses the republish") {
                log.log.contains(#"Publish Violation - Subject "$SYS.REQ.USER.AUTH""#)
            }

            // The same bytes handed to the handler that decided the original: refused, no reply.
            let outcome = await f.callout.handler.handle(payload: Array(original.payload.readableBytesView),
                                                         serverXKey: original.headers?["Nats-Server-Xkey"])
            #expect(outcome.record.result == .deny)
            #expect(outcome.record.reason == .replayedRequest, "\(outcome.record.detail ?? "")")
            #expect(outcome.reply == nil, "a replay was answered")

            let connected = try await first
            #expect(connected.connected, "\(connected.error ?? "")")
            #expect(f.callout.sink.records.filter { $0.result == .allow }.count == 1, "the request was allowed twice")
        }
    }
}
