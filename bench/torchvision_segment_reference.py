#!/usr/bin/env python3
"""Expected `masklab segment` outputs (box prompts) computed with torchvision's own modules, for the parity test
SegmentParityTest.

Needs Debian's python3-torchvision (torch 1.13, torchvision 0.14). The model is built exactly as
../shared/tools/torchvision_reference.py builds it (seeded, well-scaled weights; FrozenBatchNorm2d; --legacy: eps 0
and the legacy key spelling of torchvision's original COCO checkpoints) and saved as model.pth. Each prompt box is
treated as a detection of its class, as the issue defines it:

  transform -> backbone -> the box (x, y, x+w, y+h, float32) scaled by transform.resize_boxes -> roi_heads.box_roi_pool
  -> box_head -> box_predictor -> softmax: class = the given one, else the best non-background class; score = its
  probability (no box regression) -> maskrcnn_inference (mask_roi_pool, mask_head, mask_predictor) and/or
  keypointrcnn_inference (keypoint_roi_pool, keypoint_head, keypoint_predictor) on the box -> transform.postprocess
  (box scaled back, mask pasted, keypoints scaled back).

Prompts: the image's ground-truth boxes without a category, one of them again with a given category, and boxes that
contain no object (background corners, a thin strip along the border, a tiny box).

usage: torchvision_segment_reference.py --model maskrcnn|keypointrcnn --image IMG.jpg --coco GT.json
           [--seed S] [--legacy] --out DIR
Writes DIR/model.pth, DIR/gt.json (a one-image COCO dataset), DIR/prompts.json (the CLI's PROMPTS.json),
DIR/expected.json (one entry per prompt: image_id, bbox, category_id, score, keypoints, keypoint_scores, and
class_margin: the softmax gap between the best and second-best non-background classes) and DIR/masks.npz (masks:
(P, H, W) float32 0/1, the pasted mask > 0.5; mask models only) and DIR/segment.json (settings).
"""
import argparse, importlib.util, json, os, sys
import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from collections import OrderedDict
from PIL import Image
from torchvision.models.detection.roi_heads import maskrcnn_inference, keypointrcnn_inference
from torchvision.models.detection.transform import resize_boxes

HERE = os.path.dirname(os.path.abspath(__file__))


