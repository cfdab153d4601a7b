#!/usr/bin/env bash
# `make bench`: release build of the benchmark driver, which measures every suite and writes
# docs/benchmarks.md (figures from this machine; compare runs on the same hardware only).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "==> swift build -c release (scim-callout-bench and scim-callout; the first build takes a few minutes)"
# The callout suite runs the release `scim-callout serve` binary as production would.
swift build -c release --product scim-callout
swift build -c release --product scim-callout-bench
BIN="$(swift build -c release --show-bin-path)/scim-callout-bench"
echo "==> $BIN (writes docs/benchmarks.md)"
SCIM_CALLOUT_BENCH_OUTPUT=${SCIM_CALLOUT_BENCH_OUTPUT:-docs/benchmarks.md} "$BIN" ${BENCH_SUITES:-} "$@"
echo "==> docs/benchmarks.md"
cat "${SCIM_CALLOUT_BENCH_OUTPUT:-docs/benchmarks.md}"
