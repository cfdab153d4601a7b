#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer harnesses in Fuzz/ with the address sanitizer and runs each
# for FUZZ_SECONDS (default 60; `make test` runs them for 10). Every harness first replays its
# committed corpus (Fuzz/Corpus/<harness>: seeds and the inputs of crashes found before, which
# must never crash again), then explores from it into .build-fuzz/corpus/<harness>.
# A crash leaves its input in .build-fuzz/crashes/ and fails the run.
#   FUZZ_HARNESSES="FuzzSCIMFilter FuzzPolicy" scripts/fuzz.sh   # a subset
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
scratch=${FUZZ_SCRATCH:-.build-fuzz}
harnesses=${FUZZ_HARNESSES:-$(cd Fuzz/Sources && ls -d Fuzz*)}

build=(swift build -c release --package-path Fuzz --scratch-path "$scratch"
       -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld)
echo "==> swift build (Fuzz/, -sanitize=fuzzer,address; the first build takes several minutes)"
for harness in $harnesses; do "${build[@]}" --product "$harness"; done
bin="$("${build[@]}" --show-bin-path)"

mkdir -p "$scratch/crashes" "$scratch/logs"
summary=()
status=0
for harness in $harnesses; do
  work="$scratch/corpus/$harness"
  mkdir -p "$work"
  log="$scratch/logs/$harness.log"
  echo "==> $harness: replay Fuzz/Corpus/$harness, then fuzz for ${seconds}s"
  # -rss_limit_mb bounds memory; -max_len lets inputs grow to what the parsers' own limits test.
  if "$bin/$harness" "$work" "Fuzz/Corpus/$harness" -max_total_time="$seconds" -timeout=10 \
       -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
       -artifact_prefix="$scratch/crashes/$harness-" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
    corpus=$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -1)
    summary+=("$harness: ${runs:-?} executions, ${cov:-cov: ?}, ${corpus:-corp: ?}")
  else
    status=1
    summary+=("$harness: FAILED (see $log; input in $scratch/crashes/)")
    tail -40 "$log"
  fi
done
echo "==> fuzzing summary (${seconds}s each)"
printf '%s\n' "${summary[@]}"
exit $status
