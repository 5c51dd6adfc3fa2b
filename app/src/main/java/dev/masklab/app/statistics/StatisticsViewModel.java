package dev.masklab.app.statistics;

import dev.masklab.app.model.CategoryInfo;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.Instance;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.app.model.SizeClass;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Dataset statistics for the statistics view: instances per category, instance sizes by COCO's area classes, images
 * without annotations, crowd regions.
 */
public record StatisticsViewModel(
        List<CategoryCount> perCategory,
        Map<SizeClass, Integer> sizes,
        int images,
        int imagesWithoutAnnotations,
        int instances,
        int crowd) {

    public record CategoryCount(int categoryId, String name, int count) {}

    public static StatisticsViewModel of(LoadedDataset ds) {
        return of(ds.images(), ds.categories());
    }

    /** Statistics of {@code images} (the view-model's list, which follows edits). */
    public static StatisticsViewModel of(List<ImageEntry> images, List<CategoryInfo> categories) {
        Map<Integer, Integer> counts = new HashMap<>();
        Map<SizeClass, Integer> sizes = new EnumMap<>(SizeClass.class);
        for (SizeClass s : SizeClass.values()) sizes.put(s, 0);
        int empty = 0, instances = 0, crowd = 0;
        for (ImageEntry e : images) {
            if (e.annotations().isEmpty()) empty++;
            for (Instance a : e.annotations()) {
                instances++;
                if (a.crowd()) crowd++;
                counts.merge(a.categoryId(), 1, Integer::sum);
                sizes.merge(a.sizeClass(), 1, Integer::sum);
            }
        }
        List<CategoryCount> per = new ArrayList<>();
        for (CategoryInfo c : categories) per.add(new CategoryCount(c.id(), c.name(), counts.getOrDefault(c.id(), 0)));
        return new StatisticsViewModel(List.copyOf(per), Map.copyOf(sizes), images.size(), empty, instances, crowd);
    }
}
