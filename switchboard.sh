#!/usr/bin/env bash
# Builds Switchboard when the jar is missing or older than the sources, then runs it with the given arguments.
# JAVA_OPTS passes options to the JVM, e.g. JAVA_OPTS=-Xmx512m ./switchboard.sh --roles echo
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/deploy/target/switchboard.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$here" -path "$here/*/target" -prune -o \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit)" ]; then
  echo "switchboard.sh: building $jar" >&2
  (cd "$here" && mvn -B -q package -DskipTests)
fi
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} -jar "$jar" "$@"
