#!/usr/bin/env bash
# Runs the JMH micro-benchmarks (bench/jmh) with the allocation profiler and prints their figures as a Markdown
# table: time and bytes allocated per operation.
#
#   bash bench/jmh.sh [quick|full] [RESULT.json]     quick: 3 x 1 s measured; full: 5 x 2 s (one fork each)
set -euo pipefail
mode="${1:-quick}"
case "$mode" in
  quick) options=(-f 1 -wi 2 -w 1s -i 3 -r 1s) ;;
  full) options=(-f 1 -wi 3 -w 2s -i 5 -r 2s) ;;
  *) echo "usage: bench/jmh.sh [quick|full] [RESULT.json]" >&2; exit 64 ;;
esac
bench="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$bench")"
module="$bench/jmh"
result="${2:-$module/target/jmh-result.json}"

# The benchmarks run from the compiled classes and the module's class path: no uber jar to build.
# Maven's output goes to stderr: stdout carries only the table.
(cd "$repo" && mvn -B -q install -DskipTests -pl bench/jmh -am) >&2
(cd "$repo" && mvn -B -q dependency:build-classpath -pl bench/jmh -Dmdep.outputFile="$module/target/classpath.txt") >&2
mkdir -p "$(dirname "$result")"
java -cp "$module/target/classes:$(cat "$module/target/classpath.txt")" org.openjdk.jmh.Main "${options[@]}" \
  -prof gc -rf json -rff "$result" >&2

python3 - "$result" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
print("| benchmark | parameters | ns/op | B/op (allocated) |")
print("|---|---|---:|---:|")
for row in rows:
    name = row["benchmark"].rsplit(".", 2)
    params = ", ".join(f"{k}={v}" for k, v in (row.get("params") or {}).items())
    primary = row["primaryMetric"]
    alloc = row["secondaryMetrics"].get("·gc.alloc.rate.norm") or row["secondaryMetrics"].get("gc.alloc.rate.norm")
    error = primary.get("scoreError")
    digits = 2 if primary["score"] < 10 else 1
    score = f"{primary['score']:,.{digits}f}" + (f" ± {error:,.{digits}f}" if isinstance(error, (int, float)) and error == error else "")
    print(f"| {name[-2]}.{name[-1]} | {params} | {score} | {alloc['score']:,.0f} |" if alloc else
          f"| {name[-2]}.{name[-1]} | {params} | {score} | – |")
PY
