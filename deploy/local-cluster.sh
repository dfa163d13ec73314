#!/usr/bin/env bash
# A Switchboard cluster on this machine, on loopback: one gateway node (gateway + bridge) and N service nodes
# (echo + udp + bridge), each a separate JVM with its own log and PID file. Stops exactly the PIDs it started.
#
#   deploy/local-cluster.sh start N        start the gateway node and N service nodes, wait until all have started
#   deploy/local-cluster.sh status         one line per node
#   deploy/local-cluster.sh stop           SIGTERM every node it started (SIGKILL after SHUTDOWN_WAIT), remove the PID files
#   deploy/local-cluster.sh stop-node I    SIGTERM node I alone (SIGKILL after SHUTDOWN_WAIT), say how long it took
#   deploy/local-cluster.sh kill I         SIGKILL node I (fault injection; 0 is the gateway node)
#   deploy/local-cluster.sh start-node I   (re)start node I alone, e.g. after kill or stop-node
#
# Ports (environment): HTTP_PORT (8080), BRIDGE_PORT (7070: node i's bridge is BRIDGE_PORT + i), HZ_BASE_PORT
# (5701: node i uses HZ_BASE_PORT + i), ECHO_BASE_PORT (7100) and UDP_BASE_PORT (7200) for service node i at base + i.
# SHUTDOWN_WAIT (15): seconds a node may take to stop after SIGTERM. Files go to CLUSTER_DIR
# (${TMPDIR:-/tmp}/switchboard-local-cluster); node I's log, node-I.log, keeps every run, each after a line
# "=== <UTC time> node I starting ===". JAVA_OPTS is passed to every JVM.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
jar="$root/deploy/target/switchboard.jar"
dir="${CLUSTER_DIR:-${TMPDIR:-/tmp}/switchboard-local-cluster}"
http_port="${HTTP_PORT:-8080}"
bridge_port="${BRIDGE_PORT:-7070}"
hz_base="${HZ_BASE_PORT:-5701}"
echo_base="${ECHO_BASE_PORT:-7100}"
udp_base="${UDP_BASE_PORT:-7200}"
shutdown_wait="${SHUTDOWN_WAIT:-15}"
# Hazelcast reaches into JDK internals; these keep it from warning on JDK 17.
hz_opens="--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED"

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

members() {
  local size list="" i
  size="$(cat "$dir/size")"
  for ((i = 0; i <= size; i++)); do list="${list:+$list,}127.0.0.1:$((hz_base + i))"; done
  echo "$list"
}

alive() { [ -f "$dir/node-$1.pid" ] && kill -0 "$(cat "$dir/node-$1.pid")" 2>/dev/null; }

declare -a first_line  # the first line of node i's current run in its log: await_started reads from there

start_node() {
  local i="$1" roles log="$dir/node-$1.log"
  if alive "$i"; then echo "node $i already running (pid $(cat "$dir/node-$i.pid"))"; return; fi
  local -a env=("SWITCHBOARD_CLUSTER_PORT=$((hz_base + i))" "SWITCHBOARD_CLUSTER_PORT_COUNT=1"
                "SWITCHBOARD_CLUSTER_MEMBERS=$(members)")
  if [ "$i" -eq 0 ]; then
    roles="gateway,bridge"
    env+=("SWITCHBOARD_GATEWAY_PORT=$http_port" "SWITCHBOARD_BRIDGE_PORT=$bridge_port")
  else
    roles="echo,udp,bridge"
    env+=("SWITCHBOARD_ECHO_LISTENERS_0_PORT=$((echo_base + i))" "SWITCHBOARD_UDP_PORT=$((udp_base + i))"
          "SWITCHBOARD_BRIDGE_PORT=$((bridge_port + i))")
  fi
  # The previous run's log stays: a killed JVM may have left its last line without a newline, so end it first.
  if [ -s "$log" ] && [ -n "$(tail -c 1 "$log")" ]; then echo >> "$log"; fi
  echo "=== $(date -u +%Y-%m-%dT%H:%M:%SZ) node $i starting ===" >> "$log"
  first_line[i]=$(($(wc -l < "$log") + 1))
  # shellcheck disable=SC2086
  env "${env[@]}" nohup java $hz_opens ${JAVA_OPTS:-} -jar "$jar" --cluster --roles "$roles" --instances 1 \
    >> "$log" 2>&1 < /dev/null &
  echo $! > "$dir/node-$i.pid"
  echo "node $i ($roles) pid $! log $log"
}

