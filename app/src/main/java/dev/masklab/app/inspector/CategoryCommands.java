package dev.masklab.app.inspector;

import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.CategoryRow;
import java.util.List;

/**
 * The category commands of Edit &gt; Categories and the categories panel: add, rename, merge and delete, each asked
 * through the dialogs and one undoable edit ({@code CategoryEditor}); the rows follow ({@code DocumentSync}).
 */
public final class CategoryCommands {
    private final MainViewModel vm;

    public CategoryCommands(MainViewModel vm) {
        this.vm = vm;
    }

    /**
     * Adds a category named by the user (asked through the dialogs); its id is one above the largest. Returns the id,
     * or -1 when cancelled or the name is taken (said in an error).
     */
    public long addCategory() {
        if (!vm.sync().editable()) return -1;
        var name = vm.document().dialogs().askText("New category", "Name:", "");
        if (name.isEmpty()) return -1;
        try {
            long id = vm.editor()
                    .categories()
                    .add(name.get().strip(), null, "Add category " + name.get().strip());
            vm.sync().afterDatasetEdit("Added category " + name.get().strip());
            return id;
        } catch (IllegalArgumentException ex) {
            vm.document().dialogs().showError("Cannot add category " + name.get(), ex.getMessage());
            return -1;
        }
    }

    /** Renames {@code row}'s category to a name asked through the dialogs; false when cancelled or refused. */
    public boolean renameCategory(CategoryRow row) {
        if (!vm.sync().editable() || row == null) return false;
        var name = vm.document().dialogs().askText("Rename category " + row.name(), "New name:", row.name());
        if (name.isEmpty()) return false;
        String n = name.get().strip();
        try {
            if (!vm.editor().categories().rename(row.id(), n, "Rename category " + row.name() + " to " + n))
                return false;
        } catch (IllegalArgumentException ex) {
            vm.document().dialogs().showError("Cannot rename category " + row.name(), ex.getMessage());
            return false;
        }
        vm.sync().afterDatasetEdit("Renamed category " + row.name() + " to " + n);
        return true;
    }

    /**
     * Merges {@code row}'s category into another one chosen through the dialogs: its annotations get that category
     * and it is removed (one undo). Returns the number of annotations re-labelled, -1 when cancelled or refused.
     */
    public int mergeCategory(CategoryRow row) {
        if (!vm.sync().editable() || row == null) return -1;
        List<CategoryRow> others =
                vm.categories().rows().stream().filter(r -> r.id() != row.id()).toList();
        if (others.isEmpty()) return -1;
        var into = vm.document()
                .dialogs()
                .choose(
                        "Merge " + row.name() + " into",
                        "Its " + row.count() + " annotations get the category chosen here, and " + row.name()
                                + " is removed.",
                        others,
                        others.getFirst());
        if (into.isEmpty()) return -1;
        try {
            int n = vm.editor()
                    .categories()
                    .merge(
                            row.id(),
                            into.get().id(),
                            "Merge category " + row.name() + " into "
                                    + into.get().name());
            vm.sync()
                    .afterDatasetEdit(
                            "Merged " + row.name() + " into " + into.get().name() + " (" + n + " annotations)");
            return n;
        } catch (IllegalArgumentException ex) {
            vm.document()
                    .dialogs()
                    .showError(
                            "Cannot merge " + row.name() + " into " + into.get().name(), ex.getMessage());
            return -1;
        }
    }

    /**
     * Deletes {@code row}'s category and its annotations after asking (through the dialogs, with the number of
     * annotations). Returns the number deleted, -1 when not confirmed.
     */
    public int deleteCategory(CategoryRow row) {
        if (!vm.sync().editable() || row == null) return -1;
        int n = vm.editor().categories().annotationCount(row.id());
        if (!vm.document()
                .dialogs()
                .confirm(
                        "Delete category " + row.name() + " and its " + n + (n == 1 ? " annotation?" : " annotations?"),
                        "Undo brings them back.",
                        "Delete")) return -1;
        vm.editor().categories().delete(row.id(), "Delete category " + row.name());
        vm.sync().afterDatasetEdit("Deleted category " + row.name() + " (" + n + " annotations)");
        return n;
    }
}
