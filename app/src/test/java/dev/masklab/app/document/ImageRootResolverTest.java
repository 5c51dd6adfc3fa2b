package dev.masklab.app.document;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.prefs.Preferences;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageRootResolverTest {
    @Test
    void findsImagesFolderBesideOrAboveTheJson(@TempDir Path tmp) throws Exception {
        Path ann = Files.createDirectories(tmp.resolve("annotations"));
        Path images = Files.createDirectories(tmp.resolve("images"));
        Files.writeString(images.resolve("a.jpg"), "x");
        Files.writeString(images.resolve("b.jpg"), "x");
        Path json = ann.resolve("instances.json");
        assertEquals(
                images,
                ImageRootResolver.resolve(json, List.of("a.jpg", "b.jpg", "c.jpg"))
                        .orElseThrow());
        Path beside = tmp.resolve("data.json");
        assertEquals(images, ImageRootResolver.resolve(beside, List.of("a.jpg")).orElseThrow());
        assertEquals(
                tmp, ImageRootResolver.resolve(beside, List.of("images/a.jpg")).orElseThrow());
        assertTrue(ImageRootResolver.resolve(json, List.of("missing.jpg")).isEmpty());
    }

    @Test
    void recentDatasetsAreNewestFirstWithoutDuplicates(@TempDir Path tmp) throws Exception {
        Preferences node = Preferences.userRoot().node("dev/masklab/app-unit-test");
        RecentDatasets r = new RecentDatasets(node);
        r.clear();
        for (int i = 0; i < 12; i++) r.add(tmp.resolve("d" + i + ".json"));
        r.add(tmp.resolve("d5.json"));
        List<Path> l = r.list();
        assertEquals(RecentDatasets.MAX, l.size());
        assertEquals(tmp.resolve("d5.json"), l.getFirst());
        assertEquals(tmp.resolve("d11.json"), l.get(1));
        assertEquals(1, l.stream().filter(p -> p.endsWith("d5.json")).count());
        r.clear();
        assertTrue(r.list().isEmpty());
        node.removeNode();
    }
}
