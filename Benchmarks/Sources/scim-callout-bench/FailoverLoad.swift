import Foundation

/// nats-py clients connecting at a fixed rate through the cluster's auth callout (another
/// process, at `nice 10` like ``LoadGenerator``), recording every attempt: when it started,
/// how long it took, whether it failed. A fixed rate (not "as fast as possible") keeps the
/// attempts evenly spread over time, so a gap while a replica dies shows as failed or slow
/// attempts at known moments.
enum FailoverLoad {
    struct Attempt: Decodable {
        /// Start, seconds since the epoch.
        var start: Double
        /// Milliseconds to connected or to the failure.
        var ms: Double
        var ok: Bool
    }

    static let script = """
        import asyncio, json, sys, time, nats
        async def one(url, user, attempts):
            start = time.time(); t0 = time.perf_counter(); ok = True
            try:
                nc = await nats.connect(url, user=user, password="bench-password", connect_timeout=5,
                                        allow_reconnect=False, max_reconnect_attempts=0)
                await nc.close()
            except Exception:
                ok = False
            attempts.append({"start": start, "ms": (time.perf_counter() - t0) * 1000, "ok": ok})
        async def main():
            urls = sys.argv[1].split(","); prefix = sys.argv[2]; users = int(sys.argv[3])
            rate = float(sys.argv[4]); seconds = float(sys.argv[5])
            attempts, tasks = [], []
            begin = time.perf_counter()
            for i in range(int(rate * seconds)):
                delay = begin + i / rate - time.perf_counter()
                if delay > 0: await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(one(urls[i % len(urls)], f"{prefix}{i % users}", attempts)))
            await asyncio.gather(*tasks)
            print(json.dumps(attempts))
        asyncio.run(main())
        """

    /// Runs `rate` × `seconds` connects spread over `urls`, as users `<prefix>0`…`<prefix><users - 1>`.
    static func run(urls: [String], userPrefix: String, users: Int, rate: Int, seconds: Int) async throws -> [Attempt] {
        let venv = ProcessInfo.processInfo.environment["SCIM_CALLOUT_VENV"] ?? ".venv"
        let python = URL(fileURLWithPath: venv).appendingPathComponent("bin/python")
        let scriptURL = FileManager.default.temporaryDirectory.appendingPathComponent("failover-load-\(UUID().uuidString.prefix(8)).py")
        try Data(script.utf8).write(to: scriptURL)
        defer { try? FileManager.default.removeItem(at: scriptURL) }
        let output = Pipe()
        let process = Process()
        let niceness = ProcessInfo.processInfo.environment["CALLOUT_BENCH_CLIENT_NICE"] ?? "10"
        process.executableURL = URL(fileURLWithPath: try ServedCalloutBench.commandPath("nice"))
        process.arguments = ["-n", niceness, python.path, scriptURL.path, urls.joined(separator: ","), userPrefix,
                             String(users), String(rate), String(seconds)]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = await Task.detached { output.fileHandleForReading.readDataToEndOfFile() }.value
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("failover load exited with \(process.terminationStatus)") }
        return try JSONDecoder().decode([Attempt].self, from: data)
    }
}
