import Foundation
import IdentityStore
import Testing
import TestSupport

/// `serve` as a whole against a real nats-server started from `init`'s configuration: users are
/// written to the store file (as SCIM would), then nats-py connects through the callout.
@Suite("scim-callout serve answers the auth callout")
struct ServeCalloutTests {
    @Test func allowsAGroupMemberDeniesOthersAndCountsDecisions() async throws {
        let directory = try TestEnvironment.temporaryDirectory("serve-callout")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)

        // Given alice (in nats-demo) and bob (in no group) in the store.
        let database = try ServeFixture.openStore(directory)
        let hash = try PasswordHasher.testing.hashSync("alice-pw")
        let alice = try await database.createUser(.init(userName: "alice", resource: "{}"), passwordHash: hash)
        _ = try await database.createUser(.init(userName: "bob", resource: "{}"),
                                          passwordHash: try PasswordHasher.testing.hashSync("bob-pw"))
        _ = try await database.createGroup(.init(displayName: "nats-demo", resource: "{}"), members: [.init(value: alice.id)])

        let nats = try await ServeFixture.natsServer(directory)
        defer { Task { try? await nats.stop() } }
        // A raised nice value (allowed to anyone) on the threads that decide.
        let (serve, port) = try await ServeFixture.startServe(
            directory, nats: nats, environment: ["SCIM_CALLOUT_CALLOUT_THREAD_PRIORITY": "nice:5"])
        // callout.thread_priority reached the callout's own event loops and only them (not the
        // shared loops the HTTP server runs on).
        let threads = try ProcThreads.list(pid: serve.pid)
        let calloutThreads = threads.filter { $0.name.hasPrefix("NIO-ELT-") }
        #expect(!calloutThreads.isEmpty, "\(threads)")
        #expect(calloutThreads.allSatisfy { $0.nice == 5 }, "\(threads)")
        #expect(threads.filter { $0.nice == 5 }.count == calloutThreads.count, "\(threads)")
        #expect(serve.output.contains("callout threads scheduled"), "\(serve.output)")

        // When they connect (the server seals requests with the xkey init configured).
        let result = try await runPython("""
            import asyncio, sys, nats
            async def attempt(user, password):
                errors = []
                async def on_error(e): errors.append(str(e))
                try:
                    nc = await nats.connect(sys.argv[1], user=user, password=password, connect_timeout=5,
                                            allow_reconnect=False, max_reconnect_attempts=0, error_cb=on_error)
                except Exception as e:
                    return "denied" if any("Authorization Violation" in x for x in errors + [str(e)]) else "error " + str(e)
                sub = await nc.subscribe("demo.x")
                await nc.publish("demo.x", b"hi")
                msg = await sub.next_msg(timeout=5)
                await nc.close()
                return "allowed " + msg.data.decode()
            async def main():
                print(await attempt("alice", "alice-pw"))
                print(await attempt("bob", "bob-pw"))
                print(await attempt("alice", "wrong"))
            asyncio.run(main())
            """, arguments: [nats.url], timeout: .seconds(60))
        // Then alice is allowed on demo.>, bob (no group) and a wrong password are denied.
        #expect(result.stdout == "allowed hi\ndenied\ndenied\n", "\(result.stderr)\n\(serve.output)")

        let metrics = try PrometheusText(try await HTTPProbe.get("http://127.0.0.1:\(port)/metrics").body)
        #expect(metrics.values("scim_callout_decisions_total", ["result": "allow"]).reduce(0, +) == 1)
        #expect(metrics.values("scim_callout_decisions_total", ["result": "deny"]).reduce(0, +) == 2)
        #expect(metrics.values("store_rows", ["table": "users"]) == [2])
        #expect(metrics.values("store_rows", ["table": "groups"]) == [1])
        #expect(metrics.values("nats_connection_state", ["connection": "system", "state": "connected"]) == [1])

