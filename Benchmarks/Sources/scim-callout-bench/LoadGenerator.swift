import Foundation

/// Concurrent nats-py clients connecting (another process, so its CPU is not ours).
enum LoadGenerator {
    /// How the clients connect.
    enum Mode: String {
        /// Each client connects and closes in a loop, as fast as it can: the host's CPU is saturated.
        case sustained
        /// Rounds of every client connecting at the same moment; a round starts when the last
        /// one finished, and all close before the next round.
        case bursts
    }

    struct Report: Decodable { var rate: Double; var p50: Double; var p99: Double; var failures: Int }

    static let script = """
        import asyncio, json, sys, time, nats
        async def worker(url, prefix, distinct, index, deadline, latencies, failures):
            n = index
            while time.monotonic() < deadline:
                user = prefix if distinct <= 1 else f"{prefix}{n % distinct}"
                n += 32
                start = time.perf_counter()
                try:
                    nc = await nats.connect(url, user=user, password="bench-password", connect_timeout=5,
                                            allow_reconnect=False, max_reconnect_attempts=0)
                    latencies.append((time.perf_counter() - start) * 1000)
                    await nc.close()
                except Exception:
                    failures.append(1)
        async def bursts(url, prefix, clients, distinct, deadline, latencies, failures):
            n = 0
            async def one(index):
                user = prefix if distinct <= 1 else f"{prefix}{index % distinct}"
                start = time.perf_counter()
                try:
                    nc = await nats.connect(url, user=user, password="bench-password", connect_timeout=5,
                                            allow_reconnect=False, max_reconnect_attempts=0)
                    latencies.append((time.perf_counter() - start) * 1000)
                    return nc
                except Exception:
                    failures.append(1)
                    return None
            while time.monotonic() < deadline:
                connections = await asyncio.gather(*[one(n + i) for i in range(clients)])
                n += clients
                await asyncio.gather(*[nc.close() for nc in connections if nc is not None])
        async def main():
            url, prefix, clients, seconds, distinct = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
            mode = sys.argv[6]
            latencies, failures = [], []
            start = time.monotonic()
            deadline = start + seconds
            if mode == "bursts":
                await bursts(url, prefix, clients, distinct, deadline, latencies, failures)
            else:
                await asyncio.gather(*[worker(url, prefix, distinct, i, deadline, latencies, failures) for i in range(clients)])
            elapsed = time.monotonic() - start
            latencies.sort()
            def pct(p): return latencies[min(len(latencies) - 1, int(round((len(latencies) - 1) * p)))] if latencies else 0
            print(json.dumps({"rate": len(latencies) / elapsed, "p50": pct(0.5), "p99": pct(0.99), "failures": len(failures)}))
        asyncio.run(main())
        """

    /// - Parameter cpus: the CPUs the clients may run on (`taskset -c` syntax); nil: any.
    static func run(url: String, userPrefix: String, clients: Int, seconds: Int, distinctUsers: Int,
                    mode: Mode = .sustained, cpus: String? = nil) async throws -> Report {
        let venv = ProcessInfo.processInfo.environment["SCIM_CALLOUT_VENV"] ?? ".venv"
        let python = URL(fileURLWithPath: venv).appendingPathComponent("bin/python")
        let scriptURL = FileManager.default.temporaryDirectory.appendingPathComponent("callout-load-\(UUID().uuidString.prefix(8)).py")
        try Data(script.utf8).write(to: scriptURL)
        defer { try? FileManager.default.removeItem(at: scriptURL) }
        let output = Pipe()
        let process = Process()
        // The clients stand in for other machines: at a lower CPU priority they take what nats-server
        // and the service leave over on this 2-core host instead of preempting them
        // (CALLOUT_BENCH_CLIENT_NICE=0 gives them equal priority).
        let niceness = ProcessInfo.processInfo.environment["CALLOUT_BENCH_CLIENT_NICE"] ?? "10"
        let command = ["nice", "-n", niceness, python.path, scriptURL.path, url, userPrefix, String(clients), String(seconds),
                       String(distinctUsers), mode.rawValue]
        let pinned = cpus.map { ["taskset", "-c", $0] + command } ?? command
        process.executableURL = URL(fileURLWithPath: try ServedCalloutBench.commandPath(pinned[0]))
        process.arguments = Array(pinned.dropFirst())
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Read off the cooperative pool's hot path: the pipe is small and the process short-lived.
        let data = await Task.detached { output.fileHandleForReading.readDataToEndOfFile() }.value
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("load generator exited with \(process.terminationStatus)") }
        return try JSONDecoder().decode(Report.self, from: data)
    }
}
