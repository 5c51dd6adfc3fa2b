#!/usr/bin/python3
"""torchvision's training throughput in the engine's small CPU configuration, for docs/benchmarks.md.

Same network and settings as `masklab train --config small --trainable-layers 5 --min-size 240 --batch 2` on the
synthetic set (bench/train-synthetic.sh): R50-FPN with FrozenBatchNorm2d, every stage trained, RPN 600 / 300
proposals in training, 128 RoIs per image, SGD momentum 0.9, weight decay 1e-4, gradient clipping at 10. Images are
read with PIL, polygons rasterised with PIL (crowd regions skipped), horizontal flip off. Prints images/s over the
timed iterations after warm-up, with torch's thread count and the BLAS library torch loaded (run it through
bench/train-throughput.sh, which requires OpenBLAS).

usage: /usr/bin/python3 bench/torchvision_train_throughput.py TRAIN.json maskrcnn|keypointrcnn [WARMUP] [ITERATIONS]
"""
import json, os, sys, time
import torch, torchvision
from PIL import Image, ImageDraw
from torchvision.models import resnet50
from torchvision.models.detection import MaskRCNN, KeypointRCNN
from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
from torchvision.ops.misc import FrozenBatchNorm2d

import torch_blas  # bench/torch_blas.py: which BLAS library torch loaded


def samples(path, kind):
    d = json.load(open(path))
    root = os.path.dirname(path)  # file_name is relative to the JSON (images/...)
    cats = sorted(c["id"] for c in d["categories"] if kind == "maskrcnn" or c.get("keypoints"))
    label = {c: i + 1 for i, c in enumerate(cats)}
    by_image = {}
    for a in d["annotations"]:
        if a.get("iscrowd", 0) or a["category_id"] not in label:
            continue
        by_image.setdefault(a["image_id"], []).append(a)
    for im in d["images"]:
        anns = by_image.get(im["id"], [])
        if kind == "keypointrcnn":
            anns = [a for a in anns if sum(1 for v in a["keypoints"][2::3] if v > 0) >= 10]
        anns = [a for a in anns if a["bbox"][2] > 1 and a["bbox"][3] > 1]
        if not anns:
            continue
        img = Image.open(os.path.join(root, im["file_name"])).convert("RGB")
        t = {"boxes": torch.tensor([[a["bbox"][0], a["bbox"][1], a["bbox"][0] + a["bbox"][2],
                                     a["bbox"][1] + a["bbox"][3]] for a in anns], dtype=torch.float32),
             "labels": torch.tensor([label[a["category_id"]] for a in anns], dtype=torch.int64)}
        if kind == "maskrcnn":
            masks = []
            for a in anns:
                m = Image.new("L", (im["width"], im["height"]), 0)
                for poly in a["segmentation"]:
                    ImageDraw.Draw(m).polygon(list(zip(poly[0::2], poly[1::2])), fill=1)
                masks.append(torch.from_numpy(__import__("numpy").array(m, dtype="uint8")))
            t["masks"] = torch.stack(masks)
        else:
            t["keypoints"] = torch.tensor([a["keypoints"] for a in anns], dtype=torch.float32).view(len(anns), -1, 3)
        yield torchvision.transforms.functional.to_tensor(img), t


def main():
    path, kind = sys.argv[1], sys.argv[2]
    warmup = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    iterations = int(sys.argv[4]) if len(sys.argv) > 4 else 15
    torch.set_num_threads(max(1, os.cpu_count() or 1))  # as the engine (Debian's torch starts with one)
    torch.manual_seed(0)
    backbone = _resnet_fpn_extractor(resnet50(weights=None, norm_layer=FrozenBatchNorm2d), 5)
    common = dict(min_size=240, max_size=533, rpn_pre_nms_top_n_train=600, rpn_post_nms_top_n_train=300,
                  box_batch_size_per_image=128)
    model = (MaskRCNN(backbone, num_classes=7, **common) if kind == "maskrcnn"
             else KeypointRCNN(backbone, num_classes=2, num_keypoints=17, **common))
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.SGD(params, lr=0.002, momentum=0.9, weight_decay=1e-4)
    data = samples(path, kind)
    t0 = None
    for it in range(warmup + iterations):
        if it == warmup:
            t0 = time.perf_counter()
        batch = [next(data), next(data)]
        losses = model([b[0] for b in batch], [b[1] for b in batch])
        loss = sum(losses.values())
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 10.0)
        opt.step()
    dt = time.perf_counter() - t0
    print(f"torchvision {torchvision.__version__} (torch {torch.__version__}, {torch.get_num_threads()} threads) "
          f"{kind} small config, batch 2: {2 * iterations / dt:.3f} images/s ({dt / iterations:.2f} s/iteration, "
          f"{iterations} timed after {warmup}), BLAS {' '.join(torch_blas.describe()['blas']) or 'none loaded'}")


if __name__ == "__main__":
    main()
