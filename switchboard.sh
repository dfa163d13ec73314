#!/usr/bin/env bash
# Builds Switchboard when the jar is missing or older than the sources, then runs it with the given arguments.
# JAVA_OPTS adds JVM options after the defaults below. The defaults give way to the user's options wherever the JVM
# reads them (JAVA_OPTS, JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS, _JAVA_OPTIONS): a heap size (-Xms, -Xmx, -Xmn,
# -XX:*RAMPercentage, -XX:MaxRAM, -XX:*HeapSize, -XX:*NewSize, -XX:NewRatio, which -Xmn would override) leaves out
# the heap defaults, a collector named or switched off (-XX:+UseG1GC, -XX:-UseSerialGC) the serial one,
# -XX:TrimNativeHeapInterval the trimming default, and an options file (@file, -XX:VMOptionsFile, -XX:Flags), which
# this script cannot read, all of them:
#   JAVA_OPTS="-XX:+UseG1GC -Xmx2g" ./switchboard.sh --roles echo
set -euo pipefail
set -f  # options are split into words below, never expanded as file names
# Defaults for a network service that keeps little state: the serial collector (no GC threads competing with the
# event loops on small machines, and the smallest footprint), and a heap that starts small and grows only when the
# live set needs it, up to a cap. The JVM's own default starts the heap at 1/64 of RAM and lets G1 grow it to cut GC
# frequency: 500+ MB of RSS under the benchmark loads, for no gain in throughput (docs/benchmarks.md). The young
# generation is 32 MB, half of the initial heap rather than the default third: requests allocate short-lived objects
# fast, and a larger young generation collects less often and promotes less to the old one (gateway: GC time -27 %
# over HTTP/1.1, full collections 28 -> 11 over HTTP/2). A fixed size, not a ratio: what grows the heap is long-lived
# state (10,000 idle echo connections hold about 70 MB), which a larger young generation does nothing for, and a
# ratio grew it with the old one (to 65-90 MB, all of it resident once allocation had run through it). Every 5 s the
# JVM hands back to the system the C heap that it freed (mostly the JIT compiler's work areas), which glibc otherwise
# keeps: 25-30 MB of RSS. The trimming option needs JDK 17.0.9 or later.
# The user's options, one space between words whatever separated them, a space at each end, quotes removed as the
# JVM removes them.
# shellcheck disable=SC2086
given=" $(printf '%s ' ${JAVA_TOOL_OPTIONS:-} ${JDK_JAVA_OPTIONS:-} ${_JAVA_OPTIONS:-} ${JAVA_OPTS:-} | tr -d "\"'")"
jvm_opts=""
if ! [[ $given =~ \ (@|-XX:VMOptionsFile=|-XX:Flags=) ]]; then
  if ! [[ $given =~ \ -XX:[+-]Use(Serial|Parallel|G1|Z|Shenandoah|Epsilon)GC\  ]]; then
    jvm_opts="-XX:+UseSerialGC"
  fi
  if ! [[ $given =~ \ -(Xm[snx]|XX:[A-Za-z]*RAMPercentage=|XX:MaxRAM=|XX:[A-Za-z]*HeapSize=|XX:(Max)?NewSize=|XX:NewRatio=) ]]; then
    jvm_opts="$jvm_opts -Xms64m -Xmx512m -Xmn32m"
  fi
  if ! [[ $given =~ \ -XX:TrimNativeHeapInterval= ]]; then
    jvm_opts="$jvm_opts -XX:TrimNativeHeapInterval=5000"
  fi
fi
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/deploy/target/switchboard.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$here" \( -path "$here/*/target" -o -path "$here/bench" \) -prune -o \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit)" ]; then
  echo "switchboard.sh: building $jar" >&2
  (cd "$here" && mvn -B -q package -DskipTests -Djib.skip)
fi
# shellcheck disable=SC2086
exec java $jvm_opts ${JAVA_OPTS:-} -jar "$jar" "$@"
