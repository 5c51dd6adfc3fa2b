#!/usr/bin/python3
"""How far torchvision's own detections move when only the floating-point evaluation order changes.

For a parity reference folder (written by ../shared/tools/torchvision_reference.py, current key spelling), rebuilds
the same model, loads its model.pth and predicts the reference image again with torchvision in several numerically
equivalent ways: as written (oneDNN convolutions, all cores), one thread, oneDNN off (im2col + BLAS convolutions),
and (FLOAT64=1) float64, and, for references with losses (--train), the training losses
again (LOSSES_ONLY=1: only these). Prints, for each, the box coordinate differences (px) to the reference's detections (each matched to the
nearest detection of its label). This is the floating-point noise floor any independent float32 implementation competes with.

usage: /usr/bin/python3 bench/torchvision_self_consistency.py REF_DIR [REF_DIR...]
"""
import json, os, sys
import numpy as np
import torch, torchvision
from PIL import Image

SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared")
sys.path.insert(0, os.path.join(SHARED, "tools"))
from torchvision_reference import build  # noqa: E402


def detections(model, image, dtype):
    m = model.to(dtype)
    with torch.no_grad():
        out = m([image.to(dtype)])[0]
    return out["boxes"].double().numpy(), out["labels"].numpy(), out["scores"].double().numpy()


def main():
    for ref in sys.argv[1:]:
        man = json.load(open(os.path.join(ref, "manifest.json")))
        if man.get("legacy"):
            print(f"{ref}: legacy reference skipped (key spelling)")
            continue
        npz = np.load(os.path.join(ref, "tensors.npz"))
        rb, rl = npz["detections.boxes"].astype(np.float64), npz["detections.labels"]
        pil = Image.open(os.path.join(SHARED, "data", "coco-person-kp", man["image"])).convert("RGB")
        image = torchvision.transforms.functional.to_tensor(pil)
        model = build(man["model"], man["seed"], image, False)
        rng = torch.get_rng_state()  # as the reference tool's at its training forward (eval forwards draw nothing)
        model.load_state_dict(torch.load(os.path.join(ref, "model.pth")))
        model.eval()
        threads = max(1, os.cpu_count() or 1)
        modes = [("as written (oneDNN, %d threads)" % threads, threads, True, torch.float32),
                 ("one thread", 1, True, torch.float32),
                 ("oneDNN off (im2col + BLAS)", threads, False, torch.float32)]
        if os.environ.get("FLOAT64"):  # slow with Debian's generic BLAS
            modes.append(("float64", threads, True, torch.float64))
        print(f"{ref} ({man['model']}, seed {man['seed']}, {man['image']}): {len(rb)} reference detections")
        for name, t, mkldnn, dtype in modes:
            torch.set_num_threads(t)
            torch.backends.mkldnn.enabled = mkldnn
            if os.environ.get("LOSSES_ONLY"):
                b, l = rb, rl
            else:
                b, l, s = detections(model, image, dtype)
            # each reference detection matched to the nearest unused detection of its label (order may differ
            # between nearly tied scores)
            used = np.zeros(len(b), bool)
            d = np.full(len(rb), np.inf)
            for i in range(len(rb)):
                cand = np.where((l == rl[i]) & ~used)[0]
                if len(cand):
                    dist = np.abs(b[cand] - rb[i]).max(axis=1)
                    j = cand[dist.argmin()]
                    used[j], d[i] = True, dist.min()
            if not os.environ.get("LOSSES_ONLY"):
                print(f"  {name:34s} {len(b):4d} dets, box diff to the reference: max {d.max():.2e} px,"
                      f" median {np.median(d):.2e}, > 1e-3 px: {int((d > 1e-3).sum())} of {len(rb)}")
            if man.get("losses") and dtype == torch.float32:
                torch.set_rng_state(rng)
                model.train()
                model.zero_grad()
                loss = model([image], [target(man)])
                sum(loss.values()).backward()
                model.eval()
                rel = {k: abs(float(v) - man["losses"][k]) / abs(man["losses"][k]) for k, v in loss.items()}
                params = dict(model.named_parameters())
                for key in [k for k in npz.files if k.startswith("grad.")]:
                    g, r = params[key[5:]].grad.double().numpy(), npz[key].astype(np.float64)
                    rel["grad " + key[5:]] = float(np.linalg.norm(g - r) / np.linalg.norm(r))
                print(f"  {name:34s} losses, relative difference to the reference: "
                      + ", ".join(f"{k} {v:.1e}" for k, v in rel.items()))
        torch.backends.mkldnn.enabled = True
        torch.set_num_threads(max(1, os.cpu_count() or 1))


def target(man):
    """The reference's training target: the image's non-crowd annotations in coco-person-kp/test_coco.json."""
    from pycocotools_free import polygons_to_mask
    gt = json.load(open(os.path.join(SHARED, "data", "coco-person-kp", "test_coco.json")))
    img = next(i for i in gt["images"] if os.path.basename(i["file_name"]) == man["image"])
    anns = [x for x in gt["annotations"] if x["image_id"] == img["id"] and not x.get("iscrowd", 0)]
    t = {"boxes": torch.tensor([[x["bbox"][0], x["bbox"][1], x["bbox"][0] + x["bbox"][2], x["bbox"][1] + x["bbox"][3]]
                                for x in anns], dtype=torch.float32),
         "labels": torch.tensor([x["category_id"] if man["model"] == "maskrcnn" else 1 for x in anns])}
    if man["model"] == "maskrcnn":
        t["masks"] = torch.stack([polygons_to_mask(x["segmentation"], img["height"], img["width"]) for x in anns])
    else:
        t["keypoints"] = torch.tensor([x["keypoints"] for x in anns], dtype=torch.float32).view(len(anns), 17, 3)
    return t


if __name__ == "__main__":
    main()
