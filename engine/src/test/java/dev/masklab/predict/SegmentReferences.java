package dev.masklab.predict;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.masklab.model.ParityReferences;
import dev.masklab.testing.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Test helper: the box-prompt parity references written by {@code bench/torchvision_segment_reference.py} (via
 * {@code bench/parity-references.sh}) under {@code <parity root>/segment/NAME/}: model.pth, gt.json, prompts.json,
 * expected.json, masks.npz (mask models) and segment.json. {@link #require()} skips the calling test when there are
 * none.
 */
public final class SegmentReferences {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SegmentReferences() {}

    /** One reference folder. */
    public record Reference(Path dir, JsonNode settings) {
        public Path pth() {
            return dir.resolve("model.pth");
        }

        public Path gt() {
            return dir.resolve("gt.json");
        }

        public Path prompts() {
            return dir.resolve("prompts.json");
        }

        public Path expected() {
            return dir.resolve("expected.json");
        }

        public Path masks() {
            return dir.resolve("masks.npz");
        }

        public boolean hasMasks() {
            return settings.path("model").asText().equals("maskrcnn");
        }

        public String arch() {
            return hasMasks() ? "maskrcnn_resnet50_fpn" : "keypointrcnn_resnet50_fpn";
        }

        public boolean legacy() {
            return settings.path("legacy").asBoolean(false);
        }

        /** The image file name (under the shared coco-person-kp folder). */
        public String image() {
            return settings.path("image").asText();
        }

        public String name() {
            return dir.getFileName().toString();
        }

        @Override
        public String toString() {
            return name();
        }
    }

    public static Path root() {
        return ParityReferences.root().resolve("segment");
    }

    /** Every complete reference (segment.json written last), sorted by name. */
    public static List<Reference> all() {
        Path root = root();
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(d -> Files.isRegularFile(d.resolve("segment.json"))
                            && Files.isRegularFile(d.resolve("model.pth")))
                    .sorted()
                    .map(d -> {
                        try {
                            return new Reference(
                                    d, JSON.readTree(d.resolve("segment.json").toFile()));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #all()}, skipping the calling test when there are none. */
    public static List<Reference> require() {
        List<Reference> refs = all();
        assumeTrue(
                !refs.isEmpty(),
                "no box-prompt references under " + root()
                        + " (generate them with bash bench/parity-references.sh; needs python3-torchvision)");
        return refs;
    }

    /** The shared test images (coco-person-kp). */
    public static Path images() {
        return SharedData.root().resolve("data/coco-person-kp");
    }
}
