import Foundation
import TestSupport

/// Many nats-py clients in one Python process (asyncio): a connect storm, or a crowd that stays
/// connected and reconnects when nats-server comes back.
enum PythonCrowd {
    /// One connect per seed (nkey), `concurrency` at a time; prints `<index> allowed|denied|error`
    /// per attempt as it ends.
    static let attemptsScript = """
        import asyncio, json, sys, nats
        url, spec = sys.argv[1], json.loads(sys.argv[2])
        async def attempt(seed):
            errors = []
            async def on_error(e): errors.append(str(e))
            try:
                nc = await nats.connect(url, nkeys_seed_str=seed, connect_timeout=5, allow_reconnect=False,
                                        max_reconnect_attempts=0, error_cb=on_error)
            except Exception as e:
                return "denied" if any("Authorization Violation" in x for x in errors + [str(e)]) else "error"
            # nats-py may return from connect on a socket the server already closed: only a round
            # trip proves the server let the client in.
            try:
                await nc.flush(timeout=5)
            except Exception:
                return "denied" if nc.is_closed or not nc.is_connected else "error"
            await nc.close()
            return "allowed"
        async def main():
            gate = asyncio.Semaphore(spec["concurrency"])
            async def one(index, seed):
                async with gate:
                    print(index, await attempt(seed), flush=True)
            await asyncio.gather(*(one(i, s) for i, s in enumerate(spec["seeds"])))
        asyncio.run(main())
        """

    /// Connects `per_seed` clients per seed that reconnect forever; prints a JSON status line
    /// (`connected`, `reconnects`, `reopened`) whenever it changes. nats-py closes a client for
    /// good when an `Authorization Violation` reaches it outside its connect handshake (as when
    /// nats-server times out a reconnect nobody decided yet): such a client is opened again.
    static let crowdScript = """
        import asyncio, json, sys, nats
        url, spec = sys.argv[1], json.loads(sys.argv[2])
        state = {"reconnects": 0, "reopened": 0}
        clients = {}
        async def on_error(e): pass
        async def reconnected(): state["reconnects"] += 1
        async def open_client(slot, seed, gate):
            async def closed():
                nc = clients.get(slot)
                if nc is not None and nc.is_closed:
                    del clients[slot]
                    asyncio.get_running_loop().create_task(reopen(slot, seed))
            async with gate:
                while True:
                    try:
                        nc = await nats.connect(url, nkeys_seed_str=seed, connect_timeout=5, allow_reconnect=True,
                                                max_reconnect_attempts=-1, reconnect_time_wait=0.25, error_cb=on_error,
                                                reconnected_cb=reconnected, closed_cb=closed)
                        await nc.flush(timeout=5)
                        clients[slot] = nc
                        return
                    except Exception:
                        await asyncio.sleep(0.25)
        async def reopen(slot, seed):
            await open_client(slot, seed, asyncio.Semaphore(1))
            state["reopened"] += 1
        async def main():
            gate = asyncio.Semaphore(spec["concurrency"])
            slots = [(i, s) for i, s in enumerate(s for s in spec["seeds"] for _ in range(spec["per_seed"]))]
            await asyncio.gather(*(open_client(i, s, gate) for i, s in slots))
            last = None
            while True:
                status = dict(state, connected=sum(1 for c in clients.values() if c.is_connected))
                if status != last:
                    print(json.dumps(status), flush=True)
                    last = status
                await asyncio.sleep(0.02)
        asyncio.run(main())
        """

    /// The crowd's last status line.
    struct Status: Decodable, Equatable {
        var connected: Int
        var reconnects: Int
        var reopened: Int
    }

    /// Starts a connect storm in the background (output in `directory`).
    static func startAttempts(url: String, seeds: [String], concurrency: Int, in directory: URL) throws -> ManagedProcess {
        try start(attemptsScript, url: url, spec: ["seeds": seeds, "concurrency": concurrency], name: "attempts", in: directory)
    }

    /// Runs connects to completion and returns each attempt's outcome, in seed order.
    static func attempts(url: String, seeds: [String], concurrency: Int) async throws -> [String] {
        let spec = String(decoding: try JSONSerialization.data(withJSONObject: ["seeds": seeds, "concurrency": concurrency]), as: UTF8.self)
        let result = try await runPython(attemptsScript, arguments: [url, spec], timeout: .seconds(60))
        guard result.status == 0 else {
            throw TestSupportError.processFailed(command: "nats-py attempts", status: result.status, output: result.stderr)
        }
        return outcomes(result.stdout, count: seeds.count)
    }

    /// The outcomes printed so far by an attempts script, in seed order ("" for one not ended).
    static func outcomes(_ output: String, count: Int) -> [String] {
        var outcomes = Array(repeating: "", count: count)
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let index = Int(parts[0]), outcomes.indices.contains(index) { outcomes[index] = String(parts[1]) }
        }
        return outcomes
    }

    /// Starts a crowd of `perSeed` clients per seed.
    static func startCrowd(url: String, seeds: [String], perSeed: Int, in directory: URL) throws -> ManagedProcess {
        try start(crowdScript, url: url, spec: ["seeds": seeds, "per_seed": perSeed, "concurrency": 25], name: "crowd", in: directory)
    }

    /// The crowd's last status (nil before it has connected everyone).
    static func status(of crowd: ManagedProcess) -> Status? {
        crowd.output.split(separator: "\n").last(where: { $0.hasPrefix("{") })
            .flatMap { try? JSONDecoder().decode(Status.self, from: Data($0.utf8)) }
    }

    private static func start(_ script: String, url: String, spec: [String: Any], name: String, in directory: URL) throws -> ManagedProcess {
        let scriptURL = directory.appendingPathComponent("\(name).py")
        try Data(script.utf8).write(to: scriptURL)
        let json = String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self)
        return try ManagedProcess(executable: try TestEnvironment.python(), arguments: [scriptURL.path, url, json],
                                  logURL: directory.appendingPathComponent("\(name).log"))
    }
}
