#!/usr/bin/env bash
# Writes torchvision parity references (model.pth, tensors.npz, manifest.json) for both models into DIR
# (default engine/target/parity) using ../shared/tools/torchvision_reference.py and Debian's python3-torchvision,
# and the box-prompt references of `masklab segment` into DIR/segment (bench/torchvision_segment_reference.py:
# other images and seeds; no feature tensors, so ~20 s and ~180 MB each).
# Skips, with a warning, when torchvision is missing; reuses references that already exist.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
OUT="${1:-$ROOT/engine/target/parity}"
SHARED="$ROOT/../shared"
PY=/usr/bin/python3
if ! "$PY" -c "import torchvision" 2>/dev/null; then
  echo "parity-references: $PY has no torchvision (apt-get install -y python3-torchvision); parity tests will be skipped" >&2
  exit 0
fi
mk() { # name model image
  local dir="$OUT/$1"
  if [[ -f "$dir/manifest.json" && -f "$dir/tensors.npz" ]]; then return; fi
  echo "parity-references: writing $dir" >&2
  "$PY" "$SHARED/tools/torchvision_reference.py" --model "$2" --image "$SHARED/data/coco-person-kp/$3" \
     --coco "$SHARED/data/coco-person-kp/test_coco.json" --train --seed "${4:-0}" --out "$dir" >&2
}
mk maskrcnn maskrcnn 000000000785.jpg 0
mk keypointrcnn keypointrcnn 000000000785.jpg 0
seg() { # name model image seed [--legacy]
  local dir="$OUT/segment/$1"
  if [[ -f "$dir/segment.json" ]]; then return; fi # written last
  echo "parity-references: writing $dir" >&2
  "$PY" "$ROOT/bench/torchvision_segment_reference.py" --model "$2" --image "$SHARED/data/coco-person-kp/$3" \
     --coco "$SHARED/data/coco-person-kp/test_coco.json" --seed "$4" ${5:-} --shared "$SHARED" --out "$dir" >&2
}
seg maskrcnn maskrcnn 000000040083.jpg 3
seg keypointrcnn keypointrcnn 000000196141.jpg 5
seg maskrcnn-legacy maskrcnn 000000197388.jpg 7 --legacy
