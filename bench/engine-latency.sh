#!/usr/bin/env bash
# Inference latency, MaskLab engine vs torchvision, same machine, same image, same thread count, 100 detections each
# (docs/benchmarks.md "Inference latency"). Needs /usr/bin/python3 with torchvision for the torchvision side, which
# runs on OpenBLAS (bench/openblas.sh installs or requires libopenblas0-pthread and prints the BLAS torch loaded).
# Usage: bench/engine-latency.sh MODEL.pth [maskrcnn_resnet50_fpn|keypointrcnn_resnet50_fpn] [IMAGE] [RUNS] [WARMUP]
# MODEL.pth: a torchvision state dict of that architecture (e.g. a parity reference's model.pth).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
source "$ROOT/bin/jdk.sh"
source "$ROOT/bench/openblas.sh"
PTH="$1"; ARCH="${2:-maskrcnn_resnet50_fpn}"
IMG="${3:-$ROOT/../shared/data/coco-person-kp/000000000785.jpg}"; RUNS="${4:-5}"; WARM="${5:-2}"
THREADS="${THREADS:-$(nproc)}"
NATIVE_HEAP_TUNABLES="glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=1073741824:glibc.malloc.top_pad=67108864"
CP="${ENGINE_CP:-$ROOT/engine/target/classes:$ROOT/engine/target/lib/*}"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(lscpu | sed -n 's/^Model name: *//p' | head -n1), threads $THREADS, $(date -u +%F), load average $(cut -d' ' -f1-3 /proc/loadavg)"
# peak resident memory of each side (GNU time, when installed)
TIME=(); [[ -x /usr/bin/time ]] && TIME=(/usr/bin/time -f "peak RSS %M KB")
OMP_NUM_THREADS=$THREADS "${TIME[@]}" "$JAVA" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Dai.djl.pytorch.num_interop_threads=1 \
  -Dai.djl.pytorch.num_threads="$THREADS" -Xmx8g -cp "$CP" "$ROOT/bench/EngineLatency.java" "$PTH" "$ARCH" "$IMG" "$RUNS" "$WARM"
if /usr/bin/python3 -c "import torchvision" 2>/dev/null; then
  require_openblas
  TV=(/usr/bin/python3 "$ROOT/bench/torchvision_latency.py" --model "${ARCH%%_*}" --threads "$THREADS" --image "$IMG" --weights "$PTH" --runs "$RUNS" --warmup "$WARM")
  echo "torchvision, glibc malloc defaults (as installed):"
  "${TIME[@]}" "${TV[@]}"
  # the engine keeps freed memory in malloc (model/ops/NativeHeap: no mmap per array, no trim); torchvision given the
  # same settings, through glibc's tunables, is the stronger anchor
  echo "torchvision, glibc malloc as the engine sets it (GLIBC_TUNABLES=$NATIVE_HEAP_TUNABLES):"
  GLIBC_TUNABLES="$NATIVE_HEAP_TUNABLES" "${TIME[@]}" "${TV[@]}"
fi
