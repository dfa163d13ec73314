#!/usr/bin/env bash
# Benchmarks Switchboard against the servers users already know, all on this machine, and writes the figures into
# docs/benchmarks.md (between its "results" markers, or "results-pinned" with --pinned; the analysis around them is
# kept).
#
#   bench/run.sh [quick|full] [--pinned]
#       quick: one pass of short loads, under 5 minutes
#       full: three passes of longer loads; each figure is the median of the three
#       --pinned: every server process on the upper half of the cores, every load generator on the lower half
#
# Each server is started in turn (Switchboard's all-in-one jar through ./switchboard.sh with its default JVM settings,
# then every baseline in bench/baselines), given the same loads, and stopped by its PID. Every load targets loopback,
# is bounded in time and count, and stops by itself. Without --pinned, client and server share the machine's cores;
# with it, they have cores of their own (see bench/README.md). Each mode writes its own tables into docs/benchmarks.md.
set -euo pipefail

usage="usage: bench/run.sh [quick|full] [--pinned]"
mode=quick pinned=no
for arg in "$@"; do
  case "$arg" in
    quick|full) mode="$arg" ;;
    --pinned) pinned=yes ;;
    *) echo "$usage" >&2; exit 64 ;;
  esac
done
case "$mode" in
  quick) warm=2 http_warm=8 duration=5 storm_duration=3 hold_duration=3 passes=1 ;;
  full) warm=3 http_warm=10 h2_warm=30 duration=10 storm_duration=10 hold_duration=10 passes=3 ;;
esac

bench="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$bench")"
work="$bench/target/run-$(date +%Y%m%d-%H%M%S)"
results="$work/results.txt"
mkdir -p "$work"
: > "$results"
log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }

