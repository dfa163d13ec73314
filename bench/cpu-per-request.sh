#!/usr/bin/env bash
# The gateway's CPU time per request, for comparing two settings or two commits on a shared, noisy machine: the
# server's user + system CPU (from /proc/PID/stat) divided by the requests it answered, round by round. Throughput
# moves with whatever else the machine does; CPU per request much less. The first round warms up the JIT; compare
# the later ones, over several runs of each setting.
#
#   bash bench/cpu-per-request.sh [h1|h2] [ROUNDS]      h1: wrk -t2 -c100; h2: h2load -c100 -m4 (h2c switched on)
#   JAVA_OPTS="-Xms64m -Xmx512m -Xmn48m" bash bench/cpu-per-request.sh h1 4   (a heap option replaces all heap defaults)
#
# Starts ./switchboard.sh (every role, ports chosen by the system) with the environment as given, loads the
# built-in hello app on loopback for 8 s a round, prints each round and the collector's counts (jstat), and stops
# the server it started, by PID. Needs wrk or h2load (bench/run.sh installs them).
set -euo pipefail
protocol="${1:-h1}"
rounds="${2:-4}"
case "$protocol" in
  h1) command -v wrk >/dev/null || { echo "cpu-per-request: wrk is not installed (apt-get install wrk)" >&2; exit 1; } ;;
  h2) command -v h2load >/dev/null || { echo "cpu-per-request: h2load is not installed (apt-get install nghttp2-client)" >&2; exit 1; }
      export SWITCHBOARD_GATEWAY_LIMITS_H2C=true ;;
  *) echo "usage: bench/cpu-per-request.sh [h1|h2] [ROUNDS]" >&2; exit 64 ;;
esac
repo="$(cd "$(dirname "$0")/.." && pwd)"
log="$(mktemp)"
# shellcheck source=bench/switchboard-under-test.sh
. "$repo/bench/switchboard-under-test.sh"
trap 'stop_switchboard; rm -f "$log"' EXIT
start_switchboard "$repo/switchboard.sh" "$log"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$switchboard_pid/stat"; }
hz="$(getconf CLK_TCK)"
for round in $(seq "$rounds"); do
  before="$(cpu_ticks)"
  if [ "$protocol" = h1 ]; then
    out="$(wrk -t2 -c100 -d8s "$hello_url")"
    answered="$(awk '/requests in/ {print $1}' <<< "$out")"
  else
    out="$(h2load -c100 -m4 -t2 -D 8 "$hello_url")"
    answered="$(awk '/^requests:/ {print $8}' <<< "$out")"
  fi
  after="$(cpu_ticks)"
  python3 -c 'import sys
ticks, hz, answered, round_ = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
print(f"round {round_}: {answered:,} requests in 8 s, {ticks / hz * 1e6 / max(answered, 1):.2f} us CPU per request")' \
    "$((after - before))" "$hz" "$answered" "$round"
done
echo "collector (jstat -gcutil): $(jstat -gcutil "$switchboard_pid" | awk 'NR == 2 {print "young", $7, "in", $8, "s; full", $9, "in", $10, "s"}')"
