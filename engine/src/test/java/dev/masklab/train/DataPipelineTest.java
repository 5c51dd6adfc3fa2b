package dev.masklab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoReader;
import dev.masklab.model.ops.TorchvisionOracle;
import dev.masklab.testing.SharedData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DataPipelineTest {
    static final Path PERSON = SharedData.path("data/coco-person-kp");

    static CocoTrainingSet personSet(boolean masks, int keypoints, boolean skipEmpty) throws Exception {
        CocoDataset ds = CocoReader.read(PERSON.resolve("test_coco.json"));
        return CocoTrainingSet.of(ds, PERSON, CategoryMap.contiguous(ds.categories()), masks, keypoints, skipEmpty);
    }

    @Test
    void cocoPersonSamplesHaveBoxesMasksAndKeypointsOfTheNonCrowdAnnotations() throws Exception {
        CocoDataset ds = CocoReader.read(PERSON.resolve("test_coco.json"));
        CocoTrainingSet set = CocoTrainingSet.of(ds, PERSON, CategoryMap.contiguous(ds.categories()), true, 17, false);
        assertEquals(4, set.size());
        int total = 0;
        for (int i = 0; i < set.size(); i++) {
            TrainingSample s = set.sample(i);
            List<CocoAnnotation> anns = ds.annotationsOf(s.imageId()).stream()
                    .filter(a -> !a.isCrowd())
                    .toList();
            assertEquals(anns.size(), s.size(), "image " + s.imageId());
            assertEquals(ds.image(s.imageId()).height(), s.height());
            for (int k = 0; k < s.size(); k++) {
                CocoAnnotation a = anns.get(k);
                double[] b = a.bbox();
                assertEquals((float) b[0], s.boxes()[4 * k], 0f);
                assertEquals(Math.min((float) b[1] + (float) b[3], s.height()), s.boxes()[4 * k + 3], 0f);
                long area = 0;
                for (byte v : s.masks()[k]) {
                    area += v;
                }
                assertEquals(ds.annToRle(a).area(), area, "mask of annotation " + a.id());
                assertEquals((float) a.keypoints()[3], s.keypoints()[k * 51 + 3], 0f);
                assertEquals(1, s.labels()[k]);
            }
            total += s.size();
        }
        assertTrue(total > 4);
    }

    @Test
    void flipMirrorsBoxesMasksAndSwapsLeftRightKeypoints() {
        int h = 2;
        int w = 4;
        float[] img = new float[3 * h * w];
        for (int i = 0; i < img.length; i++) {
            img[i] = i;
        }
        byte[] mask = {1, 1, 0, 0, 0, 1, 0, 0};
        float[] kps = new float[17 * 3];
        kps[3 * 1] = 1; // left eye at x 1, visible
        kps[3 * 1 + 1] = 0.5f;
        kps[3 * 1 + 2] = 2;
        kps[3 * 5] = 3; // left shoulder, not visible: zeroed after the flip
        kps[3 * 5 + 2] = 0;
        TrainingSample s = new TrainingSample(
                1, h, w, img, new float[] {0, 0, 1.5f, 2}, new int[] {1}, new byte[][] {mask}, kps, 17);
        TrainingSample f = HorizontalFlip.apply(s, HorizontalFlip.COCO_PERSON_FLIP);
        assertArrayEquals(new float[] {2.5f, 0, 4, 2}, f.boxes(), 0f);
        assertArrayEquals(new byte[] {0, 0, 1, 1, 0, 0, 1, 0}, f.masks()[0]);
        assertEquals(3f, f.image()[0], 0f);
        // left eye (1) became the right eye (2) at x = 4 - 1
        assertEquals(3f, f.keypoints()[3 * 2], 0f);
        assertEquals(2f, f.keypoints()[3 * 2 + 2], 0f);
        assertEquals(0f, f.keypoints()[3 * 1 + 2], 0f);
        assertEquals(0f, f.keypoints()[3 * 6], 0f);
        assertArrayEquals(
                HorizontalFlip.COCO_PERSON_FLIP,
                HorizontalFlip.flipMap(
                        List.of(
                                "nose",
                                "left_eye",
                                "right_eye",
                                "left_ear",
                                "right_ear",
                                "left_shoulder",
                                "right_shoulder",
                                "left_elbow",
                                "right_elbow",
                                "left_wrist",
                                "right_wrist",
                                "left_hip",
                                "right_hip",
                                "left_knee",
                                "right_knee",
                                "left_ankle",
                                "right_ankle"),
                        17));
    }

    @Test
    void resizeMatchesTorchInterpolate() throws Exception {
        assumeTrue(TorchvisionOracle.available(), "/usr/bin/python3 with torch not available");
        int h = 17;
        int w = 23;
        Random r = new Random(1);
        float[] img = new float[3 * h * w];
        int[] mask = new int[h * w];
        byte[] maskBytes = new byte[h * w];
        for (int i = 0; i < img.length; i++) {
            img[i] = r.nextFloat();
        }
        for (int i = 0; i < mask.length; i++) {
            mask[i] = r.nextInt(2);
            maskBytes[i] = (byte) mask[i];
        }
        int[] hw = TargetResize.outputSize(h, w, 40, 60);
        JsonNode out = TorchvisionOracle.run("""
        from torchvision.models.detection.transform import _resize_image_and_masks
        img = torch.tensor(inp['img']).view(3, inp['h'], inp['w'])
        mean = torch.tensor([0.485, 0.456, 0.406])[:, None, None]
        std = torch.tensor([0.229, 0.224, 0.225])[:, None, None]
        img = (img - mean) / std
        mask = torch.tensor(inp['mask'], dtype=torch.uint8).view(1, inp['h'], inp['w'])
        im, t = _resize_image_and_masks(img, 40.0, 60.0, dict(masks=mask))
        out = dict(shape=list(im.shape), img=im.flatten().tolist(), mask=t['masks'].flatten().tolist())
        """, Map.of("img", img, "mask", mask, "h", h, "w", w));
        assertEquals(out.get("shape").get(1).asInt(), hw[0]);
        assertEquals(out.get("shape").get(2).asInt(), hw[1]);
        float[] ours = TrainingBatches.normalizeAndResize(img, h, w, hw[0], hw[1]);
        // the output size and the mask are exact; pixel values differ from torch 1.13's bilinear kernel by float
        // rounding of the source coordinate (about 2e-6 relative)
        assertArrayEquals(TorchvisionOracle.floats(out.get("img")), ours, 2e-5f);
        byte[] m = TargetResize.mask(maskBytes, h, w, hw[0], hw[1]);
        int[] expected = TorchvisionOracle.ints(out.get("mask"));
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], m[i], "mask pixel " + i);
        }
    }

    @Test
    void batchesAreDeterministicPermutationsPerEpoch() throws Exception {
        CocoTrainingSet set = personSet(true, 0, true);
        TrainingConfig c = TrainingConfig.smallCpu().toBuilder().batchSize(2).build();
        TrainingBatches a = new TrainingBatches(set, c, HorizontalFlip.COCO_PERSON_FLIP);
        TrainingBatches b = new TrainingBatches(set, c, HorizontalFlip.COCO_PERSON_FLIP);
        Set<Integer> epoch0 = new HashSet<>();
        for (int p = 0; p < 4; p++) {
            epoch0.add(a.imageAt(p));
            assertEquals(a.imageAt(p), b.imageAt(p));
        }
        assertEquals(4, epoch0.size());
        List<TrainingSample> x = a.batch(3);
        List<TrainingSample> y = b.batch(3);
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(x.get(i).boxes(), y.get(i).boxes(), 0f);
            assertArrayEquals(x.get(i).image(), y.get(i).image(), 0f);
            // torchvision's float32 scale then floor can give 319 for a 320 target (e.g. 425 -> 319)
            int shorter = Math.min(x.get(i).height(), x.get(i).width());
            assertTrue(shorter == 320 || shorter == 319, "shorter side " + shorter);
        }
        assertNotEquals(
                Arrays.toString(a.batch(0).get(0).boxes()) + a.batch(0).get(1).imageId(),
                Arrays.toString(a.batch(1).get(0).boxes()) + a.batch(1).get(1).imageId());
    }
}
