package dev.masklab.app.canvas;

import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.Instance;
import dev.masklab.app.model.InstanceMask;
import dev.masklab.app.task.DaemonThreads;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import javafx.concurrent.Task;
import javafx.scene.image.Image;

/**
 * Decodes a shown image and rasterizes its instances' masks off the FX thread, one image at a time (a newer request
 * cancels the older one). The display image may be smaller than the annotation size (very large images are
 * downsampled for display only); masks are rasterized at the display size.
 */
final class ImageLoader {
    private static final ExecutorService LANE = DaemonThreads.serial("image-loader");

    /** A decoded image: the loaded pixels (or an error), the display size and each instance's mask. */
    record Decoded(ImageService.Loaded loaded, int dispW, int dispH, Map<Instance, InstanceMask> masks) {}

    private final ImageService images = new ImageService();
    private Task<Decoded> pending;

    /** Image width in annotation coordinates: the dataset's, else the decoded image's. */
    static int imageW(ImageEntry e, Image img) {
        return e.width() > 0 ? e.width() : img != null ? (int) img.getWidth() : 1;
    }

    static int imageH(ImageEntry e, Image img) {
        return e.height() > 0 ? e.height() : img != null ? (int) img.getHeight() : 1;
    }

    /** Cancels the pending load, if any. */
    void cancel() {
        if (pending != null) pending.cancel(false);
        pending = null;
    }

    /** Starts decoding {@code e} with {@code instances}; {@code done} / {@code failed} run on the FX thread. */
    void load(ImageEntry e, List<Instance> instances, Consumer<Decoded> done, Consumer<Throwable> failed) {
        cancel();
        Task<Decoded> task = new Task<>() {
            @Override
            protected Decoded call() {
                ImageService.Loaded l = images.loadBlocking(e);
                int iw = imageW(e, l.image()), ih = imageH(e, l.image());
                int dw = iw, dh = ih;
                if (l.ok() && (l.image().getWidth() < iw || l.image().getHeight() < ih)) {
                    dw = (int) l.image().getWidth();
                    dh = (int) l.image().getHeight();
                }
                Map<Instance, InstanceMask> m = new IdentityHashMap<>();
                for (Instance inst : instances) {
                    if (isCancelled()) return null;
                    InstanceMask im = rasterize(inst, iw, ih, dw, dh);
                    if (im != null) m.put(inst, im);
                }
                return new Decoded(l, dw, dh, m);
            }
        };
        task.setOnSucceeded(ev -> {
            if (task.getValue() != null) done.accept(task.getValue());
        });
        task.setOnFailed(ev -> failed.accept(task.getException()));
        pending = task;
        LANE.submit(task);
    }

    /** The mask of {@code inst} at display size, or null (no segmentation, or a broken one: its box is drawn). */
    static InstanceMask rasterize(Instance inst, int iw, int ih, int dw, int dh) {
        try {
            return MaskRasterizer.rasterize(inst, iw, ih, dw, dh);
        } catch (RuntimeException ex) {
            return null; // a broken segmentation must not hide the other instances
        }
    }
}