await_started() {
  local i="$1" deadline=$((SECONDS + 60)) log="$dir/node-$1.log"
  until tail -n "+${first_line[i]:-1}" "$log" 2>/dev/null | grep -q " started$"; do
    if ! alive "$i"; then echo "node $i exited:"; tail -5 "$log"; return 1; fi
    if [ $SECONDS -ge $deadline ]; then echo "node $i not started within 60 s"; return 1; fi
    sleep 0.2
  done
}

micros() { echo "${EPOCHREALTIME/[.,]/}"; }

# SIGTERM the given nodes together, wait for each until SHUTDOWN_WAIT after the signal, SIGKILL what is left; one line
# per node with the time it took. Nodes that are not running only lose their PID file.
terminate() {
  local i k pid start now
  local -a nodes=() pids=()
  for i in "$@"; do
    pid="$(cat "$dir/node-$i.pid" 2>/dev/null || true)"
    rm -f "$dir/node-$i.pid"
    if [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; then nodes+=("$i"); pids+=("$pid"); fi
  done
  start="$(micros)"
  local deadline=$((start + shutdown_wait * 1000000)) left=${#pids[@]}
  while [ "$left" -gt 0 ]; do
    now="$(micros)"
    for ((k = 0; k < ${#pids[@]}; k++)); do
      i="${nodes[k]}"; pid="${pids[k]}"
      [ -n "$pid" ] || continue
      if ! kill -0 "$pid" 2>/dev/null; then
        printf 'node %s (pid %s) stopped in %d.%d s\n' "$i" "$pid" $(((now - start) / 1000000)) \
          $(((now - start) / 100000 % 10))
      elif [ "$now" -ge $deadline ]; then
        kill -KILL "$pid" 2>/dev/null || true
        echo "node $i (pid $pid) did not stop within $shutdown_wait s of SIGTERM: killed"
      else
        continue
      fi
      pids[k]=""; left=$((left - 1))
    done
    [ "$left" -eq 0 ] || sleep 0.1
  done
  stopped=${#nodes[@]}
}

cmd="${1:-}"
case "$cmd" in
  start)
    size="${2:-}"; [[ "$size" =~ ^[1-9][0-9]?$ ]] || usage
    [ -f "$jar" ] || (cd "$root" && mvn -B -q package -DskipTests -Djib.skip)
    mkdir -p "$dir"
    echo "$size" > "$dir/size"
    for ((i = 0; i <= size; i++)); do start_node "$i"; done
    for ((i = 0; i <= size; i++)); do await_started "$i"; done
    echo "cluster of $((size + 1)) nodes started: http://127.0.0.1:$http_port, bridge 127.0.0.1:$bridge_port"
    ;;
  start-node)
    [[ "${2:-}" =~ ^[0-9]+$ ]] && [ -f "$dir/size" ] || usage
    start_node "$2"
    await_started "$2"
    ;;
  stop-node)
    [[ "${2:-}" =~ ^[0-9]+$ ]] && alive "$2" || { echo "node ${2:-?} is not running"; exit 1; }
    terminate "$2"
    ;;
  status)
    for pidfile in "$dir"/node-*.pid; do
      [ -e "$pidfile" ] || { echo "no nodes"; break; }
      i="$(basename "$pidfile" .pid)"; i="${i#node-}"
      if alive "$i"; then echo "node $i: running (pid $(cat "$pidfile"))"; else echo "node $i: not running"; fi
    done
    ;;
  kill)
    [[ "${2:-}" =~ ^[0-9]+$ ]] && alive "$2" || { echo "node ${2:-?} is not running"; exit 1; }
    kill -KILL "$(cat "$dir/node-$2.pid")"
    rm -f "$dir/node-$2.pid"
    echo "node $2 killed"
    ;;
  stop)
    nodes=()
    for pidfile in "$dir"/node-*.pid; do
      [ -e "$pidfile" ] || continue
      i="$(basename "$pidfile" .pid)"; nodes+=("${i#node-}")
    done
    terminate "${nodes[@]}"
    echo "stopped $stopped node(s)"
    ;;
  *) usage ;;
esac
