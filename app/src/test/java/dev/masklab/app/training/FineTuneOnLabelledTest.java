package dev.masklab.app.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.app.dialog.ScriptedDialogs;
import dev.masklab.app.document.DatasetService;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoImage;
import dev.masklab.coco.CocoReader;
import dev.masklab.model.Architecture;
import dev.masklab.model.MaskRcnnConfig;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Fine-tune on what is labelled" without training: the questions, the run folder, the split written there from the
 * labelled images of the bundled sample, and the settings (size rule, frozen batch norms, the dataset's image folder).
 */
class FineTuneOnLabelledTest {
    static final Path SAMPLE =
            Path.of(System.getProperty("masklab.root", "..")).resolve("datasets/sample/annotations.json");

    @Test
    void asksPresetAndIterationsAndRefusesWhatIsNoCount() {
        ScriptedDialogs d = new ScriptedDialogs();
        FineTuneOnLabelled.Source from =
                new FineTuneOnLabelled.Source(Path.of("seed.masklab"), Architecture.MASKRCNN_RESNET50_FPN, null);
        d.choice = (header, choices) -> choices.indexOf("standard");
        d.text = header -> " 250 ";
        assertEquals(
                Optional.of(new FineTuneOnLabelled.Choice("standard", 250)),
                FineTuneOnLabelled.ask(d, 4, from, Path.of("runs/x")));
        for (String bad : new String[] {"many", "0", "2.5", "1000001"}) {
            d.text = header -> bad;
            assertTrue(FineTuneOnLabelled.ask(d, 4, from, Path.of("runs/x")).isEmpty(), bad);
            assertTrue(d.errors.getLast().contains(bad), d.errors.toString());
        }
        d.choice = (header, choices) -> -1;
        int asked = d.asked.size();
        assertTrue(FineTuneOnLabelled.ask(d, 4, from, Path.of("runs/x")).isEmpty(), "cancelled");
        assertEquals(asked + 1, d.asked.size(), "no second question after a cancel");
    }

    @Test
    void writesTheSplitOfTheLabelledImagesIntoTheRunFolderAndFineTunesAtTheModelsSize(@TempDir Path tmp)
            throws Exception {
        LoadedDataset ds = new DatasetService().load(SAMPLE, n -> {});
        Path runDir = FineTuneOnLabelled.runFolder(ds.jsonFile(), LocalDateTime.of(2026, 12, 3, 18, 5, 9));
        assertEquals(
                SAMPLE.toAbsolutePath().resolveSibling("runs").resolve("annotations-finetune-20261203-180509"), runDir);
        Set<Long> labelled = Set.of(1L, 2L, 3L, 4L, 5L, 9L, 10L, 11L, 12L, 13L);
        MaskRcnnConfig model = new MaskRcnnConfig(MaskRcnnConfig.MASKRCNN, 7, 0, 240, 320, 0.05f, 0.5f, 100, 1e-5f);
        FineTuneOnLabelled.Source from =
                new FineTuneOnLabelled.Source(tmp.resolve("seed.masklab"), Architecture.MASKRCNN_RESNET50_FPN, model);
        Path out = tmp.resolve("run");
        FineTuneOnLabelled.Plan plan = FineTuneOnLabelled.prepare(
                ds.coco(), ds.imageRoot(), labelled, from, new FineTuneOnLabelled.Choice("small", 3), out);
        TrainingService.Settings s = plan.settings();
        assertEquals(out.resolve("train.json"), s.dataset());
        assertEquals(out.resolve("val.json"), s.validation());
        CocoDataset train = CocoReader.read(s.dataset());
        CocoDataset val = CocoReader.read(s.validation());
        assertEquals(8, train.images().size());
        assertEquals(2, val.images().size(), "a fifth held out");
        Set<Long> ids = new TreeSet<>();
        for (CocoImage im : train.images()) ids.add(im.id());
        for (CocoImage im : val.images()) ids.add(im.id());
        assertEquals(new TreeSet<>(labelled), ids, "the labelled images, each once");
        for (CocoImage im : val.images())
            assertEquals(
                    ds.coco().annotationsOf(im.id()).size(),
                    val.annotationsOf(im.id()).size());
        assertEquals(ds.imageRoot(), s.imageRoot(), "image names resolve where the dataset's do");
        assertEquals(from.weights(), s.weights());
        assertEquals(3, s.iterations());
        assertFalse(s.config().trainBatchNorm(), "fine-tuning keeps frozen batch norms");
        assertArrayEquals(new int[] {240}, s.config().minSizes(), "the model's size, smaller than the preset's 320");
        assertEquals(320, s.config().maxSize());
        // no model settings (weights given as a file): the preset's size
        FineTuneOnLabelled.Plan bare = FineTuneOnLabelled.prepare(
                ds.coco(),
                ds.imageRoot(),
                labelled,
                new FineTuneOnLabelled.Source(from.weights(), from.arch(), null),
                new FineTuneOnLabelled.Choice("small", 3),
                tmp.resolve("run2"));
        assertArrayEquals(new int[] {320}, bare.settings().config().minSizes());
        assertEquals(533, bare.settings().config().maxSize());
        // one labelled image: trained on, nothing to validate on
        FineTuneOnLabelled.Plan one = FineTuneOnLabelled.prepare(
                ds.coco(),
                ds.imageRoot(),
                Set.of(7L),
                from,
                new FineTuneOnLabelled.Choice("small", 3),
                tmp.resolve("r3"));
        assertNull(one.settings().validation());
        assertThrows(
                IllegalArgumentException.class,
                () -> FineTuneOnLabelled.prepare(
                        ds.coco(), ds.imageRoot(), Set.of(), from, new FineTuneOnLabelled.Choice("small", 3), tmp));
    }
}
