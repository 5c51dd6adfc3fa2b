"""Times pycocotools' COCOeval on a ground truth + results file and prints its stats as JSON (one line per iou type).

Reference for bench/eval-benchmark.sh: pycocotools is not a project dependency. It runs where a Python has
pycocotools (e.g. a venv made with `pip install --no-index --find-links /opt/pypi/files pycocotools` where that local
wheel folder exists). Usage: python pycocotools_eval.py GT.json RESULTS.json bbox [segm keypoints ...]
"""
import contextlib
import io
import json
import sys
import time

from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval


def main():
    gt_file, dt_file, types = sys.argv[1], sys.argv[2], sys.argv[3:]
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(gt_file)
    t_gt = time.perf_counter() - t0
    for iou_type in types:
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            dt = gt.loadRes(dt_file)
        t_dt = time.perf_counter() - t0
        e = COCOeval(gt, dt, iou_type)
        if iou_type == "keypoints":
            # like masklab: only categories that define keypoints (pycocotools fails on the others)
            e.params.catIds = sorted(c["id"] for c in gt.dataset["categories"] if c.get("keypoints"))
        quiet = io.StringIO()
        with contextlib.redirect_stdout(quiet):
            t0 = time.perf_counter()
            e.evaluate()
            t_ev = time.perf_counter() - t0
            t0 = time.perf_counter()
            e.accumulate()
            t_acc = time.perf_counter() - t0
            e.summarize()
        print(json.dumps({"iouType": iou_type, "stats": [float(s) for s in e.stats],
                          "seconds": {"readGt": round(t_gt, 2), "loadRes": round(t_dt, 2),
                                      "evaluate": round(t_ev, 2), "accumulate": round(t_acc, 2)}}))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
