package dev.masklab.app.edit;

import dev.masklab.app.document.DatasetService;
import dev.masklab.app.model.Instance;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.app.model.PredictionSet;
import dev.masklab.coco.CocoAnnotation;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoReader;
import dev.masklab.coco.CocoWriter;
import dev.masklab.coco.Segmentation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** The shared datasets the edit tests work on, and the bytes CocoWriter makes of a dataset. */
final class EditTestData {
    static final Path PERSON = AnnotationEditorTest.PERSON;
    static final Path LABELME = AnnotationEditorTest.SHARED.resolve("data/labelme-voc/annotations.json");

    private EditTestData() {}

    static CocoDataset read(Path file) throws IOException {
        return CocoReader.read(file);
    }

    /** The file {@link CocoWriter} writes for the dataset. */
    static byte[] bytes(CocoDataset coco) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            CocoWriter.write(coco, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The person dataset with the fixture's detections (predictions with masks and keypoints). */
    static PredictionSet personPredictions(LoadedDataset ds) throws IOException {
        return new DatasetService().loadPredictions(AnnotationEditorTest.DETECTIONS, ds);
    }

    static LoadedDataset loadPerson() throws IOException {
        return new DatasetService().load(PERSON, n -> {});
    }

    static List<Instance> predictionsWithMasks(PredictionSet ps) {
        return ps.byImage().values().stream()
                .flatMap(List::stream)
                .filter(Instance::hasMask)
                .toList();
    }

    /** Non-crowd polygon annotations. */
    static List<CocoAnnotation> polygonAnnotations(CocoDataset coco) {
        return coco.annotations().stream()
                .filter(a -> a.segmentation() instanceof Segmentation.Polygons && !a.isCrowd())
                .toList();
    }

    static List<double[]> polygons(CocoAnnotation a) {
        return ((Segmentation.Polygons) a.segmentation()).polygons();
    }
}
