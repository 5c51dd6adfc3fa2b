package dev.masklab.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The two architectures (torchvision's {@code maskrcnn_resnet50_fpn} and {@code keypointrcnn_resnet50_fpn}) and their
 * torchvision 0.14 state_dict layout ({@link #shapes}: every key with its shape, in state_dict order): the one
 * description of each, used to check loaded weights ({@link MaskRcnn#load}), to initialise them
 * ({@code train.ModelInit}), to choose what trains ({@link #isTrainable}) and for the names in
 * {@link MaskRcnnConfig#arch()}.
 */
public enum Architecture {
    MASKRCNN_RESNET50_FPN("maskrcnn_resnet50_fpn"),
    KEYPOINTRCNN_RESNET50_FPN("keypointrcnn_resnet50_fpn");

    private final String cliName;

    Architecture(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public boolean hasMasks() {
        return this == MASKRCNN_RESNET50_FPN;
    }

    public boolean hasKeypoints() {
        return this == KEYPOINTRCNN_RESNET50_FPN;
    }

    public static Architecture parse(String name) {
        for (Architecture a : values()) {
            if (a.cliName.equals(name) || a.name().equalsIgnoreCase(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown architecture '" + name + "' (" + MASKRCNN_RESNET50_FPN.cliName
                + " or " + KEYPOINTRCNN_RESNET50_FPN.cliName + ")");
    }

    /** ResNet-50 blocks per stage and bottleneck widths. */
    static final int[] BLOCKS = {3, 4, 6, 3};

    static final int[] WIDTHS = {64, 128, 256, 512};

    /** Every state_dict key with its shape for {@code numClasses} (with background) and {@code numKeypoints}. */
    public Map<String, long[]> shapes(int numClasses, int numKeypoints) {
        Map<String, long[]> s = new LinkedHashMap<>();
        String b = "backbone.body.";
        s.put(b + "conv1.weight", new long[] {64, 3, 7, 7});
        bn(s, b + "bn1.", 64);
        int in = 64;
        for (int l = 0; l < 4; l++) {
            int w = WIDTHS[l];
            for (int k = 0; k < BLOCKS[l]; k++) {
                String p = b + "layer" + (l + 1) + "." + k + ".";
                s.put(p + "conv1.weight", new long[] {w, in, 1, 1});
                bn(s, p + "bn1.", w);
                s.put(p + "conv2.weight", new long[] {w, w, 3, 3});
                bn(s, p + "bn2.", w);
                s.put(p + "conv3.weight", new long[] {4L * w, w, 1, 1});
                bn(s, p + "bn3.", 4 * w);
                if (k == 0) {
                    s.put(p + "downsample.0.weight", new long[] {4L * w, in, 1, 1});
                    bn(s, p + "downsample.1.", 4 * w);
                }
                in = 4 * w;
            }
        }
        for (int i = 0; i < 4; i++) {
            s.put("backbone.fpn.inner_blocks." + i + ".0.weight", new long[] {256, 256L << i, 1, 1});
            s.put("backbone.fpn.inner_blocks." + i + ".0.bias", new long[] {256});
        }
        for (int i = 0; i < 4; i++) {
            s.put("backbone.fpn.layer_blocks." + i + ".0.weight", new long[] {256, 256, 3, 3});
            s.put("backbone.fpn.layer_blocks." + i + ".0.bias", new long[] {256});
        }
        s.put("rpn.head.conv.0.0.weight", new long[] {256, 256, 3, 3});
        s.put("rpn.head.conv.0.0.bias", new long[] {256});
        s.put("rpn.head.cls_logits.weight", new long[] {3, 256, 1, 1});
        s.put("rpn.head.cls_logits.bias", new long[] {3});
        s.put("rpn.head.bbox_pred.weight", new long[] {12, 256, 1, 1});
        s.put("rpn.head.bbox_pred.bias", new long[] {12});
        s.put("roi_heads.box_head.fc6.weight", new long[] {1024, 256 * 7 * 7});
        s.put("roi_heads.box_head.fc6.bias", new long[] {1024});
        s.put("roi_heads.box_head.fc7.weight", new long[] {1024, 1024});
        s.put("roi_heads.box_head.fc7.bias", new long[] {1024});
        s.put("roi_heads.box_predictor.cls_score.weight", new long[] {numClasses, 1024});
        s.put("roi_heads.box_predictor.cls_score.bias", new long[] {numClasses});
        s.put("roi_heads.box_predictor.bbox_pred.weight", new long[] {4L * numClasses, 1024});
        s.put("roi_heads.box_predictor.bbox_pred.bias", new long[] {4L * numClasses});
        if (hasMasks()) {
            for (int i = 0; i < 4; i++) {
                s.put("roi_heads.mask_head." + i + ".0.weight", new long[] {256, 256, 3, 3});
                s.put("roi_heads.mask_head." + i + ".0.bias", new long[] {256});
            }
            s.put("roi_heads.mask_predictor.conv5_mask.weight", new long[] {256, 256, 2, 2});
            s.put("roi_heads.mask_predictor.conv5_mask.bias", new long[] {256});
            s.put("roi_heads.mask_predictor.mask_fcn_logits.weight", new long[] {numClasses, 256, 1, 1});
            s.put("roi_heads.mask_predictor.mask_fcn_logits.bias", new long[] {numClasses});
        }
        if (hasKeypoints()) {
            for (int i = 0; i < 8; i++) {
                s.put("roi_heads.keypoint_head." + 2 * i + ".weight", new long[] {512, i == 0 ? 256 : 512, 3, 3});
                s.put("roi_heads.keypoint_head." + 2 * i + ".bias", new long[] {512});
            }
            s.put("roi_heads.keypoint_predictor.kps_score_lowres.weight", new long[] {512, numKeypoints, 4, 4});
            s.put("roi_heads.keypoint_predictor.kps_score_lowres.bias", new long[] {numKeypoints});
        }
        return s;
    }

    private static void bn(Map<String, long[]> s, String p, int c) {
        s.put(p + "weight", new long[] {c});
        s.put(p + "bias", new long[] {c});
        s.put(p + "running_mean", new long[] {c});
        s.put(p + "running_var", new long[] {c});
    }

    /** Whether a key is one of the class- or keypoint-count dependent predictor tensors. */
    public static boolean isPredictorKey(String key) {
        return key.startsWith("roi_heads.box_predictor.")
                || key.startsWith("roi_heads.mask_predictor.mask_fcn_logits.")
                || key.startsWith("roi_heads.keypoint_predictor.");
    }

    /** Whether a key is a frozen batch-norm buffer (never trained, as torchvision's FrozenBatchNorm2d). */
    public static boolean isFrozenNorm(String key) {
        return key.startsWith("backbone.body.") && (key.contains(".bn") || key.contains("downsample.1."));
    }

    /**
     * Whether a parameter is trained with {@code trainableLayers} backbone stages (torchvision's
     * {@code _resnet_fpn_extractor}: the last {@code n} of layer4, layer3, layer2, layer1, conv1); everything
     * outside the ResNet body is always trained, frozen batch norms never. With {@code trainBatchNorm} (batch
     * statistics, training from scratch) the batch norms' weight and bias of the trained stages are trained too (as
     * torchvision's {@code BatchNorm2d}), their running statistics never (the forward pass updates them).
     */
    public static boolean isTrainable(String key, int trainableLayers, boolean trainBatchNorm) {
        if (!key.startsWith("backbone.body.")) {
            return true;
        }
        if (isFrozenNorm(key) && !(trainBatchNorm && (key.endsWith(".weight") || key.endsWith(".bias")))) {
            return false;
        }
        String[] order = {"layer4", "layer3", "layer2", "layer1", "conv1"};
        String rest = key.substring("backbone.body.".length());
        if (rest.startsWith("bn1.")) { // the stem's batch norm: torchvision adds "bn1" when all 5 stages train
            return trainableLayers >= 5;
        }
        for (int i = 0; i < trainableLayers && i < order.length; i++) {
            if (rest.startsWith(order[i] + ".")) {
                return true;
            }
        }
        return false;
    }
}
