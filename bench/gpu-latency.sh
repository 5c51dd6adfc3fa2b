#!/usr/bin/env bash
# Inference latency on a CUDA machine, MaskLab engine (--device gpu) vs torchvision, same seeded weights, same image,
# 100 detections each (docs/benchmarks.md "Engine on the GPU machine").
#
# The lent GPU machine (NVIDIA H100/H200, PyTorch 2.11 + torchvision in its python3) has no Java, no network and a
# 64 MiB limit on carried files, so the engine goes there as a bundle made on a dev machine:
#
#   bench/gpu-latency.sh pack          # dev machine (JDK 25, engine built): writes target/gpu-bundle (~45 MB)
#   bench/gpu-latency.sh run           # CUDA machine, from the repository root, with target/gpu-bundle carried
#
# The bundle: a jlinked Java runtime (java.base, desktop, logging, management, naming, sql, jdk.unsupported;
# --compress zip-9, then xz: ~35 MB of 63 MB), the engine jar and its dependency jars WITHOUT pytorch-native-* (the CPU
# natives are 105 MB, DJL's pytorch-native-cu124 about 1.5 GB: neither fits), DJL's pytorch-jni jar (4.9 MB, holds the
# cu124 JNI library built against libtorch 2.5.1), bench/EngineLatency compiled (the runtime has no compiler) and the
# test image. On the machine the engine is pointed at the machine's own libtorch, the one inside its python torch
# (PYTORCH_LIBRARY_PATH=<site-packages>/torch/lib, PYTORCH_VERSION=2.5.1 and PYTORCH_FLAVOR=cu124 so that DJL takes the
# cu124 JNI from the jar instead of downloading one). That JNI library was compiled against libtorch 2.5.1's C++ API;
# libtorch has no stable C++ ABI, so against torch 2.11 it will most likely fail to load (undefined symbols). The run
# checks that first (every undefined symbol of libdjl_torch.so against the machine's libtorch, with nm when present,
# else by loading it after torch with ctypes) and reports it; the engine then runs only if the JNI library loads.
# What would make the engine side run there: libtorch 2.5.1 + CUDA 12.x on that machine (not carryable within 64 MiB,
# no network), or DJL's JNI compiled against the machine's torch (DJL's pytorch-native sources, cmake and a C++
# compiler there, against <site-packages>/torch/include and share/cmake; DJL 0.32's sources target libtorch 2.5 and
# may need changes for 2.11).
#
# The torchvision side always runs: bench/torchvision_latency.py --device cuda for both architectures with the same
# seeded weights (written to a .pth there for the engine). Results: JSON lines on stdout and in $OUT (default
# target/gpu-latency) when set.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
BUNDLE="$ROOT/target/gpu-bundle"
IMG_NAME=000000000785.jpg

