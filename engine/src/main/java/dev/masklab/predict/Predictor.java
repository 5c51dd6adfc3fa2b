package dev.masklab.predict;

import dev.masklab.image.ImageDecoder;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.masklab.coco.Rle;
import dev.masklab.model.ImageTransform;
import dev.masklab.model.MaskRcnn;
import dev.masklab.model.MaskRcnnConfig;
import dev.masklab.model.MaskRcnnOutput;
import dev.masklab.model.ModelCheckpoint;
import dev.masklab.model.ops.Autograd;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The prediction API for the app and the CLI: images in, {@link Instance}s out (original image coordinates, masks
 * as RLE of the pasted probability > 0.5, keypoints with scores, COCO category ids). Batches run image by image
 * with a cancel flag checked between images and a progress callback. Thread-safe: calls are synchronised on the
 * predictor, so it can run off the UI thread (use one predictor per thread for parallelism).
 */
public final class Predictor implements AutoCloseable {
  /**
   * @param scoreThreshold box score threshold (torchvision's box_score_thresh, default 0.05)
   * @param device where to run ({@link #defaultDevice()})
   * @param legacyEps FrozenBatchNorm eps 0, as torchvision's original COCO checkpoints
   */
  public record Options(float scoreThreshold, Device device, boolean legacyEps) {
    public static Options defaults() {
      return new Options(0.05f, defaultDevice(), false);
    }
  }

  private final MaskRcnn model;
  private final long[] categoryIds;

  private Predictor(MaskRcnn model) {
    this.model = model;
    MaskRcnnConfig cfg = model.config();
    ModelCheckpoint.Meta meta = model.meta();
    categoryIds = new long[cfg.numClasses()];
    for (int label = 0; label < categoryIds.length; label++) {
      // torchvision's COCO weights: the label is the COCO category id; a checkpoint carries its own map
      categoryIds[label] = meta != null && label < meta.categoryIds().size() ? meta.categoryIds().get(label) : label;
    }
  }

  /** GPU 0 when DJL's PyTorch engine sees CUDA, else the CPU. */
  public static Device defaultDevice() {
    return gpuCount() > 0 ? Device.gpu() : Device.cpu();
  }

  /** CUDA devices DJL's PyTorch engine sees (0 when it sees none or cannot start). */
  public static int gpuCount() {
    try {
      return Engine.getEngine("PyTorch").getGpuCount();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /**
   * Opens a model.
   *
   * @param weights torchvision .pth state dict or MaskLab checkpoint
   * @param arch architecture for a .pth (ignored for checkpoints, may be null then)
   */
  public static Predictor open(Path weights, String arch, Options options) throws IOException {
    MaskRcnn m = MaskRcnn.load(weights, arch, cfg -> {
      MaskRcnnConfig c = cfg.withBoxScoreThresh(options.scoreThreshold());
      return options.legacyEps() ? c.withBnEps(0f) : c;
    }, options.device());
    return new Predictor(m);
  }

  public MaskRcnnConfig config() {
    return model.config();
  }

  public MaskRcnn model() {
    return model;
  }

  /** COCO category id of a model label. */
  public long categoryId(int label) {
    return categoryIds[label];
  }

  /** Instances in one image. */
  public synchronized List<Instance> predict(BufferedImage image) {
    Autograd.noGradOnThisThread();
    try (NDManager tmp = model.manager().newSubManager()) {
      NDArray t = toTensor(image, tmp);
      return instances(model.detect(List.of(t)).get(0));
    }
  }

  /** Instances in one image file. */
  public List<Instance> predict(Path imageFile) throws IOException {
    return predict(readImage(imageFile));
  }

  /**
   * Instances of each image file, in order. Checks {@code cancelled} before each image and reports progress after
   * each.
   *
   * @throws PredictionCancelledException when cancelled (holding the results done so far)
   */
  public List<List<Instance>> predictFiles(List<Path> files, BooleanSupplier cancelled, ProgressListener progress)
      throws IOException {
    List<List<Instance>> out = new ArrayList<>();
    for (Path f : files) {
      if (cancelled != null && cancelled.getAsBoolean()) {
        throw new PredictionCancelledException(out);
      }
      out.add(predict(f));
      if (progress != null) {
        progress.progress(out.size(), files.size());
      }
    }
    return out;
  }

  /** Same as {@link #predictFiles} for images in memory. */
  public List<List<Instance>> predictImages(List<BufferedImage> images, BooleanSupplier cancelled,
      ProgressListener progress) {
    List<List<Instance>> out = new ArrayList<>();
    for (BufferedImage img : images) {
      if (cancelled != null && cancelled.getAsBoolean()) {
        throw new PredictionCancelledException(out);
      }
      out.add(predict(img));
      if (progress != null) {
        progress.progress(out.size(), images.size());
      }
    }
    return out;
  }

  /** Converts the model's output for one image into instances (masks pasted and RLE-encoded one at a time). */
  List<Instance> instances(MaskRcnnOutput o) {
    List<Instance> out = new ArrayList<>(o.size());
    float[] b = o.detections().boxes();
    int k = o.numKeypoints();
    for (int i = 0; i < o.size(); i++) {
      int label = o.detections().labels()[i];
      Rle mask = o.hasMasks() ? Rle.encode(o.binaryMask(i), o.height(), o.width()) : null;
      float[] kp = null;
      float[] kpScores = null;
      if (o.hasKeypoints()) {
        kp = java.util.Arrays.copyOfRange(o.keypoints(), i * k * 3, (i + 1) * k * 3);
        kpScores = java.util.Arrays.copyOfRange(o.keypointScores(), i * k, (i + 1) * k);
      }
      out.add(new Instance(new double[] {b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]}, label,
          categoryIds[label], o.detections().scores()[i], mask, kp, kpScores));
    }
    return out;
  }

  /**
   * Reads an image file with PIL's pixel values ({@link ImageDecoder}); a clear message names the file when it is
   * missing or not an image.
   */
  public static BufferedImage readImage(Path file) throws IOException {
    return ImageDecoder.read(file);
  }

  /** torchvision's to_tensor of the image's RGB pixels (alpha dropped, grey expanded). */
  public static NDArray toTensor(BufferedImage img, NDManager m) {
    int h = img.getHeight();
    int w = img.getWidth();
    int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
    byte[] rgb = new byte[h * w * 3];
    for (int i = 0; i < argb.length; i++) {
      rgb[3 * i] = (byte) (argb[i] >> 16);
      rgb[3 * i + 1] = (byte) (argb[i] >> 8);
      rgb[3 * i + 2] = (byte) argb[i];
    }
    return ImageTransform.toTensor(rgb, h, w, m);
  }

  @Override
  public synchronized void close() {
    model.close();
  }
}