def load_reference_tool(shared):
    """../shared/tools/torchvision_reference.py as a module (its build() and legacy_key())."""
    path = os.path.join(shared, "tools", "torchvision_reference.py")
    sys.path.insert(0, os.path.dirname(path))
    spec = importlib.util.spec_from_file_location("torchvision_reference", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def prompts_for(img, anns, category):
    """Ground-truth boxes (no category), the first again with a given category, and boxes with no object."""
    w, h = img["width"], img["height"]
    out = [{"image_id": img["id"], "bbox": [float(v) for v in a["bbox"]]} for a in anns]
    out.append({"image_id": img["id"], "bbox": [float(v) for v in anns[0]["bbox"]], "category_id": category})
    out.append({"image_id": img["id"], "bbox": [0.0, 0.0, 0.12 * w, 0.1 * h]})              # top-left corner
    out.append({"image_id": img["id"], "bbox": [0.8 * w, 0.85 * h, 0.2 * w, 0.15 * h]})     # bottom-right, at the border
    out.append({"image_id": img["id"], "bbox": [0.0, 0.5 * h, float(w), 3.5]})              # thin strip, full width
    out.append({"image_id": img["id"], "bbox": [0.5 * w + 0.25, 0.05 * h, 1.5, 2.0]})       # tiny box
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["maskrcnn", "keypointrcnn"], required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--coco", required=True, help="COCO json holding the image (its boxes become prompts)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--legacy", action="store_true")
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "shared"))
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    ref = load_reference_tool(a.shared)

    pil = Image.open(a.image).convert("RGB")
    image = torchvision.transforms.functional.to_tensor(pil)
    model = ref.build(a.model, a.seed, image, a.legacy)
    state = model.state_dict()
    if a.legacy:
        state = OrderedDict((ref.legacy_key(k), v) for k, v in state.items())
    torch.save(state, os.path.join(a.out, "model.pth"))

    gt = json.load(open(a.coco))
    name = os.path.basename(a.image)
    img = next(i for i in gt["images"] if os.path.basename(i["file_name"]) == name)
    anns = [x for x in gt["annotations"] if x["image_id"] == img["id"] and not x.get("iscrowd", 0)]
    cats = gt["categories"] if a.model == "keypointrcnn" else gt["categories"] + [
        {"id": 18, "name": "dog", "supercategory": "animal"}]
    json.dump({"images": [img], "annotations": anns, "categories": cats},
              open(os.path.join(a.out, "gt.json"), "w"), indent=1)
    # a given category: for the 91-class Mask R-CNN one the box head would not choose on a person (dog, 18)
    prompts = prompts_for(img, anns, 18 if a.model == "maskrcnn" else 1)
    json.dump(prompts, open(os.path.join(a.out, "prompts.json"), "w"), indent=1)

    rh = model.roi_heads
    expected, masks = [], []
    with torch.no_grad():
        images, _ = model.transform([image])
        features = model.backbone(images.tensors)
        orig = [tuple(image.shape[-2:])]
        for p in prompts:
            x, y, w, h = p["bbox"]
            box = torch.tensor([[x, y, x + w, y + h]], dtype=torch.float32)
            box = resize_boxes(box, orig[0], images.image_sizes[0])
            feats = rh.box_head(rh.box_roi_pool(features, [box], images.image_sizes))
            class_logits, _ = rh.box_predictor(feats)
            probs = F.softmax(class_logits, -1)[0]
            fg = probs[1:]
            top2 = torch.topk(fg, 2).values if fg.numel() > 1 else torch.cat([fg, fg.new_zeros(1)])
            label = int(p["category_id"]) if "category_id" in p else int(torch.argmax(fg)) + 1
            labels = torch.tensor([label])
            result = {"boxes": box, "labels": labels, "scores": probs[label:label + 1]}
            if rh.has_mask():
                ml = rh.mask_predictor(rh.mask_head(rh.mask_roi_pool(features, [box], images.image_sizes)))
                result["masks"] = maskrcnn_inference(ml, [labels])[0]
            if rh.has_keypoint():
                kl = rh.keypoint_predictor(rh.keypoint_head(rh.keypoint_roi_pool(features, [box], images.image_sizes)))
                kp, kps = keypointrcnn_inference(kl, [box])
                result["keypoints"] = kp[0]
                result["keypoints_scores"] = kps[0]
            result = model.transform.postprocess([result], images.image_sizes, orig)[0]
            e = {"image_id": p["image_id"], "bbox": p["bbox"], "category_id": label,
                 "score": float(result["scores"][0]), "class_margin": float(top2[0] - top2[1])}
            if "masks" in result:
                m = (result["masks"][0, 0] > 0.5).to(torch.uint8).numpy()
                masks.append(m)
                e["mask_area"] = int(m.sum())
            if "keypoints" in result:
                e["keypoints"] = [float(v) for v in result["keypoints"][0].reshape(-1)]
                e["keypoint_scores"] = [float(v) for v in result["keypoints_scores"][0]]
            expected.append(e)
    json.dump(expected, open(os.path.join(a.out, "expected.json"), "w"), indent=1)
    if masks:
        np.savez_compressed(os.path.join(a.out, "masks.npz"), masks=np.stack(masks).astype(np.float32))
    json.dump({"model": a.model, "seed": a.seed, "image": name, "legacy": a.legacy,
               "frozen_bn_eps": 0.0 if a.legacy else 1e-5, "torch": torch.__version__,
               "torchvision": torchvision.__version__, "prompts": len(prompts)},
              open(os.path.join(a.out, "segment.json"), "w"), indent=1)
    print("wrote", a.out, len(prompts), "prompts; class margins",
          [round(e["class_margin"], 5) for e in expected], "mask areas", [e.get("mask_area") for e in expected])


if __name__ == "__main__":
    main()
