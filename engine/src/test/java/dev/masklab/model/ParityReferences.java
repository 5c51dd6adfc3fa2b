package dev.masklab.model;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Test helper: the torchvision parity references (folders with {@code model.pth}, {@code tensors.npz} and
 * {@code manifest.json}, written by {@code shared/tools/torchvision_reference.py}). They are found by a recursive
 * search for {@code manifest.json} under the folder named by the environment variable {@code MASKLAB_PARITY_DIR}
 * when set, else under {@code <masklab.root>/engine/target/parity}. A folder counts once its manifest exists.
 *
 * <p>Use {@link #require()} in a test to skip it (JUnit assumption) when there are none.
 */
public final class ParityReferences {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ParityReferences() {}

    /** One reference folder. */
    public record Reference(Path dir, JsonNode manifest) {
        public Path pth() {
            return dir.resolve("model.pth");
        }

        public Path npz() {
            return dir.resolve("tensors.npz");
        }

        /** "maskrcnn" or "keypointrcnn". */
        public String model() {
            return manifest.path("model").asText();
        }

        public boolean legacy() {
            return manifest.path("legacy").asBoolean(false);
        }

        /** FrozenBatchNorm2d eps of this checkpoint (0 for the legacy COCO form, else 1e-5). */
        public float frozenBnEps() {
            return (float) manifest.path("frozen_bn_eps").asDouble(1e-5);
        }

        /** The shape recorded in the manifest for a tensors.npz array. */
        public long[] shape(String name) {
            JsonNode s = manifest.path("shapes").path(name);
            long[] out = new long[s.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = s.get(i).asLong();
            }
            return out;
        }

        /** The folder name relative to the search root's parent, for test names. */
        public String name() {
            return dir.getParent().getFileName() + "/" + dir.getFileName();
        }

        @Override
        public String toString() {
            return name();
        }
    }

    /** The folder searched: {@code $MASKLAB_PARITY_DIR}, else {@code <masklab.root>/engine/target/parity}. */
    public static Path root() {
        String env = System.getenv("MASKLAB_PARITY_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("masklab.root", ".")).resolve("engine/target/parity");
    }

    /** Every complete reference under {@link #root()}, sorted by path (empty when there are none). */
    public static List<Reference> all() {
        Path root = root();
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s =
                Files.walk(root, java.nio.file.FileVisitOption.FOLLOW_LINKS)) { // a linked folder counts too
            return s.filter(p -> p.getFileName().toString().equals("manifest.json"))
                    .map(Path::getParent)
                    .filter(d -> Files.isRegularFile(d.resolve("model.pth"))
                            && Files.isRegularFile(d.resolve("tensors.npz")))
                    .sorted()
                    .map(ParityReferences::read)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #all()}, skipping the calling test (assumption) when there are none. */
    public static List<Reference> require() {
        List<Reference> refs = all();
        assumeTrue(
                !refs.isEmpty(),
                "no parity references under " + root()
                        + " (set MASKLAB_PARITY_DIR or generate them with shared/tools/torchvision_reference.py)");
        return refs;
    }

    private static Reference read(Path dir) {
        try {
            return new Reference(dir, JSON.readTree(dir.resolve("manifest.json").toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve("manifest.json"), e);
        }
    }

    /** max |a - b| over all elements (arrays of equal length). */
    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }

    /** max |x| over all elements. */
    public static double maxAbs(float[] a) {
        double m = 0;
        for (float x : a) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    /** max|actual - ref| / max|ref| (0 when both are all zero). */
    public static double relativeError(float[] actual, float[] ref) {
        double d = maxAbsDiff(actual, ref);
        double s = maxAbs(ref);
        return s == 0 ? d : d / s;
    }
}