# --- what the loads need -------------------------------------------------------------------------------------------
install_packages() {
  local packages=()
  command -v wrk >/dev/null || packages+=(wrk)
  command -v h2load >/dev/null || packages+=(nghttp2-client)
  command -v nginx >/dev/null || packages+=(nginx-light)
  command -v gunicorn >/dev/null || packages+=(gunicorn)
  command -v gcc >/dev/null || packages+=(gcc libc6-dev)
  command -v python3 >/dev/null || packages+=(python3)
  command -v curl >/dev/null || packages+=(curl)
  if [ ${#packages[@]} -gt 0 ]; then
    local sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    log "installing ${packages[*]}"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${packages[@]}" >/dev/null
  fi
}
install_packages
# 10,000 held connections need 10,000 descriptors in the client and in every server (children inherit this).
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge 10100 ] || { echo "bench: ulimit -n is $(ulimit -n); the idle-connection load needs 10100" >&2; exit 1; }

jar="$repo/deploy/target/switchboard.jar"
if [ ! -f "$jar" ]; then
  log "building $jar"
  (cd "$repo" && mvn -B -q package -DskipTests)
fi
bash "$bench/loadgen/build.sh" "$work/bin"
gcc -O2 -Wall -Wextra -o "$work/bin/epoll_echo" "$bench/baselines/c/epoll_echo.c"
swload="$work/bin/swload"

free_port() {
  python3 -c 'import socket
t = socket.socket(); t.bind(("127.0.0.1", 0)); port = t.getsockname()[1]
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", port))  # free for UDP too
print(port)'
}

# --- cores ---------------------------------------------------------------------------------------------------------
# --pinned splits the cores this script may run on: the lower half to the load generators, the rest (the upper half,
# one more core when the count is odd) to the server. This script moves itself onto the load generators' cores, so
# every load it starts inherits them; each server starts under `taskset -c` on the others, and all the threads and
# child processes it makes inherit that mask.
server_pin=()
pin_cores() {
  local client_cpus server_cpus
  read -r client_cpus server_cpus < <(python3 -c 'import os
cpus = sorted(os.sched_getaffinity(0))
half = len(cpus) // 2
print(",".join(map(str, cpus[:half])) or "-", ",".join(map(str, cpus[half:])))')
  [ "$client_cpus" != - ] || { echo "bench: --pinned needs at least 2 cores" >&2; exit 1; }
  taskset -cp "$client_cpus" $$ > /dev/null
  server_pin=(taskset -c "$server_cpus")
  printf 'client_cpus=%s\nserver_cpus=%s\n' "$client_cpus" "$server_cpus" >> "$work/machine.txt"
  log "pinned: servers on CPU $server_cpus, load generators on CPU $client_cpus"
}

# --- servers -------------------------------------------------------------------------------------------------------
# server_pid: the server being measured. server_side: the processes whose CPU time counts as the server's (the server,
# and the Python adapter while the gateway serves it); each with its descendants.
server_pid="" server_side=""
stop_server() {
  [ -n "$server_pid" ] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid="" server_side=""
}
trap stop_server EXIT

# ready CHECK: "log" waits for the line "ready" in the server's log, "http:URL" for a 200 from URL.
wait_ready() {
  local check="$1" logfile="$2"
  for _ in $(seq 600); do
    kill -0 "$server_pid" 2>/dev/null || { echo "bench: the server exited; its log:" >&2; cat "$logfile" >&2; exit 1; }
    case "$check" in
      log) grep -qx ready "$logfile" && return 0 ;;
      http:*) [ "$(curl -s -o /dev/null -w '%{http_code}' "${check#http:}")" = 200 ] && return 0 ;;
    esac
    sleep 0.1
  done
  echo "bench: the server was not ready after 60 s; its log:" >&2
  cat "$logfile" >&2
  exit 1
}

# start NAME CHECK COMMAND...
start_server() {
  local name="$1" check="$2"
  shift 2
  log "starting $name"
  "${server_pin[@]}" "$@" > "$work/$name.log" 2>&1 &
  server_pid=$! server_side=$!
  wait_ready "$check" "$work/$name.log"
}

# --- server CPU time -----------------------------------------------------------------------------------------------
# process_tree PID...: the PIDs given and all their descendants (gunicorn's and nginx's workers, the adapter's).
process_tree() {
  local pid
  for pid in "$@"; do
    echo "$pid"
    # shellcheck disable=SC2046
    process_tree $(pgrep -P "$pid")
  done
}

# The user + system CPU time of server_side, in clock ticks: /proc/PID/stat fields 14-17 (the last two hold the
# children already reaped), counted after the last ')' because the command name may hold spaces.
server_ticks() {
  local pid stat fields total=0
  # shellcheck disable=SC2086
  for pid in $(process_tree $server_side); do
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    read -ra fields <<< "${stat##*) }"
    total=$((total + fields[11] + fields[12] + fields[13] + fields[14]))
  done
  echo "$total"
}

# with_server_cpu COMMAND...: runs a load whose tool cannot sample the server (wrk, h2load) and adds to its RESULT
# line the server's CPU time while it ran, as swload --pid does over its measured part.
with_server_cpu() {
  local before out status=0 seconds
  before="$(server_ticks)"
  out="$("$@")" || status=$?
  seconds="$(awk -v ticks="$(($(server_ticks) - before))" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.2f", ticks / hz }')"
  sed "s/^RESULT .*/& server_cpu_s=$seconds/" <<< "$out"
  return "$status"
}

# --- loads ---------------------------------------------------------------------------------------------------------
# record SERVER LOAD COMMAND...: runs a load and appends its RESULT line, tagged, to the results.
record() {
  local server="$1" load="$2" status=0 out
  shift 2
  out="$("$@" 2>>"$work/$server.$load.err")" || status=$?
  local line
  line="$(grep '^RESULT ' <<<"$out" | tail -1)"
  [ -n "$line" ] || line="RESULT errors=1"
  echo "server=$server load=$load pass=$pass status=$status ${line#RESULT }" >> "$results"
  log "$server $load: ${line#RESULT }"
}

tcp_loads() {
  local server="$1" port="$2"
  record "$server" pingpong "$swload" pingpong -H 127.0.0.1 -p "$port" -c 100 -s 64 -d "$duration" -w "$warm" --pid "$server_pid"
  record "$server" stream "$swload" stream -H 127.0.0.1 -p "$port" -c 10 -s 16384 -d "$duration" -w "$warm" --pid "$server_pid"
  record "$server" storm "$swload" storm -H 127.0.0.1 -p "$port" -c 50 -s 64 -d "$storm_duration" -w 1 --pid "$server_pid"
  record "$server" hold "$swload" hold -H 127.0.0.1 -p "$port" -c 10000 -d "$hold_duration" --pid "$server_pid"
  echo "server=$server load=tcp-peak pass=$pass status=0 rss_hwm_kb=$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")" >> "$results"
}

udp_loads() {
  record "$1" udp "$swload" udp -H 127.0.0.1 -p "$2" -c 16 -s 64 -d "$duration" -w "$warm" --pid "$server_pid"
}

