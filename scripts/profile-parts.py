#!/usr/bin/env python3
"""Splits `serve`'s CPU per decision above the floor responder's into the product's parts, from
two `perf record` profiles made by scripts/callout-profile.py (docs/benchmarks.md, "Hot path").

Usage:
    scripts/profile-parts.py --callout DIR/perf.callout.data --floor DIR/perf.floor.data --decisions N

Each sample (4 kHz, so 250 µs of CPU) is put in the first part whose test matches its stack;
µs per decision = samples × 250 ÷ N. libsodium and libsqlite3 have no frame pointers, so their
samples lose their callers: on the decision threads a SQLite or fcntl(2) leaf can only be the
identity read (the table is written on other threads), and crypto is left in "the rest", which
the floor pays too. perf's own overhead inflates every figure by roughly a tenth.
"""
import argparse
import collections
import subprocess

DECISION_THREAD = "NIO-ELT"

# (part, test on the stack: frames leaf first, demangled). First match wins.
DECISION_PARTS = [
    ("identity read (GRDB, SQLite, its fcntl locks)",
     lambda st: any("identity(for:" in f or "AuthReaders" in f or "SerializedDatabase" in f
                    or "DispatchQueue.sync" in f or f.startswith("sqlite3") or "fcntl" in f for f in st)),
    ("policy evaluation", lambda st: any("Policy.evaluate" in f for f in st)),
    ("decision log: line, counters, latency histogram", lambda st: any("DecisionLog.record" in f for f in st)),
    ("session registry (for cuts)", lambda st: any("SessionRegistry" in f for f in st)),
    ("replay guard", lambda st: any("RequestReplayGuard" in f for f in st)),
    ("credential cache", lambda st: any("CredentialCache" in f for f in st)),
]
OTHER_PARTS = [
    ("decision table writer (GRDB, SQLite, pwrite)",
     lambda st: any("DecisionStore" in f or f.startswith("sqlite3") or "pwrite" in f or "fsync" in f
                    or "GRDB" in f or "SerializedDatabase" in f for f in st)),
    ("log line writer (write(2))", lambda st: any("LogLineWriter" in f or "libc_write" in f for f in st)),
    ("decision log drain and batching", lambda st: any("DecisionLog." in f for f in st)),
]


def samples(path):
    script = subprocess.run(["perf", "script", "-i", path, "-F", "comm,ip,sym"],
                            check=True, capture_output=True, text=True).stdout
    text = subprocess.run(["swift", "demangle", "--simplified"], input=script,
                          check=True, capture_output=True, text=True).stdout
    out, comm, stack = [], None, None
    for line in text.splitlines():
        if not line.strip():
            continue
        if not line.startswith("\t"):
            if stack is not None:
                out.append((comm, stack))
            comm, stack = line.strip(), []
        else:
            parts = line.strip().split(" ", 1)
            stack.append(parts[1] if len(parts) > 1 else "?")
    if stack is not None:
        out.append((comm, stack))
    return out


def split(path):
    parts = collections.Counter()
    for comm, stack in samples(path):
        on_loop = comm.startswith(DECISION_THREAD)
        table = DECISION_PARTS if on_loop else OTHER_PARTS
        name = next((n for n, test in table if test(stack)), None)
        if name is None:
            name = "the rest, decision threads" if on_loop else "the rest, other threads"
        parts[name] += 1
    return parts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--callout", required=True)
    parser.add_argument("--floor", required=True)
    parser.add_argument("--decisions", type=int, required=True)
    args = parser.parse_args()
    per = 250 / args.decisions
    callout, floor = split(args.callout), split(args.floor)
    total_c, total_f = sum(callout.values()) * per, sum(floor.values()) * per
    print(f"serve {total_c:.1f} µs, floor {total_f:.1f} µs, above the floor {total_c - total_f:.1f} µs per decision")
    for name, _ in DECISION_PARTS + OTHER_PARTS:
        print(f"  {callout[name] * per:6.1f}  {name}")
    for name in ["the rest, decision threads", "the rest, other threads"]:
        print(f"  {callout[name] * per:6.1f}  {name} (floor: {floor[name] * per:.1f})")


if __name__ == "__main__":
    main()
