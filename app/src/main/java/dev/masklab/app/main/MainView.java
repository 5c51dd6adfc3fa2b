package dev.masklab.app.main;

import dev.masklab.app.action.ActionFactory;
import dev.masklab.app.action.Command;
import dev.masklab.app.action.StandardAction;
import dev.masklab.app.browser.BrowserView;
import dev.masklab.app.browser.ThumbnailCache;
import dev.masklab.app.canvas.ImageCanvas;
import dev.masklab.app.canvas.LayerSettings;
import dev.masklab.app.canvas.Viewport;
import dev.masklab.app.canvas.tool.ToolKind;
import dev.masklab.app.dialog.DialogService;
import dev.masklab.app.document.DatasetDocument;
import dev.masklab.app.document.DatasetService;
import dev.masklab.app.document.RecentDatasets;
import dev.masklab.app.evaluation.EvaluationView;
import dev.masklab.app.evaluation.EvaluationViewModel;
import dev.masklab.app.inspector.CategoriesView;
import dev.masklab.app.inspector.InspectorView;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.app.model.PredictionSet;
import dev.masklab.app.prediction.ModelExporter;
import dev.masklab.app.prediction.ModelPrompter;
import dev.masklab.app.prediction.PredictionService;
import dev.masklab.app.prediction.RunModelDialog;
import dev.masklab.app.statistics.StatisticsView;
import dev.masklab.app.task.BackgroundTask;
import dev.masklab.app.task.FxTaskExecutor;
import dev.masklab.app.training.TrainingView;
import dev.masklab.app.training.TrainingViewModel;
import dev.masklab.coco.CocoDataset;
import dev.masklab.coco.CocoResult;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.application.Platform;
import javafx.beans.InvalidationListener;
import javafx.beans.binding.Bindings;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Separator;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Slider;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.Window;
import org.controlsfx.control.StatusBar;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The main window's content: menus, tool bar, image browser (left), canvas area (centre: one canvas, or two side by
 * side for ground truth vs predictions; statistics tab), categories / inspector / display settings (right) and the
 * status bar. Opening files runs {@link DatasetService} tasks off the FX thread.
 */
public final class MainView extends BorderPane {
    private final MainViewModel vm;
    private final DatasetService service = new DatasetService();
    private final DatasetDocument document;
    private final SessionPreferences session;
    private final DialogService dialogs;
    private final FxTaskExecutor tasks;
    private final PredictionService predictionService = new PredictionService();
    private final BooleanProperty predicting = new SimpleBooleanProperty(this, "predicting", false);
    /** The loaded model as the status bar shows it ("" when none), set on the FX thread after runs and unloading. */
    private final StringProperty loadedModel = new SimpleStringProperty(this, "loadedModel", "");

    private final ModelPrompter prompter;
    private final ModelExporter exporter;
    private final AtomicBoolean stopPrediction = new AtomicBoolean();
    private PredictionService.Request lastRun;
    private final RecentDatasets recent;
    private final ThumbnailCache thumbs = new ThumbnailCache(104, 600, 2);
    private final Viewport viewport = new Viewport();
    private final ImageCanvas mainCanvas;
    private final ImageCanvas predCanvas;
    private final SplitPane canvasArea = new SplitPane();
    private final BrowserView browser;
    private final CategoriesView categoriesView;
    private final InspectorView inspector;
    private final StatisticsView statistics;
    private final TrainingView training;
    private final EvaluationView evaluation;
    /** What the Evaluation tab was last given (compared by identity). */
    private CocoDataset evaluatedDataset;

    private List<CocoResult> evaluatedResults;
    private final StatusBar statusBar = new StatusBar();
    private final Menu recentMenu = new Menu("Open recent");
    private final Slider threshold = new Slider(0, 1, 0.5);
    private final Slider opacity = new Slider(0, 1, 0.5);
    private final TabPane centerTabs = new TabPane();
    private final ActionFactory actions = new ActionFactory();
    /** Drop-downs of the tool bar and the display panel: the image gets the keyboard back once one is closed. */
    private final List<Node> pickers = new java.util.ArrayList<>();

