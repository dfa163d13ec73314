#!/usr/bin/env bash
# The bytes the gateway allocates per HTTP hello request, and where, for comparing two commits: unlike throughput,
# allocation per request does not depend on what else the shared machine is doing. Loads the built-in hello app with
# wrk on loopback (10 s of warm-up for the JIT, then SECONDS measured) under a JFR recording, and prints
#   - the exact bytes per request: the event-loop threads' allocation counters (jdk.ThreadAllocationStatistics, read
#     when the recording starts and when it stops) divided by the requests wrk counted;
#   - the top allocation sites, sampled (jdk.ObjectAllocationSample), in bytes per request.
#
#   bash bench/alloc-per-request.sh [SWITCHBOARD_SH] [SECONDS]      default: this checkout's switchboard.sh, 15 s
#   bash bench/alloc-per-request.sh /work/wt-before/switchboard.sh  # another commit's build, same measurement
#   ALLOC_RECORDING=/tmp/after.jfr bash bench/alloc-per-request.sh   # also keep the recording (JDK Mission Control)
#
# Starts the given switchboard.sh (every role, ports chosen by the system), stops it by PID, removes its files.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
launcher="${1:-$repo/switchboard.sh}"
seconds="${2:-15}"
command -v wrk >/dev/null || { echo "alloc-per-request: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
work="$(mktemp -d)"
# shellcheck source=bench/switchboard-under-test.sh
. "$repo/bench/switchboard-under-test.sh"
trap 'stop_switchboard; rm -rf "$work"' EXIT

# JFR samples an allocation only when a thread takes a new TLAB (or allocates outside one), so the TLAB size bounds
# the number of samples: small fixed TLABs give thousands a run instead of a few dozen. The bytes allocated stay the
# same; the exact figure does not come from the samples.
JAVA_OPTS="${JAVA_OPTS:-} -XX:TLABSize=16k -XX:-ResizeTLAB" start_switchboard "$launcher" "$work/server.log"
wrk -t2 -c100 -d10s "$hello_url" > /dev/null

# settings=none: only the two events read below, so that the recording costs the server little.
jcmd "$switchboard_pid" JFR.start name=alloc settings=none filename="$work/alloc.jfr" \
  +jdk.ThreadAllocationStatistics#enabled=true +jdk.ThreadAllocationStatistics#period=everyChunk \
  +jdk.ObjectAllocationSample#enabled=true +jdk.ObjectAllocationSample#stackTrace=true \
  +jdk.ObjectAllocationSample#throttle=20000/s > /dev/null
out="$(wrk -t2 -c100 -d"${seconds}s" "$hello_url")"
jcmd "$switchboard_pid" JFR.stop name=alloc > /dev/null

# Only answered hellos count: errors would be requests that allocate less (or more) than a hello.
if grep -q 'Non-2xx' <<< "$out"; then
  echo "alloc-per-request: some answers were not 2xx:" >&2; echo "$out" >&2; exit 1
fi
grep 'Socket errors' <<< "$out" >&2 || true
requests="$(awk '/requests in/ {print $1}' <<< "$out")"
echo "$launcher: $requests requests in $seconds s ($(awk '/Requests\/sec/ {print $2}' <<< "$out")/s)"
java "$repo/bench/AllocationProfile.java" "$work/alloc.jfr" "$requests"
if [ -n "${ALLOC_RECORDING:-}" ]; then cp "$work/alloc.jfr" "$ALLOC_RECORDING"; fi
