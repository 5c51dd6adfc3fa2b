#!/usr/bin/env bash
# Writes torchvision parity references (model.pth, tensors.npz, manifest.json) for both models into DIR
# (default engine/target/parity) using ../shared/tools/torchvision_reference.py and Debian's python3-torchvision.
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
