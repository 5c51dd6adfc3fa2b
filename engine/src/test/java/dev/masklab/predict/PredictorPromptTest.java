package dev.masklab.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The warm model's prompt API ({@link Predictor#prompt}, {@link Predictor#pointCandidates}) on a box-prompt
 * reference's Mask R-CNN (values against torchvision: SegmentParityTest): prompts answered together, one by one
 * from the cached features, and after the cache is dropped give the same results; point prompts list exactly the
 * detections whose mask holds the point, best first, and cycle; bad prompts are refused naming them.
 */
class PredictorPromptTest {
    private static SegmentReferences.Reference maskReference() {
        return SegmentReferences.require().stream()
                .filter(r -> r.hasMasks() && !r.legacy())
                .findFirst()
                .orElseThrow();
    }

    @Test
    void cachedFeaturesGiveTheSameAnswers() throws Exception {
        SegmentReferences.Reference r = maskReference();
        BufferedImage img = Predictor.readImage(SegmentReferences.images().resolve(r.image()));
        BoxPrompt a = BoxPrompt.of(38.1, 111.0, 174.7, 174.7);
        BoxPrompt b = new BoxPrompt(257.8, 139.1, 140.1, 154.2, OptionalLong.of(18));
        try (Predictor p = Predictor.open(r.pth(), r.arch(), new Predictor.Options(0.05f, Device.cpu(), false))) {
            List<Instance> both = p.prompt(img, List.of(a, b));
            Instance first = p.prompt(img, List.of(a)).get(0); // from the cached features
            Instance second = p.prompt(img, List.of(b)).get(0);
            p.releaseImage();
            Instance again = p.prompt(img, List.of(b)).get(0); // features computed again
            assertSameAnswer(both.get(0), first);
            assertSameAnswer(both.get(1), second);
            assertSameAnswer(both.get(1), again);
            assertEquals(18, second.categoryId());
            assertArrayEquals(new double[] {257.8, 139.1, 257.8 + 140.1, 139.1 + 154.2}, second.box());
            assertEquals(img.getHeight(), first.mask().h());
            assertEquals(img.getWidth(), first.mask().w());
            assertTrue(first.score() > 0 && first.score() < 1, "softmax probability " + first.score());
            assertTrue(p.prompt(img, List.of()).isEmpty());

            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> p.prompt(img, List.of(a, BoxPrompt.of(490, 10, 50, 50))));
            assertTrue(e.getMessage().startsWith("prompt 1: ") && e.getMessage().contains("outside"), e.getMessage());
            e = assertThrows(
                    IllegalArgumentException.class,
                    () -> p.prompt(img, List.of(new BoxPrompt(1, 1, 5, 5, OptionalLong.of(91)))));
            assertTrue(e.getMessage().contains("category 91"), e.getMessage());
        }
    }

    @Test
    void pointPromptListsTheDetectionsUnderThePointAndCycles() throws Exception {
        SegmentReferences.Reference r = maskReference();
        BufferedImage img = Predictor.readImage(SegmentReferences.images().resolve(r.image()));
        try (Predictor p = Predictor.open(r.pth(), r.arch(), new Predictor.Options(0.05f, Device.cpu(), false))) {
            List<Instance> all = p.predict(img);
            assertSame(all, p.predict(img), "the full prediction of the same image is cached");
            // from the cached features, predict computes what the model's own detect does
            List<Instance> direct;
            try (ai.djl.ndarray.NDManager m = p.model().manager().newSubManager()) {
                direct = p.instances(
                        p.model().detect(List.of(Predictor.toTensor(img, m))).get(0));
            }
            assertEquals(direct.size(), all.size());
            for (int i = 0; i < all.size(); i++) {
                assertEquals(direct.get(i).score(), all.get(i).score(), 1e-6);
                assertArrayEquals(direct.get(i).box(), all.get(i).box(), 1e-4);
                assertEquals(direct.get(i).mask(), all.get(i).mask());
            }
            // the pixel covered by the most masks
            int w = img.getWidth();
            int h = img.getHeight();
            int[] cover = new int[w * h];
            for (Instance in : all) {
                byte[] m = in.mask().decode();
                for (int q = 0; q < m.length; q++) {
                    cover[q] += m[q];
                }
            }
            int best = 0;
            int empty = -1;
            for (int q = 0; q < cover.length; q++) {
                best = cover[q] > cover[best] ? q : best;
                empty = empty < 0 && cover[q] == 0 ? q : empty;
            }
            assertTrue(cover[best] >= 2, "some pixel under two detections (" + all.size() + " detections)");
            double x = best % w + 0.5;
            double y = best / w + 0.5;
            PointCandidates c = p.pointCandidates(img, x, y);
            assertEquals(cover[best], c.size());
            for (int i = 0; i < c.size(); i++) {
                assertTrue(c.candidates().get(i).contains(x, y));
                assertTrue(
                        i == 0
                                || c.candidates().get(i - 1).score()
                                        >= c.candidates().get(i).score(),
                        "best first");
            }
            assertSame(c.candidates().get(0), c.current().orElseThrow());
            PointCandidates n = c;
            for (int i = 1; i < c.size(); i++) {
                n = n.next();
                assertSame(c.candidates().get(i), n.current().orElseThrow());
            }
            assertSame(c.candidates().get(0), n.next().current().orElseThrow(), "wraps around");
            if (empty >= 0) {
                PointCandidates none = p.pointCandidates(img, empty % w + 0.5, empty / w + 0.5);
                assertTrue(none.isEmpty());
                assertFalse(none.current().isPresent());
                assertSame(none, none.next());
            }
        }
    }

    private static void assertSameAnswer(Instance expected, Instance actual) {
        assertEquals(expected.categoryId(), actual.categoryId());
        assertEquals(expected.score(), actual.score(), 1e-6);
        // one prompt or two in a batch: the same numbers up to float rounding in the convolutions
        double iou = dev.masklab.coco.Rle.iou(List.of(actual.mask()), List.of(expected.mask()), new boolean[1])[0][0];
        assertTrue(iou >= 0.999, "mask IoU " + iou);
        assertArrayEquals(expected.box(), actual.box());
    }
}
