#!/usr/bin/env bash
# No container engine runs here, so the compose file is validated, not started: the default
# services, and with them the `ha` profile (3-node NATS cluster, two replicas).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "==> docker-compose config (validating docker-compose.yml, default and --profile ha)"
docker-compose -f docker-compose.yml config -q
docker-compose -f docker-compose.yml --profile ha config -q
test -f deploy/ha/nats-cluster.conf
echo "compose file: valid"
