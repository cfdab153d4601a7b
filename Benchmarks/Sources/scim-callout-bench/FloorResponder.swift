import Dispatch
import Foundation
import Logging
import NATSClient
import NATSJWT
import NIOCore
import NIOPosix
import NKeys
import Synchronization

/// The least work any auth callout has to do per request, as a process of its own, so the
/// served benchmark can put a floor under `scim-callout serve`'s CPU per decision on this host.
///
/// Per request it does only what the protocol requires, with our own client and codecs and the
/// same connection layout as `serve` (one NATS connection per usable CPU, each on its own event
/// loop, answering on the loop that read the request): open the xkey box when the request is
/// sealed, verify the request JWT (signature, issuer type, audience, expiry), sign a user JWT with
/// the benchmark policy's permissions, sign the response JWT, seal it when asked, publish it.
/// It reads no store, checks no password (every connect is allowed), evaluates no policy,
/// writes no log line, no `decisions` row and no metric: a benchmark instrument, never a service.
enum FloorResponder {
    /// Arguments (after `floor-responder`): nats URL, service seed file, issuer seed file, and
    /// optionally the xkey seed file. Seeds are read from files so none is on a command line.
    static func main(_ arguments: [String]) async throws {
        guard arguments.count == 3 || arguments.count == 4 else {
            throw BenchError("usage: scim-callout-bench floor-responder <nats-url> <service.nk> <issuer.nk> [xkey.nk]")
        }
        func seed(_ path: String) throws -> String {
            try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let service = try KeyPair(seed: try seed(arguments[1]))
        let issuer = try KeyPair(seed: try seed(arguments[2]))
        let xkey = try arguments.count == 4 ? XKeyPair(seed: try seed(arguments[3])) : nil
        let responder = Responder(issuer: issuer, xkey: xkey)

        // As serve's default callout.connections: one per CPU this process may use (all cores
        // when the affinity list cannot be read, as serve's UsableCPUs does).
        let allowed = Placement.allowedCPUs(of: "self").count
        let loops = max(1, min(System.coreCount, allowed > 0 ? allowed : .max))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: loops)
        let logger = Logger(label: "floor", factory: { _ in SwiftLogNoOpLogHandler() })
        var subscriptions: [NATSHandlerSubscription] = []
        for index in 0 ..< loops {
            let configuration = NATSConfiguration(
                servers: [arguments[0]], name: "callout-floor-\(index)",
                authentication: .nkey(publicKey: service.publicKey, signNonce: { nonce in service.signature(for: nonce) }),
                echo: false)
            let connection = try await NATSConnection.connect(configuration, eventLoopGroup: group.next(), logger: logger)
            subscriptions.append(try await connection.subscribe(to: "$SYS.REQ.USER.AUTH", queue: "scim-callout") { message, readAt in
                guard let replyTo = message.replyTo,
                      let reply = responder.reply(to: Array(message.payload.readableBytesView),
                                                  serverXKey: message.headers?["Nats-Server-Xkey"]) else { return }
                try? connection.publishWithoutWaiting(ByteBuffer(bytes: reply), to: replyTo)
                // As serve's `latency_us`: from the socket read that brought the request to the reply queued.
                responder.latencies.withLock { $0.append(UInt32(clamping: (NIODeadline.now() - readAt).nanoseconds / 1_000)) }
            })
            try await connection.flush()
        }
        // SIGUSR1 starts a window (forgets the latencies so far); SIGUSR2 reports the window.
        let signals = [SIGUSR1, SIGUSR2].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler {
                let window = responder.latencies.withLock { latencies in
                    defer { if number == SIGUSR1 { latencies.removeAll(keepingCapacity: true) } }
                    return latencies
                }
                if number == SIGUSR2 { FileHandle.standardOutput.write(Data(Self.report(window).utf8)) }
            }
            source.resume()
            return source
        }
        FileHandle.standardOutput.write(Data("floor responder ready on \(loops) connections\n".utf8))
        // Runs until the benchmark stops it by PID.
        for subscription in subscriptions { await subscription.waitUntilEnded() }
        for source in signals { source.cancel() }
    }

    /// One line the benchmark parses: `window decisions=N p50_us=… p99_us=…`.
    static func report(_ latencies: [UInt32]) -> String {
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> UInt32 {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
        }
        return "window decisions=\(sorted.count) p50_us=\(percentile(0.5)) p99_us=\(percentile(0.99))\n"
    }

    /// Parses the last ``report(_:)`` line in `output`.
    static func lastWindow(in output: String) -> (decisions: Int, p50: Double, p99: Double)? {
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("window ") }) else { return nil }
        var fields: [Substring: Double] = [:]
        for pair in line.split(separator: " ").dropFirst() {
            let parts = pair.split(separator: "=")
            if parts.count == 2, let value = Double(parts[1]) { fields[parts[0]] = value }
        }
        guard let decisions = fields["decisions"], let p50 = fields["p50_us"], let p99 = fields["p99_us"] else { return nil }
        return (Int(decisions), p50 / 1_000, p99 / 1_000)
    }

    /// The per-request work, shared by the connections' event loops.
    final class Responder: Sendable {
        let issuer: KeyPair
        let xkey: XKeyPair?
        /// One precomputed box per server xkey, as `serve` keeps them.
        let boxes = Mutex<[String: XKeyBox]>([:])
        /// Each answered request's latency in µs, since the window began.
        let latencies = Mutex<[UInt32]>([])

        init(issuer: KeyPair, xkey: XKeyPair?) {
            self.issuer = issuer
            self.xkey = xkey
        }

        /// The signed (and, when the request was sealed, sealed) allow, or nil when the request
        /// does not verify: nothing is sent and the benchmark counts a failed connect.
        func reply(to payload: [UInt8], serverXKey: String?) -> [UInt8]? {
            do {
                var box: XKeyBox?
                var token = payload
                if let serverXKey, let xkey {
                    let shared = try boxes.withLock { boxes in
                        if let known = boxes[serverXKey] { return known }
                        let made = try xkey.sharedBox(with: serverXKey)
                        boxes[serverXKey] = made
                        return made
                    }
                    token = try shared.open(payload)
                    box = shared
                }
                let now = Date()
                let request = try JWT.verify(utf8: token, as: NATSAuthorizationRequest.self, now: now,
                                             expectedAudience: "nats-authorization-request", allowedIssuerTypes: [.server],
                                             leeway: .seconds(2))
                // The benchmark's users are `user<N>`; the policy's template would escape a name,
                // this instrument only ever sees those.
                let name = request.nats.connectOptions.username ?? "floor"
                let user = UserClaims(
                    subject: request.nats.userNKey, name: name, audience: "APP",
                    expires: Int64(now.timeIntervalSince1970) + 3_600,
                    nats: NATSUser(pub: Permission(allow: ["app.\(name).>", "app.shared.>"]),
                                   sub: Permission(allow: ["app.>", "_INBOX.>"])))
                let userJWT = try JWT.signed(user, by: issuer, issuedAt: now)
                let response = AuthorizationResponseClaims(
                    subject: request.nats.userNKey, audience: request.nats.serverID.id,
                    nats: NATSAuthorizationResponse(jwt: userJWT.text))
                let signed = try JWT.signed(response, by: issuer, issuedAt: now).bytes
                return try box?.seal(signed) ?? signed
            } catch {
                return nil
            }
        }
    }
}