# http_load SERVER LOAD URL: wrk with 2 threads and 100 connections, after a warm-up that is not recorded. The
# warm-up is longer than for the echo loads: a JVM's compiler needs several seconds for an HTTP server's paths.
http_load() {
  wrk -t2 -c100 -d"${http_warm}s" "$3" >/dev/null
  record "$1" "$2" with_server_cpu wrk -t2 -c100 -d"${duration}s" --latency -s "$bench/wrk-result.lua" "$3"
}

# h2c_load SERVER URL: h2load, 100 clients with 4 streams each, over HTTP/2 with prior knowledge. 400 requests in
# flight stay under the gateway's default cap per application (gateway.limits.maxInFlightPerAddress, 500), above
# which it sheds with 503 by design. The warm-up is longer than HTTP/1.1's: the JIT was still compiling the gateway's
# HTTP/2 path after 10 s (CPU per request fell from 108 to 35 µs over the first 30 s), and the same 30 s is given to
# every server.
h2c_load() {
  h2load -c100 -m4 -t2 -D "$h2_warm" "$2" >/dev/null
  record "$1" h2c with_server_cpu bash -c 'h2load -c100 -m4 -t2 -D "$1" "$2" | python3 "$3" h2load' _ "$duration" "$2" \
    "$bench/report.py"
}

# --- Switchboard ---------------------------------------------------------------------------------------------------
run_switchboard() {
  local port http bridge started
  port="$(free_port)" http="$(free_port)" bridge="$(free_port)"
  export SWITCHBOARD_ECHO_LISTENERS_0_PORT="$port" SWITCHBOARD_UDP_PORT="$port" SWITCHBOARD_GATEWAY_PORT="$http" \
    SWITCHBOARD_BRIDGE_PORT="$bridge"
  started="$(date +%s%N)"
  start_server switchboard "http:http://127.0.0.1:$http/health/ready" "$repo/switchboard.sh"
  echo "server=switchboard load=startup pass=$pass status=0 ready_ms=$((($(date +%s%N) - started) / 1000000))" >> "$results"
  if [ "$pass" = 1 ]; then
    # The options the launcher gave the JVM, as the running process shows them (between `java` and `-jar`).
    echo "jvm_options=$(tr '\0' ' ' < "/proc/$server_pid/cmdline" | sed 's/^[^ ]* //; s/\(^\| \)-jar .*//')" >> "$work/machine.txt"
  fi
  tcp_loads switchboard "$port"
  udp_loads switchboard "$port"
  http_load switchboard http "http://127.0.0.1:$http/apps/hello/"

  # Two worker processes, as gunicorn gets, with a thread for each of wrk's 100 connections: the gateway spreads
  # requests over the workers in turn, and a worker with all its threads busy answers 503 at once (where gunicorn's
  # sync workers leave connections waiting in the listen queue). The adapter serves the app, so it is on the server's
  # side: its cores and its CPU time are the server's.
  log "starting the Python adapter (2 workers, 100 threads each) for hello.py"
  local adapter_pid
  (cd "$bench/baselines/wsgi" && PYTHONPATH="$repo/clients/python" exec "${server_pin[@]}" python3 -m switchboard.wsgi \
      hello:application --name hello-py --bridge "127.0.0.1:$bridge" --workers 2 --threads 100) \
    > "$work/python-adapter.log" 2>&1 &
  adapter_pid=$!
  server_side="$server_pid $adapter_pid"
  for _ in $(seq 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http/apps/hello-py/")" = 200 ] && break
    sleep 0.1
  done
  http_load switchboard+python wsgi "http://127.0.0.1:$http/apps/hello-py/"
  kill -TERM "$adapter_pid"
  wait "$adapter_pid" 2>/dev/null || true
  stop_server

  # The same jar with one instance per service: on a machine whose cores the load generator shares, fewer event-loop
  # threads can do more (bench/README.md, "Reading the figures"). Pinned, the server has cores of its own and this
  # question does not arise.
  if [ "$pinned" = no ]; then
    SWITCHBOARD_INSTANCES=1 start_server switchboard-1 "http:http://127.0.0.1:$http/health/ready" "$repo/switchboard.sh"
    record switchboard-1 pingpong "$swload" pingpong -H 127.0.0.1 -p "$port" -c 100 -s 64 -d "$duration" -w "$warm" \
      --pid "$server_pid"
    udp_loads switchboard-1 "$port"
    http_load switchboard-1 http "http://127.0.0.1:$http/apps/hello/"
    stop_server
  fi

  if [ "$mode" = full ]; then
    SWITCHBOARD_GATEWAY_LIMITS_H2C=true start_server switchboard-h2c "http:http://127.0.0.1:$http/health/ready" "$repo/switchboard.sh"
    h2c_load switchboard "http://127.0.0.1:$http/apps/hello/"
    stop_server
  fi
  unset SWITCHBOARD_ECHO_LISTENERS_0_PORT SWITCHBOARD_UDP_PORT SWITCHBOARD_GATEWAY_PORT SWITCHBOARD_BRIDGE_PORT
}

