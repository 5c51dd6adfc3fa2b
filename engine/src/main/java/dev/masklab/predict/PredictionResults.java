package dev.masklab.predict;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.masklab.io.Backup;
import dev.masklab.io.DurableFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A model's predictions as a COCO results file, the one format {@code masklab predict}, {@code masklab segment} and
 * the app write: per instance {@code image_id}, {@code category_id}, {@code bbox} (x, y, w, h), {@code score}, the
 * mask as compressed RLE ({@code segmentation}) and, for keypoint models, {@code keypoints} (x, y, v = 1 triples) with
 * the keypoint scores in an extra {@code keypoint_scores} field (pycocotools ignores it). Written durably
 * ({@link DurableFiles}); an existing file is kept as
 * {@code NAME.bak}.
 */
public final class PredictionResults {
    private static final JsonFactory JSON = new JsonFactory();

    private PredictionResults() {}

    /**
     * One predicted instance, the dataset image it belongs to and the bbox to write (x, y, w, h; the instance's box
     * unless given, e.g. a box prompt's own numbers).
     */
    public record Entry(long imageId, Instance instance, double[] bbox) {
        public Entry(long imageId, Instance instance) {
            this(imageId, instance, instance.bboxXywh());
        }
    }

    public static void write(List<Entry> entries, Path path) throws IOException {
        DurableFiles.write(
                path,
                os -> {
                    try (JsonGenerator g = JSON.createGenerator(os)) {
                        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                        g.writeStartArray();
                        for (Entry e : entries) {
                            Instance in = e.instance();
                            g.writeStartObject();
                            g.writeNumberField("image_id", e.imageId());
                            g.writeNumberField("category_id", in.categoryId());
                            double[] b = e.bbox();
                            g.writeFieldName("bbox");
                            g.writeArray(b, 0, 4);
                            g.writeNumberField("score", in.score());
                            if (in.mask() != null) {
                                g.writeObjectFieldStart("segmentation");
                                g.writeArrayFieldStart("size");
                                g.writeNumber(in.mask().h());
                                g.writeNumber(in.mask().w());
                                g.writeEndArray();
                                g.writeStringField("counts", in.mask().toCompressedString());
                                g.writeEndObject();
                            }
                            if (in.keypoints() != null) {
                                g.writeArrayFieldStart("keypoints");
                                for (float v : in.keypoints()) {
                                    g.writeNumber(v);
                                }
                                g.writeEndArray();
                                g.writeArrayFieldStart("keypoint_scores");
                                for (float v : in.keypointScores()) {
                                    g.writeNumber(v);
                                }
                                g.writeEndArray();
                            }
                            g.writeEndObject();
                        }
                        g.writeEndArray();
                    }
                },
                Backup.perSession());
    }
}
