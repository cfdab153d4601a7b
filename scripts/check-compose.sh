#!/usr/bin/env bash
# No container engine runs here, so the compose file is validated, not started.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "==> docker-compose config (validating docker-compose.yml)"
docker-compose -f docker-compose.yml config -q
echo "compose file: valid"