        // The read-only views work while serve runs (WAL lets both open the file).
        let users = try await CLI.run(["users", "--data-dir", directory.path])
        #expect(users.status == 0, "\(users.stderr)")
        #expect(users.stdout.contains("alice"))
        #expect(users.stdout.contains("nats-demo"))
        #expect(users.stdout.hasSuffix("2 of 2 users\n"))
        let show = try await CLI.run(["users", "show", "bob", "--data-dir", directory.path])
        #expect(show.stdout.contains("active: true"))
        #expect(show.stdout.contains("password: set"))
        #expect(!show.stdout.contains("argon2"), "never the hash")
        #expect(try await CLI.run(["users", "show", "carol", "--data-dir", directory.path]).status == 66)
        let group = try await CLI.run(["groups", "show", "nats-demo", "--data-dir", directory.path])
        #expect(group.status == 0)
        #expect(group.stdout.contains("members (1):\n  alice (User \(alice.id))"))
        let groups = try await CLI.run(["groups", "list", "--json", "--data-dir", directory.path])
        #expect(groups.stdout.contains("\"members\":\"1\""))
        let policy = try await CLI.run(["policy", "check", "--user", "bob", "--data-dir", directory.path])
        #expect(policy.status == 2, "bob is in no bound group")
        let allowed = try await CLI.run(["policy", "check", "--user", "alice", "--data-dir", directory.path])
        #expect(allowed.status == 0, "\(allowed.stderr)")

        // The decision log is queryable from the CLI (records are written in batches: poll).
        let denied = try await poll("two denials in the decision log", timeout: .seconds(10)) { () -> String? in
            let result = try? await CLI.run(["decisions", "--data-dir", directory.path, "--result", "deny", "--json"])
            return result?.stdout.split(separator: "\n").count == 2 ? result?.stdout : nil
        }
        #expect(denied.contains("\"reason\":\"no_binding\""))
        #expect(denied.contains("\"reason\":\"wrong_secret\""))
        let table = try await CLI.run(["decisions", "--data-dir", directory.path, "--user", "alice"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.hasPrefix("TIME"))
        #expect(table.stdout.contains("allow   allowed"))
        // The last two columns, whatever their width: a slow decision's latency widens its column.
        let header = table.stdout.split(separator: "\n").first.map { $0.split(separator: " ").suffix(2).map(String.init) }
        #expect(header == ["LATENCY", "QUEUED"], "\(table.stdout)")
        // Served decisions carry their queue wait (dated from the socket read), in ms like the latency.
        let aliceRow = try #require(table.stdout.split(separator: "\n").dropFirst().first)
        #expect(aliceRow.split(separator: " ").suffix(2).allSatisfy { $0.hasSuffix("ms") }, "\(aliceRow)")
        #expect(!table.stdout.contains("alice-pw"))
        let bad = try await CLI.run(["decisions", "--data-dir", directory.path, "--reason", "because"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("wrong_secret"), "lists the valid reasons")

        #expect(try await serve.stop(signal: SIGTERM) == 0, "\(serve.output)")
        #expect(!serve.output.contains("alice-pw"), "no password in the log")
        #expect(serve.output.contains("scim-callout stopped"))
    }

    /// `callout.decision_budget` reaches the decisions `serve` makes: with a 200 ms budget a
    /// decision waits two thirds of it (133 ms) for its argon2id check, so a hash far costlier
    /// than that is a `timeout` denial whose detail names the wait (with the default budget the
    /// wait is 1000 ms). The IdP never sets such a hash; it stands in for an overloaded host.
    @Test func theDecisionBudgetSetsHowLongAPasswordCheckMayTake() async throws {
        let directory = try TestEnvironment.temporaryDirectory("serve-budget")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)

        // Given carol in nats-demo, whose hash takes about half a second to check (128 MiB, 4 passes).
        let database = try ServeFixture.openStore(directory)
        let costly = PasswordHasher(opsLimit: 4, memLimit: 128 * 1024 * 1024)
        let carol = try await database.createUser(.init(userName: "carol", resource: "{}"), passwordHash: try costly.hashSync("carol-pw"))
        _ = try await database.createGroup(.init(displayName: "nats-demo", resource: "{}"), members: [.init(value: carol.id)])

        let nats = try await ServeFixture.natsServer(directory)
        defer { Task { try? await nats.stop() } }
        let (serve, port) = try await ServeFixture.startServe(
            directory, nats: nats, environment: ["SCIM_CALLOUT_CALLOUT_DECISION_BUDGET": "200ms"])

        // When she connects with the right password (no SCIM requests here: no token needed).
        let result = try await runPython("""
            \(PythonSCIMClient.preamble)
            print(asyncio.run(attempt("carol", "carol-pw")))
            """, arguments: [nats.url, String(port), "unused"], timeout: .seconds(60))

        // Then she is denied for time, and the record says how long the check could take.
        #expect(result.stdout == "denied\n", "\(result.stderr)\n\(serve.output)")
        let denial = try await poll("the denial in the decision log", timeout: .seconds(10)) { () -> String? in
            let listed = try? await CLI.run(["decisions", "--data-dir", directory.path, "--result", "deny", "--json"])
            return listed?.stdout.isEmpty == false ? listed?.stdout : nil
        }
        #expect(denial.contains("\"reason\":\"timeout\""), "\(denial)")
        #expect(denial.contains("the password check did not finish within 133 ms"), "\(denial)")
        #expect(!denial.contains("carol-pw") && !serve.output.contains("carol-pw"), "no password in the log")
        #expect(try await serve.stop(signal: SIGTERM) == 0, "\(serve.output)")
    }

