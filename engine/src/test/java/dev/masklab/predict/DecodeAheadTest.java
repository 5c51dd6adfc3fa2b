package dev.masklab.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.image.ImageDecoder;
import dev.masklab.testing.SharedData;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images decoded ahead of the model: in order, PIL's pixels, errors at their place, memory bounded by the window. */
class DecodeAheadTest {
    static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    @Test
    void sharedImagesComeBackInOrderWithTheDecodersPixelsAndABadFileAtItsPlace(@TempDir Path tmp) throws Exception {
        List<Path> jpegs;
        try (Stream<Path> s = Files.list(SharedData.path("data/coco-person-kp"))) {
            jpegs = s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
        assertEquals(4, jpegs.size());
        Path truncated = tmp.resolve("cut.jpg");
        byte[] whole = Files.readAllBytes(jpegs.getFirst());
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));
        List<Path> files = new ArrayList<>(jpegs);
        files.add(2, truncated);
        files.add(tmp.resolve("missing.jpg"));
        List<DecodeAhead.Decoded> got = new ArrayList<>();
        try (DecodeAhead d = new DecodeAhead(files, 2, 3)) {
            while (d.hasNext()) got.add(d.next());
            assertFalse(d.hasNext());
        }
        assertEquals(files.size(), got.size());
        for (int i = 0; i < files.size(); i++) {
            DecodeAhead.Decoded g = got.get(i);
            assertEquals(i, g.index());
            assertEquals(files.get(i), g.file());
            if (i == 2 || i == files.size() - 1) {
                assertNull(g.image());
                assertNotNull(g.error());
                assertTrue(
                        g.error()
                                .getMessage()
                                .contains(files.get(i).getFileName().toString()),
                        g.error().getMessage());
            } else {
                assertNull(g.error());
                assertArrayEquals(
                        pixels(ImageDecoder.read(files.get(i))),
                        pixels(g.image()),
                        files.get(i).toString());
            }
        }
    }

    @Test
    void noMoreThanTheWindowIsDecodedAheadOfWhatWasTaken() throws Exception {
        int n = 40, window = 3;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < n; i++) files.add(Path.of("img" + i + ".png"));
        AtomicInteger decodedCount = new AtomicInteger();
        AtomicInteger taken = new AtomicInteger();
        AtomicInteger worstLead = new AtomicInteger();
        try (DecodeAhead d = new DecodeAhead(files, 2, window, p -> {
            int lead = decodedCount.incrementAndGet() - taken.get();
            worstLead.accumulateAndGet(lead, Math::max);
            BufferedImage img = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
            img.setRGB(0, 0, Integer.parseInt(p.toString().replaceAll("\\D", "")));
            return img;
        })) {
            for (int i = 0; i < n; i++) {
                Thread.sleep(2); // the model is slower than the decoders
                DecodeAhead.Decoded g = d.next();
                taken.incrementAndGet();
                assertEquals(i, g.image().getRGB(0, 0) & 0xFFFFFF, "in order");
            }
        }
        assertEquals(n, decodedCount.get());
        // the image being taken plus the window ahead of it
        assertTrue(worstLead.get() <= window + 1, "decoded ahead at most " + worstLead.get());
    }
}
