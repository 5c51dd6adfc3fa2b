package dev.masklab.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.masklab.app.document.DatasetService;
import dev.masklab.app.main.MainView;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.synth.SyntheticDatasetGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javafx.stage.Stage;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Measurements, not assertions (run on demand with -Dmasklab.bench=true; results go to docs/benchmarks.md, section
 * App): frame time of an image with 100 instances, overlay recomposition, a 100k-image dataset in the browser, and
 * opening a val2017-size file (that runs first, so its first open is a cold JVM's, as a user's first File > Open is).
 */
@ExtendWith(ApplicationExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@EnabledIfSystemProperty(named = "masklab.bench", matches = "true")
class RenderBenchmarkTest {
    private MainViewModel vm;
    private MainView view;
    private dev.masklab.app.dialog.ScriptedDialogs dialogs;

    @Start
    void start(Stage stage) {
        TestWindow w = TestWindow.create();
        dialogs = w.dialogs();
        vm = w.vm();
        view = w.view();
        stage.setScene(MaskLabApp.createScene(view));
        stage.setWidth(1400);
        stage.setHeight(860);
        stage.show();
    }

    /** A dataset of {@code images} images (all the same shared picture) with {@code perImage} random polygons each. */
    static Path synthetic(Path dir, int images, int perImage, long seed) throws Exception {
        Path img = MainWindowTest.PERSON.getParent().resolve("000000197388.jpg");
        Files.createDirectories(dir.resolve("images"));
        Files.copy(img, dir.resolve("images/p.jpg"));
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        ArrayNode ims = root.putArray("images"),
                anns = root.putArray("annotations"),
                cats = root.putArray("categories");
        for (int c = 1; c <= 5; c++) cats.addObject().put("id", c).put("name", "class" + c);
        Random r = new Random(seed);
        long aid = 1;
        for (int i = 1; i <= images; i++) {
            ims.addObject()
                    .put("id", i)
                    .put("file_name", "p.jpg")
                    .put("width", 640)
                    .put("height", 392);
            for (int k = 0; k < perImage; k++) {
                double cx = 20 + r.nextDouble() * 600, cy = 20 + r.nextDouble() * 350, rad = 8 + r.nextDouble() * 60;
                ArrayNode poly = om.createArrayNode();
                double minX = 1e9, minY = 1e9, maxX = -1e9, maxY = -1e9;
                for (int v = 0; v < 12; v++) {
                    double a = v * Math.PI / 6, rr = rad * (0.6 + 0.4 * r.nextDouble());
                    double x = Math.clamp(cx + rr * Math.cos(a), 0, 639), y = Math.clamp(cy + rr * Math.sin(a), 0, 391);
                    poly.add(x).add(y);
                    minX = Math.min(minX, x);
                    minY = Math.min(minY, y);
                    maxX = Math.max(maxX, x);
                    maxY = Math.max(maxY, y);
                }
                ObjectNode a = anns.addObject()
                        .put("id", aid++)
                        .put("image_id", i)
                        .put("category_id", 1 + (int) (aid % 5))
                        .put("iscrowd", 0)
                        .put("area", (maxX - minX) * (maxY - minY) * 0.7);
                a.putArray("segmentation").add(poly);
                a.putArray("bbox").add(minX).add(minY).add(maxX - minX).add(maxY - minY);
            }
        }
        Path json = dir.resolve("bench.json");
        om.writeValue(json.toFile(), root);
        return json;
    }

    private void fx(Runnable r) {
        WaitForAsyncUtils.asyncFx(r);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void frameTimeWith100Instances(@TempDir Path tmp) throws Exception {
        Path json = synthetic(tmp, 2, 100, 1);
        long t0 = System.nanoTime();
        WaitForAsyncUtils.asyncFx(() -> view.files().openDataset(json));
        WaitForAsyncUtils.waitFor(
                30,
                TimeUnit.SECONDS,
                () -> view.mainCanvas().renderedEntryProperty().get() != null);
        long open = System.nanoTime() - t0;
        long[] frames = new long[300];
        long[] composes = new long[100];
        fx(() -> {
            for (int i = 0; i < 200; i++) view.viewport().panBy(i % 2 == 0 ? 1 : -1, 0); // JIT warm-up
            for (int i = 0; i < frames.length; i++) {
                view.viewport().panBy(i % 2 == 0 ? 1 : -1, 0); // a pan redraws one frame
                frames[i] = view.mainCanvas().lastFrameNanos();
            }
            for (int i = 0; i < composes.length; i++) {
                long s = System.nanoTime();
                vm.layers().opacityProperty().set(0.3 + (i % 10) * 0.05); // recompose overlay + redraw
                composes[i] = System.nanoTime() - s;
            }
        });
        long[] rendered = new long[20];
        for (int i = 0; i < rendered.length; i++) {
            long s = System.nanoTime();
            int k = i;
            fx(() -> {
                view.viewport().panBy(k % 2 == 0 ? 1 : -1, 0);
                view.mainCanvas().canvas().snapshot(null, null); // forces the software pipeline to render the frame
            });
            rendered[i] = System.nanoTime() - s;
        }
        System.out.printf("BENCH open+decode 100 instances: %.1f ms%n", open / 1e6);
        System.out.printf(
                "BENCH frame (redraw, 100 instances): median %.2f ms, p95 %.2f ms, max %.2f ms%n",
                pct(frames, 50), pct(frames, 95), pct(frames, 100));
        System.out.printf(
                "BENCH opacity change (recompose overlay + redraw): median %.2f ms, p95 %.2f ms%n",
                pct(composes, 50), pct(composes, 95));
        System.out.printf(
                "BENCH frame incl. software rasterization + snapshot readback: median %.2f ms%n", pct(rendered, 50));
    }

    /**
     * The "open a val2017-size file (5k images, 36k instances): first image shown in <= 2 s": from File > Open's
     * code path ({@link MainView#openDataset}: DatasetService load task, then MainViewModel) until the canvas has the
     * first image's instances rasterized and composed. The file is bench/out/val2017-like.json when present
     * (bench/make-large.sh), else the same generator's output (annotations only, so the canvas shows a placeholder
     * image and the time is reading and indexing). The first open is JIT-cold; the repeats are warm.
     */
    @Test
    @Order(1)
    void openVal2017Size(@TempDir Path tmp) throws Exception {
        Path json = Path.of(System.getProperty("masklab.root", "."), "bench/out/val2017-like.json");
        String source = "bench/out/val2017-like.json";
        if (!Files.isReadable(json)) {
            json = new SyntheticDatasetGenerator(SyntheticDatasetGenerator.Options.of(5000, 5000)
                            .withSize(640, 480)
                            .withAnnotationsOnly(true))
                    .generate(tmp, "val2017-like", null, 0)
                    .annotationFiles()
                    .getFirst();
            source = "generated (SyntheticDatasetGenerator, annotations only)";
        }
        long[] total = new long[4], read = new long[total.length];
        int images = 0, instances = 0, firstInstances = 0;
        for (int run = 0; run < total.length; run++) {
            LoadedDataset before = vm.getDataset();
            long[] readDone = {0}, shown = {0};
            javafx.beans.value.ChangeListener<dev.masklab.app.model.ImageEntry> onRendered = (o, a, e) -> {
                if (e != null && shown[0] == 0 && vm.getDataset() != before) shown[0] = System.nanoTime();
            };
            fx(() -> view.mainCanvas().renderedEntryProperty().addListener(onRendered));
            Path file = json;
            long t0 = System.nanoTime();
            WaitForAsyncUtils.asyncFx(() -> {
                // the read ends when the document hands the dataset on (before the canvas renders it)
                vm.datasetProperty().addListener((o, a, b) -> {
                    if (readDone[0] == 0) readDone[0] = System.nanoTime();
                });
                view.files().openDataset(file);
            });
            WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> shown[0] != 0);
            fx(() -> view.mainCanvas().renderedEntryProperty().removeListener(onRendered));
            total[run] = shown[0] - t0;
            read[run] = readDone[0] - t0;
            LoadedDataset ds = vm.getDataset();
            images = ds.images().size();
            instances = ds.instanceCount();
            var first = view.mainCanvas().renderedEntryProperty().get();
            if (first != vm.navigation().filteredImages().getFirst())
                throw new AssertionError(
                        "canvas shows image " + (first == null ? null : first.id()) + ", not the first image");
            firstInstances = first.annotations().size();
        }
        long[] warmTotal = Arrays.copyOfRange(total, 1, total.length),
                warmRead = Arrays.copyOfRange(read, 1, read.length);
        System.out.printf(
                "BENCH open val2017-size (%d images, %d instances, %.1f MB, %s): first image shown (%d instances, "
                        + "placeholder picture) cold %.0f ms (read+index %.0f ms), warm median %.0f ms (read+index %.0f ms) "
                        + "over %d repeats%n",
                images,
                instances,
                Files.size(json) / 1e6,
                source,
                firstInstances,
                total[0] / 1e6,
                read[0] / 1e6,
                pct(warmTotal, 50),
                pct(warmRead, 50),
                warmTotal.length);
    }

    @Test
    void hundredThousandImages(@TempDir Path tmp) throws Exception {
        Path json = synthetic(tmp, 100_000, 1, 2);
        long t0 = System.nanoTime();
        LoadedDataset ds = new DatasetService().load(json, n -> {});
        long load = System.nanoTime() - t0;
        long[] times = new long[4];
        fx(() -> {
            long s = System.nanoTime();
            vm.setDataset(ds);
            times[0] = System.nanoTime() - s;
        });
        WaitForAsyncUtils.waitForFxEvents();
        fx(() -> {
            long s = System.nanoTime();
            vm.navigation().filter().categories().add(3);
            times[1] = System.nanoTime() - s;
        });
        int filtered = vm.navigation().filteredImages().size();
        fx(() -> vm.navigation().filter().categories().clear());
        long[] jumps = new long[100];
        Random r = new Random(3);
        fx(() -> {
            for (int i = 0; i < jumps.length; i++) {
                long s = System.nanoTime();
                vm.navigation()
                        .currentImageProperty()
                        .set(vm.navigation()
                                .filteredImages()
                                .get(r.nextInt(vm.navigation().filteredImages().size())));
                view.browser().layout();
                view.browser().applyCss();
                view.browser().layout();
                jumps[i] = System.nanoTime() - s;
            }
        });
        long[] scrolls = new long[200];
        fx(() -> {
            var flow = (javafx.scene.control.skin.VirtualFlow<?>)
                    view.browser().grid().lookup(".virtual-flow");
            for (int i = 0; i < scrolls.length; i++) {
                long s = System.nanoTime();
                flow.scrollPixels(i < 100 ? 600 : -300); // about four rows of thumbnails per step
                view.browser().grid().layout();
                scrolls[i] = System.nanoTime() - s;
            }
        });
        int cells = view.browser().grid().lookupAll(".thumb-cell").size();
        System.out.printf(
                "BENCH 100k images grid scroll step (600 px) + layout: median %.2f ms, p95 %.2f ms%n",
                pct(scrolls, 50), pct(scrolls, 95));
        System.out.printf(
                "BENCH 100k images: read %.0f ms, setDataset %.0f ms, category filter %.1f ms (%d shown), "
                        + "jump+layout median %.2f ms p95 %.2f ms, grid cells alive %d%n",
                load / 1e6, times[0] / 1e6, times[1] / 1e6, filtered, pct(jumps, 50), pct(jumps, 95), cells);
    }

    static double pct(long[] ns, int p) {
        long[] s = ns.clone();
        Arrays.sort(s);
        int i = Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1);
        return s[Math.max(0, i)] / 1e6;
    }
}
