package dev.masklab.app.main;

import dev.masklab.app.action.ActionFactory;
import dev.masklab.app.action.Command;
import dev.masklab.app.action.StandardAction;
import dev.masklab.app.canvas.LayerSettings;
import dev.masklab.app.canvas.Viewport;
import dev.masklab.app.canvas.tool.ToolKind;
import dev.masklab.app.dialog.DialogService;
import dev.masklab.app.document.DatasetDocument;
import dev.masklab.app.document.DocumentController;
import dev.masklab.app.edit.EditCommands;
import dev.masklab.app.inspector.CategoriesView;
import dev.masklab.app.model.CategoryRow;
import dev.masklab.app.prediction.ModelRunController;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.property.BooleanProperty;
import javafx.scene.control.Label;
import javafx.scene.control.TabPane;

/**
 * The window's one table of commands: each {@link StandardAction} bound to the feature command it runs and to when
 * it applies. Menus, tool bar and keys are built from it.
 */
final class ActionTable {
    private ActionTable() {}

    /** Binds every {@link StandardAction} to what it does in {@code view}: the one table of commands. */
    static void bind(MainView view, MainViewModel vm, DialogService dialogs) {
        ActionFactory actions = view.actions();
        DocumentController files = view.files();
        ModelRunController runs = view.modelRuns();
        Viewport viewport = view.viewport();
        DatasetDocument document = vm.document();
        CategoriesView categoriesView = view.categoriesView();
        Supplier<CategoryRow> category =
                () -> categoriesView.list().getSelectionModel().getSelectedItem();
        TabPane centerTabs = view.centerTabs();
        var noDataset = vm.datasetProperty().isNull();
        var predictionSelected = Bindings.createBooleanBinding(
                () -> vm.selection().selectedProperty().get() != null
                        && vm.selection().selectedProperty().get().prediction(),
                vm.selection().selectedProperty());
        var editable = vm.datasetProperty().isNotNull();
        var annotationSelected = Bindings.createBooleanBinding(
                () -> vm.selection().selectedProperty().get() != null
                        && !vm.selection().selectedProperty().get().prediction(),
                vm.selection().selectedProperty());
        var keypointSelected = vm.selection()
                .selectedKeypointProperty()
                .greaterThanOrEqualTo(0)
                .and(annotationSelected);
        var categorySelected = categoriesView
                .list()
                .getSelectionModel()
                .selectedItemProperty()
                .isNotNull()
                .and(editable);
        LayerSettings ls = vm.layers();
        actions.bind(StandardAction.OPEN_DATASET, Command.of(files::chooseDataset))
                .bind(
                        StandardAction.SAVE,
                        Command.of(
                                files::save,
                                vm.document()
                                        .dirtyProperty()
                                        .and(document.savingProperty().not())))
                .bind(
                        StandardAction.SAVE_AS,
                        Command.of(
                                document::saveAs,
                                noDataset.not().and(document.savingProperty().not())))
                .bind(StandardAction.LOAD_PREDICTIONS, Command.of(files::choosePredictions, noDataset.not()))
                .bind(
                        StandardAction.CLOSE_PREDICTIONS,
                        Command.of(
                                () -> vm.predictions().setPredictions(null),
                                vm.predictions().predictionsProperty().isNotNull()))
                .bind(StandardAction.EXIT, Command.of(() -> {
                    if (view.mayClose(Platform::exit)) Platform.exit();
                }))
                .bind(
                        StandardAction.UNDO,
                        Command.of(vm.edits()::undo, vm.document().canUndoProperty()))
                .bind(
                        StandardAction.REDO,
                        Command.of(vm.edits()::redo, vm.document().canRedoProperty()))
                .bind(StandardAction.ACCEPT, Command.of(vm.review()::acceptSelected, predictionSelected))
                .bind(StandardAction.ACCEPT_AS, Command.of(vm.review()::acceptSelectedAsChosen, predictionSelected))
                .bind(StandardAction.TOGGLE_CROWD, Command.of(vm.edits()::toggleSelectedCrowd, annotationSelected))
                .bind(StandardAction.ADD_PART, Command.of(vm.draw()::startAddPart, annotationSelected))
                .bind(
                        StandardAction.DELETE_PART,
                        Command.of(
                                vm.edits()::deleteSelectedPart,
                                vm.selection()
                                        .selectedPartProperty()
                                        .greaterThanOrEqualTo(0)
                                        .and(annotationSelected)))
                .bind(
                        StandardAction.CONVERT_TO_POLYGONS,
                        Command.of(
                                vm.edits()::convertSelectedToPolygons,
                                Bindings.createBooleanBinding(
                                        () -> EditCommands.convertibleToPolygons(vm.selection()
                                                .selectedProperty()
                                                .get()),
                                        vm.selection().selectedProperty())))
                .bind(
                        StandardAction.CONVERT_TO_MASK,
                        Command.of(
                                vm.edits()::convertSelectedToMask,
                                Bindings.createBooleanBinding(
                                        () -> EditCommands.convertibleToMask(vm.selection()
                                                .selectedProperty()
                                                .get()),
                                        vm.selection().selectedProperty())))
                .bind(
                        StandardAction.PLACE_SKELETON,
                        Command.of(
                                vm.keypoints()::placeSkeletonOnSelected,
                                Bindings.createBooleanBinding(
                                        () -> vm.categories()
                                                .skeletonPlaceable(vm.selection()
                                                        .selectedProperty()
                                                        .get()),
                                        vm.selection().selectedProperty())))
                .bind(
                        StandardAction.KEYPOINT_VISIBLE,
                        Command.of(() -> vm.keypoints().setSelectedKeypointVisibility(2), keypointSelected))
                .bind(
                        StandardAction.KEYPOINT_HIDDEN,
                        Command.of(() -> vm.keypoints().setSelectedKeypointVisibility(1), keypointSelected))
                .bind(StandardAction.CATEGORY_ADD, Command.of(vm.categoryEdits()::addCategory, editable))
                .bind(
                        StandardAction.CATEGORY_RENAME,
                        Command.of(() -> vm.categoryEdits().renameCategory(category.get()), categorySelected))
                .bind(
                        StandardAction.CATEGORY_MERGE,
                        Command.of(() -> vm.categoryEdits().mergeCategory(category.get()), categorySelected))
                .bind(
                        StandardAction.CATEGORY_DELETE,
                        Command.of(() -> vm.categoryEdits().deleteCategory(category.get()), categorySelected))
                .bind(
                        StandardAction.ACCEPT_ALL,
                        Command.of(
                                vm.review()::acceptAllShown,
                                Bindings.createBooleanBinding(
                                        () -> !vm.shown()
                                                .shownPredictionsProperty()
                                                .get()
                                                .isEmpty(),
                                        vm.shown().shownPredictionsProperty())))
                .bind(
                        StandardAction.DELETE,
                        Command.of(
                                vm.edits()::deleteSelected,
                                vm.selection().selectedProperty().isNotNull()))
                .bind(StandardAction.NEXT_INSTANCE, Command.of(vm.review()::selectNext, editable))
                .bind(StandardAction.PREVIOUS_INSTANCE, Command.of(vm.review()::selectPrevious, editable))
                .bind(
                        StandardAction.NEXT_PENDING,
                        Command.of(
                                () -> vm.review().nextPending(false),
                                editable.and(
                                        vm.predictions().predictionsProperty().isNotNull())))
                .bind(
                        StandardAction.NEXT_PENDING_LOWEST,
                        Command.of(
                                () -> vm.review().nextPending(true),
                                editable.and(
                                        vm.predictions().predictionsProperty().isNotNull())))
                .bind(StandardAction.ESCAPE, Command.of(() -> {
                    vm.tools().toolProperty().set(ToolKind.SELECT);
                    vm.selection().selectedProperty().set(null);
                }))
                .bind(
                        StandardAction.TOOL_BOX,
                        Command.of(() -> vm.tools().toolProperty().set(ToolKind.BOX), editable))
                .bind(
                        StandardAction.TOOL_POLYGON,
                        Command.of(() -> vm.tools().toolProperty().set(ToolKind.POLYGON), editable))
                .bind(
                        StandardAction.TOOL_BRUSH,
                        Command.of(() -> vm.tools().toolProperty().set(ToolKind.BRUSH), editable))
                .bind(
                        StandardAction.TOOL_ERASER,
                        Command.of(() -> vm.tools().toolProperty().set(ToolKind.ERASER), editable))
                .bind(
                        StandardAction.TOOL_PROMPT_BOX,
                        Command.of(() -> vm.tools().toolProperty().set(ToolKind.PROMPT_BOX), editable))
                .bind(
                        StandardAction.TOOL_PROMPT_POINT,
                        Command.of(() -> vm.tools().toolProperty().set(ToolKind.PROMPT_POINT), editable))
                .bind(
                        StandardAction.TOOL_KEYPOINT,
                        Command.of(() -> vm.tools().toolProperty().set(ToolKind.KEYPOINT), editable))
                .bind(StandardAction.BRUSH_SMALLER, Command.of(() -> vm.tools().scaleBrush(0.8)))
                .bind(StandardAction.BRUSH_LARGER, Command.of(() -> vm.tools().scaleBrush(1.25)))
                .bind(StandardAction.TOGGLE_MASKS, Command.of(() -> toggle(ls.masksProperty())))
                .bind(StandardAction.TOGGLE_OUTLINES, Command.of(() -> toggle(ls.outlinesProperty())))
                .bind(StandardAction.TOGGLE_BOXES, Command.of(() -> toggle(ls.boxesProperty())))
                .bind(StandardAction.TOGGLE_LABELS, Command.of(() -> toggle(ls.labelsProperty())))
                .bind(StandardAction.TOGGLE_KEYPOINTS, Command.of(() -> toggle(ls.keypointsProperty())))
                .bind(StandardAction.ZOOM_IN, Command.of(viewport::zoomIn))
                .bind(StandardAction.ZOOM_OUT, Command.of(viewport::zoomOut))
                .bind(StandardAction.FIT, Command.of(viewport::fit))
                .bind(StandardAction.ACTUAL_SIZE, Command.of(viewport::actualSize))
                .bind(StandardAction.NEXT_IMAGE, Command.of(vm.navigation()::next))
                .bind(StandardAction.PREVIOUS_IMAGE, Command.of(vm.navigation()::previous))
                .bind(
                        StandardAction.RUN_MODEL,
                        Command.of(
                                runs::chooseAndRunModel,
                                noDataset.not().and(runs.predictingProperty().not())))
                .bind(StandardAction.STOP_PREDICTION, Command.of(runs::stopPrediction, runs.predictingProperty()))
                .bind(StandardAction.MARK_DONE, Command.of(view.modelLoop()::toggleDone, noDataset.not()))
                .bind(
                        StandardAction.FINE_TUNE_LABELLED,
                        Command.of(
                                view.modelLoop()::fineTuneOnLabelled,
                                noDataset.not().and(runs.predictingProperty().not())))
                .bind(
                        StandardAction.UNLOAD_MODEL,
                        Command.of(
                                runs::unloadModel,
                                runs.loadedModelProperty()
                                        .isNotEmpty()
                                        .and(runs.predictingProperty().not())))
                .bind(
                        StandardAction.EXPORT_MODEL,
                        Command.of(
                                runs::exportModel,
                                runs.loadedModelProperty()
                                        .isNotEmpty()
                                        .and(runs.predictingProperty().not())))
                .bind(
                        StandardAction.TRAIN,
                        Command.of(() -> centerTabs.getSelectionModel().select(2)))
                .bind(
                        StandardAction.EVALUATE,
                        Command.of(() -> centerTabs.getSelectionModel().select(3)))
                .bind(StandardAction.SHORTCUTS, Command.of(() -> Shortcuts.showDialog(dialogs)))
                .bind(StandardAction.ABOUT, Command.of(() -> about(dialogs)));
    }

    private static void toggle(BooleanProperty p) {
        p.set(!p.get());
    }

    private static void about(DialogService dialogs) {
        dialogs.showContent(
                "MaskLab " + dev.masklab.app.AppInfo.version(),
                new Label("COCO datasets, Mask R-CNN inference and training in Java."));
    }
}
