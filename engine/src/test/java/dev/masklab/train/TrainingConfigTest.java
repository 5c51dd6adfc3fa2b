package dev.masklab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * The presets and the builder: every setting compared through the JSON a checkpoint's {@code state.json} stores, so
 * a setting the builder dropped or changed on the way shows as a difference.
 */
class TrainingConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode json(TrainingConfig c) {
        return JSON.valueToTree(c);
    }

    @Test
    void smallPresetIsTheStandardNetworkWithSmallerImagesAndSampling() {
        ObjectNode expected = json(TrainingConfig.standard());
        expected.set("minSizes", JSON.createArrayNode().add(320));
        expected.put("maxSize", 533);
        expected.put("rpnPreNmsTopN", 600);
        expected.put("rpnPostNmsTopN", 300);
        expected.put("boxBatchPerImage", 128);
        expected.put("warmupIterations", 100);
        expected.put("loaderThreads", 1);
        assertEquals(expected, json(TrainingConfig.smallCpu()));
        assertEquals(json(TrainingConfig.smallCpu()), json(TrainingConfig.preset("small")));
        TrainingConfig standard = TrainingConfig.preset("standard");
        assertArrayEquals(new int[] {800}, standard.minSizes());
        assertEquals(1333, standard.maxSize());
        assertEquals(42, standard.seed());
        assertEquals(0, standard.clipGradNorm());
        assertEquals(0.0025, standard.effectiveBaseLr(), 1e-15);
    }

    @Test
    void builderChangesOnlyTheNamedSettings() {
        TrainingConfig c = TrainingConfig.standard();
        assertEquals(json(c), json(c.toBuilder().build()));
        ObjectNode expected = json(c);
        expected.put("seed", 7L);
        expected.put("clipGradNorm", 10.0);
        expected.put("skipEmptyImages", false);
        expected.put("frozenBnEps", 0f);
        expected.set("minSizes", JSON.createArrayNode().add(640).add(800));
        assertEquals(
                expected,
                json(c.toBuilder()
                        .seed(7)
                        .clipGradNorm(10)
                        .skipEmptyImages(false)
                        .frozenBnEps(0)
                        .minSizes(640, 800)
                        .build()));
    }

    /** Sizes outside the model's range are refused when the run is configured, not when its model is saved. */
    @Test
    void trainingSizesAreWithinTheModelsRange() {
        TrainingConfig c = TrainingConfig.standard();
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> c.toBuilder().minSizes(640, 1_000_000_000).build());
        assertEquals("training sizes must be between 1 and 4096, got 1000000000", e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> c.toBuilder().maxSize(0).build());
        assertEquals("max size must be between 1 and 4096, got 0", e.getMessage());
        assertEquals(4096, c.toBuilder().minSizes(4096).maxSize(4096).build().maxSize());
    }

    @Test
    void builderCopiesItsArrays() {
        int[] sizes = {640, 800};
        TrainingConfig.Builder b = TrainingConfig.standard().toBuilder().minSizes(sizes);
        sizes[0] = 1;
        assertArrayEquals(new int[] {640, 800}, b.build().minSizes());
    }

    @Test
    void shorterSideRaisesTheLongerSideLimitOnlyWhenBelow() {
        TrainingConfig small = TrainingConfig.smallCpu();
        TrainingConfig c = small.toBuilder().shorterSide(240).build();
        assertArrayEquals(new int[] {240}, c.minSizes());
        assertEquals(533, c.maxSize());
        c = small.toBuilder().shorterSide(600).build();
        assertArrayEquals(new int[] {600}, c.minSizes());
        assertEquals(600, c.maxSize());
    }

    @Test
    void buildChecksTheSettings() {
        TrainingConfig.Builder b = TrainingConfig.standard().toBuilder();
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> b.trainableBackboneLayers(6).build());
        assertEquals("trainable backbone layers must be 0..5, got 6", e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> TrainingConfig.standard().toBuilder().batchSize(0).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> TrainingConfig.standard().toBuilder().minSizes().build());
    }
}
