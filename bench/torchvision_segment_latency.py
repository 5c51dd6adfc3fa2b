#!/usr/bin/env python3
"""Box-prompt latency with torchvision's own modules, the anchor for bench/SegmentLatency.java (docs/benchmarks.md
"Box prompts"). Same workload: one full model(image) (score threshold 0.05), the first box prompt on the image
(transform, backbone, the RoI heads on the box as in bench/torchvision_segment_reference.py, postprocess) and another
prompt on the same image (heads only, features kept). Interleaved per run. Prints which BLAS torch uses, then one
JSON line with median / min / max seconds of each.

usage: torchvision_segment_latency.py --weights W.pth [--model maskrcnn|keypointrcnn] --image IMG [--threads N]
                                      [--runs 3] [--warmup 1]
"""
import argparse, json, os, re, statistics, sys, time
import torch
import torchvision
from PIL import Image
from torchvision.models.detection import maskrcnn_resnet50_fpn, keypointrcnn_resnet50_fpn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torchvision_segment_reference import answer  # the same prompt computation as the parity references


def blas():
    cfg = torch.__config__.show()
    found = re.findall(r"BLAS_INFO=([^,\s]+)|LAPACK_INFO=([^,\s]+)", cfg)
    info = [a or b for a, b in found]
    torch.ones(64, 64) @ torch.ones(64, 64)  # a BLAS call, so that the library is loaded
    try:  # torch 1.13 from Debian reports "generic": libblas.so.3, resolved by the alternatives system at run time
        loaded = sorted({os.path.realpath(line.split()[-1]) for line in open("/proc/self/maps")
                         if "blas" in line.split()[-1]})
    except OSError:
        loaded = []
    return {"blas_build": info, "blas_loaded": loaded, "mkldnn": torch.backends.mkldnn.is_available(),
            "threads": torch.get_num_threads()}


def prompt(model, image, features, images, box_xywh):
    out, _ = answer(model, image, images, features, box_xywh)
    if "masks" in out:
        out["masks"] = out["masks"] > 0.5
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["maskrcnn", "keypointrcnn"], default="maskrcnn")
    ap.add_argument("--weights", required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    print("torch", torch.__version__, json.dumps(blas()), flush=True)
    build = maskrcnn_resnet50_fpn if a.model == "maskrcnn" else keypointrcnn_resnet50_fpn
    model = build(weights=None, weights_backbone=None, box_score_thresh=0.05)
    res = model.load_state_dict(torch.load(a.weights, map_location="cpu"), strict=False)  # BatchNorm2d in eval = frozen
    bad = res.unexpected_keys + [k for k in res.missing_keys if not k.endswith("num_batches_tracked")]
    if bad:
        raise SystemExit(f"{a.weights}: does not fit {a.model}: {bad[:5]}")
    model.eval()
    image = torchvision.transforms.functional.to_tensor(Image.open(a.image).convert("RGB"))
    h, w = image.shape[-2:]
    first = (0.3 * w, 0.2 * h, 0.4 * w, 0.6 * h)
    nxt = (0.05 * w, 0.1 * h, 0.25 * w, 0.5 * h)
    times = {"predict": [], "first_prompt": [], "next_prompt": []}
    n = 0
    with torch.inference_mode():
        for i in range(a.warmup + a.runs):
            t0 = time.perf_counter()
            n = len(model([image])[0]["boxes"])
            t1 = time.perf_counter()
            images, _ = model.transform([image])
            features = model.backbone(images.tensors)
            prompt(model, image, features, images, first)
            t2 = time.perf_counter()
            prompt(model, image, features, images, nxt)
            t3 = time.perf_counter()
            if i >= a.warmup:
                times["predict"].append(t1 - t0)
                times["first_prompt"].append(t2 - t1)
                times["next_prompt"].append(t3 - t2)
    out = {"engine": "torchvision " + torchvision.__version__, "model": a.model, "image": [int(h), int(w)],
           "detections": n, "runs": a.runs, "threads": torch.get_num_threads()}
    for k, v in times.items():
        out[k] = {"median_s": round(statistics.median(v), 4), "min_s": round(min(v), 4), "max_s": round(max(v), 4)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
