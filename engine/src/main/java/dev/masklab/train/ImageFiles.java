package dev.masklab.train;

import dev.masklab.image.ImageDecoder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads training images into RGB CHW float32 in [0, 1] (torchvision's {@code to_tensor} layout). */
public final class ImageFiles {
    private ImageFiles() {}

    /**
     * @param expectedH expected height from the COCO file (-1: any)
     * @param expectedW expected width from the COCO file (-1: any)
     * @param sizeOut receives {@code {height, width}}
     * @return the pixels, RGB CHW in [0, 1]
     */
    public static float[] readChw(Path file, int expectedH, int expectedW, int[] sizeOut) {
        if (!Files.isRegularFile(file)) {
            throw new UncheckedIOException(new IOException("training image not found: " + file));
        }
        BufferedImage img;
        try {
            img = ImageDecoder.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot read training image " + e.getMessage(), e));
        }
        int h = img.getHeight();
        int w = img.getWidth();
        if ((expectedH > 0 && expectedH != h) || (expectedW > 0 && expectedW != w)) {
            throw new IllegalArgumentException(
                    "image " + file + " is " + w + "x" + h + " but the dataset says " + expectedW + "x" + expectedH);
        }
        int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
        float[] chw = new float[3 * h * w];
        int plane = h * w;
        for (int i = 0; i < plane; i++) {
            int p = rgb[i];
            chw[i] = ((p >> 16) & 0xff) / 255f;
            chw[plane + i] = ((p >> 8) & 0xff) / 255f;
            chw[2 * plane + i] = (p & 0xff) / 255f;
        }
        sizeOut[0] = h;
        sizeOut[1] = w;
        return chw;
    }
}
