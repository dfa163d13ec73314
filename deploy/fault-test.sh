#!/usr/bin/env bash
# A fault test that runs here (issue 16): a cluster of three Switchboard JVMs, each in a network namespace of its own,
# under a steady HTTP load, through three faults in turn, with one summary line per fault.
#
#   deploy/fault-test.sh      (as root; builds nothing: run `mvn -B -q package -DskipTests` first)
#
# Nodes: 0 = gateway + bridge (the load's entry point), 1 and 2 = echo + udp. Node i lives in namespace PREFIX-n<i>
# with address 127.1.0.<i+1>/24 on its veth; the other ends of the three veths hang on a Linux bridge in namespace
# PREFIX-br. Nothing else is linked to these namespaces: they have no route out, and the addresses exist only there.
# 127.x addresses on a veth need route_localnet=1 (else they are martian) and a route in the local table that beats
# lo's 127.0.0.0/8. Setting one node's veth down cuts that node off from the others.
#
# The load (deploy/fault-load.py, in node 0's namespace): 4 keep-alive HTTP/1.1 connections, each POSTing a small
# body to /echo in a loop (20 ms pause), 40 s client timeout, every request recorded. Scenarios, in turn:
#   kill9      kill -9 of service node 1; restart it; wait until it has rejoined
#   rolling    SIGTERM each service node in turn, wait for its exit, start it again, wait until it has rejoined.
#              The gateway node is not restarted: without a load balancer in front of two gateways, restarting the
#              entry point is an outage by construction, not a figure.
#   partition  service node 2's veth down for FAULT_PARTITION_SECONDS (10), then up; wait until the cluster is one
#              again: 3 members seen by the gateway (/health/ready) and by node 2 (its last Hazelcast "Members {size:"
#              log line; the script's own logback file turns those lines on)
# A scenario ends when the cluster is whole again and 40 requests in a row have succeeded (fault-load.py TAIL); its
# window then stays open until every request begun in it has ended. Per scenario one line:
#   scenario=NAME sent= failed= longest_ms= recovery_s= merged=yes|no|n/a merged_s= inflight_at_fault= recovered=yes|no ...
# recovery_s runs from the fault to the end of the last failed request; merged_s from the heal to one cluster.
# At the end a table, and a "target missed:" line per target missed (the targets are in fault-load.py).
#
# Exit: 0 when every scenario ran (figures are reported, not judged) and also when skipped (not root, no `ip netns`;
# the line then starts with "fault-test: skipped:"); 1 when setup fails; 4 when FAULT_TEST_STRICT=1 and a target is
# missed; 124 on the overall timeout or a signal. The EXIT trap stops every JVM it started (by PID: SIGTERM, SIGKILL
# after 6 s), the load, and deletes the namespaces (and with them the veths and the bridge).
#
# Environment (not SWITCHBOARD_*: the nodes inherit it and refuse unknown keys): FAULT_TEST_JAR
# (deploy/target/switchboard.jar), FAULT_DIR (${TMPDIR:-/tmp}/switchboard-fault-test: node logs, records),
# FAULT_TEST_TIMEOUT (240 s, everything), FAULT_MERGE_WAIT (60 s), FAULT_PARTITION_SECONDS (10), FAULT_TEST_STRICT,
# FAULT_JVM_OPTS (-Xmx256m), JAVA_OPTS (added to every JVM).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
jar="${FAULT_TEST_JAR:-$root/deploy/target/switchboard.jar}"
dir="${FAULT_DIR:-${TMPDIR:-/tmp}/switchboard-fault-test}"
overall="${FAULT_TEST_TIMEOUT:-240}"
merge_wait="${FAULT_MERGE_WAIT:-60}"
partition_s="${FAULT_PARTITION_SECONDS:-10}"
strict=""
[ "${FAULT_TEST_STRICT:-0}" = 1 ] && strict=--strict
load="$here/fault-load.py"
http_port=8080
jvm_opts="${FAULT_JVM_OPTS:--Xmx256m}"
# Hazelcast reaches into JDK internals; these keep it from warning on JDK 17 (as in local-cluster.sh).
hz_opens="--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED"