# --- baselines -----------------------------------------------------------------------------------------------------
# serve_each LOADS PORT NAME:COMMAND...: starts each server in turn (it prints "ready"), applies LOADS, stops it.
serve_each() {
  local loads="$1" port="$2" server
  shift 2
  for server in "$@"; do
    # shellcheck disable=SC2086
    start_server "${server%%:*}" log ${server#*:} "$port"
    "$loads" "${server%%:*}" "$port"
    stop_server
  done
}

run_baselines() {
  local port baselines="$bench/baselines" dir
  port="$(free_port)"
  serve_each tcp_loads "$port" c-epoll:"$work/bin/epoll_echo tcp" \
    py-selectors:"python3 $baselines/python/tcp_echo_selectors.py" \
    py-asyncio:"python3 $baselines/python/tcp_echo_asyncio.py" vertx:"java -cp $jar $baselines/vertx/VertxTcpEcho.java"
  serve_each udp_loads "$port" c-epoll:"$work/bin/epoll_echo udp" py-loop:"python3 $baselines/python/udp_echo_loop.py" \
    py-asyncio:"python3 $baselines/python/udp_echo_asyncio.py" vertx:"java -cp $jar $baselines/vertx/VertxUdpEcho.java"

  start_server vertx log java -cp "$jar" "$baselines/vertx/VertxHttpHello.java" "$port"
  http_load vertx http "http://127.0.0.1:$port/"
  [ "$mode" = full ] && h2c_load vertx "http://127.0.0.1:$port/"
  stop_server

  dir="$work/nginx"
  mkdir -p "$dir/tmp"
  sed "s/@PORT@/$port/" "$baselines/nginx/nginx.conf" > "$dir/nginx.conf"
  start_server nginx "http:http://127.0.0.1:$port/" nginx -p "$dir" -c "$dir/nginx.conf"
  http_load nginx http "http://127.0.0.1:$port/"
  stop_server

  # One hello.py served by gunicorn; the same file goes through the gateway in run_switchboard.
  start_server gunicorn "http:http://127.0.0.1:$port/" gunicorn --workers 2 --worker-class sync --bind "127.0.0.1:$port" \
    --chdir "$baselines/wsgi" --log-level warning hello:application
  http_load gunicorn wsgi "http://127.0.0.1:$port/"
  stop_server
}

machine_facts() {
  {
    echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
    echo "mode=$mode"
    echo "pinned=$pinned"
    echo "passes=$passes"
    echo "commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "cores=$(nproc)"
    echo "cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
    echo "memory=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "kernel=$(uname -sr)"
    echo "jdk=$(java -version 2>&1 | head -1)"
    echo "python=$(python3 --version 2>&1)"
    echo "nginx=$(nginx -v 2>&1 | sed 's/.*: //')"
    echo "gunicorn=$(gunicorn --version 2>&1 | head -1)"
    echo "wrk=$(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
  } > "$work/machine.txt"
}

machine_facts
[ "$pinned" = no ] || pin_cores
for pass in $(seq "$passes"); do
  log "pass $pass of $passes"
  run_switchboard
  run_baselines
done
python3 "$bench/report.py" render "$work/machine.txt" "$results" "$repo/docs/benchmarks.md"
# The micro-benchmarks have no client to pin: the unpinned full run writes them.
if [ "$mode" = full ] && [ "$pinned" = no ]; then
  log "JMH micro-benchmarks"
  bash "$bench/jmh.sh" full "$work/jmh-result.json" > "$work/jmh.md"
  python3 "$bench/report.py" section jmh "$work/jmh.md" "$repo/docs/benchmarks.md"
fi
log "results: $results; report: docs/benchmarks.md"
