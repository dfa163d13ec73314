# Sourced by the bench scripts that load one Switchboard on loopback (cpu-per-request.sh, alloc-per-request.sh).
#
#   start_switchboard LAUNCHER LOG   runs LAUNCHER (a switchboard.sh, this checkout's or another's) with every role on
#                                    ports the system chooses, and returns once it has started, with its PID in
#                                    switchboard_pid and the built-in hello app's URL in hello_url
#   stop_switchboard                 ends that process, by its PID, and waits for it
#
# Callers put stop_switchboard in their EXIT trap before starting, so that the server never outlives them.
switchboard_pid=""

start_switchboard() {
  local launcher="$1" log="$2" port=""
  : > "$log"  # before the background job opens it, so that the first look below finds it
  SWITCHBOARD_ECHO_LISTENERS_0_PORT=0 SWITCHBOARD_UDP_PORT=0 SWITCHBOARD_GATEWAY_PORT=0 SWITCHBOARD_BRIDGE_PORT=0 \
    "$launcher" > "$log" 2>&1 &
  switchboard_pid=$!
  # The launcher may build the jar first, hence the minute.
  for _ in $(seq 600); do
    kill -0 "$switchboard_pid" 2>/dev/null || { cat "$log" >&2; return 1; }
    port="$(sed -n 's/.*gateway listener http (http) on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$log" | head -1)"
    [ -n "$port" ] && grep -q ' started$' "$log" && break
    sleep 0.1
  done
  grep -q ' started$' "$log" || { echo "$launcher did not start in 60 s" >&2; cat "$log" >&2; return 1; }
  hello_url="http://127.0.0.1:$port/apps/hello/"
}

stop_switchboard() {
  [ -n "$switchboard_pid" ] || return 0
  kill -TERM "$switchboard_pid" 2>/dev/null || true
  wait "$switchboard_pid" 2>/dev/null || true
}
