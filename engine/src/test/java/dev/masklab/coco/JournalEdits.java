package dev.masklab.coco;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Random;

/** Deterministic edits for the journal tests: the same (state, round, k) always gives the same change. */
final class JournalEdits {
    private JournalEdits() {}

    /** A small dataset: 6 images, 2 categories, 30 annotations, pretty-printed with 2 spaces. */
    static CocoDataset dataset() {
        CocoDataset ds = new CocoDataset();
        ds.addCategory(new CocoCategory(1, "thing", "all"));
        ds.addCategory(new CocoCategory(2, "other", "all"));
        for (int i = 1; i <= 6; i++) {
            ds.addImage(new CocoImage(i, "im" + i + ".jpg", 64, 48, new java.util.LinkedHashMap<>()));
        }
        for (int i = 1; i <= 30; i++) ds.addAnnotation(box(i, 1 + i % 6, 1 + i % 2, i % 50, i % 40));
        ds.setLayout(JsonLayout.pretty("  "));
        return ds;
    }

    static CocoAnnotation box(long id, long imageId, long categoryId, double x, double y) {
        return new CocoAnnotation(id, imageId, categoryId)
                .setSegmentation(Segmentation.polygons(List.of(new double[] {x, y, x + 5, y, x + 5, y + 4, x, y + 4})))
                .setArea(20.0)
                .setBbox(new double[] {x, y, 5, 4})
                .setIscrowd(0);
    }

    /** Edit number {@code k} of round {@code round} for the dataset's current state (not applied). */
    static EditJournal.Op edit(CocoDataset ds, long round, int k) {
        Random r = new Random(round * 1_000_003L + k);
        List<CocoAnnotation> anns = ds.annotations();
        int n = anns.size();
        int kind = n < 5 ? 1 : r.nextInt(3);
        return switch (kind) {
            case 0 -> {
                CocoAnnotation a = anns.get(r.nextInt(n));
                yield new EditJournal.Replace(a.withId(a.id())
                        .setCategoryId(1 + r.nextInt(2))
                        .setBbox(new double[] {round, k, 1 + r.nextInt(9), 0.5 + r.nextInt(9)}));
            }
            case 1 -> {
                long id = 1_000_000 + round * 10_000 + k;
                yield new EditJournal.Insert(
                        r.nextInt(n + 1),
                        box(id, 1 + r.nextInt(6), 1 + r.nextInt(2), r.nextInt(50), r.nextDouble() * 40));
            }
            default -> new EditJournal.Remove(anns.get(r.nextInt(n)).id());
        };
    }

    /** The dataset's content as compact JSON (formatting aside), for comparing states. */
    static String canonical(CocoDataset ds) throws IOException {
        CocoDataset c = ds.shallowCopy();
        c.setLayout(JsonLayout.COMPACT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CocoWriter.write(c, out);
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
