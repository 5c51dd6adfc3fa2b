#!/usr/bin/env bash
# COCO evaluation benchmark (docs/benchmarks.md, "COCO evaluation"): a val2017-size synthetic case (5000 images of
# 640x480, about 36k ground-truth instances, 100 detections per image = 500k) written by `masklab generate`, then
#  1. bench/EvalBenchmark.java: time to read the ground truth and the results, and CocoEvaluator for bbox and segm,
#     RUNS times each in one JVM (the first run includes JIT warm-up);
#  2. the whole `masklab eval` command per iou type under /usr/bin/time (wall, max RSS);
#  3. when PYCOCOTOOLS names a Python with pycocotools: bench/pycocotools_eval.py on the same files (its times) and the
#     largest difference between its stats and `masklab eval --json`'s.
# Usage: [PYCOCOTOOLS=venv/bin/python] bench/eval-benchmark.sh [DIR (default bench/out/eval)] [RUNS (default 3)]
# ENGINE_CP overrides the engine classpath (default engine/target/masklab-engine.jar + engine/target/lib/*).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
source "$ROOT/bin/jdk.sh"
OUT="${1:-$ROOT/bench/out/eval}"
RUNS="${2:-3}"
CP="${ENGINE_CP:-$ROOT/engine/target/masklab-engine.jar:$ROOT/engine/target/lib/*}"
JAVA_FLAGS=(--enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Xmx8g)
ml() { "$JAVA" "${JAVA_FLAGS[@]}" -cp "$CP" dev.masklab.cli.Main "$@"; }
mkdir -p "$OUT"
if [[ ! -f "$OUT/annotations.json" || ! -f "$OUT/detections.json" ]]; then
  ml generate --out "$OUT" --images 5000 --seed 1 --width 640 --height 480 --annotations-only \
     --detections "$OUT/detections.json" --detections-per-image 100
fi
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(lscpu | sed -n 's/^Model name: *//p' | head -n1)"
"$JAVA" "${JAVA_FLAGS[@]}" -cp "$CP" "$ROOT/bench/EvalBenchmark.java" "$OUT/annotations.json" "$OUT/detections.json" \
  "$RUNS" bbox segm
for t in bbox segm; do
  /usr/bin/time -f "masklab eval --iou-type $t: %e s wall, %U s user, %M KiB max RSS" \
    "$JAVA" "${JAVA_FLAGS[@]}" -cp "$CP" dev.masklab.cli.Main eval --gt "$OUT/annotations.json" \
    --dt "$OUT/detections.json" --iou-type "$t" | head -n 1
done
if [[ -n "${PYCOCOTOOLS:-}" ]]; then
  for t in bbox segm keypoints; do
    ml eval --gt "$OUT/annotations.json" --dt "$OUT/detections.json" --iou-type "$t" --json > "$OUT/masklab-$t.json"
  done
  /usr/bin/time -f "pycocotools (all three iou types, one process): %e s wall, %M KiB max RSS" \
    "$PYCOCOTOOLS" "$ROOT/bench/pycocotools_eval.py" "$OUT/annotations.json" "$OUT/detections.json" bbox segm keypoints \
    > "$OUT/pycocotools.jsonl"
  /usr/bin/python3 - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
for line in open(out + "/pycocotools.jsonl"):
    ref = json.loads(line)
    ours = json.load(open(out + "/masklab-" + ref["iouType"] + ".json"))
    diff = max(abs(a - b) for a, b in zip(ref["stats"], ours["stats"]))
    print(f"{ref['iouType']}: pycocotools seconds {ref['seconds']}, AP {ref['stats'][0]:.6f}, "
          f"max |stats difference| vs masklab {diff:.3g}")
PY
fi
