package dev.masklab.app.document;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.app.model.LoadedDataset;
import dev.masklab.coco.CocoFormatException;
import dev.masklab.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetServiceTest {
    static final Path SHARED = SharedData.root();

    @Test
    void tellsResultListsFromDatasets() {
        assertTrue(DatasetService.looksLikeResults(SHARED.resolve("fixtures/coco-eval/person-s1/detections.json")));
        assertFalse(DatasetService.looksLikeResults(SHARED.resolve("data/coco-person-kp/test_coco.json")));
    }

    @Test
    void reportsProgressAndNamesTheFileOnMalformedJson(@TempDir Path tmp) throws Exception {
        List<Long> progress = new ArrayList<>();
        // a dataset over 256 KB: progress is reported while reading
        StringBuilder sb = new StringBuilder("{\"images\": [");
        for (int i = 1; i <= 6000; i++) {
            if (i > 1) sb.append(',');
            sb.append("{\"id\": ")
                    .append(i)
                    .append(", \"file_name\": \"img_")
                    .append(i)
                    .append(".jpg\", \"width\": 64, \"height\": 48}");
        }
        sb.append("], \"annotations\": [], \"categories\": [{\"id\": 1, \"name\": \"a\"}]}");
        Path big = tmp.resolve("big.json");
        Files.writeString(big, sb);
        LoadedDataset ds = new DatasetService().load(big, progress::add);
        assertEquals(6000, ds.images().size());
        assertFalse(progress.isEmpty());
        assertTrue(progress.getLast() <= Files.size(big));

        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"images\": [{\"id\": \"x\"");
        CocoFormatException e = assertThrows(CocoFormatException.class, () -> new DatasetService().load(bad, n -> {}));
        assertTrue(e.getMessage().contains("bad.json"), e.getMessage());
    }
}
