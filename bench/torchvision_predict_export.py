#!/usr/bin/env python3
"""Runs a model exported by `masklab export` in torchvision, as a user would: reads M.pth with
torch.load(weights_only=True), builds maskrcnn_resnet50_fpn / keypointrcnn_resnet50_fpn(weights=None,
weights_backbone=None, num_classes=N, **torchvision_kwargs) from M.json (pretrained=False, pretrained_backbone=False
on a torchvision without the weights API), loads the state dict with strict=True and predicts on the images.

usage: torchvision_predict_export.py --pth M.pth [--json M.json] --out RESULTS.json [--score-threshold T]
                                     [--threads N] IMAGE...
Writes a COCO-results-like JSON list, one entry per detection: file_name, label, category_id (category_ids[label]),
box (x1, y1, x2, y2 as torchvision's float32 values), bbox (x, y, w, h), score, segmentation (Mask R-CNN:
{"size": [h, w], "counts": [...]}, the uncompressed column-major RLE of mask > 0.5, as pycocotools orders it;
near_threshold: the row-major indices of the pixels whose probability is within --near of 0.5),
keypoints (x, y, v triples) and keypoint_scores (Keypoint R-CNN). Prints the torch / torchvision versions to stderr.
A failure (file missing, state dict not fitting with strict=True) exits 1 with one line.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torchvision
from PIL import Image
from torchvision.models.detection import keypointrcnn_resnet50_fpn, maskrcnn_resnet50_fpn


def build(arch, num_classes, kwargs):
    fn = {"maskrcnn_resnet50_fpn": maskrcnn_resnet50_fpn, "keypointrcnn_resnet50_fpn": keypointrcnn_resnet50_fpn}[arch]
    try:
        return fn(weights=None, weights_backbone=None, num_classes=num_classes, **kwargs)
    except TypeError as e:  # torchvision before the weights API (< 0.13)
        if "weights" not in str(e):
            raise
        return fn(pretrained=False, pretrained_backbone=False, num_classes=num_classes, **kwargs)


def rle_counts(mask):
    """Uncompressed RLE of a (H, W) bool mask in column-major order, starting with a run of zeros."""
    flat = np.asarray(mask, dtype=bool).T.reshape(-1)
    if flat.size == 0:
        return []
    change = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    edges = np.concatenate([[0], change, [flat.size]])
    counts = np.diff(edges).tolist()
    return ([0] + counts) if flat[0] else counts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pth", required=True)
    ap.add_argument("--json")
    ap.add_argument("--out", required=True)
    ap.add_argument("--score-threshold", type=float)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--near", type=float, default=5e-4,
                    help="mask pixels with |probability - 0.5| <= this are listed in near_threshold (default 5e-4)")
    ap.add_argument("images", nargs="+")
    a = ap.parse_args()
    manifest_path = a.json or os.path.splitext(a.pth)[0] + ".json"
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}", file=sys.stderr)
    if a.threads:
        torch.set_num_threads(a.threads)
    with open(manifest_path) as f:
        manifest = json.load(f)
    state = torch.load(a.pth, map_location="cpu", weights_only=True)
    model = build(manifest["arch"], manifest["num_classes"], manifest.get("torchvision_kwargs", {}))
    model.load_state_dict(state, strict=True)
    if a.score_threshold is not None:
        model.roi_heads.score_thresh = a.score_threshold
    model.eval()
    ids = manifest["category_ids"]
    results = []
    with torch.inference_mode():
        for path in a.images:
            img = torchvision.transforms.functional.to_tensor(Image.open(path).convert("RGB"))
            out = model([img])[0]
            boxes = out["boxes"].tolist()
            for i, (label, score) in enumerate(zip(out["labels"].tolist(), out["scores"].tolist())):
                x1, y1, x2, y2 = boxes[i]
                r = {"file_name": os.path.basename(path), "label": label, "category_id": ids[label],
                     "box": boxes[i], "bbox": [x1, y1, x2 - x1, y2 - y1], "score": score}
                if "masks" in out:
                    p = out["masks"][i, 0]
                    m = p > 0.5
                    r["segmentation"] = {"size": list(m.shape), "counts": rle_counts(m.numpy())}
                    # pixels whose probability is within float noise of the threshold (row-major indices)
                    near = ((p - 0.5).abs() <= a.near).reshape(-1).nonzero().reshape(-1)
                    r["near_threshold"] = near.tolist()
                if "keypoints" in out:
                    r["keypoints"] = out["keypoints"][i].reshape(-1).tolist()
                    r["keypoint_scores"] = out["keypoints_scores"][i].tolist()
                results.append(r)
    with open(a.out, "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    try:
        main()
    except (OSError, RuntimeError, KeyError, ValueError) as e:
        print(f"torchvision_predict_export: {e}", file=sys.stderr)
        sys.exit(1)
