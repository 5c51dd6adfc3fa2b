package dev.masklab.app.browser;

import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.Instance;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import javafx.beans.Observable;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.ObjectBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableSet;

/**
 * The image browser's filter: images having any of the chosen categories (none chosen: all), only images with crowd
 * regions, only images without annotations, and a case-insensitive file-name substring. All conditions must hold.
 */
public final class BrowserFilter {
    private final ObservableSet<Integer> categories = FXCollections.observableSet();
    private final BooleanProperty crowdOnly = new SimpleBooleanProperty(this, "crowdOnly", false);
    private final BooleanProperty unannotatedOnly = new SimpleBooleanProperty(this, "unannotatedOnly", false);
    private final StringProperty text = new SimpleStringProperty(this, "text", "");
    private final ObjectBinding<Predicate<ImageEntry>> predicate = Bindings.createObjectBinding(
            this::snapshot, new Observable[] {categories, crowdOnly, unannotatedOnly, text});

    public ObservableSet<Integer> categories() {
        return categories;
    }

    public BooleanProperty crowdOnlyProperty() {
        return crowdOnly;
    }

    public BooleanProperty unannotatedOnlyProperty() {
        return unannotatedOnly;
    }

    public StringProperty textProperty() {
        return text;
    }

    /** The current conditions as a predicate; a new value whenever any condition changes. */
    public ObjectBinding<Predicate<ImageEntry>> predicateBinding() {
        return predicate;
    }

    public void clear() {
        categories.clear();
        crowdOnly.set(false);
        unannotatedOnly.set(false);
        text.set("");
    }

    private Predicate<ImageEntry> snapshot() {
        Set<Integer> cats = Set.copyOf(categories);
        boolean crowd = crowdOnly.get(), empty = unannotatedOnly.get();
        String t = text.get() == null ? "" : text.get().trim().toLowerCase(Locale.ROOT);
        return e -> {
            if (empty && !e.annotations().isEmpty()) return false;
            if (crowd && !e.hasCrowd()) return false;
            if (!t.isEmpty() && !e.fileName().toLowerCase(Locale.ROOT).contains(t)) return false;
            if (!cats.isEmpty()) {
                for (Instance a : e.annotations()) if (cats.contains(a.categoryId())) return true;
                return false;
            }
            return true;
        };
    }
}