    /// Changes made the way an IdP makes them (SCIM requests to the served endpoint) decide the
    /// very next connect, however warm the service's lookup cache is: deactivation denies,
    /// reactivation allows, losing the bound group denies.
    @Test func aSCIMChangeDecidesTheNextConnect() async throws {
        let directory = try TestEnvironment.temporaryDirectory("serve-callout")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let token = try await ServeFixture.scimToken(directory, name: "idp")

        let nats = try await ServeFixture.natsServer(directory)
        defer { Task { try? await nats.stop() } }
        let (serve, port) = try await ServeFixture.startServe(directory, nats: nats)
        let result = try await runPython("""
            \(PythonSCIMClient.preamble)
            _, user = scim("POST", "Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "alice",
                                             "password": "alice-pw", "active": True})
            user_id = user["id"]
            _, group = scim("POST", "Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                                               "displayName": "nats-demo", "members": [{"value": user_id}]})
            group_id = group["id"]
            async def main():
                # Twice, so the service has alice in its lookup cache before each change.
                print(await attempt(), await attempt())
                print(patch("Users/" + user_id, [{"op": "replace", "value": {"active": False}}]), await attempt())
                print(patch("Users/" + user_id, [{"op": "replace", "value": {"active": True}}]), await attempt(), await attempt())
                print(patch("Groups/" + group_id, [{"op": "remove", "path": f'members[value eq "{user_id}"]'}]), await attempt())
            asyncio.run(main())
            """, arguments: [nats.url, String(port), token], timeout: .seconds(60))
        #expect(result.stdout == "allowed allowed\n200 denied\n200 allowed allowed\n200 denied\n", "\(result.stderr)\n\(serve.output)")
        let reasons = try await poll("the denials in the decision log", timeout: .seconds(10)) { () -> String? in
            let listed = try? await CLI.run(["decisions", "--data-dir", directory.path, "--result", "deny", "--json"])
            return listed?.stdout.split(separator: "\n").count == 2 ? listed?.stdout : nil
        }
        #expect(reasons.contains("\"reason\":\"inactive_user\""), "\(reasons)")
        #expect(reasons.contains("\"reason\":\"no_binding\""), "\(reasons)")
        #expect(try await serve.stop(signal: SIGTERM) == 0, "\(serve.output)")
    }
}
