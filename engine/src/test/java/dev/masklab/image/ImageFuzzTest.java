package dev.masklab.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzz suite for image files (issue #18): truncated PNG, JPEG, BMP and GIF files, decompression-bomb headers,
 * random byte flips and files that are not images. Each must decode or give an {@link IOException} whose message is
 * one line starting with the file; nothing else may escape. Bomb headers are refused from the header, before any
 * pixel memory is allocated (the flips run under a 4-megapixel limit so that a flipped size field cannot make a
 * test allocate much either).
 */
class ImageFuzzTest {
    @TempDir
    Path tmp;

    private int counter;

    static final String[] FORMATS = {"png", "jpg", "bmp", "gif"};

    /** A seeded picture with smooth areas and noise (so that every format has real compressed data). */
    static BufferedImage picture(long seed, int w, int h) {
        Random rnd = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (x * 255 / w + rnd.nextInt(32)) & 0xff;
                int g = (y * 255 / h + rnd.nextInt(32)) & 0xff;
                img.setRGB(x, y, r << 16 | g << 8 | ((x ^ y) & 0xff));
            }
        }
        return img;
    }

    byte[] encode(String format) throws IOException {
        Path f = tmp.resolve("src." + format);
        assertTrue(ImageIO.write(picture(18, 97, 61), format, f.toFile()), format);
        return Files.readAllBytes(f);
    }

    Path write(String ext, byte[] data) throws IOException {
        Path f = tmp.resolve("img" + (counter++) + "." + ext);
        Files.write(f, data);
        return f;
    }

    /** Reads {@code f}: the image, or null after checking that the IOException is one line naming the file. */
    static BufferedImage read(Path f) {
        try {
            return ImageDecoder.read(f);
        } catch (IOException e) {
            String m = e.getMessage();
            assertTrue(m != null && m.startsWith(f.toString() + ": "), "names the file: " + m);
            assertFalse(m.contains("\n") || m.contains("\r"), "one line: " + m);
            assertTrue(m.length() < 600, "short: " + m);
            return null;
        } catch (Throwable e) {
            fail(f + ": " + e, e);
            return null;
        }
    }

    static void assertRefused(Path f, String fragment) {
        try {
            ImageDecoder.read(f);
            fail(f + " decoded but should be refused (" + fragment + ")");
        } catch (IOException e) {
            assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' not in: " + e.getMessage());
        }
        read(f); // and the message is one line naming the file
    }

    @Test
    void truncatedFilesAreRefused() throws Exception {
        for (String format : FORMATS) {
            byte[] full = encode(format);
            assertEquals(97, read(write(format, full)).getWidth(), format);
            // 30 cut points inside the compressed data (a file cut after its pixels, e.g. before a PNG's IEND, may
            // load)
            for (int i = 0; i < 30; i++) {
                int cut = full.length / 10 + i * (full.length * 8 / 10) / 30;
                Path f = write(format, Arrays.copyOf(full, cut));
                assertTrue(read(f) == null, format + " cut at " + cut + " of " + full.length + " was decoded");
            }
        }
        // a JPEG missing only its end-of-image marker is truncated too (PIL: "image file is truncated")
        byte[] jpg = encode("jpg");
        assertRefused(write("jpg", Arrays.copyOf(jpg, jpg.length - 2)), "truncated");
    }

    /** A small PNG whose IHDR (CRC fixed) declares {@code w} x {@code h} pixels. */
    Path pngDeclaring(int w, int h) throws IOException {
        byte[] png = encode("png");
        ByteBuffer b = ByteBuffer.wrap(png);
        b.putInt(16, w).putInt(20, h);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        b.putInt(29, (int) crc.getValue());
        return write("png", png);
    }

    /** A small JPEG whose SOF0 declares {@code side} x {@code side} pixels (side < 65536). */
    Path jpegDeclaring(int side) throws IOException {
        byte[] jpg = encode("jpg");
        for (int i = 0; i + 9 < jpg.length; i++) {
            if ((jpg[i] & 0xff) == 0xff && (jpg[i + 1] & 0xff) == 0xc0) {
                jpg[i + 5] = jpg[i + 7] = (byte) (side >> 8);
                jpg[i + 6] = jpg[i + 8] = (byte) side;
                break;
            }
        }
        return write("jpg", jpg);
    }

    @Test
    void bombHeadersAreRefusedBeforeDecoding() throws Exception {
        assertRefused(pngDeclaring(46_000, 46_000), "more than the limit of 178956970");
        assertRefused(jpegDeclaring(60_000), "60000 x 60000");
        // BMP: width and height fields (ImageIO's reader already checks them against the data size in the header)
        byte[] bmp = encode("bmp");
        ByteBuffer.wrap(bmp)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt(18, 46_000)
                .putInt(22, 46_000);
        assertRefused(write("bmp", bmp), "Invalid width/height");
        // just above and below a lowered limit: the limit is the header's width x height
        String before = System.getProperty(ImageDecoder.MAX_PIXELS_PROPERTY);
        try {
            System.setProperty(ImageDecoder.MAX_PIXELS_PROPERTY, String.valueOf(97 * 61 - 1));
            assertRefused(write("png", encode("png")), "97 x 61 = 5917 pixels");
            System.setProperty(ImageDecoder.MAX_PIXELS_PROPERTY, String.valueOf(97 * 61));
            assertEquals(61, read(write("png", encode("png"))).getHeight());
        } finally {
            restore(before);
        }
    }

    private static void restore(String before) {
        if (before == null) {
            System.clearProperty(ImageDecoder.MAX_PIXELS_PROPERTY);
        } else {
            System.setProperty(ImageDecoder.MAX_PIXELS_PROPERTY, before);
        }
    }

    @Test
    void randomFlipsDecodeOrFailInOneLine() throws Exception {
        String before = System.getProperty(ImageDecoder.MAX_PIXELS_PROPERTY);
        System.setProperty(ImageDecoder.MAX_PIXELS_PROPERTY, String.valueOf(4_000_000));
        try {
            Random rnd = new Random(1818);
            for (String format : FORMATS) {
                byte[] full = encode(format);
                for (int i = 0; i < 60; i++) {
                    byte[] m = full.clone();
                    for (int k = 1 + rnd.nextInt(6); k > 0; k--) {
                        // flips concentrated in the headers, where sizes and table lengths live
                        int at = rnd.nextBoolean() ? rnd.nextInt(Math.min(200, m.length)) : rnd.nextInt(m.length);
                        m[at] = (byte) rnd.nextInt(256);
                    }
                    read(write(format, m));
                }
            }
        } finally {
            restore(before);
        }
    }

    /**
     * Child-JVM probe: reads each file; prints each refusal's message; exit 0 when all were refused with an
     * IOException, 3 when one decoded, 4 when anything else escaped (an OutOfMemoryError included).
     */
    public static void main(String[] files) {
        dev.masklab.BoundedHeap.probe(files, f -> ImageDecoder.read(f), IOException.class);
    }

    @Test
    void bombsAreRefusedUnderAOneGigabyteHeap() throws Exception {
        List<String> files = new ArrayList<>();
        for (int[] wh : new int[][] {{46_000, 46_000}, {20_000, 9_000}, {1, 200_000_000}}) {
            files.add(pngDeclaring(wh[0], wh[1]).toString());
        }
        files.add(jpegDeclaring(60_000).toString());
        dev.masklab.BoundedHeap.Result r = dev.masklab.BoundedHeap.run(ImageFuzzTest.class, files);
        assertEquals(0, r.exitCode(), r.output());
        assertEquals(
                files.size(),
                r.output().lines().filter(l -> l.contains("decompression bomb")).count(),
                r.output());
    }

    @Test
    void filesThatAreNotImagesAreNamed() throws Exception {
        Random rnd = new Random(7);
        byte[] junk = new byte[5000];
        rnd.nextBytes(junk);
        assertRefused(write("jpg", junk), "not a readable image");
        assertRefused(write("png", new byte[0]), "not a readable image");
        assertRefused(write("jpg", "{\"images\": []}".getBytes(StandardCharsets.UTF_8)), "not a readable image");
        assertRefused(write("png", "%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII)), "not a readable image");
        byte[] png = encode("png");
        assertRefused(write("png", Arrays.copyOf(png, 8)), ""); // the signature alone
        assertRefused(tmp.resolve("missing.png"), "not found");
        assertRefused(Files.createDirectory(tmp.resolve("dir.png")), "not found");
        try {
            ImageDecoder.read(null);
            fail("a null file name was accepted");
        } catch (IOException e) {
            assertEquals("an image has no file name", e.getMessage());
        }
    }
}
