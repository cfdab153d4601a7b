#!/usr/bin/env bash
# `make run`: a real nats-server with the auth callout + `scim-callout serve`, a demo user and
# group provisioned over SCIM, then an allowed and a denied connect. Ctrl-C stops both.
#
# Environment:
#   DEMO_EXIT_AFTER=1    stop after showing both connects (non-interactive; the integration test)
#   DEMO_DATA_DIR=data   where keys, config, the SQLite file and logs live (kept between runs)
#   DEMO_NATS_PORT=4222  DEMO_HTTP_PORT=8080   ports on 127.0.0.1
#   SCIM_CALLOUT_BIN     the binary (default: the release build)
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${SCIM_CALLOUT_BIN:-.build/release/scim-callout}
VENV=${SCIM_CALLOUT_VENV:-.venv}
PY="$VENV/bin/python"
DATA=${DEMO_DATA_DIR:-data}
NATS_PORT=${DEMO_NATS_PORT:-4222}
HTTP_PORT=${DEMO_HTTP_PORT:-8080}
NATS_URL="nats://127.0.0.1:$NATS_PORT"
BASE="http://127.0.0.1:$HTTP_PORT"
DEMO_USER=alice
DEMO_GROUP=nats-demo

step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'run-demo: %s\n' "$*" >&2; exit 1; }

[ -x "$BIN" ] || fail "$BIN is missing: run 'make run' (it builds it) or set SCIM_CALLOUT_BIN"
[ -x "$VENV/bin/nats-server" ] || fail "$VENV/bin/nats-server is missing: run 'make setup'"
# The environment must not reconfigure the demo behind our back.
while IFS='=' read -r name _; do
  case "$name" in SCIM_CALLOUT_BIN|SCIM_CALLOUT_VENV) ;; SCIM_CALLOUT_*) unset "$name" ;; esac
done < <(env)

NATS_PID=""; SERVE_PID=""
stop_all() {
  trap - INT TERM EXIT
  if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null; then
    echo "stopping scim-callout (pid $SERVE_PID)"; kill -TERM "$SERVE_PID"; wait "$SERVE_PID" || true
  fi
  if [ -n "$NATS_PID" ] && kill -0 "$NATS_PID" 2>/dev/null; then
    echo "stopping nats-server (pid $NATS_PID)"; kill -TERM "$NATS_PID"; wait "$NATS_PID" || true
  fi
}
trap 'stop_all; exit 130' INT TERM
trap stop_all EXIT

# Waits up to $2 seconds for the command in $1 to succeed.
wait_for() {
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "timed out after ${seconds}s waiting for $what"
    sleep 0.1
  done
}

step "keys and configuration in $DATA/ (created on first run, kept afterwards)"
"$BIN" init --data-dir "$DATA" --nats-url "$NATS_URL" --http-listen "127.0.0.1:$HTTP_PORT" \
  --nats-listen "127.0.0.1:$NATS_PORT" --keep-existing

step "nats-server $("$VENV/bin/nats-server" --version | awk '{print $NF}') with the auth callout (log: $DATA/nats-server.log)"
"$VENV/bin/nats-server" -c "$DATA/nats-server.conf" -a 127.0.0.1 -p "$NATS_PORT" >"$DATA/nats-server.log" 2>&1 &
NATS_PID=$!
wait_for "nats-server on port $NATS_PORT" 15 "$PY" scripts/demo/demo.py wait-tcp 127.0.0.1 "$NATS_PORT"

step "scim-callout serve (log: $DATA/scim-callout.log)"
SCIM_CALLOUT_NATS_URLS="$NATS_URL" SCIM_CALLOUT_HTTP_LISTEN="127.0.0.1:$HTTP_PORT" \
  "$BIN" serve --config "$DATA/config.yaml" >"$DATA/scim-callout.log" 2>&1 &
SERVE_PID=$!
wait_for "scim-callout $BASE/readyz" 30 "$PY" scripts/demo/demo.py wait-ready "$BASE/readyz"
echo "ready: $BASE/readyz"

step "SCIM bearer token for the demo (stored in $DATA/demo-scim-token, 0600)"
if [ ! -s "$DATA/demo-scim-token" ]; then
  (umask 077; "$BIN" tokens issue --config "$DATA/config.yaml" --scim --name demo-idp --quiet > "$DATA/demo-scim-token")
fi
echo "token: (in $DATA/demo-scim-token)"

step "provisioning user '$DEMO_USER' and group '$DEMO_GROUP' through $BASE/scim/v2"
PASSWORD=$("$PY" scripts/demo/demo.py provision "$BASE/scim/v2" "$DATA/demo-scim-token" "$DEMO_USER" "$DEMO_GROUP" "$DATA/demo-password")

step "connect as $DEMO_USER (member of $DEMO_GROUP): expected ALLOWED"
"$PY" scripts/demo/demo.py connect "$NATS_URL" "$DEMO_USER" "$PASSWORD" allowed
step "connect as mallory with a made-up password: expected DENIED"
"$PY" scripts/demo/demo.py connect "$NATS_URL" mallory not-the-password denied

step "the store, as scim-callout sees it (scim-callout users / groups)"
"$BIN" users --config "$DATA/config.yaml"
"$BIN" groups --config "$DATA/config.yaml"

step "the last decisions (scim-callout decisions)"
# The decision log writes in batches off the decision path: wait until both connects are stored.
wait_for "the decision log" 10 sh -c "[ \$('$BIN' decisions --config '$DATA/config.yaml' --since 10m --json | grep -c '\"result\"') -ge 2 ]"
"$BIN" decisions --config "$DATA/config.yaml" --limit 4

cat <<EOT

Connect yourself:
  allowed:  $PY scripts/demo/demo.py connect $NATS_URL $DEMO_USER '<password in $DATA/demo-password>' allowed
            (or any NATS client: user '$DEMO_USER', the password in $DATA/demo-password, subjects demo.>)
  denied:   $PY scripts/demo/demo.py connect $NATS_URL mallory wrong denied
Decisions:  $BIN decisions --config $DATA/config.yaml --follow
            (each is also a log line in $DATA/scim-callout.log; nats-server's view: $DATA/nats-server.log)
SCIM:       curl -H "Authorization: Bearer \$(cat $DATA/demo-scim-token)" $BASE/scim/v2/Users
Metrics:    $BASE/metrics     Health: $BASE/healthz  $BASE/readyz
EOT

if [ "${DEMO_EXIT_AFTER:-0}" = "1" ]; then
  step "DEMO_EXIT_AFTER=1: stopping"
  exit 0
fi
echo; echo "Running. Press Ctrl-C to stop nats-server and scim-callout."
wait "$SERVE_PID"
