#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test. Ends with the line
# "N passed, N failed" (", N skipped" when some were skipped).
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh || { echo "0 passed, 1 failed (build)"; exit 1; }

BUILD_DIR=${DL_BUILD_DIR:-build}
log=$(mktemp)
/usr/lib/llvm-22/bin/lit -v "$BUILD_DIR/test" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# lit's summary lines look like "  Passed: 12 (100.00%)".
count() { local v; v=$(grep -E "^ *$1: +[0-9]+" "$log" | sed -E "s/^ *$1: +([0-9]+).*/\1/" | tail -1); echo "${v:-0}"; }
passed=$(( $(count Passed) + $(count "Expectedly Failed") ))
failed=$(( $(count Failed) + $(count "Unexpectedly Passed") + $(count Unresolved) + $(count "Timed Out") ))
skipped=$(( $(count Skipped) + $(count Unsupported) + $(count Excluded) ))
rm -f "$log"
line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
