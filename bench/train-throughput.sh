#!/usr/bin/env bash
# Training throughput, MaskLab engine vs torchvision, same machine, same configuration, same threads
# (docs/benchmarks.md "Training throughput vs torchvision"): the small CPU configuration (shorter side 240, RPN
# 600 / 300 proposals, 128 RoIs, batch 2, every ResNet stage trained, gradient clipping 10) on the synthetic set.
# The engine runs with frozen batch norms (--batch-norm frozen), as the torchvision side's FrozenBatchNorm2d.
# The torchvision side runs on OpenBLAS (bench/openblas.sh installs or requires libopenblas0-pthread and prints the
# BLAS torch loaded); bench/torchvision_train_throughput.py builds its model with the same settings.
# usage: bench/train-throughput.sh [OUT_DIR] [maskrcnn|keypointrcnn] [ITERATIONS (engine, 60)] [TV_ITERATIONS (15)]
# Prints the engine's median logged images/s (after the first 10 logs of 2 iterations) and torchvision's images/s.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
source "$ROOT/bench/openblas.sh"
OUT="${1:-$ROOT/target/bench/train-throughput}"; KIND="${2:-maskrcnn}"; ITER="${3:-60}"; TV_ITER="${4:-15}"
THREADS="${THREADS:-$(nproc)}"
mkdir -p "$OUT"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -n1), threads $THREADS, $(date -u +%F)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
DATA="$OUT/data"
[[ -f "$DATA/train.json" ]] || "$ROOT/masklab" generate --out "$DATA" --images 200 --val-fraction 0.05 --seed 2026 >&2
RUN="$OUT/engine-$KIND"
rm -rf "$RUN"
"$ROOT/masklab" train --dataset "$DATA/train.json" --arch "${KIND}_resnet50_fpn" --config small --trainable-layers 5 \
  --batch-norm frozen \
  --min-size 240 --batch 2 --lr 0.002 --clip-grad 10 --iterations "$ITER" --log-every 2 --checkpoint-every 0 \
  --out "$RUN" > "$RUN.log" 2>&1
/usr/bin/python3 - "$RUN/metrics.jsonl" <<'PY'
import json, statistics, sys
rates = [json.loads(l)["images_per_s"] for l in open(sys.argv[1]) if '"type":"train"' in l.replace(" ", "")]
rates = rates[10:] or rates
print(f"engine {sys.argv[1]}: median {statistics.median(rates):.3f} images/s over {len(rates)} logs")
PY
require_openblas
TV=(/usr/bin/python3 "$ROOT/bench/torchvision_train_throughput.py" "$DATA/train.json" "$KIND" 3 "$TV_ITER")
echo "torchvision, glibc malloc defaults (as installed):"
OMP_NUM_THREADS=$THREADS "${TV[@]}"
# the engine keeps freed memory in malloc (model/ops/NativeHeap); torchvision with the same settings is the stronger anchor
echo "torchvision, glibc malloc as the engine sets it:"
GLIBC_TUNABLES="glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=1073741824:glibc.malloc.top_pad=67108864" \
  OMP_NUM_THREADS=$THREADS "${TV[@]}"
