#!/usr/bin/env bash
# Builds swload, the benchmarks' echo load generator: bench/loadgen/build.sh [OUTDIR]   (default bench/loadgen/target)
# Compiles only when swload.c is newer than the binary (or there is no binary yet).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/target}"
mkdir -p "$out"
src="$here/swload.c"
bin="$out/swload"
if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
  gcc -O2 -Wall -Wextra -o "$bin" "$src"
fi
