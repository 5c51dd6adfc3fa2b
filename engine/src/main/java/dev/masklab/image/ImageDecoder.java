package dev.masklab.image;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import org.w3c.dom.Node;

/**
 * Reads image files into RGB pixels the way PIL's {@code Image.open(f).convert("RGB")} does, which is what torchvision
 * models and their references see. {@code ImageIO.read} differs in two cases, both handled here:
 * <ul>
 *   <li>a JFIF JPEG with an embedded ICC profile: ImageIO converts the colours through the profile, PIL (libjpeg) does
 *       not. Such files are decoded to their raw YCbCr raster and converted with libjpeg's fixed-point YCbCr-to-RGB
 *       formula (jdcolor.c), giving PIL's bytes;</li>
 *   <li>grey images: {@code BufferedImage.getRGB} applies a linear-to-sRGB curve to TYPE_BYTE_GRAY; the grey value is
 *       replicated into R, G and B instead.</li>
 * </ul>
 * Everything else goes through ImageIO unchanged.
 *
 * <p>Untrusted files are checked as Pillow does: the size in the header is compared with a pixel limit before
 * anything is decoded (Pillow's decompression-bomb guard: {@link #DEFAULT_MAX_PIXELS}, raised or lowered with the
 * system property {@value #MAX_PIXELS_PROPERTY}), and a file that ends before its image data is complete
 * (libjpeg's "Premature end of JPEG file", a PNG cut inside its IDAT chunks) is refused rather than decoded with a
 * grey or black tail. Every failure is an {@link IOException} whose message is one line starting with the file.
 */
public final class ImageDecoder {
    /** Pillow's DecompressionBombError threshold: 2 x {@code Image.MAX_IMAGE_PIXELS} = 178,956,970 pixels. */
    public static final long DEFAULT_MAX_PIXELS = 2L * (1024L * 1024 * 1024 / 4 / 3);
    /** System property overriding {@link #DEFAULT_MAX_PIXELS} (a positive pixel count). */
    public static final String MAX_PIXELS_PROPERTY = "masklab.maxImagePixels";

