#!/usr/bin/env bash
# Large COCO-like benchmark inputs, annotations only (no image files), made by `masklab generate`:
#   bench/out/train2017-like.json     118287 images (640x480), ~860k annotations (polygons, crowd RLE, keypoints)
#   bench/out/val2017-like.json       5000 images, ~36k annotations
#   bench/out/val2017-like-dets.json  100 detections per image (segm compressed RLE, bbox, score, figure keypoints)
# Same seeds -> byte-identical files. Usage: bench/make-large.sh [OUT_DIR]
# MASKLAB may name another engine CLI command, e.g.
#   MASKLAB="java -cp engine/target-x/classes:engine/target/lib/* dev.masklab.cli.Main" bench/make-large.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
OUT="${1:-$ROOT/bench/out}"
read -r -a CMD <<< "${MASKLAB:-$ROOT/masklab}"
mkdir -p "$OUT"
"${CMD[@]}" generate --out "$OUT" --name train2017-like --images 118287 --seed 2017 \
  --width 640 --height 480 --annotations-only
"${CMD[@]}" generate --out "$OUT" --name val2017-like --images 5000 --seed 5000 \
  --width 640 --height 480 --annotations-only \
  --detections "$OUT/val2017-like-dets.json" --detections-per-image 100
rm -f "$OUT"/*.json.bak
ls -l "$OUT"/train2017-like.json "$OUT"/val2017-like.json "$OUT"/val2017-like-dets.json
