#!/usr/bin/env python3
"""CPU per decision of `scim-callout serve` or of the floor responder, one mode per call,
with an optional `perf record` profile of the measured window (docs/benchmarks.md, "Hot path").

Starts nats-server with the auth callout, then `scim-callout serve` (callout modes: first
provisions `user0`… in group `developers`, password `bench-password`, over SCIM into a fresh
store) or `scim-callout-bench floor-responder` (floor modes); warms every user up once through
the credential cache (one at a time, retried: argon2id on a loaded host can outlast the check's
timeout); then makes exactly --decisions connects from --clients nats-py clients and prints the
process's CPU (/proc/<pid>/stat) over that window divided by the decisions, as `make bench`'s
service CPU per decision does. With --perf, `perf record -e cpu-clock -g` samples the window into
--out/perf.<mode>.data (software clock: this VM has no hardware counters, and valgrind 3.19
cannot run Swift 6.3 binaries).

Usage: SCIM_CALLOUT_VENV=.venv .venv/bin/python scripts/callout-profile.py --bin .build/release \\
           --mode callout|callout-xkey|floor|floor-xkey [--users 8] [--decisions 3000] [--clients 8] [--perf] [--out DIR]
--bin holds `scim-callout` and `scim-callout-bench` (release builds).
"""
import argparse, asyncio, json, os, re, signal, socket, subprocess, sys, tempfile, time, urllib.request

POLICY = """version: 1
account: APP
bindings:
  - group: developers
    publish: ["app.{{userName}}.>", "app.shared.>"]
    subscribe: ["app.>", "_INBOX.>"]
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def poll(what, check, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    sys.exit(f"timed out waiting for {what}")


async def connects(url, users, count, clients, offset):
    import nats
    failures = 0
    next_index = offset

    async def worker():
        nonlocal failures, next_index
        while next_index < offset + count:
            index = next_index
            next_index += 1
            try:
                nc = await nats.connect(url, user=f"user{index % users}", password="bench-password",
                                        connect_timeout=20, allow_reconnect=False, max_reconnect_attempts=0)
                await nc.close()
            except Exception:
                failures += 1
    await asyncio.gather(*[worker() for _ in range(clients)])
    return failures


def scim_post(port, token, resource, body):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/scim/v2/{resource}", data=json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/scim+json"})
    return json.load(urllib.request.urlopen(request, timeout=30))


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--mode", required=True, choices=["callout", "callout-xkey", "floor", "floor-xkey"])
    parser.add_argument("--decisions", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--out", default=None)
    parser.add_argument("--perf", action="store_true")
    parser.add_argument("--venv", default=os.environ.get("SCIM_CALLOUT_VENV", ".venv"))
    args = parser.parse_args()
    binary = os.path.abspath(os.path.join(args.bin, "scim-callout"))
    bench = os.path.abspath(os.path.join(args.bin, "scim-callout-bench"))
    xkey_mode = args.mode.endswith("-xkey")
    work = tempfile.mkdtemp(prefix="callout-profile-")
    out = os.path.abspath(args.out or work)
    os.makedirs(out, exist_ok=True)
    subprocess.run([binary, "init", "--data-dir", work], check=True, capture_output=True)
    with open(os.path.join(work, "policy.yaml"), "w") as f:
        f.write(POLICY)
    if not xkey_mode:
        path = os.path.join(work, "config.yaml")
        lines = open(path).read().split("\n")
        open(path, "w").write("\n".join(l for l in lines if "xkey_seed_file" not in l))
    conf = open(os.path.join(work, "nats-server.conf")).read()
    issuer = re.search(r"issuer: (\S+)", conf).group(1)
    xkey = re.search(r"xkey: (\S+)", conf).group(1)
    service = re.search(r"AUTH \{ users: \[ \{ nkey: (\S+) \}", conf).group(1)
    system = re.search(r"SYS \{ users: \[ \{ nkey: (\S+) \}", conf).group(1)
    port = free_port()
    with open(os.path.join(work, "bench-nats.conf"), "w") as f:
        f.write(f"""listen: 127.0.0.1:{port}
