/// Python for tests that play the IdP over SCIM and a client over nats-py in one script run by
/// `runPython`, so each test states only its scenario.
///
/// The script takes `url port token` as `sys.argv[1:4]` and defines:
/// - `scim(method, path, body)`: one SCIM request with the bearer token; `(status, json)`.
/// - `patch(path, operations)`: a SCIM PATCH; its status.
/// - `attempt(user="alice", password="alice-pw")`: one nats-py connect; `"allowed"`, `"denied"`
///   (an authorization violation, or the connection reset while connecting) or `"error …"`.
public enum PythonSCIMClient {
    /// The imports, arguments and helpers; a test appends its scenario after it.
    public static let preamble = """
        import asyncio, json, sys, urllib.request, nats
        url, port, token = sys.argv[1:4]
        def scim(method, path, body):
            req = urllib.request.Request(f"http://127.0.0.1:{port}/scim/v2/{path}", data=json.dumps(body).encode(),
                method=method, headers={"Authorization": "Bearer " + token, "Content-Type": "application/scim+json"})
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read() or b"{}")
        def patch(path, operations):
            return scim("PATCH", path, {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": operations})[0]
        async def attempt(user="alice", password="alice-pw"):
            errors = []
            async def on_error(e): errors.append(str(e))
            try:
                nc = await nats.connect(url, user=user, password=password, connect_timeout=5,
                                        allow_reconnect=False, max_reconnect_attempts=0, error_cb=on_error)
            except ConnectionResetError:
                # nats-server closes the socket right after its -ERR; a reset that overtakes
                # the -ERR discards it, so the refusal arrives as the reset alone. The tests
                # read the reason from the decision log.
                return "denied"
            except Exception as e:
                return "denied" if any("Authorization Violation" in x for x in errors + [str(e)]) else "error " + str(e)
            # nats-py's connect returns without error when its read after PING finds the
            # socket already closed (no PONG, no -ERR): only a round trip proves the server
            # let the client in. A connection closed right away was refused.
            try:
                await nc.flush(timeout=5)
            except Exception:
                return "denied" if nc.is_closed or not nc.is_connected else "error flush"
            await nc.close()
            return "allowed"
        """
}
