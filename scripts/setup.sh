#!/usr/bin/env bash
# Installs what scim-callout needs to build and test, only where it is missing:
#   apt: libsodium-dev, libsqlite3-dev (build), docker-compose (compose file validation),
#        prometheus (promtool: alert rule tests)
#   pip into .venv: nats-server 2.15, nats-py, nkeys, PyNaCl, scim2-cli, scim2-tester
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${SCIM_CALLOUT_VENV:-.venv}

missing=()
for pkg in libsodium-dev libsqlite3-dev pkg-config docker-compose prometheus; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> apt: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

stamp="$VENV/.requirements.stamp"
if [ ! -x "$VENV/bin/python" ]; then
  echo "==> python: creating $VENV"
  python3 -m venv "$VENV"
fi
if [ ! -f "$stamp" ] || ! cmp -s scripts/requirements.txt "$stamp"; then
  echo "==> pip: installing scripts/requirements.txt into $VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r scripts/requirements.txt
  cp scripts/requirements.txt "$stamp"
fi
"$VENV/bin/nats-server" --version >/dev/null
