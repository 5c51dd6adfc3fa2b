#!/usr/bin/env bash
# Box-prompt latency, MaskLab's warm model vs torchvision, same machine, image, weights and thread count
# (docs/benchmarks.md "Box prompts"): one predict of the image, the first box prompt on it, another prompt on it.
# Needs /usr/bin/python3 with torchvision for the anchor (prints which BLAS torch uses).
# Usage: bench/segment-latency.sh MODEL.pth [maskrcnn_resnet50_fpn|keypointrcnn_resnet50_fpn] [IMAGE] [RUNS] [WARMUP]
# MODEL.pth: a torchvision state dict (e.g. engine/target/parity/segment/maskrcnn/model.pth).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
source "$ROOT/bin/jdk.sh"
PTH="$1"; ARCH="${2:-maskrcnn_resnet50_fpn}"
IMG="${3:-$ROOT/../shared/data/coco-person-kp/000000040083.jpg}"; RUNS="${4:-3}"; WARM="${5:-1}"
THREADS="${THREADS:-$(nproc)}"
CP="${ENGINE_CP:-$ROOT/engine/target/classes:$ROOT/engine/target/lib/*}"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(lscpu | sed -n 's/^Model name: *//p' | head -n1), threads $THREADS, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%F)"
OMP_NUM_THREADS=$THREADS "$JAVA" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Dai.djl.pytorch.num_interop_threads=1 \
  -Dai.djl.pytorch.num_threads="$THREADS" -Xmx8g -cp "$CP" "$ROOT/bench/SegmentLatency.java" "$PTH" "$ARCH" "$IMG" "$RUNS" "$WARM"
if /usr/bin/python3 -c "import torchvision" 2>/dev/null; then
  /usr/bin/python3 "$ROOT/bench/torchvision_segment_latency.py" --model "${ARCH%%_*}" --threads "$THREADS" --image "$IMG" \
    --weights "$PTH" --runs "$RUNS" --warmup "$WARM"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
