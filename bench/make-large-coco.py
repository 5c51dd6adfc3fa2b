#!/usr/bin/env python3
"""Writes a COCO instances file the size of train2017 (118,287 images, 860,001 annotations, ~1% crowd RLE) for the
COCO loading benchmark. Deterministic (seeded); numbers are written with 2 decimals like the real file.

usage: /usr/bin/python3 bench/make-large-coco.py [OUT.json] [--images N] [--annotations M]
"""
import argparse
import json
import math
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?", default="bench/out/large-coco.json")
    ap.add_argument("--images", type=int, default=118287)
    ap.add_argument("--annotations", type=int, default=860001)
    ap.add_argument("--seed", type=int, default=2017)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    cats = [{"supercategory": "thing", "id": i, "name": "class%d" % i} for i in range(1, 91) if i % 12 != 0]
    cat_ids = [c["id"] for c in cats]
    images = []
    for i in range(a.images):
        w, h = rnd.choice([(640, 480), (640, 427), (480, 640), (500, 375), (640, 426)])
        images.append({"license": 1 + i % 8, "file_name": "%012d.jpg" % (i + 1), "coco_url": "",
                       "height": h, "width": w, "date_captured": "2013-11-14 16:28:13", "id": i + 1})
    anns = []
    for k in range(a.annotations):
        im = images[rnd.randrange(a.images)]
        w, h = im["width"], im["height"]
        bw, bh = rnd.uniform(5, w / 2), rnd.uniform(5, h / 2)
        x0, y0 = rnd.uniform(0, w - bw), rnd.uniform(0, h - bh)
        crowd = rnd.random() < 0.01
        if crowd:
            # uncompressed RLE of the box, column-major, as COCO stores crowd regions
            counts, pos = [], 0
            for x in range(int(x0), int(x0 + bw)):
                start = x * h + int(y0)
                counts.append(start - pos)
                counts.append(int(bh))
                pos = start + int(bh)
            counts.append(w * h - pos)
            seg = {"counts": counts, "size": [h, w]}
        else:
            seg = []
            for _ in range(1 if rnd.random() < 0.9 else 2):
                n = rnd.randint(6, 40)
                cx, cy = x0 + bw / 2, y0 + bh / 2
                poly = []
                for j in range(n):
                    t = 2 * math.pi * j / n
                    r = rnd.uniform(0.6, 1.0)
                    poly.append(round(cx + r * bw / 2 * math.cos(t), 2))
                    poly.append(round(cy + r * bh / 2 * math.sin(t), 2))
                seg.append(poly)
        anns.append({"segmentation": seg, "area": round(bw * bh * 0.7, 5), "iscrowd": 1 if crowd else 0,
                     "image_id": im["id"], "bbox": [round(x0, 2), round(y0, 2), round(bw, 2), round(bh, 2)],
                     "category_id": rnd.choice(cat_ids), "id": 100000 + k})
    doc = {"info": {"description": "synthetic train2017-size file", "year": 2017},
           "licenses": [{"url": "", "id": i, "name": "license %d" % i} for i in range(1, 9)],
           "images": images, "annotations": anns, "categories": cats}
    with open(a.out, "w") as f:
        json.dump(doc, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
