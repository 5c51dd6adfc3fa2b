package dev.masklab.synth;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.List;

/**
 * Rasterises a {@link Scene} with Java2D, without anti-aliasing so each pixel belongs to exactly one object: the
 * colour image, and a label map (object index + 1 per pixel, 0 for background) drawn with the very same fills,
 * from which occlusion and keypoint visibility are computed.
 */
final class SceneRenderer {
    private SceneRenderer() {}

    /** The RGB image: background texture, then every object's polygons filled in drawing order. */
    static BufferedImage render(Scene scene) {
        BufferedImage img = new BufferedImage(scene.width(), scene.height(), BufferedImage.TYPE_INT_RGB);
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        scene.background().paint(px, scene.width(), scene.height());
        fillAll(img, scene.objects(), false);
        return img;
    }

    /** Row-major label map: for each pixel the 1-based index of the topmost object covering it, 0 if none. */
    static int[] labels(Scene scene) {
        BufferedImage img = new BufferedImage(scene.width(), scene.height(), BufferedImage.TYPE_INT_RGB);
        fillAll(img, scene.objects(), true);
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < px.length; i++) px[i] &= 0xFFFFFF;
        return px;
    }

    private static void fillAll(BufferedImage img, List<SceneObject> objects, boolean labels) {
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            for (int i = 0; i < objects.size(); i++) {
                SceneObject o = objects.get(i);
                g.setColor(new Color(labels ? i + 1 : o.rgb()));
                for (double[] p : o.polygons()) g.fill(path(p));
            }
        } finally {
            g.dispose();
        }
    }

    static Path2D.Double path(double[] xy) {
        Path2D.Double path = new Path2D.Double(Path2D.WIND_NON_ZERO, xy.length / 2);
        path.moveTo(xy[0], xy[1]);
        for (int i = 2; i < xy.length; i += 2) path.lineTo(xy[i], xy[i + 1]);
        path.closePath();
        return path;
    }
}
