package dev.masklab.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.masklab.testing.SharedData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {
    private static final Path SHARED = SharedData.root();

    /** Every shared JPEG (one of them carries an ICC profile) decodes to exactly PIL's RGB bytes. */
    @Test
    void sharedJpegsDecodeLikePil(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "needs /usr/bin/python3 with PIL");
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("data/coco-person-kp", "data/labelme-voc/JPEGImages")) {
            try (Stream<Path> s = Files.list(SHARED.resolve(dir))) {
                s.filter(p -> p.toString().endsWith(".jpg")).sorted().forEach(files::add);
            }
        }
        assertTrue(files.size() >= 7, "shared JPEGs found: " + files);
        for (Path f : files) {
            Path raw = tmp.resolve(f.getFileName() + ".rgb");
            Process p = new ProcessBuilder(
                            "/usr/bin/python3",
                            "-c",
                            "import sys; from PIL import Image; open(sys.argv[2],'wb').write(Image.open(sys.argv[1]).convert('RGB').tobytes())",
                            f.toString(),
                            raw.toString())
                    .inheritIO()
                    .start();
            assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "PIL not available");
            byte[] pil = Files.readAllBytes(raw);
            BufferedImage img = ImageDecoder.read(f);
            int w = img.getWidth();
            int h = img.getHeight();
            assertEquals(pil.length, 3 * w * h, f + ": size");
            int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
            int differing = 0;
            for (int i = 0; i < argb.length; i++) {
                for (int c = 0; c < 3; c++) {
                    int mine = (argb[i] >> (16 - 8 * c)) & 0xff;
                    if (mine != (pil[3 * i + c] & 0xff)) {
                        differing++;
                    }
                }
            }
            assertEquals(0, differing, f + ": channel values that differ from PIL's");
        }
    }

    @Test
    void greyImagesKeepTheirValues(@TempDir Path tmp) throws IOException {
        BufferedImage grey = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                grey.getRaster().setSample(x, y, 0, 20 * (x + 4 * y));
            }
        }
        Path f = tmp.resolve("grey.png");
        ImageIO.write(grey, "png", f.toFile());
        BufferedImage img = ImageDecoder.read(f);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                int v = 20 * (x + 4 * y);
                assertEquals((v << 16) | (v << 8) | v, img.getRGB(x, y) & 0xffffff, "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void missingAndBrokenFilesNameTheFile(@TempDir Path tmp) throws IOException {
        Path missing = tmp.resolve("nope.jpg");
        IOException e = assertThrows(IOException.class, () -> ImageDecoder.read(missing));
        assertTrue(e.getMessage().contains("nope.jpg"), e.getMessage());
        Path junk = tmp.resolve("junk.jpg");
        Files.writeString(junk, "not an image");
        e = assertThrows(IOException.class, () -> ImageDecoder.read(junk));
        assertTrue(e.getMessage().contains("junk.jpg"), e.getMessage());
        Path truncated = tmp.resolve("half.jpg");
        byte[] full = Files.readAllBytes(SHARED.resolve("data/coco-person-kp/000000000785.jpg"));
        Files.write(truncated, java.util.Arrays.copyOf(full, 600));
        e = assertThrows(IOException.class, () -> ImageDecoder.read(truncated));
        assertTrue(e.getMessage().contains("half.jpg"), e.getMessage());
    }
}
