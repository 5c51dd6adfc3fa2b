package dev.masklab.app.canvas;

import javafx.scene.paint.Color;

/**
 * Stable colors: per instance from its id (golden-ratio hue steps, so neighbouring ids differ strongly and a given
 * annotation keeps its color across sessions); per category from 20 distinct colors by the category's position in
 * the dataset (enough for PASCAL VOC's classes), golden-ratio hues beyond. Written here rather than taken from a
 * library: it is a dozen lines and the palettes in reach (ControlsFX, JavaFX charts) are not indexable.
 */
public final class ColorPalette {
    /**
     * Sasha Trubetskoy's "20 simple, distinct colors" (0xRRGGBB), chosen to be told apart by most viewers; an
     * arithmetic hue sequence put classes that co-occur in VOC (person, sofa) next to each other on the wheel.
     */
    private static final int[] CATEGORY = {
        0xE6194B, 0x3CB44B, 0xFFE119, 0x4363D8, 0xF58231, 0x911EB4, 0x42D4F4, 0xF032E6, 0xBFEF45, 0xFABED4,
        0x469990, 0xDCBEFF, 0x9A6324, 0xFFFAC8, 0x800000, 0xAAFFC3, 0x808000, 0xFFD8B1, 0x000075, 0xA9A9A9
    };

    private static final double GOLDEN = 0.618033988749895;

    private ColorPalette() {}

    /** 0xRRGGBB for an instance id. */
    public static int instanceRgb(long id) {
        double h = ((id * GOLDEN) % 1.0 + 1.0) % 1.0;
        return hsb(h * 360, 0.80, 0.95);
    }

    /** 0xRRGGBB for the category at {@code index} in the dataset's category list. */
    public static int categoryRgb(int index) {
        if (index >= 0 && index < CATEGORY.length) return CATEGORY[index];
        return hsb(((index * GOLDEN) % 1.0) * 360, 0.70, 0.90);
    }

    public static Color toColor(int rgb) {
        return Color.rgb((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF);
    }

    public static String toWeb(int rgb) {
        return String.format("#%06X", rgb & 0xFFFFFF);
    }

    static int hsb(double hue, double sat, double bri) {
        Color c = Color.hsb(hue, sat, bri);
        return ((int) Math.round(c.getRed() * 255) << 16)
                | ((int) Math.round(c.getGreen() * 255) << 8)
                | (int) Math.round(c.getBlue() * 255);
    }
}
