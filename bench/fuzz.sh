#!/usr/bin/env bash
# A long seeded fuzz run of every listener (docs/robustness.md): the harness CI runs briefly (FuzzIT), here with N
# inputs per listener. The same seed and N give the same inputs; the figures and findings are written as Markdown.
#
#   bash bench/fuzz.sh N [SEED]          e.g. bash bench/fuzz.sh 2000        (SEED: default the current time)
#   FUZZ_BATCHES=20 FUZZ_BUDGET=1800 bash bench/fuzz.sh 5000 42
#
# N inputs per listener (nine listeners: http1, h2c, bridge, five echo framings, udp), checked in FUZZ_BATCHES
# batches (default: one per 100 inputs, at least 3); the run stops at FUZZ_BUDGET seconds (default 3600) whatever N.
# Starts the jar (built by Maven first) as its own process on free loopback ports and kills it by PID at the end.
# Report: bench/results/fuzz-SEED-N.md; exit status 0 only with no findings. MVN_FLAGS adds Maven options (e.g. -o).
set -euo pipefail
n="${1:?usage: bash bench/fuzz.sh N [SEED]}"
seed="${2:-$(date +%s)}"
[[ $n =~ ^[0-9]+$ && $seed =~ ^-?[0-9]+$ ]] || { echo "usage: bash bench/fuzz.sh N [SEED]" >&2; exit 64; }
batches="${FUZZ_BATCHES:-$(( n / 100 > 3 ? n / 100 : 3 ))}"
budget="${FUZZ_BUDGET:-3600}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$repo/bench/results"
report="$repo/bench/results/fuzz-$seed-$n.md"
status=0
# shellcheck disable=SC2086
(cd "$repo" && mvn -B ${MVN_FLAGS:-} verify -pl deploy -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=FuzzIT -Dfuzz.inputs="$n" -Dfuzz.seed="$seed" \
  -Dfuzz.batches="$batches" -Dfuzz.budget="$budget" -Dfuzz.report="$report") > "$repo/bench/results/fuzz-$seed-$n.log" 2>&1 || status=$?
if [ -f "$report" ]; then
  cat "$report"
  echo
  echo "fuzz: report in $report, Maven output in bench/results/fuzz-$seed-$n.log, the jar's log in deploy/target/fuzz/"
else
  tail -40 "$repo/bench/results/fuzz-$seed-$n.log"
fi
exit "$status"