accounts {{
  AUTH {{ users: [ {{ nkey: {service} }} ] }}
  APP {{ }}
  SYS {{ users: [ {{ nkey: {system} }} ] }}
}}
system_account: SYS
authorization {{
  timeout: 10
  auth_callout {{
    issuer: {issuer}
    auth_users: [ {service}, {system} ]
    account: AUTH
    {"xkey: " + xkey if xkey_mode else ""}
  }}
}}
""")
    url = f"nats://127.0.0.1:{port}"
    nats_server = subprocess.Popen([os.path.join(args.venv, "bin/nats-server"), "-c", os.path.join(work, "bench-nats.conf")],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = open(os.path.join(out, f"{args.mode}.log"), "w")
    try:
        poll("nats-server", lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0, 20)
        if args.mode.startswith("floor"):
            seeds = [os.path.join(work, s) for s in ["service.nk", "issuer.nk"] + (["xkey.nk"] if xkey_mode else [])]
            process = subprocess.Popen([bench, "floor-responder", url] + seeds, stdout=log, stderr=subprocess.STDOUT)
            poll("floor responder", lambda: "floor responder ready" in open(log.name).read(), 300)
        else:
            http = free_port()
            env = dict(os.environ, SCIM_CALLOUT_NATS_URLS=url, SCIM_CALLOUT_HTTP_LISTEN=f"127.0.0.1:{http}",
                       SCIM_CALLOUT_DECISIONS_PATH=os.path.join(work, "decisions.sqlite"), SCIM_CALLOUT_LOG_FORMAT="json",
                       SCIM_CALLOUT_SCIM_SCHEMAS_DIR=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Schemas"))

            def ready():
                try:
                    return urllib.request.urlopen(f"http://127.0.0.1:{http}/readyz", timeout=2).status == 200
                except Exception:
                    return False
            token = subprocess.run([binary, "tokens", "issue", "--scim", "--name", "bench", "--quiet", "--data-dir", work],
                                   check=True, capture_output=True, text=True).stdout.strip()
            provisioner = subprocess.Popen([binary, "serve", "--data-dir", work], stdout=log, stderr=subprocess.STDOUT, env=env)
            poll("scim-callout serve (provisioning)", ready, 120)
            members = []
            for index in range(args.users):
                members.append({"value": scim_post(http, token, "Users", {
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": f"user{index}",
                    "password": "bench-password"})["id"]})
            scim_post(http, token, "Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                                              "displayName": "developers", "members": members})
            provisioner.send_signal(signal.SIGTERM)
            provisioner.wait(timeout=60)
            process = subprocess.Popen([binary, "serve", "--data-dir", work], stdout=log, stderr=subprocess.STDOUT, env=env)
            poll("scim-callout serve", ready, 600)
        # Warm-up: every user once (argon2id into the credential cache), then a few more.
        # One at a time and retried: argon2id on a loaded host can outlast the check's timeout.
        for index in range(args.users):
            if not any(asyncio.run(connects(url, args.users, 1, 1, index)) == 0 for _ in range(5)):
                sys.exit(f"user{index} could not connect; see {log.name}")
        if asyncio.run(connects(url, args.users, 4 * args.clients, args.clients, 0)):
            sys.exit(f"warm-up connects failed; see {log.name}")
        perf = None
        if args.perf:
            perf = subprocess.Popen(["perf", "record", "-e", "cpu-clock", "-F", "4000", "-g", "-o",
                                     os.path.join(out, f"perf.{args.mode}.data"), "-p", str(process.pid)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        before = cpu_seconds(process.pid)
        failures = asyncio.run(connects(url, args.users, args.decisions, args.clients, args.users))
        # The decision log writes its batch within 100 ms; let it, so the row is counted.
        time.sleep(0.5)
        cpu = cpu_seconds(process.pid) - before
        if perf is not None:
            perf.send_signal(signal.SIGINT)
            perf.wait(timeout=60)
        answered = args.decisions - failures
        print(f"{args.mode}: {answered} decisions ({failures} failed), {cpu / max(1, answered) * 1e6:.1f} µs CPU per decision")
    finally:
        for p in [locals().get("process"), nats_server]:
            if p is not None and p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    p.kill()


if __name__ == "__main__":
    main()
