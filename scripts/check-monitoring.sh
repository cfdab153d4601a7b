#!/usr/bin/env bash
# The shipped alert rules and dashboard: promtool validates the rules and runs their unit tests,
# then every metric they name is checked against the ones the service exports.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v promtool >/dev/null 2>&1; then
  echo "promtool not found: install Debian's 'prometheus' package (make setup does)" >&2
  exit 1
fi
echo "==> promtool check rules / test rules (deploy/prometheus)"
promtool check rules deploy/prometheus/alerts.yml
promtool test rules deploy/prometheus/alerts.test.yml
python3 scripts/check-monitoring.py --self-test
python3 scripts/check-monitoring.py
