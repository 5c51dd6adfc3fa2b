#!/usr/bin/env python3
"""Per-image inference latency of torchvision's maskrcnn_resnet50_fpn / keypointrcnn_resnet50_fpn: the anchor
that MaskLab's engine is measured against (docs/benchmarks.md).

The workload is fixed and independent of the weights: seeded random weights, box_score_thresh=0 so the heads always
process 100 detections (masks / keypoints pasted for all of them), one image resized to 800 px on its shorter side.
Nothing is downloaded.

usage: torchvision_latency.py [--model maskrcnn|keypointrcnn] [--device cpu|cuda] [--threads N]
                              [--image IMG] [--weights W.pth] [--save-weights W.pth] [--runs 10] [--warmup 3]
Prints one JSON line: model, device, threads, input size, median / min / max seconds per image, and on the CPU the
BLAS libraries torch loaded (Debian's torch: the reference BLAS or OpenBLAS, see bench/openblas.sh).
"""
import argparse, json, os, platform, statistics, time
import torch
import torchvision
from torchvision.models.detection import maskrcnn_resnet50_fpn, keypointrcnn_resnet50_fpn

import torch_blas  # bench/torch_blas.py: which BLAS library torch loaded


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["maskrcnn", "keypointrcnn"], default="maskrcnn")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--image", help="RGB image; default: a seeded 640x480 noise image")
    ap.add_argument("--weights", help="a state dict of the same architecture (e.g. a parity reference's model.pth); "
                    "default: seeded random weights")
    ap.add_argument("--save-weights", help="also write the weights used (without BatchNorm2d's num_batches_tracked, "
                    "as the engine reads a frozen-BN state dict) to this .pth, for the engine's side")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    build = maskrcnn_resnet50_fpn if a.model == "maskrcnn" else keypointrcnn_resnet50_fpn
    model = build(weights=None, weights_backbone=None, box_score_thresh=0.0)
    if a.weights:
        # the model is built with BatchNorm2d (weights=None), which in eval mode computes what FrozenBatchNorm2d does;
        # only its num_batches_tracked counters are absent from a frozen-BN state dict
        res = model.load_state_dict(torch.load(a.weights, map_location="cpu"), strict=False)
        bad = res.unexpected_keys + [k for k in res.missing_keys if not k.endswith("num_batches_tracked")]
        if bad:
            raise SystemExit(f"{a.weights}: does not fit {a.model}: {bad[:5]}")
    if a.save_weights:
        torch.save({k: v for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")},
                   a.save_weights)
    model = model.eval().to(a.device)
    if a.image:
        from PIL import Image
        img = torchvision.transforms.functional.to_tensor(Image.open(a.image).convert("RGB"))
    else:
        img = torch.rand(3, 480, 640, generator=torch.Generator().manual_seed(1))
    img = img.to(a.device)
    sync = torch.cuda.synchronize if a.device.startswith("cuda") else (lambda: None)
    times, n_det = [], 0
    with torch.inference_mode():
        for i in range(a.warmup + a.runs):
            sync()
            t0 = time.perf_counter()
            out = model([img])[0]
            sync()
            dt = time.perf_counter() - t0
            n_det = len(out["boxes"])
            if i >= a.warmup:
                times.append(dt)
    gpu = torch.cuda.get_device_name(0) if a.device.startswith("cuda") else None
    print(json.dumps({"model": a.model, "device": a.device, "gpu": gpu, "threads": torch.get_num_threads(),
                      "image": list(img.shape), "detections": n_det, "runs": a.runs,
                      "median_s": statistics.median(times), "min_s": min(times), "max_s": max(times),
                      "weights": a.weights or "random", "torch": torch.__version__, "torchvision": torchvision.__version__,
                      "cpu": platform.processor() or platform.machine(),
                      "blas": torch_blas.describe()["blas"] if a.device == "cpu" else None}))


if __name__ == "__main__":
    main()