pack() {
  source "$ROOT/bin/jdk.sh"
  local jb lib
  jb="$(dirname "$JAVA")"
  lib="$ROOT/engine/target/lib"
  [[ -f "$ROOT/engine/target/masklab-engine.jar" && -d "$lib" ]] || {
    echo "gpu-latency: build the engine first (mvn -o -q -DskipTests install)" >&2; exit 1; }
  rm -rf "$BUNDLE" && mkdir -p "$BUNDLE/lib" "$BUNDLE/classes"
  "$jb/jlink" --add-modules java.base,java.desktop,java.logging,java.management,java.naming,java.sql,jdk.unsupported \
    --strip-debug --no-header-files --no-man-pages --compress zip-9 --output "$BUNDLE/jre"
  tar -C "$BUNDLE" -cf - jre | xz -T0 -6 > "$BUNDLE/jre.tar.xz"
  rm -rf "$BUNDLE/jre"
  cp "$ROOT/engine/target/masklab-engine.jar" "$BUNDLE/lib/"
  for j in "$lib"/*.jar; do
    [[ "$(basename "$j")" == pytorch-native-* ]] || cp "$j" "$BUNDLE/lib/"
  done
  "$jb/javac" -d "$BUNDLE/classes" -cp "$ROOT/engine/target/masklab-engine.jar:$lib/*" "$ROOT/bench/EngineLatency.java"
  cp "$ROOT/../shared/data/coco-person-kp/$IMG_NAME" "$BUNDLE/"
  du -sh "$BUNDLE"; du -sh "$BUNDLE"/* | sort -h
  echo "carry: target/gpu-bundle (must stay under 64 MiB)"
}

run() {
  local out="${OUT:-$ROOT/target/gpu-latency}" py=python3 tlib img
  mkdir -p "$out"
  img="$BUNDLE/$IMG_NAME"
  [[ -f "$img" ]] || img="$ROOT/../shared/data/coco-person-kp/$IMG_NAME"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
  "$py" -c "import torch, torchvision; print('torch', torch.__version__, 'cuda', torch.version.cuda, 'torchvision',
torchvision.__version__, 'gpu', torch.cuda.get_device_name(0))"
  # torchvision: seeded weights (the same ones the engine reads), 100 detections, 20 runs after 5 warm-ups
  for m in maskrcnn keypointrcnn; do
    "$py" "$ROOT/bench/torchvision_latency.py" --model "$m" --device cuda --image "$img" --runs 20 --warmup 5 \
      --save-weights "$out/$m-seed0.pth" | tee -a "$out/torchvision.jsonl"
  done
  [[ -f "$BUNDLE/jre.tar.xz" ]] || { echo "gpu-latency: no engine bundle (bench/gpu-latency.sh pack, carry target/gpu-bundle)" >&2; exit 0; }
  tlib="$("$py" -c "import os, torch; print(os.path.join(os.path.dirname(torch.__file__), 'lib'))")"
  rm -rf "$out/jre" "$out/jni" && tar -C "$out" -xJf "$BUNDLE/jre.tar.xz"
  "$py" -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract('jnilib/linux-x86_64/cu124/libdjl_torch.so',
sys.argv[2])" "$(ls "$BUNDLE"/lib/pytorch-jni-*.jar)" "$out/jni"
  local so="$out/jni/jnilib/linux-x86_64/cu124/libdjl_torch.so"
  echo "DJL JNI (built for libtorch 2.5.1 + cu124) against $tlib:"
  if command -v nm >/dev/null; then
    nm -D --defined-only "$tlib"/*.so 2>/dev/null | awk '{print $NF}' | sort -u > "$out/torch-symbols.txt"
    nm -D --undefined-only "$so" | awk '{print $NF}' | grep -E '^_ZN(K)?(2at|3c10|5torch)' | sort -u \
      | comm -23 - "$out/torch-symbols.txt" > "$out/missing-symbols.txt" || true
    echo "  $(wc -l < "$out/missing-symbols.txt") libtorch symbols it needs are missing ($out/missing-symbols.txt)"
  fi
  if ! "$py" -c "import ctypes, torch; ctypes.CDLL('$so', mode=ctypes.RTLD_GLOBAL)" 2> "$out/jni-load.txt"; then
    echo "  it does not load: $(tail -n1 "$out/jni-load.txt"); the engine cannot run on this libtorch (see the header)"
    exit 0
  fi
  echo "  it loads; running the engine"
  for a in maskrcnn keypointrcnn; do
    PYTORCH_LIBRARY_PATH="$tlib" PYTORCH_VERSION=2.5.1 PYTORCH_FLAVOR=cu124 DJL_CACHE_DIR="$out/djl" \
      "$out/jre/bin/java" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Xmx8g \
      -cp "$BUNDLE/classes:$BUNDLE/lib/*" EngineLatency "$out/$a-seed0.pth" "${a}_resnet50_fpn" "$img" 20 5 gpu \
      | tee -a "$out/engine.jsonl"
  done
}

case "${1:-}" in
  pack) pack ;;
  run) run ;;
  *) echo "usage: $0 pack|run" >&2; exit 2 ;;
esac