    private static final int SCALEBITS = 16;
    private static final int ONE_HALF = 1 << (SCALEBITS - 1);
    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int x = i - 128;
            CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALEBITS;
            CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALEBITS;
            CR_G[i] = -fix(0.71414) * x;
            CB_G[i] = -fix(0.34414) * x + ONE_HALF;
        }
    }

    private ImageDecoder() {}

    private static int fix(double v) {
        return (int) (v * (1L << SCALEBITS) + 0.5);
    }

    /**
     * The image as TYPE_INT_RGB (alpha dropped) or, for files ImageIO already decodes like PIL, as ImageIO gives it.
     *
     * @throws IOException naming the file when it is missing or not a readable image
     */
    public static BufferedImage read(Path file) throws IOException {
        if (file == null) {
            throw new IOException("an image has no file name");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": image file not found");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new IOException(file + ": not a readable image (PNG, JPEG, BMP, GIF)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, false, false);
                checkPixels(file, reader.getWidth(0), reader.getHeight(0));
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage img = null;
                boolean reread = false;
                if ("jpeg".equalsIgnoreCase(reader.getFormatName()) && isJfifWithIcc(reader.getImageMetadata(0))) {
                    Raster raw = reader.readRaster(0, null);
                    if (raw.getNumBands() == 3) {
                        img = ycbcrToRgb(raw);
                    }
                    reread = true;
                }
                if (img == null) {
                    if (reread) {
                        in.seek(0);
                        reader.setInput(in, false, false);
                    }
                    img = reader.read(0);
                    img = img.getType() == BufferedImage.TYPE_BYTE_GRAY ? greyToRgb(img.getRaster()) : img;
                }
                if ("jpeg".equalsIgnoreCase(reader.getFormatName()) && !endsScanWithEoi(file)) {
                    throw new IOException(file + ": truncated JPEG (no end-of-image marker after its last scan)");
                }
                for (String w : warnings) {
                    if (w != null && w.toLowerCase(Locale.ROOT).contains("premature end")) {
                        throw new IOException(file + ": truncated or corrupt image (" + w.strip() + ")");
                    }
                }
                return img;
            } catch (IOException e) {
                throw e.getMessage() != null && e.getMessage().startsWith(file.toString())
                        ? e
                        : new IOException(file + ": cannot decode image (truncated or corrupt): " + oneLine(e), e);
            } catch (RuntimeException e) {
                throw new IOException(file + ": cannot decode image (truncated or corrupt): " + oneLine(e), e);
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * The pixel limit in force: {@value #MAX_PIXELS_PROPERTY} when set to a positive number, else
     * {@link #DEFAULT_MAX_PIXELS}.
     */
    public static long maxPixels() {
        String v = System.getProperty(MAX_PIXELS_PROPERTY);
        if (v != null) {
            try {
                long n = Long.parseLong(v.strip());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // fall back to the default
            }
        }
        return DEFAULT_MAX_PIXELS;
    }

    /** Refuses an image whose header declares more than {@link #maxPixels()} pixels, before it is decoded. */
    static void checkPixels(Path file, int width, int height) throws IOException {
        long pixels = (long) width * height;
        if (width <= 0 || height <= 0) {
            throw new IOException(file + ": image header declares " + width + " x " + height + " pixels");
        }
        if (pixels > maxPixels()) {
            throw new IOException(file + ": image is " + width + " x " + height + " = " + pixels + " pixels, more than"
                    + " the limit of " + maxPixels() + " (a decompression bomb?); raise it with -D"
                    + MAX_PIXELS_PROPERTY
                    + "=N");
        }
    }

    /**
     * True when an EOI marker (FF D9) follows the last start-of-scan marker (FF DA): inside entropy-coded data FF is
     * always stuffed (FF 00) or a restart marker, so a real EOI is found and trailing bytes after it are allowed. PIL
     * refuses a JPEG without it ("image file is truncated"); ImageIO decodes it silently.
     */
    static boolean endsScanWithEoi(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        int lastScan = -1;
        for (int i = 0; i + 1 < b.length; i++) {
            if ((b[i] & 0xff) == 0xff) {
                int marker = b[i + 1] & 0xff;
                if (marker == 0xda) {
                    lastScan = i;
                } else if (marker == 0xd9 && lastScan >= 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e.getCause() != null
                && e.getCause().getMessage() != null
                && !m.contains(e.getCause().getMessage())) {
            m += ": " + e.getCause().getMessage();
        }
        String line = m.lines().findFirst().orElse("").strip();
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    private static boolean isJfifWithIcc(IIOMetadata meta) {
        if (meta == null || !meta.isStandardMetadataFormatSupported()) {
            return false;
        }
        Node root;
        try {
            root = meta.getAsTree("javax_imageio_jpeg_image_1.0");
        } catch (IllegalArgumentException e) {
            return false;
        }
        Node jfif = find(root, "app0JFIF");
        return jfif != null && find(jfif, "app2ICC") != null;
    }

    private static Node find(Node n, String name) {
        if (name.equals(n.getNodeName())) {
            return n;
        }
        for (Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) {
            Node f = find(c, name);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    /** libjpeg's jdcolor.c ycc_rgb_convert: table lookups, arithmetic right shifts, clamping to 0..255. */
    static BufferedImage ycbcrToRgb(Raster raw) {
        int w = raw.getWidth();
        int h = raw.getHeight();
        int[] ycc = raw.getPixels(raw.getMinX(), raw.getMinY(), w, h, (int[]) null);
        int[] rgb = new int[w * h];
        for (int i = 0; i < rgb.length; i++) {
            int y = ycc[3 * i];
            int cb = ycc[3 * i + 1];
            int cr = ycc[3 * i + 2];
            int r = clamp(y + CR_R[cr]);
            int g = clamp(y + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS));
            int b = clamp(y + CB_B[cb]);
            rgb[i] = (r << 16) | (g << 8) | b;
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, rgb, 0, w);
        return out;
    }

    private static BufferedImage greyToRgb(Raster grey) {
        int w = grey.getWidth();
        int h = grey.getHeight();
        int[] v = grey.getSamples(grey.getMinX(), grey.getMinY(), w, h, 0, (int[]) null);
        int[] rgb = new int[w * h];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (v[i] << 16) | (v[i] << 8) | v[i];
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, rgb, 0, w);
        return out;
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
