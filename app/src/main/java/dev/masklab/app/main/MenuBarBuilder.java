package dev.masklab.app.main;

import dev.masklab.app.action.ActionFactory;
import dev.masklab.app.action.StandardAction;
import dev.masklab.app.canvas.LayerSettings;
import javafx.beans.binding.Bindings;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;

/** The window's menu bar, built from the action table: File, Edit, View, Model, Help. */
final class MenuBarBuilder {
    private MenuBarBuilder() {}

    static MenuBar build(ActionFactory actions, MainViewModel vm, Menu recentMenu) {
        MenuItem save = actions.menuItem(StandardAction.SAVE);
        save.setId("saveItem");
        Menu file = new Menu(
                "File",
                null,
                actions.menuItem(StandardAction.OPEN_DATASET),
                recentMenu,
                new SeparatorMenuItem(),
                save,
                actions.menuItem(StandardAction.SAVE_AS),
                new SeparatorMenuItem(),
                actions.menuItem(StandardAction.LOAD_PREDICTIONS),
                actions.menuItem(StandardAction.CLOSE_PREDICTIONS),
                new SeparatorMenuItem(),
                actions.menuItem(StandardAction.EXIT));

        MenuItem undo = actions.menuItem(StandardAction.UNDO);
        undo.setId("undoItem");
        undo.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> vm.document().undoLabelProperty().get().isEmpty()
                                ? "Undo"
                                : "Undo " + vm.document().undoLabelProperty().get(),
                        vm.document().undoLabelProperty()));
        MenuItem redo = actions.menuItem(StandardAction.REDO);
        redo.setId("redoItem");
        redo.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> vm.document().redoLabelProperty().get().isEmpty()
                                ? "Redo"
                                : "Redo " + vm.document().redoLabelProperty().get(),
                        vm.document().redoLabelProperty()));
        Menu edit = new Menu(
                "Edit",
                null,
                undo,
                redo,
                new SeparatorMenuItem(),
                actions.menuItem(StandardAction.ACCEPT),
                actions.menuItem(StandardAction.ACCEPT_AS),
                actions.menuItem(StandardAction.ACCEPT_ALL),
                actions.menuItem(StandardAction.DELETE),
                actions.menuItem(StandardAction.TOGGLE_CROWD),
                actions.menuItem(StandardAction.ADD_PART),
                actions.menuItem(StandardAction.DELETE_PART),
                actions.menuItem(StandardAction.CONVERT_TO_POLYGONS),
                actions.menuItem(StandardAction.CONVERT_TO_MASK),
                new SeparatorMenuItem(),
                actions.menuItem(StandardAction.PLACE_SKELETON),
                actions.menuItem(StandardAction.KEYPOINT_VISIBLE),
                actions.menuItem(StandardAction.KEYPOINT_HIDDEN),
                new SeparatorMenuItem(),
                new Menu(
                        "Categories",
                        null,
                        actions.menuItem(StandardAction.CATEGORY_ADD),
                        actions.menuItem(StandardAction.CATEGORY_RENAME),
                        actions.menuItem(StandardAction.CATEGORY_MERGE),
                        actions.menuItem(StandardAction.CATEGORY_DELETE)),
                new SeparatorMenuItem(),
                actions.menuItem(StandardAction.NEXT_INSTANCE),
                actions.menuItem(StandardAction.PREVIOUS_INSTANCE),
                new SeparatorMenuItem(),
                actions.menuItem(StandardAction.NEXT_PENDING),
                actions.menuItem(StandardAction.NEXT_PENDING_LOWEST),
                actions.menuItem(StandardAction.MARK_DONE));

        LayerSettings ls = vm.layers();
        Menu view = new Menu(
                "View",
                null,
                actions.checkItem(StandardAction.TOGGLE_MASKS, ls.masksProperty()),
                actions.checkItem(StandardAction.TOGGLE_OUTLINES, ls.outlinesProperty()),
                actions.checkItem(StandardAction.TOGGLE_BOXES, ls.boxesProperty()),
                actions.checkItem(StandardAction.TOGGLE_LABELS, ls.labelsProperty()),
                actions.checkItem(StandardAction.TOGGLE_KEYPOINTS, ls.keypointsProperty()),
                new SeparatorMenuItem(),
                actions.menuItem(StandardAction.ZOOM_IN),
                actions.menuItem(StandardAction.ZOOM_OUT),
                actions.menuItem(StandardAction.FIT),
                actions.menuItem(StandardAction.ACTUAL_SIZE),
                new SeparatorMenuItem(),
                actions.menuItem(StandardAction.NEXT_IMAGE),
                actions.menuItem(StandardAction.PREVIOUS_IMAGE));
        Menu help = new Menu(
                "Help", null, actions.menuItem(StandardAction.SHORTCUTS), actions.menuItem(StandardAction.ABOUT));
        Menu model = new Menu(
                "Model",
                null,
                actions.menuItem(StandardAction.RUN_MODEL),
                actions.menuItem(StandardAction.STOP_PREDICTION),
                actions.menuItem(StandardAction.UNLOAD_MODEL),
                actions.menuItem(StandardAction.EXPORT_MODEL),
                new SeparatorMenuItem(),
                actions.menuItem(StandardAction.TRAIN),
                actions.menuItem(StandardAction.FINE_TUNE_LABELLED),
                actions.menuItem(StandardAction.EVALUATE));
        MenuBar bar = new MenuBar(file, edit, view, model, help);
        bar.setId("menuBar");
        return bar;
    }
}