    public MainView(
            MainViewModel vm,
            RecentDatasets recent,
            SessionPreferences session,
            DialogService dialogs,
            FxTaskExecutor tasks) {
        this.vm = vm;
        this.session = session;
        this.recent = recent;
        this.dialogs = dialogs;
        this.tasks = tasks;
        this.prompter = new ModelPrompter(predictionService.model(), tasks);
        this.exporter = new ModelExporter(predictionService.model(), dialogs, tasks, vm.messageProperty()::set);
        this.document = vm.document();
        tasks.setStatusLine(vm.messageProperty()::set);
        getStyleClass().add("main-view");
        mainCanvas = new ImageCanvas(vm, viewport, ImageCanvas.Source.GROUND_TRUTH);
        mainCanvas.setId("mainCanvas");
        predCanvas = new ImageCanvas(vm, viewport, ImageCanvas.Source.PREDICTIONS);
        predCanvas.setId("predCanvas");
        browser = new BrowserView(vm, thumbs);
        browser.setPrefWidth(280);
        browser.setPadding(new Insets(8));
        categoriesView = new CategoriesView(vm);
        inspector = new InspectorView(vm);
        statistics = new StatisticsView(vm);
        training = new TrainingView(new TrainingViewModel(), this::runTrainedModel, dialogs::showError);
        vm.datasetProperty().addListener((o, a, b) -> {
            if (b != null) training.suggestDataset(b.jsonFile());
        });
        evaluation = new EvaluationView(new EvaluationViewModel(tasks), this::openImage);
        vm.datasetProperty().addListener((o, a, b) -> evaluationData());
        vm.predictionsProperty().addListener((o, a, b) -> evaluationData());
        vm.addEditListener(evaluation.model()::imageEdited);

        bindActions();
        categoriesView
                .list()
                .setContextMenu(new javafx.scene.control.ContextMenu(
                        actions.menuItem(StandardAction.CATEGORY_ADD), actions.menuItem(StandardAction.CATEGORY_RENAME),
                        actions.menuItem(StandardAction.CATEGORY_MERGE),
                                actions.menuItem(StandardAction.CATEGORY_DELETE)));
        setTop(new VBox(menuBar(), toolBar()));
        setLeft(browser);

        canvasArea.getItems().add(mainCanvas);
        vm.viewModeProperty().addListener((o, a, b) -> applyViewMode());
        applyViewMode();
        Tab imageTab = new Tab("Image", canvasArea);
        imageTab.setGraphic(new FontIcon("mdi2i-image-outline"));
        Tab statsTab = new Tab("Statistics", statistics);
        statsTab.setGraphic(new FontIcon("mdi2c-chart-bar"));
        Tab trainTab = new Tab("Training", training);
        trainTab.setGraphic(new FontIcon("mdi2s-school-outline"));
        trainTab.setId("trainingTab");
        Tab evalTab = new Tab("Evaluation", evaluation);
        evalTab.setGraphic(new FontIcon("mdi2c-chart-bell-curve"));
        evalTab.setId("evaluationTab");
        centerTabs.getTabs().addAll(imageTab, statsTab, trainTab, evalTab);
        centerTabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        setCenter(centerTabs);
        Node right = rightPanel();
        setRight(right);
        // the image list and the display / inspector panels only apply to the Image and Statistics tabs
        centerTabs.getSelectionModel().selectedIndexProperty().addListener((o, a, b) -> {
            boolean images = b.intValue() < 2;
            for (Node n : List.of(browser, right)) {
                n.setVisible(images);
                n.setManaged(images);
            }
            if (b.intValue() == 0) mainCanvas.requestFocus();
        });
        returnFocusToImage();
        setBottom(statusBar());

        vm.messageProperty().addListener((o, a, b) -> statusBar.setText(b));
        tasks.messageProperty().addListener((o, a, b) -> {
            if (!b.isEmpty()) statusBar.setText(b);
        });
        statusBar.progressProperty().bind(tasks.progressProperty());
        vm.datasetProperty().addListener((o, a, b) -> {
            if (b != null && (a == null || !a.jsonFile().equals(b.jsonFile()))) {
                recent.add(b.jsonFile());
                refreshRecent();
                session.saveLastFolder(b.jsonFile().getParent());
            }
        });
        rememberSession();
        setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) e.acceptTransferModes(TransferMode.COPY);
            e.consume();
        });
        setOnDragDropped(e -> {
            boolean ok = false;
            for (File f : e.getDragboard().getFiles()) {
                if (f.getName().toLowerCase().endsWith(".json")) {
                    openAny(f.toPath());
                    ok = true;
                    break;
                }
            }
            e.setDropCompleted(ok);
            e.consume();
        });
        refreshRecent();
    }

    public ImageCanvas mainCanvas() {
        return mainCanvas;
    }

    public ImageCanvas predictionCanvas() {
        return predCanvas;
    }

    public Viewport viewport() {
        return viewport;
    }

    public BrowserView browser() {
        return browser;
    }

    public CategoriesView categoriesView() {
        return categoriesView;
    }

    public InspectorView inspector() {
        return inspector;
    }

    public StatisticsView statistics() {
        return statistics;
    }

    public TrainingView trainingView() {
        return training;
    }

    public EvaluationView evaluationView() {
        return evaluation;
    }

    public TabPane centerTabs() {
        return centerTabs;
    }

    public StatusBar statusBarControl() {
        return statusBar;
    }

    /**
     * Controls give the keyboard back to the image after use (a released slider, a chosen item, a clicked thumbnail),
     * so its keys (Tab, Enter, Delete, the arrows) act on the image again and not on the control.
     */
    private void returnFocusToImage() {
        Runnable focus = () -> {
            if (centerTabs.getSelectionModel().getSelectedIndex() == 0) mainCanvas.requestFocus();
        };
        for (Slider sl : List.of(threshold, opacity))
            sl.addEventHandler(javafx.scene.input.MouseEvent.MOUSE_RELEASED, e -> focus.run());
        inspector.categoryBox().setOnHidden(e -> focus.run());
        browser.setOnImageChosen(focus);
        for (Node n : pickers) {
            if (n instanceof javafx.scene.control.ComboBoxBase<?> c) c.setOnHidden(e -> focus.run());
            if (n instanceof ChoiceBox<?> c) c.setOnHidden(e -> focus.run());
        }
    }

    /**
     * The view mode, the score threshold and each dataset's current image are remembered across restarts (the view
     * model shows a dataset's first image before this listener, registered later, moves to the remembered one).
     */
    private void rememberSession() {
        vm.setPredictionViewMode(session.viewMode());
        vm.scoreThresholdProperty().set(session.scoreThreshold());
        vm.viewModeProperty().addListener((o, a, b) -> {
            if (b != MainViewModel.ViewMode.GROUND_TRUTH) {
                session.saveViewMode(b);
                vm.setPredictionViewMode(b);
            }
        });
        vm.scoreThresholdProperty().addListener((o, a, b) -> session.saveScoreThreshold(b.doubleValue()));
        vm.currentImageProperty().addListener((o, a, b) -> {
            if (b != null && vm.getDataset() != null)
                session.saveLastImage(vm.getDataset().jsonFile(), b.id());
        });
        document.editorProperty().addListener((o, a, b) -> {
            if (b == null || vm.getDataset() == null) return;
            session.lastImage(vm.getDataset().jsonFile()).ifPresent(id -> {
                for (ImageEntry e : vm.filteredImages())
                    if (e.id() == id) vm.currentImageProperty().set(e);
            });
        });
    }

    private void applyViewMode() {
        MainViewModel.ViewMode m = vm.viewModeProperty().get();
        switch (m) {
            case GROUND_TRUTH -> mainCanvas.setSource(ImageCanvas.Source.GROUND_TRUTH);
            case PREDICTIONS -> mainCanvas.setSource(ImageCanvas.Source.PREDICTIONS);
            case OVERLAY -> mainCanvas.setSource(ImageCanvas.Source.BOTH);
            case SIDE_BY_SIDE -> mainCanvas.setSource(ImageCanvas.Source.GROUND_TRUTH);
        }
        if (m == MainViewModel.ViewMode.SIDE_BY_SIDE) {
            if (!canvasArea.getItems().contains(predCanvas))
                canvasArea.getItems().add(predCanvas);
        } else {
            canvasArea.getItems().remove(predCanvas);
        }
    }

    // ---- menus and tool bar ----

    /** Binds every {@link StandardAction} to what it does here and when it applies: the one table of commands. */
    /** The category selected in the categories panel (what the category commands act on), or null. */
    private dev.masklab.app.model.CategoryRow category() {
        return categoriesView.list().getSelectionModel().getSelectedItem();
    }

    private void bindActions() {
        var noDataset = vm.datasetProperty().isNull();
        var predictionSelected = Bindings.createBooleanBinding(
                () -> vm.selectedProperty().get() != null
                        && vm.selectedProperty().get().prediction(),
                vm.selectedProperty());
        var editable = vm.datasetProperty().isNotNull();
        var annotationSelected = Bindings.createBooleanBinding(
                () -> vm.selectedProperty().get() != null
                        && !vm.selectedProperty().get().prediction(),
                vm.selectedProperty());
        var keypointSelected =
                vm.selectedKeypointProperty().greaterThanOrEqualTo(0).and(annotationSelected);
        var categorySelected = categoriesView
                .list()
                .getSelectionModel()
                .selectedItemProperty()
                .isNotNull()
                .and(editable);
        LayerSettings ls = vm.layers();
        actions.bind(StandardAction.OPEN_DATASET, Command.of(this::chooseDataset))
                .bind(
                        StandardAction.SAVE,
                        Command.of(
                                this::save,
                                vm.dirtyProperty().and(document.savingProperty().not())))
                .bind(
                        StandardAction.SAVE_AS,
                        Command.of(
                                document::saveAs,
                                noDataset.not().and(document.savingProperty().not())))
                .bind(StandardAction.LOAD_PREDICTIONS, Command.of(this::choosePredictions, noDataset.not()))
                .bind(
                        StandardAction.CLOSE_PREDICTIONS,
                        Command.of(
                                () -> vm.setPredictions(null),
                                vm.predictionsProperty().isNotNull()))
                .bind(StandardAction.EXIT, Command.of(() -> {
                    if (mayClose(Platform::exit)) Platform.exit();
                }))
                .bind(StandardAction.UNDO, Command.of(vm::undo, vm.canUndoProperty()))
                .bind(StandardAction.REDO, Command.of(vm::redo, vm.canRedoProperty()))
                .bind(StandardAction.ACCEPT, Command.of(vm::acceptSelected, predictionSelected))
                .bind(StandardAction.ACCEPT_AS, Command.of(vm::acceptSelectedAsChosen, predictionSelected))
                .bind(StandardAction.TOGGLE_CROWD, Command.of(vm::toggleSelectedCrowd, annotationSelected))
                .bind(StandardAction.ADD_PART, Command.of(vm::startAddPart, annotationSelected))
                .bind(
                        StandardAction.DELETE_PART,
                        Command.of(
                                vm::deleteSelectedPart,
                                vm.selectedPartProperty()
                                        .greaterThanOrEqualTo(0)
                                        .and(annotationSelected)))
                .bind(
                        StandardAction.CONVERT_TO_POLYGONS,
                        Command.of(
                                vm::convertSelectedToPolygons,
                                Bindings.createBooleanBinding(
                                        () -> MainViewModel.convertibleToPolygons(
                                                vm.selectedProperty().get()),
                                        vm.selectedProperty())))
                .bind(
                        StandardAction.CONVERT_TO_MASK,
                        Command.of(
                                vm::convertSelectedToMask,
                                Bindings.createBooleanBinding(
                                        () -> MainViewModel.convertibleToMask(
                                                vm.selectedProperty().get()),
                                        vm.selectedProperty())))
                .bind(
                        StandardAction.PLACE_SKELETON,
                        Command.of(
                                vm::placeSkeletonOnSelected,
                                Bindings.createBooleanBinding(
                                        () -> vm.skeletonPlaceable(
                                                vm.selectedProperty().get()),
                                        vm.selectedProperty())))
                .bind(
                        StandardAction.KEYPOINT_VISIBLE,
                        Command.of(() -> vm.setSelectedKeypointVisibility(2), keypointSelected))
                .bind(
                        StandardAction.KEYPOINT_HIDDEN,
                        Command.of(() -> vm.setSelectedKeypointVisibility(1), keypointSelected))
                .bind(StandardAction.CATEGORY_ADD, Command.of(vm::addCategory, editable))
                .bind(StandardAction.CATEGORY_RENAME, Command.of(() -> vm.renameCategory(category()), categorySelected))
                .bind(StandardAction.CATEGORY_MERGE, Command.of(() -> vm.mergeCategory(category()), categorySelected))
                .bind(StandardAction.CATEGORY_DELETE, Command.of(() -> vm.deleteCategory(category()), categorySelected))
                .bind(
                        StandardAction.ACCEPT_ALL,
                        Command.of(
                                vm::acceptAllShown,
                                Bindings.createBooleanBinding(
                                        () -> !vm.shownPredictionsProperty()
                                                .get()
                                                .isEmpty(),
                                        vm.shownPredictionsProperty())))
                .bind(
                        StandardAction.DELETE,
                        Command.of(vm::deleteSelected, vm.selectedProperty().isNotNull()))
                .bind(StandardAction.NEXT_INSTANCE, Command.of(vm::selectNext, editable))
                .bind(StandardAction.PREVIOUS_INSTANCE, Command.of(vm::selectPrevious, editable))
                .bind(
                        StandardAction.NEXT_PENDING,
                        Command.of(
                                () -> vm.nextPending(false),
                                editable.and(vm.predictionsProperty().isNotNull())))
                .bind(
                        StandardAction.NEXT_PENDING_LOWEST,
                        Command.of(
                                () -> vm.nextPending(true),
                                editable.and(vm.predictionsProperty().isNotNull())))
                .bind(StandardAction.ESCAPE, Command.of(() -> {
                    vm.toolProperty().set(ToolKind.SELECT);
                    vm.selectedProperty().set(null);
                }))
                .bind(
                        StandardAction.TOOL_BOX,
                        Command.of(() -> vm.toolProperty().set(ToolKind.BOX), editable))
                .bind(
                        StandardAction.TOOL_POLYGON,
                        Command.of(() -> vm.toolProperty().set(ToolKind.POLYGON), editable))
                .bind(
                        StandardAction.TOOL_BRUSH,
                        Command.of(() -> vm.toolProperty().set(ToolKind.BRUSH), editable))
                .bind(
                        StandardAction.TOOL_ERASER,
                        Command.of(() -> vm.toolProperty().set(ToolKind.ERASER), editable))
                .bind(
                        StandardAction.TOOL_PROMPT_BOX,
                        Command.of(() -> vm.toolProperty().set(ToolKind.PROMPT_BOX), editable))
                .bind(StandardAction.BRUSH_SMALLER, Command.of(() -> vm.scaleBrush(0.8)))
                .bind(StandardAction.BRUSH_LARGER, Command.of(() -> vm.scaleBrush(1.25)))
                .bind(StandardAction.TOGGLE_MASKS, Command.of(() -> toggle(ls.masksProperty())))
                .bind(StandardAction.TOGGLE_OUTLINES, Command.of(() -> toggle(ls.outlinesProperty())))
                .bind(StandardAction.TOGGLE_BOXES, Command.of(() -> toggle(ls.boxesProperty())))
                .bind(StandardAction.TOGGLE_LABELS, Command.of(() -> toggle(ls.labelsProperty())))
                .bind(StandardAction.TOGGLE_KEYPOINTS, Command.of(() -> toggle(ls.keypointsProperty())))
                .bind(StandardAction.ZOOM_IN, Command.of(viewport::zoomIn))
                .bind(StandardAction.ZOOM_OUT, Command.of(viewport::zoomOut))
                .bind(StandardAction.FIT, Command.of(viewport::fit))
                .bind(StandardAction.ACTUAL_SIZE, Command.of(viewport::actualSize))
                .bind(StandardAction.NEXT_IMAGE, Command.of(vm::next))
                .bind(StandardAction.PREVIOUS_IMAGE, Command.of(vm::previous))
                .bind(
                        StandardAction.RUN_MODEL,
                        Command.of(this::chooseAndRunModel, noDataset.not().and(predicting.not())))
                .bind(StandardAction.STOP_PREDICTION, Command.of(this::stopPrediction, predicting))
                .bind(
                        StandardAction.UNLOAD_MODEL,
                        Command.of(this::unloadModel, loadedModel.isNotEmpty().and(predicting.not())))
                .bind(
                        StandardAction.EXPORT_MODEL,
                        Command.of(exporter::export, loadedModel.isNotEmpty().and(predicting.not())))
                .bind(
                        StandardAction.TRAIN,
                        Command.of(() -> centerTabs.getSelectionModel().select(2)))
                .bind(
                        StandardAction.EVALUATE,
                        Command.of(() -> centerTabs.getSelectionModel().select(3)))
                .bind(StandardAction.SHORTCUTS, Command.of(() -> Shortcuts.showDialog(dialogs)))
                .bind(StandardAction.ABOUT, Command.of(this::about));
    }

    private static void toggle(javafx.beans.property.BooleanProperty p) {
        p.set(!p.get());
    }

    /** The action table the menus, tool bar and keys are built from. */
    public ActionFactory actions() {
        return actions;
    }

    private MenuBar menuBar() {
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
                        () -> vm.undoLabelProperty().get().isEmpty()
                                ? "Undo"
                                : "Undo " + vm.undoLabelProperty().get(),
                        vm.undoLabelProperty()));
        MenuItem redo = actions.menuItem(StandardAction.REDO);
        redo.setId("redoItem");
        redo.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> vm.redoLabelProperty().get().isEmpty()
                                ? "Redo"
                                : "Redo " + vm.redoLabelProperty().get(),
                        vm.redoLabelProperty()));
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
                actions.menuItem(StandardAction.NEXT_PENDING_LOWEST));

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
                actions.menuItem(StandardAction.EVALUATE));
        MenuBar bar = new MenuBar(file, edit, view, model, help);
        bar.setId("menuBar");
        return bar;
    }

    private ToolBar toolBar() {
        Button open = actions.button(StandardAction.OPEN_DATASET);
        Button preds = actions.button(StandardAction.LOAD_PREDICTIONS);
        Button saveButton = actions.button(StandardAction.SAVE);
        saveButton.setId("saveButton");
        Button undoButton = actions.button(StandardAction.UNDO);
        Button redoButton = actions.button(StandardAction.REDO);
        Button run = actions.button(StandardAction.RUN_MODEL);
        run.setId("runModelButton");
        Button prev = actions.button(StandardAction.PREVIOUS_IMAGE);
        Button next = actions.button(StandardAction.NEXT_IMAGE);
        Button zin = actions.button(StandardAction.ZOOM_IN);
        Button zout = actions.button(StandardAction.ZOOM_OUT);
        Button fit = actions.button(StandardAction.FIT);
        Button one = actions.button(StandardAction.ACTUAL_SIZE);
        ChoiceBox<MainViewModel.ViewMode> mode = new ChoiceBox<>();
        mode.setId("viewMode");
        pickers.add(mode);
        mode.getItems().setAll(MainViewModel.ViewMode.values());
        mode.valueProperty().bindBidirectional(vm.viewModeProperty());
        mode.disableProperty().bind(vm.predictionsProperty().isNull());
        javafx.scene.control.ToggleGroup tools = new javafx.scene.control.ToggleGroup();
        List<Node> toolButtons = new java.util.ArrayList<>();
        Map<ToolKind, StandardAction> toolActions = new EnumMap<>(Map.of(
                ToolKind.SELECT,
                StandardAction.ESCAPE,
                ToolKind.BOX,
                StandardAction.TOOL_BOX,
                ToolKind.POLYGON,
                StandardAction.TOOL_POLYGON,
                ToolKind.BRUSH,
                StandardAction.TOOL_BRUSH,
                ToolKind.ERASER,
                StandardAction.TOOL_ERASER,
                ToolKind.PROMPT_BOX,
                StandardAction.TOOL_PROMPT_BOX));
        for (ToolKind t : ToolKind.values()) {
            StandardAction a = toolActions.get(t);
            javafx.scene.control.ToggleButton tb = new javafx.scene.control.ToggleButton(
                    null, new FontIcon(t == ToolKind.SELECT ? "mdi2c-cursor-default-outline" : a.icon()));
            tb.setId("tool" + t.name());
            tb.setTooltip(
                    new Tooltip(t == ToolKind.SELECT ? "Select and edit (" + a.keyText() + ")" : a.textWithKey()));
            tb.setToggleGroup(tools);
            tb.setUserData(t);
            tb.setFocusTraversable(false);
            tb.disableProperty().bind(vm.datasetProperty().isNull());
            toolButtons.add(tb);
        }
        Runnable syncTools = () -> tools.getToggles()
                .forEach(tg ->
                        tg.setSelected(tg.getUserData() == vm.toolProperty().get()));
        vm.toolProperty().addListener((o, a, b) -> syncTools.run());
        tools.selectedToggleProperty().addListener((o, a, b) -> {
            if (b == null) syncTools.run(); // a toggle cannot be switched off: one tool is always active
            else vm.toolProperty().set((ToolKind) b.getUserData());
        });
        syncTools.run();
        javafx.scene.control.ComboBox<dev.masklab.app.model.CategoryRow> drawCat =
                new javafx.scene.control.ComboBox<>(vm.categories());
        drawCat.setId("drawCategory");
        drawCat.setTooltip(new Tooltip("Category of new boxes, polygons and brush strokes"));
        drawCat.valueProperty().bindBidirectional(vm.drawCategoryProperty());
        drawCat.disableProperty().bind(vm.datasetProperty().isNull());
        drawCat.setFocusTraversable(false);
        drawCat.setPrefWidth(130);
        pickers.add(drawCat);
        Label brush = new Label();
        brush.setTooltip(new Tooltip("Brush radius in image pixels ([ and ] change it)"));
        brush.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> String.format(
                                "⌀ %.0f px", 2 * vm.brushRadiusProperty().get()),
                        vm.brushRadiusProperty()));
        brush.visibleProperty()
                .bind(vm.toolProperty()
                        .isEqualTo(ToolKind.BRUSH)
                        .or(vm.toolProperty().isEqualTo(ToolKind.ERASER)));
        brush.getStyleClass().add("brush-size"); // fixed width: the buttons after it stay in place
        Label title = new Label();
        title.getStyleClass().add("image-title");
        title.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> {
                            ImageEntry e = vm.getCurrentImage();
                            if (e == null) return "";
                            int i = vm.currentIndex();
                            return e.fileName()
                                    + (i >= 0
                                            ? "   " + (i + 1) + " / "
                                                    + vm.filteredImages().size()
                                            : "");
                        },
                        vm.currentImageProperty(),
                        vm.filteredImages()));
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        ToolBar bar =
                new ToolBar(open, saveButton, preds, run, new Separator(), undoButton, redoButton, new Separator());
        bar.getItems().addAll(toolButtons);
        bar.getItems().addAll(drawCat, brush, new Separator());
        bar.getItems()
                .addAll(
                        prev,
                        next,
                        new Separator(),
                        zin,
                        zout,
                        fit,
                        one,
                        new Separator(),
                        title,
                        gap,
                        new Label("Show"),
                        mode);
        return bar;
    }

    private Node rightPanel() {
        LayerSettings ls = vm.layers();
        GridPane display = new GridPane();
        display.getStyleClass().add("display-settings");
        display.setHgap(8);
        display.setVgap(6);
        display.setPadding(new Insets(8));
        int r = 0;
        display.add(title("Display"), 0, r++, 2, 1);
        display.add(
                new HBox(
                        10,
                        checkBox("Masks", ls.masksProperty(), "layerMasks"),
                        checkBox("Outlines", ls.outlinesProperty(), "layerOutlines"),
                        checkBox("Boxes", ls.boxesProperty(), "layerBoxes")),
                0,
                r++,
                2,
                1);
        display.add(
                new HBox(
                        10,
                        checkBox("Labels", ls.labelsProperty(), "layerLabels"),
                        checkBox("Keypoints", ls.keypointsProperty(), "layerKeypoints")),
                0,
                r++,
                2,
                1);
        opacity.setId("opacity");
        opacity.valueProperty().bindBidirectional(ls.opacityProperty());
        display.add(new Label("Opacity"), 0, r);
        display.add(withValue(opacity, "%.0f%%", 100), 1, r++);
        ChoiceBox<LayerSettings.ColorMode> colors = new ChoiceBox<>();
        colors.setId("colorMode");
        pickers.add(colors);
        colors.getItems().setAll(LayerSettings.ColorMode.values());
        colors.valueProperty().bindBidirectional(ls.colorModeProperty());
        display.add(new Label("Colors"), 0, r);
        display.add(colors, 1, r++);
        threshold.setId("threshold");
        threshold.valueProperty().bindBidirectional(vm.scoreThresholdProperty());
        threshold.disableProperty().bind(vm.predictionsProperty().isNull());
        display.add(new Label("Min score"), 0, r);
        display.add(withValue(threshold, "%.2f", 1), 1, r++);
        Label predCount = new Label();
        predCount.setId("predictionCount");
        predCount.getStyleClass().add("count-label");
        predCount
                .textProperty()
                .bind(Bindings.createStringBinding(
                        () -> {
                            PredictionSet ps = vm.predictionsProperty().get();
                            if (ps == null) return "No predictions loaded";
                            return vm.shownPredictionsProperty().get().size() + " on this image, "
                                    + vm.predictionsAboveThresholdProperty().get() + " of " + ps.total()
                                    + " in the dataset";
                        },
                        vm.predictionsProperty(),
                        vm.shownPredictionsProperty(),
                        vm.predictionsAboveThresholdProperty()));
        display.add(predCount, 0, r++, 2, 1);
        GridPane.setHgrow(opacity, Priority.ALWAYS);

        TabPane tabs = new TabPane(new Tab("Categories", categoriesView), new Tab("Inspector", inspector));
        tabs.setId("rightTabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        categoriesView.setPadding(new Insets(6));
        inspector.setPadding(new Insets(6));
        vm.selectedProperty().addListener((o, a, b) -> {
            if (b != null) tabs.getSelectionModel().select(1);
        });
        VBox.setVgrow(tabs, Priority.ALWAYS);
        VBox right = new VBox(display, tabs);
        right.getStyleClass().add("side-panel");
        right.setId("sidePanel");
        right.setPrefWidth(310);
        return right;
    }

    private Node statusBar() {
        statusBar.setId("statusBar");
        statusBar.setText("Ready");
        Label size = new Label();
        size.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> {
                            ImageEntry e = vm.getCurrentImage();
                            return e == null ? "" : e.width() + " × " + e.height() + " px";
                        },
                        vm.currentImageProperty()));
        Label zoom = new Label();
        zoom.setId("zoomLabel");
        zoom.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> String.format("%.0f%%", viewport.zoom() * 100), viewport.zoomProperty()));
        Label cursor = new Label();
        cursor.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> {
                            var p = vm.cursorProperty().get();
                            return p == null ? "" : String.format("x %d, y %d", (int) p.getX(), (int) p.getY());
                        },
                        vm.cursorProperty()));
        Label under = new Label();
        under.setId("hoverLabel");
        under.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> vm.describe(vm.hoveredProperty().get()), vm.hoveredProperty()));
        Label review = new Label();
        review.setId("reviewProgress");
        review.textProperty().bind(vm.reviewProgressProperty());
        Label model = new Label();
        model.setId("loadedModel");
        model.textProperty().bind(loadedModel);
        Button stop = new Button("Stop", new FontIcon("mdi2s-stop-circle-outline"));
        stop.setId("stopPrediction");
        stop.setOnAction(e -> stopPrediction());
        stop.visibleProperty().bind(predicting);
        stop.managedProperty().bind(predicting);
        statusBar
                .getRightItems()
                .addAll(stop, model, sep(), review, sep(), under, sep(), cursor, sep(), size, sep(), zoom);
        return statusBar;
    }

    // ---- actions ----

    public void chooseDataset() {
        dialogs.chooseFileToOpen(
                        "Open COCO dataset",
                        session.lastFolder(),
                        new DialogService.FileType("COCO dataset JSON", "*.json"))
                .ifPresent(this::openDataset);
    }

    public void choosePredictions() {
        if (vm.getDataset() == null) return;
        dialogs.chooseFileToOpen(
                        "Load COCO results (predictions)",
                        vm.getDataset().jsonFile().getParent(),
                        new DialogService.FileType("COCO results JSON", "*.json"))
                .ifPresent(this::openPredictions);
    }

    /** A dropped JSON: a results list when a dataset is open and the file starts with '[', else a dataset. */
    public void openAny(Path json) {
        if (vm.getDataset() != null && DatasetService.looksLikeResults(json)) openPredictions(json);
        else openDataset(json);
    }

    /** Opens {@code json} as the document ({@link DatasetDocument#open}); it joins the recent datasets when shown. */
    public Future<LoadedDataset> openDataset(Path json) {
        return document.open(json);
    }

    public Future<PredictionSet> openPredictions(Path results) {
        LoadedDataset ds = vm.getDataset();
        return tasks.execute(BackgroundTask.<PredictionSet>of("Cannot load predictions " + results.getFileName(), p -> {
                    p.message("Reading " + results.getFileName());
                    p.progress(-1, 1);
                    return service.loadPredictions(results, ds);
                })
                .onSuccess(ps -> {
                    vm.setPredictions(ps);
                    vm.messageProperty().set("Loaded " + ps.total() + " predictions from " + results.getFileName());
                }));
    }

    /** Asks for weights and options ({@link RunModelDialog}) and runs the model on the open dataset. */
    public void chooseAndRunModel() {
        LoadedDataset ds = vm.getDataset();
        if (ds == null || predicting.get()) return;
        new RunModelDialog(window(), ds, vm.getCurrentImage(), lastRun)
                .showAndWait()
                .ifPresent(this::runModel);
    }

    /**
     * Runs a model on the open dataset in the background (progress and a Stop button in the status bar) and shows
     * the written results as the predictions; stopping keeps the images already done.
     */
    public Future<PredictionService.Outcome> runModel(PredictionService.Request request) {
        LoadedDataset ds = vm.getDataset();
        if (ds == null) throw new IllegalStateException("no dataset open");
        lastRun = request;
        // a run on some images merges into an existing file; a run on all of them replaces it, when the user agrees
        if (request.imageIds() == null
                && Files.isRegularFile(request.output())
                && !dialogs.confirm(
                        "Replace " + request.output().getFileName() + "?",
                        "The run writes the predictions of every image to "
                                + request.output()
                                + ", replacing the results it holds (the previous file is kept as .bak). "
                                + "A run stopped early merges into it instead.",
                        "Replace")) {
            vm.messageProperty().set("Model run cancelled: " + request.output().getFileName() + " kept");
            return null;
        }
        stopPrediction.set(false);
        predicting.set(true);
        return tasks.execute(BackgroundTask.<PredictionService.Outcome>of(
                        "Cannot run model " + request.weights().getFileName(), p -> {
                            p.progress(-1, 1);
                            return predictionService.run(
                                    ds, request, () -> stopPrediction.get() || p.isCancelled(), (done, total, msg) -> {
                                        p.message(msg);
                                        if (done > 0 || total == 0) p.progress(done, Math.max(1, total));
                                    });
                        })
                .onFinished(() -> {
                    predicting.set(false);
                    showLoadedModel();
                })
                .onSuccess(out -> {
                    if (out.predictions() == null) {
                        vm.messageProperty().set("Stopped before the first image: nothing written");
                        return;
                    }
                    vm.setPredictions(out.predictions());
                    StringBuilder msg = new StringBuilder(out.stopped() ? "Stopped: " : "");
                    msg.append(String.format(
                            "%d predictions in %d of %d images -> %s",
                            out.instanceCount(),
                            out.imagesPredicted(),
                            out.imagesRequested(),
                            request.output().getFileName()));
                    if (out.merged())
                        msg.append(String.format(
                                " (merged: %d results in the file)",
                                out.predictions().total()));
                    if (!out.skipped().isEmpty()) {
                        msg.append("; ")
                                .append(out.skipped().size())
                                .append(" skipped (")
                                .append(out.skipped().get(0))
                                .append(out.skipped().size() > 1 ? ", …" : "")
                                .append(")");
                    }
                    if (!out.unknownCategories().isEmpty()) {
                        msg.append("; category ids not in the dataset: ").append(out.unknownCategories());
                    }
                    vm.messageProperty().set(msg.toString());
                }));
    }

    /** The Evaluation tab evaluates the open dataset (as edited) against the loaded predictions, when both are there. */
    private void evaluationData() {
        LoadedDataset ds = vm.getDataset();
        PredictionSet ps = vm.predictionsProperty().get();
        CocoDataset gt = ds == null ? null : ds.coco();
        List<CocoResult> results = ps == null ? null : ps.results();
        if (gt == evaluatedDataset && results == evaluatedResults) return; // e.g. Save as: the same data
        evaluatedDataset = gt;
        evaluatedResults = results;
        evaluation.model().setData(gt, results, r -> reviewed(ps, r));
    }

    /** Whether a result of the loaded predictions was accepted or rejected (so the evaluation leaves it out). */
    private boolean reviewed(PredictionSet ps, CocoResult r) {
        if (vm.editor() == null) return false;
        for (var p : ps.forImage(r.imageId()))
            if (p.id() == r.id()) return vm.editor().isReviewed(p);
        return false;
    }

    /** The Evaluation tab's double-click: that image becomes the current one in the Image tab. */
    private void openImage(long imageId) {
        vm.images().stream().filter(e -> e.id() == imageId).findFirst().ifPresent(e -> {
            vm.currentImageProperty().set(e);
            centerTabs.getSelectionModel().select(0);
        });
    }

    /** Frees the loaded model (Model > Unload model); the next run loads its model again. */
    public void unloadModel() {
        if (predicting.get()) return;
        String was = loadedModel.get();
        if (predictionService.model().unload()) vm.messageProperty().set("Unloaded " + was);
        showLoadedModel();
    }

    /** The loaded model, as the status bar shows it ("" when none). */
    public StringProperty loadedModelProperty() {
        return loadedModel;
    }

    private void showLoadedModel() {
        loadedModel.set(predictionService.model().info().map(i -> "Model: " + i).orElse(""));
        vm.boxPrompterProperty().set(predictionService.model().current().isPresent() ? prompter : null);
    }

    /** "Run this model" of the training tab: the run-model dialog with the trained model filled in. */
    private void runTrainedModel(Path model) {
        LoadedDataset ds = vm.getDataset();
        if (ds == null) {
            vm.messageProperty().set("Open a dataset to run the trained model " + model + " on");
            return;
        }
        lastRun = new PredictionService.Request(
                model,
                null,
                0.05f,
                PredictionService.DeviceChoice.AUTO,
                false,
                null,
                PredictionService.defaultOutput(ds));
        centerTabs.getSelectionModel().select(0);
        chooseAndRunModel();
    }

    /** Writes the annotations over the dataset's file in the background (previous file kept as NAME.bak). */
    public Future<Void> save() {
        return document.save();
    }

    /** The background work that quitting would end ("a training run", "a model run"), or null when there is none. */
    public String runningWork() {
        boolean t = training.viewModel().runningProperty().get();
        boolean p = predicting.get();
        return t && p ? "a training run and a model run" : t ? "a training run" : p ? "a model run" : null;
    }

    /**
     * Window close and File > Exit: unsaved edits are saved or discarded first, as the user chooses (cancel: false).
     * Then true when nothing runs in the background. Otherwise asks first; when confirmed,
     * stops the work (training ends its current iteration and writes a checkpoint, which Resume continues; a model
     * run keeps the images done) and calls {@code quit} once it has ended; returns false either way.
     */
    public boolean mayClose(Runnable quit) {
        if (!document.mayDiscardEdits("quitting")) return false;
        String work = runningWork();
        if (work == null) return true;
        if (!dialogs.confirmQuit(work)) return false;
        vm.messageProperty().set("Stopping " + work + " before quitting…");
        InvalidationListener whenDone = new InvalidationListener() {
            @Override
            public void invalidated(javafx.beans.Observable o) {
                if (runningWork() != null) return;
                training.viewModel().runningProperty().removeListener(this);
                predicting.removeListener(this);
                quit.run();
            }
        };
        training.viewModel().runningProperty().addListener(whenDone);
        predicting.addListener(whenDone);
        training.stop();
        stopPrediction();
        return false;
    }

    /** Stops a running prediction after the current image. */
    public void stopPrediction() {
        stopPrediction.set(true);
    }

    public BooleanProperty predictingProperty() {
        return predicting;
    }

    private void about() {
        dialogs.showContent(
                "MaskLab " + dev.masklab.app.AppInfo.version(),
                new Label("COCO datasets, Mask R-CNN inference and training in Java."));
    }

    private void refreshRecent() {
        recentMenu.getItems().clear();
        for (Path p : recent.list()) {
            MenuItem mi = new MenuItem(p.toString());
            mi.setOnAction(e -> {
                if (Files.isRegularFile(p)) openDataset(p);
                else {
                    recent.remove(p);
                    refreshRecent();
                    vm.messageProperty().set("Recent dataset no longer exists: " + p);
                }
            });
            recentMenu.getItems().add(mi);
        }
        if (recentMenu.getItems().isEmpty()) {
            MenuItem none = new MenuItem("(none)");
            none.setDisable(true);
            recentMenu.getItems().add(none);
        }
    }

    /**
     * Installs the image view's keys on the scene: while the Image tab shows and no text field or open drop-down has
     * the keyboard, the plain keys of the action table (Tab / Shift+Tab, Enter, Delete, the tool keys...) act on the
     * image wherever the focus is, so they never move the focus or press a focused button; a tool's own keys (Enter
     * closing a polygon) come first. Ctrl+Y is the second redo key.
     */
    public void installShortcuts(Scene scene) {
        scene.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.isShortcutDown() || e.isAltDown()) return;
            if (!imageKeysApply(scene.getFocusOwner())) return;
            if (mainCanvas.toolKey(e.getCode()) || actions.handleKey(e)) {
                e.consume();
                mainCanvas.requestFocus();
            }
        });
        scene.getAccelerators()
                .put(KeyCombination.keyCombination("Shortcut+Y"), () -> actions.execute(StandardAction.REDO));
    }

    /** Whether the image view's keys apply with {@code focus} focused: Image tab shown, no text typed, no list open. */
    boolean imageKeysApply(Node focus) {
        if (centerTabs.getSelectionModel().getSelectedIndex() != 0) return false;
        if (focus instanceof TextInputControl) return false;
        if (focus instanceof javafx.scene.control.ComboBoxBase<?> c && c.isShowing()) return false;
        if (focus instanceof ChoiceBox<?> c && c.isShowing()) return false;
        return true;
    }

    private Window window() {
        return getScene() == null ? null : getScene().getWindow();
    }

    // ---- small builders ----

    private static CheckBox checkBox(String text, javafx.beans.property.BooleanProperty p, String id) {
        CheckBox cb = new CheckBox(text);
        cb.setId(id);
        cb.selectedProperty().bindBidirectional(p);
        return cb;
    }

    private static Label title(String s) {
        Label l = new Label(s);
        l.getStyleClass().add("panel-title");
        return l;
    }

    private static Node withValue(Slider s, String fmt, double mul) {
        Label v = new Label();
        v.setMinWidth(42);
        v.textProperty()
                .bind(Bindings.createStringBinding(() -> String.format(fmt, s.getValue() * mul), s.valueProperty()));
        HBox.setHgrow(s, Priority.ALWAYS);
        HBox box = new HBox(6, s, v);
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }

    private static Node sep() {
        Separator s = new Separator(Orientation.VERTICAL);
        return new StackPane(s);
    }
}
