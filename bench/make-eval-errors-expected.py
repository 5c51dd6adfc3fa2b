"""Writes pycocotools' own true/false positives and false negatives (from COCOeval.evalImgs) for EvalErrorsTest.

For every shared fixture (shared/fixtures/coco-eval/*: its iou types) and every random case under
engine/src/test/resources/dev/masklab/eval/pycocotools-cases (bbox, segm, keypoints), at IoU 0.5 and 0.75, the
document `masklab eval --errors` must write: {"iouType", "iouThreshold", "images": [{"image_id", "category_id",
"tp": [[dt_id, gt_id], ...], "fp": [dt_id, ...], "fn": [gt_id, ...]}]}, one entry per evalImgs entry of area 'all'
that is not None, in evalImgs' order (category-major, then image). A detection that is not ignored (dtIgnore) is a tp
when its dtMatches entry is not 0, else an fp; a ground truth that is not ignored (gtIgnore) is an fn when its
gtMatches entry is 0 -- exactly what accumulate() counts. For keypoints only the categories that define keypoints are
evaluated (as masklab; pycocotools fails on the others).
Output: fixtures -> engine/src/test/resources/dev/masklab/eval/pycocotools-errors/FIXTURE.json, random cases ->
errors.json in each case folder; each {"pycocotools": version, "numpy": version, "errors": {type: {"0.5": doc,
"0.75": doc}}}.
Needs a Python with pycocotools (not a project dependency; on the dev machine a scratch venv from the local wheel
folder: python3 -m venv V && V/bin/pip install --no-index --find-links /opt/pypi/files pycocotools).
Usage: V/bin/python bench/make-eval-errors-expected.py [SHARED_DIR (default ../shared)]
"""
import contextlib
import importlib.metadata
import io
import json
import os
import sys

import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RES = os.path.join(ROOT, "engine/src/test/resources/dev/masklab/eval")
THRESHOLDS = [0.5, 0.75]


def errors(gt_file, dt_file, iou_type):
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(gt_file)
        dt = gt.loadRes(dt_file)
        e = COCOeval(gt, dt, iou_type)
        if iou_type == "keypoints":
            e.params.catIds = sorted(c["id"] for c in gt.dataset["categories"] if c.get("keypoints"))
        e.evaluate()
    area_all = e.params.areaRng[e.params.areaRngLbl.index("all")]
    out = {}
    for thr in THRESHOLDS:
        t = int(np.argmin(np.abs(e.params.iouThrs - thr)))
        assert abs(e.params.iouThrs[t] - thr) < 1e-9
        cells = []
        for ev in e.evalImgs:
            if ev is None or list(ev["aRng"]) != list(area_all):
                continue
            dtm, dt_ig, gtm = ev["dtMatches"][t], ev["dtIgnore"][t], ev["gtMatches"][t]
            cells.append({
                "image_id": int(ev["image_id"]), "category_id": int(ev["category_id"]),
                "tp": [[int(d), int(m)] for d, m, ig in zip(ev["dtIds"], dtm, dt_ig) if not ig and m != 0],
                "fp": [int(d) for d, m, ig in zip(ev["dtIds"], dtm, dt_ig) if not ig and m == 0],
                "fn": [int(g) for g, m, ig in zip(ev["gtIds"], gtm, ev["gtIgnore"]) if not ig and m == 0]})
        out[str(thr)] = {"iouType": iou_type, "iouThreshold": thr, "images": cells}
    return out


def write(path, per_type):
    with open(path, "w") as f:
        json.dump({"pycocotools": importlib.metadata.version("pycocotools"), "numpy": np.__version__,
                   "errors": per_type}, f, separators=(",", ":"))


def main():
    shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "../shared")
    fixtures = os.path.join(shared, "fixtures/coco-eval")
    os.makedirs(os.path.join(RES, "pycocotools-errors"), exist_ok=True)
    for name in sorted(os.listdir(fixtures)):
        d = os.path.join(fixtures, name)
        exp = json.load(open(os.path.join(d, "expected.json")))
        gt_file = next(p for p in [os.path.join(d, exp["gt"])] + [os.path.join(shared, "data", s, exp["gt"])
                                                                  for s in ["coco-person-kp", "labelme-voc"]]
                       if os.path.isfile(p))
        per_type = {t: errors(gt_file, os.path.join(d, "detections.json"), t) for t in exp["stats"]}
        write(os.path.join(RES, "pycocotools-errors", name + ".json"), per_type)
    cases = os.path.join(RES, "pycocotools-cases")
    for name in sorted(os.listdir(cases)):
        d = os.path.join(cases, name)
        per_type = {t: errors(os.path.join(d, "gt.json"), os.path.join(d, "dt.json"), t)
                    for t in ["bbox", "segm", "keypoints"]}
        write(os.path.join(d, "errors.json"), per_type)


if __name__ == "__main__":
    main()
