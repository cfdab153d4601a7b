"""Helpers for scripts/run-demo.sh: readiness probes, SCIM provisioning, NATS connects.

Uses only the standard library and nats-py (installed into .venv by scripts/setup.sh).
"""
import asyncio
import json
import os
import secrets
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request


def wait_tcp(host, port):
    with socket.create_connection((host, int(port)), timeout=1):
        pass


def wait_ready(url):
    with urllib.request.urlopen(url, timeout=2) as response:
        if response.status != 200:
            raise SystemExit(1)


def scim(base, token, method, path, body=None):
    request = urllib.request.Request(
        base + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/scim+json",
                 "Accept": "application/scim+json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        return error.code, json.loads(text) if text.startswith("{") else text


def find(base, token, resource, attribute, value):
    query = urllib.parse.quote(f'{attribute} eq "{value}"')
    status, body = scim(base, token, "GET", f"/{resource}?filter={query}")
    if status != 200:
        raise SystemExit(f"SCIM GET /{resource} failed: {status} {body}")
    resources = body.get("Resources", [])
    return resources[0] if resources else None


def provision(base, token_file, user, group, password_file):
    """Creates (or updates) the demo user with a fresh password and puts it in the group."""
    token = open(token_file).read().strip()
    if os.path.exists(password_file):
        password = open(password_file).read().strip()
    else:
        password = secrets.token_urlsafe(18)
        fd = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(password + "\n")
    existing = find(base, token, "Users", "userName", user)
    body = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": user,
            "name": {"givenName": "Alice", "familyName": "Demo"}, "active": True, "password": password,
            "emails": [{"value": f"{user}@example.com", "primary": True}]}
    if existing:
        status, created = scim(base, token, "PUT", f"/Users/{existing['id']}", body)
    else:
        status, created = scim(base, token, "POST", "/Users", body)
    if status not in (200, 201):
        raise SystemExit(f"SCIM user {user}: {status} {created}")
    user_id = created["id"]
    print(f"  user {user}: id {user_id} ({'updated' if existing else 'created'})", file=sys.stderr)
    group_body = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": group,
                  "members": [{"value": user_id}]}
    found = find(base, token, "Groups", "displayName", group)
    if found:
        status, result = scim(base, token, "PUT", f"/Groups/{found['id']}", group_body)
    else:
        status, result = scim(base, token, "POST", "/Groups", group_body)
    if status not in (200, 201):
        raise SystemExit(f"SCIM group {group}: {status} {result}")
    print(f"  group {group}: id {result['id']}, members: {user}", file=sys.stderr)
    print(password)


async def connect(url, user, password, expected):
    import nats
    from nats.errors import NoServersError
    errors = []

    async def on_error(error):
        errors.append(str(error))

    try:
        nc = await nats.connect(url, user=user, password=password, connect_timeout=5,
                                max_reconnect_attempts=0, allow_reconnect=False, error_cb=on_error)
    except (NoServersError, Exception) as error:  # nats-py raises several types for a refused connect
        reason = "; ".join(errors) or str(error) or type(error).__name__
        if expected == "denied" and "Authorization Violation" in reason:
            print(f"  DENIED: {user} -> {reason}")
            return 0
        print(f"  UNEXPECTED: {user} could not connect: {reason}")
        return 1
    try:
        if expected == "denied":
            print(f"  UNEXPECTED: {user} connected but should have been denied")
            return 1
        sub = await nc.subscribe("demo.hello")
        await nc.publish("demo.hello", b"hello from " + user.encode())
        message = await sub.next_msg(timeout=5)
        print(f"  ALLOWED: {user} connected; published and received on demo.hello: {message.data.decode()!r}")
        return 0
    finally:
        await nc.close()


def main(argv):
    command, args = argv[1], argv[2:]
    if command == "wait-tcp":
        wait_tcp(*args)
    elif command == "wait-ready":
        wait_ready(*args)
    elif command == "provision":
        provision(*args)
    elif command == "connect":
        return asyncio.run(connect(*args))
    else:
        raise SystemExit(f"unknown command {command}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
