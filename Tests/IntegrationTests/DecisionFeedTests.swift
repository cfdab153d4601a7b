import Foundation
import IdentityStore
import Testing
import TestSupport

/// Issue 15, item 6: two real `serve` replicas on one nats-server publish their decisions; one
/// `scim-callout decisions --follow --cluster` shows both, nats-py reads the same JSON, and the
/// decisions stream replays them.
@Suite("Decisions from every replica", .serialized, .timeLimit(.minutes(5)))
struct DecisionFeedTests {
    static let password = "feed-Secret-pw-7731"
    static let wrongPassword = "feed-Wrong-pw-0042"

    @Test func everyReplicasDecisionsInOneFollowerAndInTheStream() async throws {
        let first = try await ServedInstallation.create(label: "feed-a", jetStream: true)
        var second: ServedInstallation?
        do {
            try await run(first) { second = $0 }
        } catch {
            await second?.tearDown()
            await first.tearDown()
            throw error
        }
        await second?.tearDown()
        await first.tearDown()
    }

    /// The test proper; `made` hands back the second installation for the tear-down.
    private func run(_ first: ServedInstallation, made: (ServedInstallation) -> Void) async throws {
        do {
            // alice, in the group init's policy binds; the copy below gives the second replica the same store.
            let store = try first.openStore()
            let alice = try await store.createUser(.init(userName: "alice", resource: "{}"),
                                                   passwordHash: try PasswordHasher.testing.hashSync(Self.password))
            _ = try await store.createGroup(.init(displayName: "nats-demo", resource: "{}"), members: [.init(value: alice.id)])
        }
        let second = try first.replica(label: "feed-b")
        made(second)
        for (installation, name) in [(first, "replica-a"), (second, "replica-b")] {
            installation.environment = [
                "SCIM_CALLOUT_REPLICATION_PUBLISH_DECISIONS": "true", "SCIM_CALLOUT_REPLICATION_REPLICA_ID": name,
                "SCIM_CALLOUT_REPLICATION_DECISIONS_STREAM": "DECISIONS", "SCIM_CALLOUT_REPLICATION_REPLICAS": "1",
            ]
            try await installation.start()
        }
        let cliEnvironment = ServedInstallation.environment([
            "SCIM_CALLOUT_NATS_URLS": first.nats.url, "SCIM_CALLOUT_REPLICATION_DECISIONS_STREAM": "DECISIONS",
        ])

        // Two independent readers, subscribed before any connect: our CLI and nats-py.
        let follower = try ManagedProcess(
            executable: ServedInstallation.binary,
            arguments: ["decisions", "--follow", "--cluster", "--json", "--data-dir", first.directory.path],
            environment: cliEnvironment, logURL: first.directory.appendingPathComponent("follow.log"))
        let seed = try String(contentsOf: first.directory.appendingPathComponent("service.nk"), encoding: .utf8)
        let scriptURL = first.directory.appendingPathComponent("subscriber.py")
        try Data(Self.subscriber.utf8).write(to: scriptURL)
        let python = try ManagedProcess(executable: try TestEnvironment.python(),
                                        arguments: [scriptURL.path, first.nats.url, "scim-callout.decisions.>"],
                                        environment: ["NKEY_SEED": seed.trimmingCharacters(in: .whitespacesAndNewlines)],
                                        logURL: first.directory.appendingPathComponent("subscriber.log"))
        try await pollUntil("nats-py subscribed", timeout: .seconds(30)) { python.output.contains("ready") }

        // Connect (allowed and denied) until the follower has shown decisions of both replicas:
        // the queue group hands each connect to one of them.
        let both = try await poll("decisions of both replicas in `decisions --follow --cluster`", timeout: .seconds(90),
                                  interval: .milliseconds(100)) { () -> [PublishedLine]? in
            guard follower.isRunning else {
                throw TestSupportError.processFailed(command: "decisions --follow --cluster", status: -1, output: follower.output)
            }
            let lines = PublishedLine.parse(follower.output)
            if Set(lines.compactMap(\.replica)).isSuperset(of: ["replica-a", "replica-b"]),
               lines.contains(where: { $0.result == "allow" }), lines.contains(where: { $0.result == "deny" }) {
                return lines
            }
            _ = try await runPython(Self.connector, arguments: [first.nats.url, Self.password, Self.wrongPassword, "4"],
                                    timeout: .seconds(60))
            return nil
        }
        #expect(both.allSatisfy { $0.userName == "alice" && $0.id.count == 16 })
        #expect(both.contains { $0.reason == "wrong_secret" })

        // Anything else on the subjects is reported (by subject) and skipped; following goes on.
        let intruder = try await PythonClient.run(first.nats.url, ["nkey_seed": seed.trimmingCharacters(in: .whitespacesAndNewlines),
                                                                   "publish": ["scim-callout.decisions.intruder"]])
        #expect(intruder.connected)
        try await pollUntil("the follower to report the message that is not a record", timeout: .seconds(30)) {
            follower.output.contains("skipped a message on scim-callout.decisions.intruder: not a decision record")
        }
        #expect(follower.isRunning)

        // nats-py parsed the same records (json.loads) on both replicas' subjects.
        let parsed = try await poll("nats-py to see both replicas", timeout: .seconds(30)) { () -> [[String: String]]? in
            let records = python.output.split(separator: "\n").compactMap { line -> [String: String]? in
                guard line.hasPrefix("{") else { return nil }
                return try? JSONDecoder().decode([String: String].self, from: Data(line.utf8))
            }
            let subjects = Set(records.compactMap { $0["subject"] })
            return subjects.isSuperset(of: ["scim-callout.decisions.replica-a", "scim-callout.decisions.replica-b"]) ? records : nil
        }
        #expect(parsed.contains { $0["subject"] == "scim-callout.decisions.intruder" && $0["invalid"] == "true" })
        for record in parsed where record["invalid"] == nil {
            #expect(record["subject"] == "scim-callout.decisions.\(record["replica"] ?? "?")")
            #expect(["allow", "deny"].contains(record["result"] ?? ""))
        }

        // The stream kept them: a follower started later with --since replays both replicas'.
        let replay = try ManagedProcess(
            executable: ServedInstallation.binary,
            arguments: ["decisions", "--follow", "--cluster", "--since", "1h", "--data-dir", first.directory.path],
            environment: cliEnvironment, logURL: first.directory.appendingPathComponent("replay.log"))
        try await pollUntil("--since to replay both replicas from the stream", timeout: .seconds(30)) {
            replay.output.contains("replica-a") && replay.output.contains("replica-b")
        }
        #expect(!replay.output.contains("error"), "\(replay.output)")

        // No secret in anything published, printed or stored in the stream.
        let streamDump = try await runPython(Self.streamReader, arguments: [first.nats.url, "DECISIONS"],
                                             environment: ["NKEY_SEED": seed.trimmingCharacters(in: .whitespacesAndNewlines)],
                                             timeout: .seconds(60))
        #expect(streamDump.status == 0, "\(streamDump.stderr)")
        #expect(Int(streamDump.stdout.split(separator: "\n").last ?? "") ?? 0 >= both.count)
        for (what, text) in [("follower", follower.output), ("nats-py", python.output), ("replay", replay.output),
                             ("stream", streamDump.stdout), ("serve a", first.log), ("serve b", second.log)] {
            #expect(!text.contains(Self.password) && !text.contains(Self.wrongPassword), "a password appears in \(what)")
        }
        // The installation's own seeds, and anything shaped like an nkey seed (58 base32 characters
        // starting with S). A bare "SUA" was not enough: random jwtIDs contain it now and then.
        let seedFiles = try FileManager.default.contentsOfDirectory(atPath: first.directory.path).filter { $0.hasSuffix(".nk") }
        #expect(seedFiles.count >= 4, "init wrote the issuer, xkey, service and system seeds: \(seedFiles)")
        let seeds = try seedFiles.map {
            try String(contentsOf: first.directory.appendingPathComponent($0), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        for (what, text) in [("stream", streamDump.stdout), ("follower", follower.output), ("replay", replay.output)] {
            #expect(!seeds.contains { !$0.isEmpty && text.contains($0) }, "a seed of the installation appears in \(what)")
            #expect(text.firstMatch(of: /\bS[A-Z][A-Z2-7]{56}\b/) == nil, "an nkey seed appears in \(what)")
        }
        for process in [follower, python, replay] { _ = try await process.stop(signal: SIGINT) }
    }

    /// One line of `decisions --json` output.
    struct PublishedLine: Decodable {
        var id: String
        var replica: String?
        var result: String
        var reason: String
        var userName: String?

        static func parse(_ output: String) -> [PublishedLine] {
            output.split(separator: "\n").compactMap { try? JSONDecoder().decode(PublishedLine.self, from: Data($0.utf8)) }
        }
    }

    /// nats-py, independent of our code: subscribes, prints `ready`, then for every message its
    /// subject and the fields `json.loads` found (payload parsed, not echoed).
    static let subscriber = """
        import asyncio, json, os, sys, nats
        async def main():
            nc = await nats.connect(sys.argv[1], nkeys_seed_str=os.environ["NKEY_SEED"])
            async def on_message(msg):
                try:
                    record = json.loads(msg.data)
                except ValueError:
                    print(json.dumps({"subject": msg.subject, "invalid": "true"}), flush=True)
                    return
                print(json.dumps({"subject": msg.subject, "replica": record["replica"], "result": record["result"],
                                  "reason": record["reason"], "id": record["id"], "time": record["time"]}), flush=True)
            await nc.subscribe(sys.argv[2], cb=on_message)
            await nc.flush()
            print("ready", flush=True)
            await asyncio.sleep(600)
        asyncio.run(main())
        """

    /// Connects as alice `count` times with the right password and `count` times with a wrong one.
    static let connector = """
        import asyncio, sys, nats
        async def attempt(url, password):
            try:
                nc = await nats.connect(url, user="alice", password=password, connect_timeout=5,
                                        allow_reconnect=False, max_reconnect_attempts=0)
                await nc.close()
            except Exception:
                pass
        async def main():
            url, good, bad, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
            for _ in range(count):
                await attempt(url, good)
                await attempt(url, bad)
        asyncio.run(main())
        """

    /// Prints every message of the stream (raw payloads, to search for secrets), then the count.
    static let streamReader = """
        import asyncio, os, sys, nats
        async def main():
            nc = await nats.connect(sys.argv[1], nkeys_seed_str=os.environ["NKEY_SEED"])
            js = nc.jetstream()
            info = await js.stream_info(sys.argv[2])
            count = 0
            for seq in range(info.state.first_seq, info.state.last_seq + 1):
                msg = await js.get_msg(sys.argv[2], seq)
                print(msg.data.decode())
                count += 1
            print(count)
            await nc.close()
        asyncio.run(main())
        """
}
