"""Writes small random COCO evaluation cases with pycocotools' own stats, for CocoEvaluatorRandomCasesTest.

Each case folder holds gt.json, dt.json and expected.json ({"bbox": stats, "segm": stats, "keypoints": stats} from
pycocotools' COCO.loadRes + COCOeval, default params). The cases exercise what the shared fixtures may not: score ties
(scores rounded to 1 or 2 decimals), crowd regions as uncompressed RLE, annotation id 0, an 'area' that is not the
mask area, more than 100 detections per image, wrong categories, keypoints with v = 0, 1, 2 and keypoint-less
ground truth. Needs a Python with pycocotools and numpy (pycocotools is not a project dependency; on the dev machine a
scratch venv works: python3 -m venv V && V/bin/pip install --no-index --find-links /opt/pypi/files pycocotools).
Usage: V/bin/python bench/make-eval-random-cases.py FIRST_SEED LAST_SEED OUT_DIR
"""
import contextlib
import importlib.metadata
import io
import json
import os
import random
import sys

import numpy as np
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval


def r2(v):
    return round(v, 2)


def polygon_mask(poly, h, w):
    return mask_utils.merge(mask_utils.frPyObjects([poly], h, w))


def uncompressed(rle):
    """Column-major run lengths starting with zeros (COCO's uncompressed RLE) of a pycocotools mask."""
    flat = mask_utils.decode(rle).flatten(order="F")
    counts, cur, run = [], 0, 0
    for px in flat:
        if px != cur:
            counts.append(run)
            run, cur = 0, px
        run += 1
    counts.append(run)
    return counts


def make_case(seed, out):
    rnd = random.Random(seed)
    w_img, h_img = rnd.choice([(64, 48), (120, 90), (200, 150)])
    cats = [{"id": c, "name": f"c{c}", "keypoints": [f"k{i}" for i in range(17)], "skeleton": []}
            for c in sorted(rnd.sample([1, 2, 3, 5, 8], rnd.randint(1, 3)))]
    images, anns, dets = [], [], []
    ann_id = rnd.choice([0, 1, 100])
    for i in range(rnd.randint(1, 6)):
        img_id = rnd.choice([7, 3, 42, 1000]) * 10 + i
        images.append({"id": img_id, "file_name": f"{img_id}.jpg", "width": w_img, "height": h_img})
        objs = []
        for _ in range(rnd.randint(0, 8)):
            w = r2(rnd.uniform(2, w_img / 2))
            h = r2(rnd.uniform(2, h_img / 2))
            x = r2(rnd.uniform(0, w_img - w))
            y = r2(rnd.uniform(0, h_img - h))
            crowd = 1 if rnd.random() < 0.15 else 0
            kps, labelled = [], 0
            for _k in range(17):
                v = rnd.choice([0, 1, 2]) if rnd.random() < 0.8 else 0
                kps += [r2(rnd.uniform(x, x + w)), r2(rnd.uniform(y, y + h)), v] if v else [0, 0, 0]
                labelled += v > 0
            poly = [x, y, x + w, r2(y + rnd.uniform(0, h / 3)), r2(x + w * rnd.uniform(0.5, 1)), y + h,
                    r2(x + rnd.uniform(0, w / 3)), r2(y + h * rnd.uniform(0.6, 1))]
            m = polygon_mask(poly, h_img, w_img)
            seg = {"counts": uncompressed(m), "size": [h_img, w_img]} if crowd else [poly]
            area = float(mask_utils.area(m)) if rnd.random() < 0.8 else r2(w * h)
            ann = {"id": ann_id, "image_id": img_id, "category_id": rnd.choice(cats)["id"], "bbox": [x, y, w, h],
                   "area": area, "iscrowd": crowd, "segmentation": seg, "keypoints": kps,
                   "num_keypoints": int(labelled)}
            ann_id += 1
            anns.append(ann)
            objs.append(ann)
        for _ in range(rnd.choice([0, 3, 10, 30, 110])):
            if objs and rnd.random() < 0.7:
                o = rnd.choice(objs)
                x, y, w, h = o["bbox"]
                j = rnd.uniform(0, 0.3)
                x += rnd.uniform(-j, j) * w
                y += rnd.uniform(-j, j) * h
                w *= rnd.uniform(1 - j, 1 + j)
                h *= rnd.uniform(1 - j, 1 + j)
                cat = o["category_id"] if rnd.random() < 0.9 else rnd.choice(cats)["id"]
                kps = []
                for k in range(17):
                    seen = o["keypoints"][3 * k + 2] > 0
                    kps += [r2(o["keypoints"][3 * k] + rnd.gauss(0, 2) if seen else rnd.uniform(0, w_img)),
                            r2(o["keypoints"][3 * k + 1] + rnd.gauss(0, 2) if seen else rnd.uniform(0, h_img)), 1]
            else:
                w = rnd.uniform(2, w_img / 2)
                h = rnd.uniform(2, h_img / 2)
                x = rnd.uniform(0, w_img - w)
                y = rnd.uniform(0, h_img - h)
                cat = rnd.choice(cats)["id"]
                kps = []
                for _k in range(17):
                    kps += [r2(rnd.uniform(0, w_img)), r2(rnd.uniform(0, h_img)), 1]
            x, y = r2(max(0, x)), r2(max(0, y))
            w, h = r2(min(w, w_img - x)), r2(min(h, h_img - y))
            poly = [x, y, x + w, y, r2(x + w * rnd.uniform(0.7, 1)), y + h, x, y + h]
            rle = polygon_mask(poly, h_img, w_img)
            rle["counts"] = rle["counts"].decode()
            dets.append({"image_id": img_id, "category_id": cat, "bbox": [x, y, w, h],
                         "score": round(rnd.random(), rnd.choice([1, 2, 6])), "segmentation": rle,
                         "keypoints": kps})
    if not dets:  # loadRes needs at least one result
        rle = polygon_mask([1, 1, 6, 1, 6, 6, 1, 6], h_img, w_img)
        rle["counts"] = rle["counts"].decode()
        dets.append({"image_id": images[0]["id"], "category_id": cats[0]["id"], "bbox": [1, 1, 5, 5],
                     "score": 0.5, "segmentation": rle, "keypoints": [1, 1, 1] * 17})
    folder = os.path.join(out, f"case{seed:03d}")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "gt.json"), "w") as f:
        json.dump({"images": images, "annotations": anns, "categories": cats}, f, separators=(",", ":"))
    with open(os.path.join(folder, "dt.json"), "w") as f:
        json.dump(dets, f, separators=(",", ":"))
    expected = {}
    for iou_type in ["bbox", "segm", "keypoints"]:
        with contextlib.redirect_stdout(io.StringIO()):
            gt = COCO(os.path.join(folder, "gt.json"))
            dt = gt.loadRes(os.path.join(folder, "dt.json"))
            e = COCOeval(gt, dt, iou_type)
            e.evaluate()
            e.accumulate()
            e.summarize()
        expected[iou_type] = [float(s) for s in e.stats]
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump({"pycocotools": importlib.metadata.version("pycocotools"), "numpy": np.__version__,
                   "seed": seed, "stats": expected}, f, indent=1)


if __name__ == "__main__":
    first, last, out_dir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    for s in range(first, last + 1):
        make_case(s, out_dir)