skip() { echo "fault-test: skipped: $*"; exit 0; }
fail() { echo "fault-test: setup failed: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || skip "needs root for network namespaces"
command -v ip > /dev/null && ip netns list > /dev/null 2>&1 || skip "ip netns is not available"
for tool in java python3 curl; do command -v "$tool" > /dev/null || fail "$tool not found"; done
[ -f "$jar" ] || fail "no jar at $jar (mvn -B -q package -DskipTests)"

prefix="sbf$$"
members="127.1.0.1:5701,127.1.0.2:5701,127.1.0.3:5701"
gateway="127.1.0.1:$http_port"
declare -a pid=() offset=()
namespaces=()
load_pid="" watchdog="" waiter=""
t0=$(date +%s.%N)

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
say() { printf '[%6ss] %s\n' "$(elapsed "$t0")" "$*"; }
ns() { echo "$prefix-n$1"; }
log() { echo "$dir/node-$1.log"; }

# A process that exited stays a zombie (and kill -0 succeeds) until it is reaped: read its state instead.
alive() {
  local state
  state="$(cut -d' ' -f3 "/proc/$1/stat" 2> /dev/null)" || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# Runs a command in the background and waits for it, so that a signal's trap runs at once instead of after it.
bounded() {
  "$@" &
  waiter=$!
  local rc=0
  wait "$waiter" || rc=$?
  waiter=""
  return $rc
}

cleanup() {
  local rc=$? i
  set +e
  trap '' TERM INT  # a second signal must not cut the cleanup short; it is bounded (about 7 s)
  [ -n "$watchdog" ] && kill "$watchdog" 2> /dev/null
  [ -n "$waiter" ] && kill "$waiter" 2> /dev/null
  if [ -n "$load_pid" ]; then
    touch "$dir/stop"
    kill -TERM "$load_pid" 2> /dev/null
  fi
  local -a left=()
  for i in "${!pid[@]}"; do
    if alive "${pid[$i]}"; then kill -TERM "${pid[$i]}"; left+=("${pid[$i]}"); fi
  done
  local deadline=$((SECONDS + 6))
  for p in "${left[@]}" $load_pid; do
    while alive "$p" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    alive "$p" && kill -KILL "$p" && echo "pid $p killed after 6 s"
  done
  for n in "${namespaces[@]}"; do ip netns del "$n" 2> /dev/null; done
  echo "cleanup: stopped pids ${pid[*]:-none}${load_pid:+ and load $load_pid}; deleted namespaces ${namespaces[*]:-none}"
  exit $rc
}
trap cleanup EXIT
trap 'echo "fault-test: stopped by a signal or the overall timeout (${overall} s)"; exit 124' TERM INT
# The watchdog signals the script only while it is still the script's child: after a SIGKILL of the script, $$ may
# name another process.
( me=$BASHPID; trap 'kill $s 2> /dev/null; exit 0' TERM; sleep "$overall" & s=$!; wait $s
  [ "$(cut -d' ' -f4 "/proc/$me/stat")" = $$ ] && kill -TERM $$ ) &
watchdog=$!

# --- network ---------------------------------------------------------------------------------------------------------
ip netns add "$prefix-br" 2> /dev/null || skip "cannot create a network namespace here"
namespaces+=("$prefix-br")
ip -n "$prefix-br" link set lo up
ip -n "$prefix-br" link add br0 type bridge
ip -n "$prefix-br" link set br0 up
for i in 0 1 2; do
  n="$(ns $i)" addr="127.1.0.$((i + 1))"
  ip netns add "$n"
  namespaces+=("$n")
  ip -n "$prefix-br" link add "p$i" type veth peer name "e$i" netns "$n"
  ip -n "$prefix-br" link set "p$i" master br0 up
  ip -n "$n" link set lo up
  ip netns exec "$n" sysctl -qw net.ipv4.conf.all.route_localnet=1 "net.ipv4.conf.e$i.route_localnet=1"
  ip -n "$n" addr add "$addr/24" dev "e$i"
  ip -n "$n" link set "e$i" up
  ip -n "$n" route add 127.1.0.0/24 dev "e$i" src "$addr" table local
done
say "namespaces ${namespaces[*]}: node i at 127.1.0.<i+1> on veth e<i>, bridged in $prefix-br"

# --- nodes -------------------------------------------------------------------------------------------------------------
mkdir -p "$dir"
rm -f "$dir"/node-*.log "$dir/records" "$dir/status" "$dir/stop" "$dir/windows"
touch "$dir/records" "$dir/windows"
# The jar's own logging, plus Hazelcast's membership lines: node 2's view of the cluster is read from them.
cat > "$dir/logback.xml" << 'EOF'
<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0} - %msg%n</pattern></encoder>
  </appender>
  <logger name="io.netty" level="WARN"/>
  <logger name="com.hazelcast" level="WARN"/>
  <logger name="com.hazelcast.internal.cluster" level="INFO"/>
  <logger name="io.micrometer.core.instrument.MeterRegistry" level="ERROR"/>
  <logger name="io.vertx.core.net.impl.ConnectionBase" level="OFF"/>
  <root level="INFO"><appender-ref ref="STDOUT"/></root>
</configuration>
EOF

start_node() {
  local i="$1" addr="127.1.0.$(($1 + 1))" roles
  local -a env=("SWITCHBOARD_CLUSTER_HOST=$addr" "SWITCHBOARD_CLUSTER_PORT=5701" "SWITCHBOARD_CLUSTER_PORT_COUNT=1"
                "SWITCHBOARD_CLUSTER_MEMBERS=$members" "SWITCHBOARD_CLUSTER_EVENT_BUS_HOST=$addr"
                # Three JVMs starting at once on a busy 2-core machine took up to 35 s to join: more than the
                # default 30 s. Failure detection keeps its defaults (heartbeat 1 s, maxNoHeartbeat 5 s).
                "SWITCHBOARD_CLUSTER_JOIN_TIMEOUT=90s")
  if [ "$i" -eq 0 ]; then
    roles="gateway,bridge"
    env+=("SWITCHBOARD_GATEWAY_HOST=$addr" "SWITCHBOARD_GATEWAY_PORT=$http_port")
  else
    roles="echo,udp"
  fi
  touch "$(log "$i")"
  offset[$i]="$(wc -l < "$(log "$i")")"
  # shellcheck disable=SC2086
  ip netns exec "$(ns "$i")" env "${env[@]}" java $hz_opens $jvm_opts -Dlogback.configurationFile="$dir/logback.xml" \
    ${JAVA_OPTS:-} -jar "$jar" --cluster --roles "$roles" --instances 1 >> "$(log "$i")" 2>&1 < /dev/null &
  pid[$i]=$!
  say "node $i ($roles) at $addr pid ${pid[$i]}"
}

# Lines node i logged since its last start, or since line $2.
since() { tail -n "+$((${2:-${offset[$1]}} + 1))" "$(log "$1")"; }

gateway_members() {
  ip netns exec "$(ns 0)" curl -s -m 2 "http://$gateway/health/ready" 2> /dev/null \
    | grep -o '"members" *: *[0-9]*' | grep -o '[0-9]*$' || echo 0
}

# The cluster size in node i's last Hazelcast "Members {size:N" line after line $2, or 0.
logged_members() {
  local n
  n="$(since "$1" "$2" | grep -o 'Members {size:[0-9]*' | tail -1 | grep -o '[0-9]*$')" || true
  echo "${n:-0}"
}

await_started() {
  local i="$1" deadline=$((SECONDS + 90))
  until since "$i" | grep -q " started$"; do
    alive "${pid[$i]}" || { since "$i" | tail -5; fail "node $i exited during start-up"; }
    [ $SECONDS -lt $deadline ] || fail "node $i not started within 90 s"
    sleep 0.2
  done
}

# Started, and a member of the gateway's three-member cluster.
await_rejoined() {
  local i="$1" deadline=$((SECONDS + 60))
  await_started "$i"
  until [ "$(gateway_members)" = 3 ] && [ "$(logged_members "$i" "${offset[$i]}")" = 3 ]; do
    [ $SECONDS -lt $deadline ] || fail "node $i not rejoined within 60 s (gateway sees $(gateway_members))"
    sleep 0.2
  done
}

await_gateway_members() {
  local want="$1" limit="$2" deadline=$((SECONDS + $2))
  until [ "$(gateway_members)" = "$want" ]; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

stop_node() {
  local i="$1" signal="$2" p="${pid[$1]}" deadline=$((SECONDS + 15)) rc=0
  local at
  at="$(now)"
  kill "-$signal" "$p"
  while alive "$p" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
  if alive "$p"; then
    kill -KILL "$p"
    say "node $i did not exit within 15 s of SIG$signal: killed"
  fi
  wait "$p" 2> /dev/null || rc=$?
  say "node $i (pid $p) exited with status $rc $(elapsed "$at") s after SIG$signal"
}

# Closes a scenario: 40 successes in a row, then every request begun in the window has ended; one summary line.
finish() {
  local name="$1" begin="$2" fault="$3" merged="${4:-n/a}" merged_s="${5:--}" since_t end
  alive "$load_pid" || fail "the load ended before scenario $name did (see $dir/load.log)"
  since_t="$(now)"
  bounded python3 "$load" wait-success --records "$dir/records" --after "$since_t" --count 40 --timeout 30 \
    || say "$name: no 40 successes in a row within 30 s"
  end="$(now)"
  bounded python3 "$load" wait-drained --status "$dir/status" --before "$end" --timeout 45 \
    || say "$name: requests still in progress 45 s after the window closed"
  echo "$name $begin $fault $end $merged $merged_s" >> "$dir/windows"
  python3 "$load" report --records "$dir/records" --windows "$dir/windows" --last | grep '^scenario='
}

for i in 0 1 2; do start_node "$i"; done
for i in 0 1 2; do await_started "$i"; done
await_gateway_members 3 30 || fail "the gateway does not see 3 members within 30 s (it sees $(gateway_members))"
deadline=$((SECONDS + 30))
until [ "$(ip netns exec "$(ns 0)" curl -s -m 2 -o /dev/null -w '%{http_code}' -d x "http://$gateway/echo")" = 200 ]; do
  [ $SECONDS -lt $deadline ] || fail "POST /echo does not succeed within 30 s"
  sleep 0.2
done
say "cluster of 3 up"

# --- load --------------------------------------------------------------------------------------------------------------
ip netns exec "$(ns 0)" python3 "$load" run --url "http://$gateway/echo" --records "$dir/records" \
  --status "$dir/status" --stop "$dir/stop" --connections 4 --timeout 40 --max-seconds "$overall" \
  > "$dir/load.log" 2>&1 < /dev/null &
load_pid=$!
say "load pid $load_pid: 4 connections, POST /echo"
begin="$(now)"
bounded sleep 3
finish baseline "$begin" "$begin"

# --- 1. kill -9 of service node 1 ----------------------------------------------------------------------------------------
begin="$(now)"
fault="$(now)"
kill -KILL "${pid[1]}"
wait "${pid[1]}" 2> /dev/null || true
say "kill9: node 1 (pid ${pid[1]}) killed"
if await_gateway_members 2 20; then say "kill9: the gateway sees 2 members $(elapsed "$fault") s after the kill"
else say "kill9: the gateway still sees $(gateway_members) members 20 s after the kill"; fi
start_node 1
await_rejoined 1
say "kill9: node 1 rejoined $(elapsed "$fault") s after the kill"
finish kill9 "$begin" "$fault"

# --- 2. rolling restart (SIGTERM) of the service nodes ----------------------------------------------------------------------
begin="$(now)"
fault="$(now)"
for i in 1 2; do
  stop_node "$i" TERM
  restarted="$(now)"
  start_node "$i"
  await_rejoined "$i"
  say "rolling: node $i rejoined $(elapsed "$restarted") s after its restart"
done
finish rolling "$begin" "$fault"

# --- 3. partition of service node 2 ----------------------------------------------------------------------------------------
begin="$(now)"
mark="$(wc -l < "$(log 2)")"
fault="$(now)"
ip -n "$(ns 2)" link set e2 down
say "partition: node 2's veth down for $partition_s s"
split=""
deadline="$(awk -v f="$fault" -v s="$partition_s" 'BEGIN { printf "%.3f", f + s }')"
while awk -v d="$deadline" -v n="$(now)" 'BEGIN { exit !(n < d) }'; do
  if [ -z "$split" ] && [ "$(gateway_members)" = 2 ]; then
    split="$(elapsed "$fault")"
    say "partition: the gateway sees 2 members $split s after the cut"
  fi
  sleep 0.2
done
ip -n "$(ns 2)" link set e2 up
healed="$(now)"
say "partition: node 2's veth up (node 2 logged $(logged_members 2 "$mark") member(s) during the cut)"
merged=no merged_s=-
deadline=$((SECONDS + merge_wait))
while [ $SECONDS -lt "$deadline" ]; do
  if [ "$(gateway_members)" = 3 ] && [ "$(logged_members 2 "$mark")" = 3 ]; then
    merged=yes merged_s="$(elapsed "$healed")"
    break
  fi
  sleep 0.2
done
[ -n "$split" ] || say "partition: the gateway never saw the split; merged_s measures nothing"
if [ "$merged" = yes ]; then say "partition: merged after $merged_s s"; else say "partition: not merged within $merge_wait s"; fi
finish partition "$begin" "$fault" "$merged" "$merged_s"

# --- end ---------------------------------------------------------------------------------------------------------------------
touch "$dir/stop"
deadline=$((SECONDS + 45))
while alive "$load_pid" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
say "load stopped; logs and records in $dir"
rc=0
table="$(python3 "$load" report --records "$dir/records" --windows "$dir/windows" --table $strict)" || rc=$?
grep -v '^scenario=' <<< "$table"
exit $rc
