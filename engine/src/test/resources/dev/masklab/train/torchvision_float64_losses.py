"""torchvision's training losses and gradients for a parity reference, computed in float64.

Input (JSON on stdin): ref (reference folder), size (training shorter side), shared (the shared folder, for
the COCO keypoints and the reference script's legacy key spelling), threads, out (npz written with the
gradients, float32). Output (JSON on stdout): the float64 losses. The model is the reference's (its model.pth,
FrozenBatchNorm2d eps 0 for --legacy references), sampling exhaustive as in the reference script.
"""
import json, os, sys
import numpy as np
import torch
from torchvision.models import resnet50
from torchvision.models.detection import KeypointRCNN, MaskRCNN
from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
from torchvision.ops.misc import FrozenBatchNorm2d

inp = json.loads(sys.stdin.read())
ref = inp["ref"]
torch.set_num_threads(inp["threads"])
man = json.load(open(os.path.join(ref, "manifest.json")))
npz = np.load(os.path.join(ref, "tensors.npz"))
state = torch.load(os.path.join(ref, "model.pth"))
maskrcnn = man["model"] == "maskrcnn"
backbone = _resnet_fpn_extractor(resnet50(weights=None, norm_layer=FrozenBatchNorm2d), 3)
common = dict(box_score_thresh=0.0, rpn_batch_size_per_image=10 ** 7, box_batch_size_per_image=10 ** 7,
              min_size=inp["size"], max_size=1333)
cls_key = "roi_heads.box_predictor.cls_score.weight"
if maskrcnn:
    model = MaskRCNN(backbone, num_classes=state[cls_key].shape[0], **common)
else:
    k = state["roi_heads.keypoint_predictor.kps_score_lowres.bias"].shape[0]
    model = KeypointRCNN(backbone, num_classes=state[cls_key].shape[0], num_keypoints=k, **common)
if man.get("legacy"):
    sys.path.insert(0, os.path.join(inp["shared"], "tools"))
    from torchvision_reference import legacy_key
    state = {k: state[legacy_key(k)] for k in model.state_dict()}
    for mod in model.modules():
        if isinstance(mod, FrozenBatchNorm2d):
            mod.eps = 0.0
model.load_state_dict(state)
model = model.double().train()
target = {"boxes": torch.from_numpy(npz["target.boxes"]).double(),
          "labels": torch.from_numpy(npz["target.labels"]).long()}
if maskrcnn:
    target["masks"] = torch.from_numpy(npz["target.masks"] > 0.5).to(torch.uint8)
else:
    gt = json.load(open(os.path.join(inp["shared"], "data", "coco-person-kp", "test_coco.json")))
    img = next(i for i in gt["images"] if os.path.basename(i["file_name"]) == man["image"])
    anns = [a for a in gt["annotations"] if a["image_id"] == img["id"] and not a.get("iscrowd", 0)]
    # torchvision requires float32 keypoint targets
    target["keypoints"] = torch.tensor([a["keypoints"] for a in anns], dtype=torch.float32).view(len(anns), -1, 3)
losses = model([torch.from_numpy(npz["image"]).double()], [target])
sum(losses.values()).backward()
params = dict(model.named_parameters())
grads = {}
for name in inp["grads"]:
    key = name if name in params else name.replace(".0.0.", ".")
    grads["grad." + name] = params[key].grad.float().numpy()
np.savez(inp["out"], **grads)
sys.stdout.write(json.dumps({k: float(v) for k, v in losses.items()}))
