#!/usr/bin/env bash
# Detection-op timings (docs/benchmarks.md, "Detection ops"): bench/OpsBenchmark.java at Mask R-CNN sizes.
# Usage: bench/ops-benchmark.sh [RUNS (default 5)]
# ENGINE_CP overrides the engine classpath (default engine/target/classes + engine/target/lib/*).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
source "$ROOT/bin/jdk.sh"
CP="${ENGINE_CP:-$ROOT/engine/target/classes:$ROOT/engine/target/lib/*}"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(lscpu | sed -n 's/^Model name: *//p' | head -n1)"
"$JAVA" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Xmx6g -cp "$CP" "$ROOT/bench/OpsBenchmark.java" "${1:-5}"
