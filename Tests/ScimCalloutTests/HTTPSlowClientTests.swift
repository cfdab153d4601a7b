import Foundation
import Testing
import TestSupport

/// Slow and abusive HTTP clients against a real `scim-callout serve` on loopback: the read
/// deadlines close them, and the per-token cap keeps one IdP's token from starving another's.
@Suite("HTTP listener: slow clients and per-token concurrency", .serialized, .timeLimit(.minutes(3)))
struct HTTPSlowClientTests {
    /// Slow-header connections (slowloris) and slow-body connections held open at once.
    static let slowHeaders = 16
    static let slowBodies = 4

    @Test func slowHeadersAndBodiesAreClosedWhileAnotherIdPIsServed() async throws {
        let directory = try TestEnvironment.temporaryDirectory("slow-clients")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let slowToken = try await ServeFixture.scimToken(directory, name: "slow-idp")
        let goodToken = try await ServeFixture.scimToken(directory, name: "good-idp")
        let nats = try await ServeFixture.natsServer(directory)
        defer { Task { try? await nats.stop() } }
        let (serve, port) = try await ServeFixture.startServe(directory, nats: nats, environment: [
            "SCIM_CALLOUT_HTTP_HEADER_TIMEOUT": "1s", "SCIM_CALLOUT_HTTP_BODY_TIMEOUT": "2s",
        ])
        defer { Task { try? await serve.stop() } }
        let base = "http://127.0.0.1:\(port)/scim/v2"

        // Each slow sender would need far longer than its timeout to finish (a byte per 200 ms).
        let head = "GET /scim/v2/Users HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(slowToken)\r\n"
            + "User-Agent: slowloris\r\nAccept: application/scim+json\r\n\r\n"
        let body = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"never-finished"}"#
        let bodyHead = "POST /scim/v2/Users HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(slowToken)\r\n"
            + "Content-Type: application/scim+json\r\nContent-Length: \(body.utf8.count + 100)\r\n\r\n"
        var headerConnections: [RawHTTPConnection] = []
        for _ in 0 ..< Self.slowHeaders { headerConnections.append(try await RawHTTPConnection.open(port: port)) }
        var bodyConnections: [RawHTTPConnection] = []
        for _ in 0 ..< Self.slowBodies {
            let connection = try await RawHTTPConnection.open(port: port)
            #expect(await connection.send(bodyHead))
            bodyConnections.append(connection)
        }

