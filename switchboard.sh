#!/usr/bin/env bash
# Builds Switchboard when the jar is missing or older than the sources, then runs it with the given arguments.
# JAVA_OPTS adds JVM options after the defaults below. When JAVA_OPTS, JAVA_TOOL_OPTIONS or JDK_JAVA_OPTIONS size the
# heap (-Xms, -Xmx, -XX:*RAMPercentage, -XX:MaxRAM, -XX:*HeapSize) the heap defaults are left out, and when they name
# a collector (-XX:+Use...GC) the serial one is: JAVA_OPTS="-XX:+UseG1GC -Xmx2g" ./switchboard.sh --roles echo
set -euo pipefail
set -f  # options are split into words below, never expanded as file names
# Defaults for a network service that keeps little state: the serial collector (no GC threads competing with the
# event loops on small machines, and the smallest footprint), and a heap that starts small and grows only when the
# live set needs it, up to a cap. The JVM's own default starts the heap at 1/64 of RAM and lets G1 grow it to cut GC
# frequency: 500+ MB of RSS under the benchmark loads, for no gain in throughput (docs/benchmarks.md).
# The user's options, one space between words whatever separated them, with a space at each end.
# shellcheck disable=SC2086
given=" $(printf '%s ' ${JAVA_TOOL_OPTIONS:-} ${JDK_JAVA_OPTIONS:-} ${JAVA_OPTS:-})"
jvm_opts=""
if ! [[ $given =~ \ -XX:\+Use[A-Za-z0-9]*GC\  ]]; then
  jvm_opts="-XX:+UseSerialGC"
fi
if ! [[ $given =~ \ -(Xm[sx]|XX:[A-Za-z]*RAMPercentage=|XX:MaxRAM=|XX:[A-Za-z]*HeapSize=) ]]; then
  jvm_opts="$jvm_opts -Xms64m -Xmx512m"
fi
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/deploy/target/switchboard.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$here" \( -path "$here/*/target" -o -path "$here/bench" \) -prune -o \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit)" ]; then
  echo "switchboard.sh: building $jar" >&2
  (cd "$here" && mvn -B -q package -DskipTests)
fi
# shellcheck disable=SC2086
exec java $jvm_opts ${JAVA_OPTS:-} -jar "$jar" "$@"
