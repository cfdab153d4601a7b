#!/usr/bin/env bash
# CPU per decision log line through JSONLogHandler (`log.format: json`), written to a no-op sink.
#
# JSONLogHandler lives in the `scim-callout` executable, which the bench driver cannot import, so
# this builds a scratch package (release) from the handler's files and those it uses (JSON, SCIM,
# the decision record and its log fields), laid out in the same modules, and runs it.
#   scripts/log-line-bench.sh [REV] [DIR]   REV: a git revision (default: the work tree);
#                                           DIR: the scratch package (default /tmp/log-line-bench-REV)
# Needs the package's checkouts (`swift package resolve`). Run two revisions alternately to compare.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rev="${1:-WORKTREE}"
dest="${2:-/tmp/log-line-bench-$rev}"
mkdir -p "$dest/Sources"/{CSodium,IdentityStore,AuthCallout,LogBench}
rm -rf "$dest/Sources/JSON" "$dest/Sources/SCIM"
get() { if [ "$rev" = WORKTREE ]; then cp "$root/$1" "$2"; else git -C "$root" show "$rev:$1" > "$2"; fi; }
if [ "$rev" = WORKTREE ]; then
    cp -r "$root/Sources/JSON" "$root/Sources/SCIM" "$dest/Sources/"
else
    git -C "$root" archive "$rev" Sources/JSON Sources/SCIM | tar -x -C "$dest"
fi
cp "$root"/Sources/CSodium/* "$dest/Sources/CSodium/"
for f in DecisionRecord DecisionReason IDRandomPool; do get "Sources/IdentityStore/Decisions/$f.swift" "$dest/Sources/IdentityStore/$f.swift"; done
for f in DecisionLogFields LogFieldsConvertible LogFieldValue InternetDateTime; do
    get "Sources/AuthCallout/DecisionLog/$f.swift" "$dest/Sources/AuthCallout/$f.swift"
done
for f in JSONLogHandler JSONLineEncoder LogLineWriter; do get "Sources/scim-callout/Logging/$f.swift" "$dest/Sources/LogBench/$f.swift"; done
cat > "$dest/Package.swift" <<PKG
// swift-tools-version: 6.1
import PackageDescription
let package = Package(
    name: "log-line-bench",
    dependencies: [.package(path: "$root/.build/checkouts/swift-log")],
    targets: [
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium"),
        .target(name: "JSON"),
        .target(name: "SCIM", dependencies: ["JSON"]),
        .target(name: "IdentityStore", dependencies: ["CSodium"]),
        .target(name: "AuthCallout", dependencies: ["IdentityStore", "JSON", "SCIM", .product(name: "Logging", package: "swift-log")]),
        .executableTarget(name: "LogBench", dependencies: ["AuthCallout", "IdentityStore", "JSON", "SCIM", .product(name: "Logging", package: "swift-log")]),
    ]
)
PKG
cat > "$dest/Sources/LogBench/main.swift" <<'SWIFT'
import AuthCallout
import Foundation
import IdentityStore
import Logging

// A decision's line as `serve` logs it (label "scim-callout", component "decisions", an allow
// by password), LINES times after a warm-up; process CPU per line.
nonisolated(unsafe) let written = UnsafeMutablePointer<Int>.allocate(capacity: 1)
written.initialize(to: 0)
let handler = JSONLogHandler(label: "scim-callout", level: .info, write: { line in written.pointee &+= line.count })
var logger = Logger(label: "scim-callout", factory: { _ in handler })
logger[metadataKey: "component"] = .string("decisions")
let now = Date()
var record = DecisionRecord(time: now, result: .allow, reason: .allowed)
record.userName = "user42"
record.userID = UUID().uuidString
record.authMethod = .password
record.grantedBy = ["developers"]
record.account = "APP"
record.clientHost = "127.0.0.1"
record.clientID = 1234
record.clientLang = "python3"
record.clientVersion = "2.16.0"
record.serverID = "NDJWE4SOUJOJT2TBCDCEIYMAIYJ2GLOKB7WYTWFQJLWJQD3TNAOJCQ3V"
record.serverName = "bench"
record.latencyMicroseconds = 150
record.queueMicroseconds = 12
record.jwtID = "JTI7K2XQ4ZLH5RSKM3OE6XHN2QWERTY12345ABCDEFGHIJ"
record.jwtExpires = now.addingTimeInterval(3600)
let count = Int(ProcessInfo.processInfo.environment["LINES"] ?? "") ?? 300_000
func cpu() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}
for _ in 0 ..< 20_000 { logger.info("decision", metadata: ["decision": .stringConvertible(DecisionLogFields(record))]) }
let before = cpu()
for _ in 0 ..< count { logger.info("decision", metadata: ["decision": .stringConvertible(DecisionLogFields(record))]) }
let perLine = (cpu() - before) / Double(count) * 1e6
print(String(format: "decision log line: %.3f µs CPU per line (%d lines of %d bytes)", perLine, count, written.pointee / (count + 20_000)))
SWIFT
(cd "$dest" && swift build -c release >&2)
"$dest/.build/release/LogBench"
