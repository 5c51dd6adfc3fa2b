#!/usr/bin/env bash
# Model-core stage timings (docs/benchmarks.md, "Backbone and RPN"): bench/BackboneBenchmark.java.
# Usage: bench/backbone-benchmark.sh MODEL.pth [RUNS (default 3)]
# (MODEL.pth: a torchvision Mask/Keypoint R-CNN state dict, e.g. a parity reference's model.pth.)
# ENGINE_CP overrides the engine classpath (default engine/target/classes + engine/target/lib/*).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
source "$ROOT/bin/jdk.sh"
CP="${ENGINE_CP:-$ROOT/engine/target/classes:$ROOT/engine/target/lib/*}"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(lscpu | sed -n 's/^Model name: *//p' | head -n1)"
"$JAVA" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Xmx6g -cp "$CP" "$ROOT/bench/BackboneBenchmark.java" "$1" "${2:-3}"
