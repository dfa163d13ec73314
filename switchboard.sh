#!/usr/bin/env bash
# Builds Switchboard when the jar is missing or older than the sources, then runs it with the given arguments.
# JAVA_OPTS adds JVM options after the defaults below, so its -Xmx or -Xms wins, and a collector it names (-XX:+Use...GC)
# replaces the serial one: JAVA_OPTS="-XX:+UseG1GC -Xmx2g" ./switchboard.sh --roles echo
set -euo pipefail
# Defaults for a network service that keeps little state: the serial collector (no GC threads competing with the
# event loops on small machines, and the smallest footprint), and a heap that starts small and grows only when the
# live set needs it, up to a cap. The JVM's own default starts the heap at 1/64 of RAM and lets G1 grow it to cut GC
# frequency: 500+ MB of RSS under the benchmark loads, for no gain in throughput (docs/benchmarks.md).
jvm_opts="-Xms64m -Xmx512m"
case " ${JAVA_OPTS:-} " in
  *" -XX:+Use"*"GC "*) ;;
  *) jvm_opts="-XX:+UseSerialGC $jvm_opts" ;;
esac
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/deploy/target/switchboard.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$here" \( -path "$here/*/target" -o -path "$here/bench" \) -prune -o \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit)" ]; then
  echo "switchboard.sh: building $jar" >&2
  (cd "$here" && mvn -B -q package -DskipTests)
fi
# shellcheck disable=SC2086
exec java $jvm_opts ${JAVA_OPTS:-} -jar "$jar" "$@"
