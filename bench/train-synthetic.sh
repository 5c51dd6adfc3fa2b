#!/usr/bin/env bash
# Training from scratch on the synthetic generator's data with the small CPU configuration:
# Mask R-CNN (segm AP over all six classes) and Keypoint R-CNN (keypoint AP on the figure class), each evaluated on
# the validation split with the engine's evaluator during and at the end of the run.
#
# usage: bench/train-synthetic.sh [OUT_DIR] [maskrcnn|keypointrcnn|both]
# env:   ITERATIONS (both models; else MASK_ITERATIONS 2000, KP_ITERATIONS 1200), BATCH (2), LR (0.01), CLIP (10),
#        MIN_SIZE (240), IMAGES (1600), OBJECTS (mean objects per image, the generator's default 7.9), EVAL_EVERY (half of each run),
#        MASK_EXTEND (5500, 0 when ITERATIONS is set; 0: off): the Mask R-CNN run is then extended to that many iterations with
#        `--resume --iterations` (a warm restart: lr back to LR until 2/3 of the new length, decay at 2/3 and 8/9)
# From scratch (no --weights) the ResNet body trains with batch-statistics batch norms (--batch-norm auto).
# Results: OUT_DIR/<arch>/metrics.jsonl ("eval" lines) and OUT_DIR/<arch>/eval/; a summary line per model on stdout.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
OUT="${1:-$ROOT/target/bench/train-synthetic}"
WHICH="${2:-both}"
MASK_ITERATIONS="${ITERATIONS:-${MASK_ITERATIONS:-2000}}" KP_ITERATIONS="${ITERATIONS:-${KP_ITERATIONS:-1200}}"
BATCH="${BATCH:-2}" LR="${LR:-0.01}" CLIP="${CLIP:-10}" MIN_SIZE="${MIN_SIZE:-240}"
IMAGES="${IMAGES:-1600}" MASK_EXTEND="${MASK_EXTEND:-$([[ -n "${ITERATIONS:-}" ]] && echo 0 || echo 5500)}"
mkdir -p "$OUT"
DATA="$OUT/data"
if [[ ! -f "$DATA/val.json" ]]; then
  "$ROOT/masklab" generate --out "$DATA" --images "$IMAGES" --val-fraction 0.05 --seed 2026 \
    ${OBJECTS:+--objects-per-image "$OBJECTS"}
fi
run() { # arch iterations
  local dir="$OUT/$1" ITERATIONS="$2" EVAL_EVERY="${EVAL_EVERY:-$(( $2 / 2 ))}"
  [[ -d "$dir" ]] && mv "$dir" "$dir.old.$(date +%s)"
  local t0=$SECONDS
  "$ROOT/masklab" train --dataset "$DATA/train.json" --val "$DATA/val.json" --arch "$1" --config small \
    --trainable-layers 5 --min-size "$MIN_SIZE" --iterations "$ITERATIONS" --batch "$BATCH" --lr "$LR" \
    --clip-grad "$CLIP" --eval-every "$EVAL_EVERY" --checkpoint-every "$EVAL_EVERY" --log-every 10 \
    --out "$dir" > "$dir.log" 2>&1
  echo "$1: $ITERATIONS iterations x $BATCH images in $((SECONDS - t0)) s"
  grep '"type":"eval"' "$dir/metrics.jsonl" | tail -1
}
extend() { # arch iterations: continue the finished run to that length
  local dir="$OUT/$1" t0=$SECONDS
  "$ROOT/masklab" train --dataset "$DATA/train.json" --val "$DATA/val.json" --arch "$1" --resume --iterations "$2" \
    --eval-every 1000 --checkpoint-every 500 --log-every 10 --out "$dir" >> "$dir.log" 2>&1
  echo "$1: extended to $2 iterations in $((SECONDS - t0)) s"
  grep '"type":"eval"' "$dir/metrics.jsonl" | tail -1
}
mask() {
  run maskrcnn_resnet50_fpn "$MASK_ITERATIONS"
  if (( MASK_EXTEND > MASK_ITERATIONS )); then extend maskrcnn_resnet50_fpn "$MASK_EXTEND"; fi
}
case "$WHICH" in
  maskrcnn) mask ;;
  keypointrcnn) run keypointrcnn_resnet50_fpn "$KP_ITERATIONS" ;;
  both) mask; run keypointrcnn_resnet50_fpn "$KP_ITERATIONS" ;; # one after the other: two at once thrash 2 cores
esac
