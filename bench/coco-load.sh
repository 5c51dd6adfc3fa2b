#!/usr/bin/env bash
# COCO file loading benchmark: a train2017-size instances file (118,287 images, 860,001 polygon/RLE annotations)
# loaded by `masklab stats --time` (CocoReader, -Xmx4g) and by Python's json.load, each RUNS times in a fresh process.
# usage: bench/coco-load.sh [FILE.json]   (default bench/out/large-coco.json, generated when missing)
# env:   RUNS (default 3), HEAP (default -Xmx4g), MASKLAB_CP (classpath to use instead of engine/target)
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$ROOT"
source bin/jdk.sh
FILE="${1:-bench/out/large-coco.json}"
RUNS="${RUNS:-3}"
HEAP="${HEAP:--Xmx4g}"
CP="${MASKLAB_CP:-engine/target/masklab-engine.jar:engine/target/lib/*}"
if [[ ! -f "$FILE" ]]; then
  echo "generating $FILE ..." >&2
  mkdir -p "$(dirname "$FILE")"
  /usr/bin/python3 bench/make-large-coco.py "$FILE"
fi
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(lscpu | sed -n 's/^Model name: *//p')"
echo "file: $FILE ($(du -m "$FILE" | cut -f1) MB)"
echo "java: $("$JAVA" -version 2>&1 | head -1), $HEAP"
for i in $(seq "$RUNS"); do
  echo "--- java run $i (load average $(cut -d' ' -f1 /proc/loadavg))"
  /usr/bin/time -f "wall %e s, process CPU %U s user + %S s sys, max RSS %M KB" "$JAVA" $HEAP -cp "$CP" dev.masklab.cli.Main stats --time "$FILE" \
    | grep -E "load time|heap used|^images:|^annotations:"
done
for i in $(seq "$RUNS"); do
  echo "--- python json.load run $i (load average $(cut -d' ' -f1 /proc/loadavg))"
  /usr/bin/time -f "wall %e s, process CPU %U s user + %S s sys, max RSS %M KB" /usr/bin/python3 -c "
import json, sys, time
t = time.time()
with open(sys.argv[1]) as f:
    d = json.load(f)
print('json.load: %.2f s, %d images, %d annotations' % (time.time() - t, len(d['images']), len(d['annotations'])))
" "$FILE"
done
