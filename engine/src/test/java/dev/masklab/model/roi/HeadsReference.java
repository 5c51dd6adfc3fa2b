package dev.masklab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.masklab.model.ParityReferences;
import dev.masklab.model.io.Npz;
import dev.masklab.model.io.PthLoader;
import dev.masklab.model.io.StateDict;
import dev.masklab.model.ops.Interpolate;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test fixture: one torchvision parity reference opened for the RoI-head tests: its weights, its tensors, the FPN
 * features as (1, C, H, W) arrays, the resized (unpadded) image size and the original-to-resized ratios.
 */
final class HeadsReference implements AutoCloseable {
    final ParityReferences.Reference ref;
    final NDManager manager;
    final StateDict weights;
    final Npz npz;
    final int origH;
    final int origW;
    final int inH;
    final int inW;
    /** torchvision's resize_boxes ratios (original / resized, float32). */
    final float ratioH;

    final float ratioW;

    HeadsReference(ParityReferences.Reference ref) throws IOException {
        this.ref = ref;
        this.manager = NDManager.newBaseManager();
        this.weights = PthLoader.load(ref.pth(), manager);
        this.npz = Npz.open(ref.npz());
        long[] image = ref.shape("image");
        origH = (int) image[1];
        origW = (int) image[2];
        // GeneralizedRCNNTransform: scale = min(800 / min side, 1333 / max side) in float32, where torch's
        // python-scalar / tensor is reciprocal(tensor) * scalar; then size = floor(side * scale) in double
        float scale = Math.min((1f / Math.min(origH, origW)) * 800f, (1f / Math.max(origH, origW)) * 1333f);
        inH = Interpolate.scaledSize(origH, scale);
        inW = Interpolate.scaledSize(origW, scale);
        ratioH = (float) origH / (float) inH;
        ratioW = (float) origW / (float) inW;
    }

    List<int[]> imageSizes() {
        return List.of(new int[] {inH, inW});
    }

    float[] floats(String name) throws IOException {
        return npz.floats(name);
    }

    NDArray array(String name) throws IOException {
        return npz.get(name, manager);
    }

    /** FPN levels "0".."3" as (1, C, H, W). */
    Map<String, NDArray> features() throws IOException {
        Map<String, NDArray> f = new LinkedHashMap<>();
        for (String n : RoiHeads.FEATURE_NAMES) {
            NDArray a = array("features." + n);
            Shape s = a.getShape();
            f.put(n, a.reshape(1, s.get(0), s.get(1), s.get(2)));
        }
        return f;
    }

    /** The reference's detected boxes mapped back from the original image to the resized one (float32 division). */
    float[] detectionBoxesResized() throws IOException {
        float[] b = floats("detections.boxes").clone();
        for (int i = 0; i < b.length; i += 4) {
            b[i] /= ratioW;
            b[i + 1] /= ratioH;
            b[i + 2] /= ratioW;
            b[i + 3] /= ratioH;
        }
        return b;
    }

    int[] detectionLabels() throws IOException {
        float[] l = floats("detections.labels");
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            out[i] = Math.round(l[i]);
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        npz.close();
        weights.close();
        manager.close();
    }
}