        let pace = Duration.milliseconds(200)
        let slowHeaderConnections = headerConnections, slowBodyConnections = bodyConnections
        async let headerSenders: [Bool] = withThrowingTaskGroup(of: Bool.self) { group in
            for connection in slowHeaderConnections { group.addTask { try await connection.trickle(head, pace: pace) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        async let bodySenders: [Bool] = withThrowingTaskGroup(of: Bool.self) { group in
            for connection in slowBodyConnections { group.addTask { try await connection.trickle(body, pace: pace) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }

        // Meanwhile the other IdP lists and creates users, and must be answered every time.
        var served = 0
        var statuses: [Int] = []
        var slowest = Duration.zero
        let started = ContinuousClock.now
        while (headerConnections + bodyConnections).contains(where: \.isOpen), started.duration(to: .now) < .seconds(30) {
            let clock = ContinuousClock.now
            let list = try await HTTPProbe.send("GET", "\(base)/Users", headers: ["Authorization": "Bearer \(goodToken)"])
            let create = try await HTTPProbe.send(
                "POST", "\(base)/Users",
                headers: ["Authorization": "Bearer \(goodToken)", "Content-Type": "application/scim+json"],
                body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"good-\#(served)"}"#)
            slowest = max(slowest, clock.duration(to: .now))
            statuses += [list.status, create.status]
            served += 1
        }

        let headersClosedFirst = try await headerSenders
        let bodiesClosedFirst = try await bodySenders
        #expect(headersClosedFirst.allSatisfy { $0 }, "a slow header was read to its end")
        #expect(bodiesClosedFirst.allSatisfy { $0 }, "a slow body was read to its end")
        for connection in headerConnections {
            let after = try await connection.closedAfter()
            #expect(after >= .milliseconds(900) && after < .seconds(15), "header connection closed after \(after)")
        }
        for connection in bodyConnections {
            let after = try await connection.closedAfter()
            #expect(after >= .milliseconds(1_900) && after < .seconds(16), "body connection closed after \(after)")
        }
        #expect(served >= 2, "the good IdP was served \(served) times while the slow clients were open")
        #expect(statuses.allSatisfy { (200 ..< 300).contains($0) }, "\(statuses)")
        #expect(slowest < .seconds(5), "the good IdP waited \(slowest) for one list-and-create")

        let metrics = try await HTTPProbe.get("http://127.0.0.1:\(port)/metrics")
        let text = try PrometheusText(metrics.body)
        #expect(text.values("http_read_timeouts_total", ["phase": "header"]) == [Double(Self.slowHeaders)], "\(metrics.body)")
        #expect(text.values("http_read_timeouts_total", ["phase": "body"]) == [Double(Self.slowBodies)])
    }

    @Test func aTokenOverItsCapGets429WhileAnotherTokenIsServed() async throws {
        let directory = try TestEnvironment.temporaryDirectory("token-cap")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let busyToken = try await ServeFixture.scimToken(directory, name: "busy-idp")
        let otherToken = try await ServeFixture.scimToken(directory, name: "other-idp")
        let nats = try await ServeFixture.natsServer(directory)
        defer { Task { try? await nats.stop() } }
        let cap = 3
        let (serve, port) = try await ServeFixture.startServe(directory, nats: nats, environment: [
            "SCIM_CALLOUT_SCIM_MAX_CONCURRENT_PER_TOKEN": "\(cap)", "SCIM_CALLOUT_HTTP_BODY_TIMEOUT": "60s",
        ])
        defer { Task { try? await serve.stop() } }
        let base = "http://127.0.0.1:\(port)/scim/v2"
        let busy = ["Authorization": "Bearer \(busyToken)"]

        // `cap` requests on the busy token whose bodies never finish hold every one of its slots.
        let head = "POST /scim/v2/Users HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(busyToken)\r\n"
            + "Content-Type: application/scim+json\r\nContent-Length: 1000\r\n\r\n{\"schemas\":"
        var held: [RawHTTPConnection] = []
        for _ in 0 ..< cap {
            let connection = try await RawHTTPConnection.open(port: port)
            #expect(await connection.send(head))
            held.append(connection)
        }
        // The held requests take their slots once serve has read their headers: on a host the
        // parallel suites saturate that has taken longer than the default 10 s.
        let refused = try await poll("a request over the busy token's cap is refused", timeout: .seconds(30)) {
            let reply = try await HTTPProbe.send("GET", "\(base)/Users", headers: busy)
            return reply.status == 429 ? reply : nil
        }
        #expect(refused.header("Retry-After") == "1")
        #expect(refused.contentType?.hasPrefix("application/scim+json") == true)
        let error = try JSONSerialization.jsonObject(with: Data(refused.body.utf8)) as? [String: Any]
        #expect((error?["schemas"] as? [String]) == ["urn:ietf:params:scim:api:messages:2.0:Error"], "\(refused.body)")
        #expect(error?["status"] as? String == "429")

        // The other token is not affected: it lists and creates.
        let other = ["Authorization": "Bearer \(otherToken)"]
        #expect(try await HTTPProbe.send("GET", "\(base)/Users", headers: other).status == 200)
        let created = try await HTTPProbe.send(
            "POST", "\(base)/Users", headers: other.merging(["Content-Type": "application/scim+json"]) { $1 },
            body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"other-user"}"#)
        #expect(created.status == 201, "\(created.body)")
        #expect(held.allSatisfy { $0.isOpen }, "the held requests were closed early")

        // Once the held requests go away, their slots are given back.
        for connection in held { await connection.close() }
        try await pollUntil("the busy token is served again") {
            try await HTTPProbe.send("GET", "\(base)/Users", headers: busy).status == 200
        }
        let metrics = try PrometheusText(try await HTTPProbe.get("http://127.0.0.1:\(port)/metrics").body)
        #expect((metrics.values("scim_token_concurrency_rejections_total").first ?? 0) >= 1)
    }
}
