import Foundation
import NIOConcurrencyHelpers
import NKeys
import Testing
import TestSupport

/// Three real `serve` replicas with `replication.enabled` on a real 3-node JetStream cluster,
/// with a replica or the stream leader's node killed (`kill -9`) under a SCIM write storm and a
/// connect storm, and conflicting writes sent to two replicas at once. Each run is bounded in
/// count and time; random choices come from one seed, printed in every failure
/// (`CRASH_SAFETY_SEED=<seed>` repeats a run; `CRASH_SAFETY_KEEP=1` keeps the folders).
@Suite("Replication chaos: kill -9 of a replica or a node, conflicting writes", .serialized,
       .timeLimit(.minutes(3)))
struct ReplicationChaosTests {
    /// Users for a connect storm, written over SCIM to replica 0 (so they are replicated):
    /// `allowed-N` in `nats-demo` (the group `init`'s policy binds), `outsider-N` in no group.
    /// Returns their nkey seeds.
    static func provisionConnectUsers(_ installation: ReplicatedInstallation, allowed: Int, outsiders: Int)
        async throws -> (allowed: [String], outsiders: [String])
    {
        let client = installation.replicas[0].client
        var seeds: (allowed: [String], outsiders: [String]) = ([], [])
        var members: [String] = []
        for (prefix, count) in [("allowed", allowed), ("outsider", outsiders)] {
            for number in 0..<count {
                let key = try KeyPair.generate(.user)
                let user = try await client.createUser("\(prefix)-\(number)", nkey: key.publicKey)
                if prefix == "allowed" {
                    members.append(#"{"value":"\#(user.id)"}"#)
                    seeds.allowed.append(key.encodedSeed())
                } else {
                    seeds.outsiders.append(key.encodedSeed())
                }
            }
        }
        _ = try await client.send("POST", "Groups", body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"#
            + #""displayName":"nats-demo","members":[\#(members.joined(separator: ","))]}"#)
        return seeds
    }

    /// A write storm from 6 writers spread over the 3 replicas and a connect storm (nkeys, a
    /// quarter by users the policy denies) on node 1; one replica is SIGKILLed after a random
    /// number of acknowledged writes. Every acknowledged write is then on every surviving replica,
    /// no denied user was ever allowed, the killed replica restarted converges, and the three
    /// identity digests are equal.
    @Test func acknowledgedWritesReachEverySurvivingReplicaWhenOneIsKilled() async throws {
        let seed = SeededGenerator.runSeed()
        var random = SeededGenerator(seed: seed)
        let victim = Int.random(in: 0..<3, using: &random)
        let killAfter = Int.random(in: 20...50, using: &random)
        let context = "seed \(seed), kill r\(victim + 1) after \(killAfter) acknowledged writes"
        let installation = try await ReplicatedInstallation.create(label: "chaos-replica")
        do {
            try await installation.startAll()
            let seeds = try await Self.provisionConnectUsers(installation, allowed: 5, outsiders: 2)
            var writers = (0..<6).map(SCIMStormWriter.init(index:))
            let clients = installation.replicas.map(\.client)
            for index in writers.indices { try await writers[index].createGroups(1, with: clients[index % 3]) }
            try await installation.waitForConvergence()

            let attempts = (0..<160).map { index in
                index % 4 == 3 ? seeds.outsiders[index % seeds.outsiders.count] : seeds.allowed[index % seeds.allowed.count]
            }
            let connects = try PythonCrowd.startAttempts(url: installation.cluster.nodes[0].url, seeds: attempts,
                                                         concurrency: 8, in: installation.keys)
            let acks = NIOLockedValueBox(0)
            let stormSeeds = writers.map { _ in random.next() }
            let storm = Task { [writers] in
                await withTaskGroup(of: SCIMStormWriter.self) { group in
                    for (writer, stormSeed) in zip(writers, stormSeeds) {
                        group.addTask {
                            var writer = writer, random = SeededGenerator(seed: stormSeed)
                            await writer.storm(with: clients[writer.index % 3], random: &random, acks: acks, limit: 40)
                            return writer
                        }
                    }
                    var done: [SCIMStormWriter] = []
                    for await writer in group { done.append(writer) }
                    return done.sorted { $0.index < $1.index }
                }
            }
            try await pollUntil("\(killAfter) acknowledged writes (\(context))", timeout: .seconds(60)) {
                acks.withLockedValue { $0 } >= killAfter
            }
            try await installation.kill9(replica: victim)
            writers = await storm.value
            #expect(writers.flatMap(\.failures).isEmpty, "\(context): \(writers.flatMap(\.failures).prefix(5))")

            _ = try await connects.waitForExit(timeout: .seconds(90))
            let outcomes = PythonCrowd.outcomes(connects.output, count: attempts.count)
            let outsiderAllowed = outcomes.indices.filter { $0 % 4 == 3 && outcomes[$0] == "allowed" }
            #expect(outsiderAllowed.isEmpty, "\(context): denied users were allowed at attempts \(outsiderAllowed)")
            #expect(outcomes.filter { $0 == "allowed" }.count > 0, "\(context): \(connects.output.suffix(500))")
            // The survivors still answer every connect.
            let after = try await PythonCrowd.attempts(url: installation.cluster.nodes[1].url, seeds: seeds.allowed,
                                                       concurrency: 5)
            #expect(after == Array(repeating: "allowed", count: seeds.allowed.count), "\(context)")

            let survivors = installation.replicas.indices.filter { $0 != victim }
            let digest = try await installation.waitForConvergence(survivors)
            for index in survivors {
                let client = installation.replicas[index].client
                let users = try await client.allUsers(), groups = try await client.allGroups()
                var problems: [String] = []
                for writer in writers {
                    var copy = writer
                    problems += copy.check(users: users, groups: groups)
                }
                #expect(problems.isEmpty, "\(context): r\(index + 1): \(problems.prefix(10))")
            }
            let acknowledged = writers.map(\.acknowledged).reduce(0, +)
            #expect(acknowledged >= killAfter, "\(context)")

            try await installation.start(replica: victim)
            let all = try await installation.waitForConvergence(Array(installation.replicas.indices))
            #expect(all == digest, "\(context): the restarted replica converged to another state")
        } catch {
            Issue.record("\(context): \(error)\n\(installation.logs)")
        }
        await installation.tearDown()
    }

    /// Creates through all three replicas while the node holding the stream leader is SIGKILLed:
    /// writes pause while the other two nodes elect a leader and then resume (each write is
    /// retried as an IdP would on a 503 or no answer), no acknowledged write is lost on any
    /// replica, and connects through a surviving node are still answered, denied users denied.
    @Test func writesPauseAndResumeWhenTheStreamLeadersNodeIsKilled() async throws {
        let seed = SeededGenerator.runSeed()
        var random = SeededGenerator(seed: seed)
        let killAfter = Int.random(in: 10...25, using: &random)
        let context = "seed \(seed), kill the stream leader's node after \(killAfter) creates"
        let installation = try await ReplicatedInstallation.create(label: "chaos-leader")
        do {
            try await installation.startAll()
            let seeds = try await Self.provisionConnectUsers(installation, allowed: 3, outsiders: 1)
            try await installation.waitForConvergence()
            let leader = try await installation.cluster.waitForStreamLeader(stream: ReplicatedInstallation.stream)
            let probeNode = installation.cluster.nodes.indices.first { $0 != leader } ?? 0

            let clock = ContinuousClock()
            let acked = NIOLockedValueBox<[(userName: String, at: ContinuousClock.Instant)]>([])
            let conflicts = NIOLockedValueBox<[String]>([])
            let failures = NIOLockedValueBox<[String]>([])
            let writes = Task {
                for number in 0..<60 {
                    let userName = "lw-\(number)"
                    let client = installation.replicas[number % 3].client
                    let deadline = clock.now.advanced(by: .seconds(30))
                    var retried = false
                    while true {
                        let body = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"\#(userName)"}"#
                        let (status, text) = await client.exchange("POST", "Users", body: body)
                        if status == 201 { acked.withLockedValue { $0.append((userName, clock.now)) }; break }
                        // A retry after a lost answer may find its own first attempt applied.
                        if status == 409 && retried { conflicts.withLockedValue { $0.append(userName) }; break }
                        guard status == 503 || status == 0, clock.now < deadline else {
                            failures.withLockedValue { $0.append("\(userName): \(status) \(text.prefix(200))") }
                            return
                        }
                        retried = true
                        try? await Task.sleep(for: .milliseconds(50))  // the IdP's retry interval
                    }
                }
            }
            try await pollUntil("\(killAfter) acknowledged creates (\(context))", timeout: .seconds(60)) {
                acked.withLockedValue { $0.count } >= killAfter
            }
            let killedAt = clock.now
            try await installation.cluster.kill9(node: leader)
            let attempts = (0..<40).map { $0 % 4 == 3 ? seeds.outsiders[0] : seeds.allowed[$0 % seeds.allowed.count] }
            let duringOutcomes = try await PythonCrowd.attempts(url: installation.cluster.nodes[probeNode].url,
                                                                seeds: attempts, concurrency: 4)
            await writes.value
            #expect(failures.withLockedValue { $0 }.isEmpty, "\(context): \(failures.withLockedValue { $0 }.prefix(5))")
            let acks = acked.withLockedValue { $0 }
            #expect(acks.count + conflicts.withLockedValue { $0.count } == 60, "\(context)")
            #expect(acks.contains { $0.at > killedAt }, "\(context): no write acknowledged after the kill")
            let gaps = zip(acks, acks.dropFirst()).map { $0.0.at.duration(to: $0.1.at) }
            #expect((gaps.max() ?? .zero) < .seconds(20), "\(context): longest pause \(gaps.max() ?? .zero)")

            let outsiderAllowed = duringOutcomes.indices.filter { $0 % 4 == 3 && duringOutcomes[$0] == "allowed" }
            #expect(outsiderAllowed.isEmpty, "\(context): the denied user was allowed at attempts \(outsiderAllowed)")
            let after = try await PythonCrowd.attempts(url: installation.cluster.nodes[probeNode].url,
                                                       seeds: seeds.allowed + seeds.outsiders, concurrency: 4)
            #expect(after == ["allowed", "allowed", "allowed", "denied"], "\(context)")

            try await installation.waitForConvergence(timeout: .seconds(45))
            for replica in installation.replicas {
                let names = Set(try await replica.client.allUsers().map(\.userName))
                let missing = acks.map(\.userName).filter { !names.contains($0) }
                #expect(missing.isEmpty, "\(context): \(replica.id) lacks acknowledged \(missing.prefix(5))")
            }
            try await installation.cluster.restart(node: leader)
        } catch {
            Issue.record("\(context): \(error)\n\(installation.logs)")
        }
        await installation.tearDown()
    }

    /// The same userName created on two replicas at once, 5 times: exactly one 201, the other a
    /// 409 `uniqueness`; the same group PATCHed on two replicas with the same `If-Match`, 3
    /// times: exactly one 2xx, the other 412; every replica ends with the winner's state.
    @Test func conflictingWritesOnTwoReplicasAreDecidedOnce() async throws {
        let installation = try await ReplicatedInstallation.create(label: "chaos-conflict", replicas: 2)
        do {
            try await installation.startAll()
            let (a, b) = (installation.replicas[0].client, installation.replicas[1].client)
            for round in 0..<5 {
                let body = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"dup-\#(round)"}"#
                async let first = a.exchange("POST", "Users", body: body)
                async let second = b.exchange("POST", "Users", body: body)
                let answers = await [first, second]
                #expect(answers.map(\.status).sorted() == [201, 409], "round \(round): \(answers)")
                #expect(answers.contains { $0.status == 409 && $0.body.contains("uniqueness") }, "round \(round): \(answers)")
            }

            let group = try await a.createGroup("contested")
            var members: [String] = []
            for number in 0..<6 { members.append(try await a.createUser("member-\(number)").id) }
            try await installation.waitForConvergence()
            for round in 0..<3 {
                let (_, current) = await b.exchange("GET", "Groups/\(group.id)")
                let version = try #require(Self.version(ofResource: current), "round \(round): \(current)")
                func patch(_ member: String) -> String {
                    #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"#
                        + #""Operations":[{"op":"add","path":"members","value":[{"value":"\#(member)"}]}]}"#
                }
                let (left, right) = (members[2 * round], members[2 * round + 1])
                async let first = a.exchange("PATCH", "Groups/\(group.id)", body: patch(left), headers: ["If-Match": version])
                async let second = b.exchange("PATCH", "Groups/\(group.id)", body: patch(right), headers: ["If-Match": version])
                let answers = await [first, second]
                let won = answers.map { (200..<300).contains($0.status) }
                #expect(won.filter { $0 }.count == 1 && answers.contains { $0.status == 412 }, "round \(round): \(answers)")
                try await installation.waitForConvergence()
                let winner = won[0] ? left : right, loser = won[0] ? right : left
                for replica in installation.replicas {
                    let (_, now) = await replica.client.exchange("GET", "Groups/\(group.id)")
                    #expect(now.contains(winner) && !now.contains(loser), "round \(round): \(replica.id): \(now)")
                }
            }
            for replica in installation.replicas {
                let users = try await replica.client.allUsers()
                for round in 0..<5 { #expect(users.filter { $0.userName == "dup-\(round)" }.count == 1, "\(replica.id)") }
            }
        } catch {
            Issue.record("\(error)\n\(installation.logs)")
        }
        await installation.tearDown()
    }

    /// `meta.version` of a SCIM resource (its ETag, e.g. `W/"7"`).
    static func version(ofResource json: String) -> String? {
        struct Resource: Decodable { struct Meta: Decodable { var version: String? }; var meta: Meta? }
        return (try? JSONDecoder().decode(Resource.self, from: Data(json.utf8)))?.meta?.version
    }
}
