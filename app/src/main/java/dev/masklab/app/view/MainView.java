package dev.masklab.app.view;

import dev.masklab.app.edit.Autosave;
import dev.masklab.app.service.DatasetService;
import dev.masklab.app.service.ImageEntry;
import dev.masklab.app.service.LoadedDataset;
import dev.masklab.app.service.PredictionService;
import dev.masklab.app.service.PredictionSet;
import dev.masklab.app.service.RecentDatasets;
import dev.masklab.app.service.ThumbnailCache;
import dev.masklab.app.training.TrainingView;
import dev.masklab.app.training.TrainingViewModel;
import dev.masklab.app.viewmodel.LayerSettings;
import dev.masklab.app.viewmodel.MainViewModel;
import dev.masklab.app.viewmodel.Viewport;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import javafx.application.Platform;
import javafx.beans.InvalidationListener;
import javafx.beans.binding.Bindings;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Separator;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Slider;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Button;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
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
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
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
    private final PredictionService predictionService = new PredictionService();
    private final BooleanProperty predicting = new SimpleBooleanProperty(this, "predicting", false);
    private final AtomicBoolean stopPrediction = new AtomicBoolean();
    private PredictionService.Request lastRun;
    private Predicate<String> quitConfirmation = this::confirmQuit;
    private java.util.function.Function<String, UnsavedChoice> unsavedConfirmation = this::askUnsaved;
    private Predicate<Path> recoveryConfirmation = this::askRecovery;
    static final int AUTOSAVE_SECONDS = 30;
    private final javafx.animation.Timeline autosaveTimer = new javafx.animation.Timeline(
            new javafx.animation.KeyFrame(javafx.util.Duration.seconds(AUTOSAVE_SECONDS), e -> autosaveNow()));
    private boolean autosaving;
    private Path autosaveFailedFor;
    /** The revision the autosave file holds, -1 when this session wrote none. */
    private long autosavedRevision = -1;
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
    private final StatusBar statusBar = new StatusBar();
    private final Menu recentMenu = new Menu("Open recent");
    private final Slider threshold = new Slider(0, 1, 0.5);
    private final Slider opacity = new Slider(0, 1, 0.5);
    private final TabPane centerTabs = new TabPane();

    public MainView(MainViewModel vm, RecentDatasets recent) {
        this.vm = vm;
        this.recent = recent;
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
        training = new TrainingView(new TrainingViewModel(), this::runTrainedModel,
                (t, m) -> { if (!Dialogs.headless()) showError(t, m); });
        vm.datasetProperty().addListener((o, a, b) -> { if (b != null) training.suggestDataset(b.jsonFile()); });

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
        centerTabs.getTabs().addAll(imageTab, statsTab, trainTab);
        centerTabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        setCenter(centerTabs);
        setRight(rightPanel());
        setBottom(statusBar());

        vm.messageProperty().addListener((o, a, b) -> statusBar.setText(b));
        autosaveTimer.setCycleCount(javafx.animation.Animation.INDEFINITE);
        autosaveTimer.play();
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

    public TabPane centerTabs() {
        return centerTabs;
    }

    public StatusBar statusBarControl() {
        return statusBar;
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
            if (!canvasArea.getItems().contains(predCanvas)) canvasArea.getItems().add(predCanvas);
        } else {
            canvasArea.getItems().remove(predCanvas);
        }
    }

    // ---- menus and tool bar ----

    private MenuBar menuBar() {
        MenuItem open = item("Open dataset…", "mdi2f-folder-open-outline", "Shortcut+O", this::chooseDataset);
        MenuItem preds = item("Load predictions…", "mdi2f-file-chart-outline", "Shortcut+P", this::choosePredictions);
        preds.disableProperty().bind(vm.datasetProperty().isNull());
        MenuItem closePreds = item("Close predictions", null, null, () -> vm.setPredictions(null));
        closePreds.disableProperty().bind(vm.predictionsProperty().isNull());
        MenuItem exit = item("Exit", "mdi2e-exit-to-app", "Shortcut+Q", () -> {
            if (mayClose(Platform::exit)) Platform.exit();
        });
        MenuItem save = item("Save annotations", "mdi2c-content-save-outline", "Shortcut+S", this::save);
        save.setId("saveItem");
        save.disableProperty().bind(vm.dirtyProperty().not().or(vm.savingProperty()));
        MenuItem saveAs = item("Save annotations as…", null, "Shortcut+Shift+S", this::chooseSaveAs);
        saveAs.disableProperty().bind(vm.datasetProperty().isNull().or(vm.savingProperty()));
        Menu file = new Menu("File", null, open, recentMenu, new SeparatorMenuItem(), save, saveAs,
                new SeparatorMenuItem(), preds, closePreds, new SeparatorMenuItem(), exit);

        MenuItem undo = item("Undo", "mdi2u-undo", "Shortcut+Z", vm::undo);
        undo.setId("undoItem");
        undo.textProperty().bind(Bindings.createStringBinding(() -> vm.undoLabelProperty().get().isEmpty() ? "Undo"
                : "Undo " + vm.undoLabelProperty().get(), vm.undoLabelProperty()));
        undo.disableProperty().bind(vm.canUndoProperty().not());
        MenuItem redo = item("Redo", "mdi2r-redo", "Shortcut+Shift+Z", vm::redo);
        redo.textProperty().bind(Bindings.createStringBinding(() -> vm.redoLabelProperty().get().isEmpty() ? "Redo"
                : "Redo " + vm.redoLabelProperty().get(), vm.redoLabelProperty()));
        redo.disableProperty().bind(vm.canRedoProperty().not());
        MenuItem redoY = item("Redo (Ctrl+Y)", null, "Shortcut+Y", vm::redo);
        redoY.disableProperty().bind(vm.canRedoProperty().not());
        var predictionSelected = Bindings.createBooleanBinding(() -> vm.selectedProperty().get() != null
                && vm.selectedProperty().get().prediction(), vm.selectedProperty());
        MenuItem accept = item("Accept prediction (Enter)", "mdi2c-check", null, vm::acceptSelected);
        accept.disableProperty().bind(predictionSelected.not());
        MenuItem acceptAll = item("Accept all shown predictions of this image", "mdi2c-check-all", "Shortcut+Shift+A",
                vm::acceptAllShown);
        acceptAll.disableProperty().bind(Bindings.createBooleanBinding(() -> vm.shownPredictionsProperty().get().isEmpty(),
                vm.shownPredictionsProperty()));
        MenuItem remove = item("Reject prediction / delete annotation (Delete)", "mdi2d-delete-outline", null,
                vm::deleteSelected);
        remove.disableProperty().bind(vm.selectedProperty().isNull());
        MenuItem nextInstance = item("Select next instance (Tab)", null, null, vm::selectNext);
        Menu edit = new Menu("Edit", null, undo, redo, redoY, new SeparatorMenuItem(), accept, acceptAll, remove,
                new SeparatorMenuItem(), nextInstance);

        LayerSettings ls = vm.layers();
        Menu view = new Menu("View", null,
                check("Masks (M)", ls.masksProperty()), check("Outlines", ls.outlinesProperty()),
                check("Boxes (B)", ls.boxesProperty()), check("Labels (L)", ls.labelsProperty()),
                check("Keypoints (K)", ls.keypointsProperty()), new SeparatorMenuItem(),
                item("Zoom in (+)", "mdi2m-magnify-plus-outline", null, viewport::zoomIn),
                item("Zoom out (-)", "mdi2m-magnify-minus-outline", null, viewport::zoomOut),
                item("Fit (0)", "mdi2f-fit-to-screen-outline", null, viewport::fit),
                item("100% (1)", null, null, viewport::actualSize), new SeparatorMenuItem(),
                item("Next image (Right / D)", "mdi2a-arrow-right", null, vm::next),
                item("Previous image (Left / A)", "mdi2a-arrow-left", null, vm::previous));
        Menu help = new Menu("Help", null,
                item("Keyboard shortcuts", "mdi2k-keyboard-outline", "F1", () -> Shortcuts.showDialog(getScene().getWindow())),
                item("About MaskLab", "mdi2i-information-outline", null, this::about));
        MenuItem runModel = item("Run model…", "mdi2r-robot", "Shortcut+R", this::chooseAndRunModel);
        runModel.disableProperty().bind(vm.datasetProperty().isNull().or(predicting));
        MenuItem stop = item("Stop prediction", "mdi2s-stop-circle-outline", null, this::stopPrediction);
        stop.disableProperty().bind(predicting.not());
        MenuItem train = item("Train…", "mdi2s-school-outline", "Shortcut+T",
                () -> centerTabs.getSelectionModel().select(2));
        Menu model = new Menu("Model", null, runModel, stop, new SeparatorMenuItem(), train);
        MenuBar bar = new MenuBar(file, edit, view, model, help);
        bar.setId("menuBar");
        return bar;
    }

    private ToolBar toolBar() {
        Button open = iconButton("mdi2f-folder-open-outline", "Open dataset (Ctrl+O)", this::chooseDataset);
        Button preds = iconButton("mdi2f-file-chart-outline", "Load predictions (Ctrl+P)", this::choosePredictions);
        preds.disableProperty().bind(vm.datasetProperty().isNull());
        Button saveButton = iconButton("mdi2c-content-save-outline", "Save annotations (Ctrl+S)", this::save);
        saveButton.setId("saveButton");
        saveButton.disableProperty().bind(vm.dirtyProperty().not().or(vm.savingProperty()));
        Button undoButton = iconButton("mdi2u-undo", "Undo (Ctrl+Z)", vm::undo);
        undoButton.disableProperty().bind(vm.canUndoProperty().not());
        Button redoButton = iconButton("mdi2r-redo", "Redo (Ctrl+Shift+Z)", vm::redo);
        redoButton.disableProperty().bind(vm.canRedoProperty().not());
        Button run = iconButton("mdi2r-robot", "Run model (Ctrl+R)", this::chooseAndRunModel);
        run.setId("runModelButton");
        run.disableProperty().bind(vm.datasetProperty().isNull().or(predicting));
        Button prev = iconButton("mdi2c-chevron-left", "Previous image (Left / A)", vm::previous);
        Button next = iconButton("mdi2c-chevron-right", "Next image (Right / D)", vm::next);
        Button zin = iconButton("mdi2m-magnify-plus-outline", "Zoom in (+)", viewport::zoomIn);
        Button zout = iconButton("mdi2m-magnify-minus-outline", "Zoom out (-)", viewport::zoomOut);
        Button fit = iconButton("mdi2f-fit-to-screen-outline", "Fit (0)", viewport::fit);
        Button one = iconButton("mdi2n-numeric-1-box-outline", "100% (1)", viewport::actualSize);
        ChoiceBox<MainViewModel.ViewMode> mode = new ChoiceBox<>();
        mode.setId("viewMode");
        mode.getItems().setAll(MainViewModel.ViewMode.values());
        mode.valueProperty().bindBidirectional(vm.viewModeProperty());
        mode.disableProperty().bind(vm.predictionsProperty().isNull());
        javafx.scene.control.ToggleGroup tools = new javafx.scene.control.ToggleGroup();
        List<Node> toolButtons = new java.util.ArrayList<>();
        String[][] toolIcons = {{"SELECT", "mdi2c-cursor-default-outline"}, {"BOX", "mdi2v-vector-rectangle"},
                {"POLYGON", "mdi2v-vector-polygon"}, {"BRUSH", "mdi2b-brush"}, {"ERASER", "mdi2e-eraser"}};
        for (String[] ti : toolIcons) {
            MainViewModel.Tool t = MainViewModel.Tool.valueOf(ti[0]);
            javafx.scene.control.ToggleButton tb = new javafx.scene.control.ToggleButton(null, new FontIcon(ti[1]));
            tb.setId("tool" + ti[0]);
            tb.setTooltip(new Tooltip(t.toString()));
            tb.setToggleGroup(tools);
            tb.setUserData(t);
            tb.setFocusTraversable(false);
            tb.disableProperty().bind(vm.datasetProperty().isNull());
            toolButtons.add(tb);
        }
        Runnable syncTools = () -> tools.getToggles().forEach(tg -> tg.setSelected(tg.getUserData() == vm.toolProperty().get()));
        vm.toolProperty().addListener((o, a, b) -> syncTools.run());
        tools.selectedToggleProperty().addListener((o, a, b) -> {
            if (b == null) syncTools.run(); // a toggle cannot be switched off: one tool is always active
            else vm.toolProperty().set((MainViewModel.Tool) b.getUserData());
        });
        syncTools.run();
        javafx.scene.control.ComboBox<dev.masklab.app.viewmodel.CategoryRow> drawCat = new javafx.scene.control.ComboBox<>(vm.categories());
        drawCat.setId("drawCategory");
        drawCat.setTooltip(new Tooltip("Category of new boxes, polygons and brush strokes"));
        drawCat.valueProperty().bindBidirectional(vm.drawCategoryProperty());
        drawCat.disableProperty().bind(vm.datasetProperty().isNull());
        drawCat.setFocusTraversable(false);
        drawCat.setPrefWidth(130);
        Label brush = new Label();
        brush.setTooltip(new Tooltip("Brush radius in image pixels ([ and ] change it)"));
        brush.textProperty().bind(Bindings.createStringBinding(() -> String.format("⌀ %.0f px",
                2 * vm.brushRadiusProperty().get()), vm.brushRadiusProperty()));
        brush.visibleProperty().bind(vm.toolProperty().isEqualTo(MainViewModel.Tool.BRUSH)
                .or(vm.toolProperty().isEqualTo(MainViewModel.Tool.ERASER)));
        brush.managedProperty().bind(brush.visibleProperty());
        Label title = new Label();
        title.getStyleClass().add("image-title");
        title.textProperty().bind(Bindings.createStringBinding(() -> {
            ImageEntry e = vm.getCurrentImage();
            if (e == null) return "";
            int i = vm.currentIndex();
            return e.fileName() + (i >= 0 ? "   " + (i + 1) + " / " + vm.filteredImages().size() : "");
        }, vm.currentImageProperty(), vm.filteredImages()));
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        ToolBar bar = new ToolBar(open, saveButton, preds, run, new Separator(), undoButton, redoButton, new Separator());
        bar.getItems().addAll(toolButtons);
        bar.getItems().addAll(drawCat, brush, new Separator());
        bar.getItems().addAll(prev, next, new Separator(), zin, zout, fit, one,
                new Separator(), title, gap, new Label("Show"), mode);
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
        display.add(new HBox(10, checkBox("Masks", ls.masksProperty(), "layerMasks"),
                checkBox("Outlines", ls.outlinesProperty(), "layerOutlines"),
                checkBox("Boxes", ls.boxesProperty(), "layerBoxes")), 0, r++, 2, 1);
        display.add(new HBox(10, checkBox("Labels", ls.labelsProperty(), "layerLabels"),
                checkBox("Keypoints", ls.keypointsProperty(), "layerKeypoints")), 0, r++, 2, 1);
        opacity.setId("opacity");
        opacity.valueProperty().bindBidirectional(ls.opacityProperty());
        display.add(new Label("Opacity"), 0, r);
        display.add(withValue(opacity, "%.0f%%", 100), 1, r++);
        ChoiceBox<LayerSettings.ColorMode> colors = new ChoiceBox<>();
        colors.setId("colorMode");
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
        predCount.textProperty().bind(Bindings.createStringBinding(() -> {
            PredictionSet ps = vm.predictionsProperty().get();
            if (ps == null) return "No predictions loaded";
            return vm.shownPredictionsProperty().get().size() + " on this image, "
                    + vm.predictionsAboveThresholdProperty().get() + " of " + ps.total() + " in the dataset";
        }, vm.predictionsProperty(), vm.shownPredictionsProperty(), vm.predictionsAboveThresholdProperty()));
        display.add(predCount, 0, r++, 2, 1);
        GridPane.setHgrow(opacity, Priority.ALWAYS);

        TabPane tabs = new TabPane(new Tab("Categories", categoriesView), new Tab("Inspector", inspector));
        tabs.setId("rightTabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        categoriesView.setPadding(new Insets(6));
        inspector.setPadding(new Insets(6));
        vm.selectedProperty().addListener((o, a, b) -> { if (b != null) tabs.getSelectionModel().select(1); });
        VBox.setVgrow(tabs, Priority.ALWAYS);
        VBox right = new VBox(display, tabs);
        right.getStyleClass().add("side-panel");
        right.setPrefWidth(310);
        return right;
    }

    private Node statusBar() {
        statusBar.setId("statusBar");
        statusBar.setText("Ready");
        Label size = new Label();
        size.textProperty().bind(Bindings.createStringBinding(() -> {
            ImageEntry e = vm.getCurrentImage();
            return e == null ? "" : e.width() + " × " + e.height() + " px";
        }, vm.currentImageProperty()));
        Label zoom = new Label();
        zoom.setId("zoomLabel");
        zoom.textProperty().bind(Bindings.createStringBinding(() -> String.format("%.0f%%", viewport.zoom() * 100),
                viewport.zoomProperty()));
        Label cursor = new Label();
        cursor.textProperty().bind(Bindings.createStringBinding(() -> {
            var p = vm.cursorProperty().get();
            return p == null ? "" : String.format("x %d, y %d", (int) p.getX(), (int) p.getY());
        }, vm.cursorProperty()));
        Label under = new Label();
        under.setId("hoverLabel");
        under.textProperty().bind(Bindings.createStringBinding(() -> vm.describe(vm.hoveredProperty().get()),
                vm.hoveredProperty()));
        Button stop = new Button("Stop", new FontIcon("mdi2s-stop-circle-outline"));
        stop.setId("stopPrediction");
        stop.setOnAction(e -> stopPrediction());
        stop.visibleProperty().bind(predicting);
        stop.managedProperty().bind(predicting);
        statusBar.getRightItems().addAll(stop, under, sep(), cursor, sep(), size, sep(), zoom);
        return statusBar;
    }

    // ---- actions ----

    public void chooseDataset() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open COCO dataset");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("COCO JSON", "*.json"));
        File f = fc.showOpenDialog(window());
        if (f != null) openDataset(f.toPath());
    }

    public void choosePredictions() {
        if (vm.getDataset() == null) return;
        FileChooser fc = new FileChooser();
        fc.setTitle("Load COCO results (predictions)");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("COCO results JSON", "*.json"));
        fc.setInitialDirectory(vm.getDataset().jsonFile().getParent().toFile());
        File f = fc.showOpenDialog(window());
        if (f != null) openPredictions(f.toPath());
    }

    /** A dropped JSON: a results list when a dataset is open and the file starts with '[', else a dataset. */
    public void openAny(Path json) {
        if (vm.getDataset() != null && DatasetService.looksLikeResults(json)) openPredictions(json);
        else openDataset(json);
    }

    /**
     * Reads the dataset in the background; on success shows it, asks for the image folder when none was found.
     * Unsaved edits of the open dataset are saved or discarded first, as the user chooses (null: cancelled).
     */
    public Task<LoadedDataset> openDataset(Path json) {
        if (!mayDiscardEdits("opening " + json.getFileName())) return null;
        // an autosave newer than the file: a session ended with unsaved corrections
        Path recover = Autosave.pending(json).filter(a -> recoveryConfirmation.test(a)).orElse(null);
        if (recover == null && Autosave.pending(json).isPresent()) {
            try {
                vm.messageProperty().set("Unsaved corrections not recovered: kept as " + Autosave.setAside(json).getFileName());
            } catch (java.io.IOException e) {
                vm.messageProperty().set("Cannot set the autosave aside: " + e.getMessage());
            }
        }
        Task<LoadedDataset> t = service.loadTask(recover != null ? recover : json);
        run(t, loaded -> {
            // edits made while the file was read are asked about again (nothing silently replaced)
            if (!mayDiscardEdits("opening " + json.getFileName())) return;
            recent.add(json);
            refreshRecent();
            LoadedDataset ds = recover != null ? loaded.withJsonFile(json.toAbsolutePath()) : loaded;
            LoadedDataset shown = ds;
            if (!ds.rootFound() && !ds.images().isEmpty() && getScene() != null && !Dialogs.headless()) {
                DirectoryChooser dc = new DirectoryChooser();
                dc.setTitle("Images of " + json.getFileName() + " not found: choose the image folder");
                dc.setInitialDirectory(ds.imageRoot().toFile());
                File dir = dc.showDialog(window());
                if (dir != null) shown = ds.withImageRoot(dir.toPath());
            }
            vm.setDataset(shown);
            vm.messageProperty().set(String.format("Opened %s: %d images, %d instances, %d categories%s",
                    json.getFileName(), shown.images().size(), shown.instanceCount(), shown.categories().size(),
                    shown.warnings().isEmpty() ? "" : ", " + shown.warnings().size() + " warnings"));
            if (!shown.rootFound() && !shown.images().isEmpty())
                vm.messageProperty().set("Images not found next to " + json.getFileName() + ": placeholders shown");
            if (recover != null) {
                vm.markRecovered();
                vm.messageProperty().set("Recovered the unsaved corrections of " + json.getFileName()
                        + " from " + recover.getFileName() + ": save to keep them");
            }
        }, "Cannot open dataset " + json.getFileName());
        return t;
    }

    public Task<PredictionSet> openPredictions(Path results) {
        Task<PredictionSet> t = service.predictionsTask(results, vm.getDataset());
        run(t, ps -> {
            vm.setPredictions(ps);
            vm.messageProperty().set("Loaded " + ps.total() + " predictions from " + results.getFileName());
        }, "Cannot load predictions " + results.getFileName());
        return t;
    }

    /** Asks for weights and options ({@link RunModelDialog}) and runs the model on the open dataset. */
    public void chooseAndRunModel() {
        LoadedDataset ds = vm.getDataset();
        if (ds == null || predicting.get()) return;
        new RunModelDialog(window(), ds, vm.getCurrentImage(), lastRun).showAndWait().ifPresent(this::runModel);
    }

    /**
     * Runs a model on the open dataset in the background (progress and a Stop button in the status bar) and shows
     * the written results as the predictions; stopping keeps the images already done.
     */
    public Task<PredictionService.Outcome> runModel(PredictionService.Request request) {
        LoadedDataset ds = vm.getDataset();
        if (ds == null) throw new IllegalStateException("no dataset open");
        lastRun = request;
        stopPrediction.set(false);
        predicting.set(true);
        Task<PredictionService.Outcome> t = predictionService.task(ds, request, stopPrediction::get);
        t.runningProperty().addListener((o, a, b) -> { if (!b) predicting.set(false); });
        run(t, out -> {
            predicting.set(false);
            if (out.predictions() == null) {
                vm.messageProperty().set("Stopped before the first image: nothing written");
                return;
            }
            vm.setPredictions(out.predictions());
            StringBuilder msg = new StringBuilder(out.stopped() ? "Stopped: " : "");
            msg.append(String.format("%d predictions in %d of %d images -> %s", out.instanceCount(),
                    out.imagesPredicted(), out.imagesRequested(), request.output().getFileName()));
            if (!out.skipped().isEmpty()) {
                msg.append("; ").append(out.skipped().size()).append(" skipped (").append(out.skipped().get(0))
                        .append(out.skipped().size() > 1 ? ", …" : "").append(")");
            }
            if (!out.unknownCategories().isEmpty()) {
                msg.append("; category ids not in the dataset: ").append(out.unknownCategories());
            }
            vm.messageProperty().set(msg.toString());
        }, "Cannot run model " + request.weights().getFileName());
        return t;
    }

    /** "Run this model" of the training tab: the run-model dialog with the trained model filled in. */
    private void runTrainedModel(Path model) {
        LoadedDataset ds = vm.getDataset();
        if (ds == null) {
            vm.messageProperty().set("Open a dataset to run the trained model " + model + " on");
            return;
        }
        lastRun = new PredictionService.Request(model, null, 0.05f, PredictionService.DeviceChoice.AUTO, false, null,
                PredictionService.defaultOutput(ds));
        centerTabs.getSelectionModel().select(0);
        chooseAndRunModel();
    }

    // ---- saving edits ----

    /** How recovering an autosave is confirmed (tests replace the dialog): true recovers it. */
    public void setRecoveryConfirmation(Predicate<Path> confirm) {
        recoveryConfirmation = confirm;
    }

    private boolean askRecovery(Path autosave) {
        if (Dialogs.headless()) return false;
        Alert a = new Alert(Alert.AlertType.CONFIRMATION);
        a.initOwner(window());
        a.setTitle("MaskLab");
        String when;
        try {
            when = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").format(
                    Files.getLastModifiedTime(autosave).toInstant().atZone(java.time.ZoneId.systemDefault()));
        } catch (java.io.IOException e) {
            when = "an earlier session";
        }
        a.setHeaderText("Recover unsaved corrections?");
        a.setContentText("MaskLab ended with corrections to this dataset that were not saved. The autosave from " + when
                + " holds them. Recover opens it (save to keep it); Don't recover opens the file as saved and keeps the "
                + "autosave as " + autosave.getFileName() + ".old.");
        ButtonType yes = new ButtonType("Recover", ButtonBar.ButtonData.YES);
        ButtonType no = new ButtonType("Don't recover", ButtonBar.ButtonData.NO);
        a.getButtonTypes().setAll(yes, no);
        return a.showAndWait().filter(yes::equals).isPresent();
    }

    /**
     * Writes the open annotations to the autosave when they have edits not yet autosaved (a shallow copy is taken
     * here, the file written on another thread); removes a stale autosave when nothing is unsaved. Runs every
     * {@value #AUTOSAVE_SECONDS} s; returns the writing thread, or null when nothing was to be written.
     */
    public Thread autosaveNow() {
        LoadedDataset ds = vm.getDataset();
        if (ds == null || vm.editor() == null || autosaving) return null;
        Path json = ds.jsonFile();
        if (!vm.dirtyProperty().get()) {
            if (autosavedRevision >= 0) autosaveDone(json); // undone back to the saved state
            return null;
        }
        long rev = vm.revisionProperty().get();
        if (rev == autosavedRevision) return null;
        dev.masklab.coco.CocoDataset snapshot = vm.editor().coco().shallowCopy();
        autosaving = true;
        Thread th = new Thread(() -> {
            String error = null;
            try {
                Autosave.write(snapshot, json);
            } catch (java.io.IOException | RuntimeException e) {
                error = e.getMessage();
            }
            String err = error;
            Platform.runLater(() -> {
                autosaving = false;
                if (err == null) autosavedRevision = rev;
                else if (!json.equals(autosaveFailedFor)) { // said once per dataset, not every 30 s
                    autosaveFailedFor = json;
                    vm.messageProperty().set("Autosave to " + Autosave.fileFor(json) + " failed (" + err
                            + "): save your corrections with Ctrl+S or Save as");
                }
            });
        }, "masklab-autosave");
        th.setDaemon(true);
        th.start();
        return th;
    }

    /** The edits are saved or given up: the autosave of {@code json} has no purpose left. */
    private void autosaveDone(Path json) {
        try {
            Autosave.delete(json);
        } catch (java.io.IOException e) {
            vm.messageProperty().set("Cannot remove " + Autosave.fileFor(json) + ": " + e.getMessage());
        }
        autosavedRevision = -1;
    }

    /** What to do with unsaved edits before they would be lost. */
    public enum UnsavedChoice { SAVE, DISCARD, CANCEL }

    /** How unsaved edits are confirmed (tests replace the dialog); the argument says what is about to happen. */
    public void setUnsavedConfirmation(java.util.function.Function<String, UnsavedChoice> confirm) {
        unsavedConfirmation = confirm;
    }

    /** Writes the annotations over the dataset's file in the background (previous file kept as NAME.bak). */
    public Task<Void> save() {
        LoadedDataset ds = vm.getDataset();
        return ds == null ? null : saveTo(ds.jsonFile());
    }

    private void chooseSaveAs() {
        LoadedDataset ds = vm.getDataset();
        if (ds == null) return;
        FileChooser fc = new FileChooser();
        fc.setTitle("Save annotations as");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("COCO JSON", "*.json"));
        fc.setInitialDirectory(ds.jsonFile().getParent().toFile());
        fc.setInitialFileName(ds.jsonFile().getFileName().toString().replaceFirst("\\.json$", "") + "-corrected.json");
        File f = fc.showSaveDialog(window());
        if (f != null) saveTo(f.toPath());
    }

    /**
     * Writes the annotations to {@code file} off the FX thread; edits wait meanwhile ({@link MainViewModel#savingProperty()}).
     * A new file becomes the dataset's file; a failure leaves the file as it was (atomic write) and the edits unsaved.
     */
    public Task<Void> saveTo(Path file) {
        if (vm.editor() == null || vm.savingProperty().get()) return null;
        vm.savingProperty().set(true);
        Task<Void> t = new Task<>() {
            @Override
            protected Void call() throws Exception {
                updateMessage("Saving " + file.getFileName() + "…");
                updateProgress(-1, 1);
                vm.writeBlocking(file);
                return null;
            }
        };
        t.runningProperty().addListener((o, a, b) -> { if (!b) vm.savingProperty().set(false); });
        Path before = vm.getDataset().jsonFile();
        run(t, v -> {
            vm.savingProperty().set(false);
            vm.markSaved(file);
            autosaveDone(before);
            vm.messageProperty().set("Saved " + file + (Files.exists(Path.of(file + ".bak"))
                    ? " (previous version kept as " + file.getFileName() + ".bak)" : ""));
        }, "Cannot save " + file.getFileName());
        return t;
    }

    /**
     * True when the open annotations may be left: nothing unsaved, or the user saved (here, blocking) or discarded the
     * edits; false when cancelled or the save failed (the edits stay).
     */
    public boolean mayDiscardEdits(String action) {
        if (!vm.dirtyProperty().get()) return true;
        switch (unsavedConfirmation.apply(action)) {
            case SAVE -> {
                try {
                    vm.saveBlocking();
                    autosaveDone(vm.getDataset().jsonFile());
                    return true;
                } catch (java.io.IOException | RuntimeException e) {
                    String msg = "Cannot save " + vm.getDataset().jsonFile().getFileName() + ": " + e.getMessage();
                    vm.messageProperty().set(msg);
                    if (!Dialogs.headless()) showError("Cannot save", msg);
                    return false;
                }
            }
            case DISCARD -> {
                // given up by the user: the autosave is kept aside (NAME.json.autosave.old), never silently deleted
                Path json = vm.getDataset().jsonFile();
                try {
                    if (java.nio.file.Files.exists(Autosave.fileFor(json))) Autosave.setAside(json);
                } catch (java.io.IOException e) {
                    vm.messageProperty().set("Cannot set the autosave aside: " + e.getMessage());
                }
                autosavedRevision = -1;
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private UnsavedChoice askUnsaved(String action) {
        Alert a = new Alert(Alert.AlertType.CONFIRMATION);
        a.initOwner(window());
        a.setTitle("MaskLab");
        a.setHeaderText("Save the changes to " + vm.getDataset().jsonFile().getFileName() + " before " + action + "?");
        a.setContentText("Your corrections are lost if you don't save them. Saving keeps the previous file as "
                + vm.getDataset().jsonFile().getFileName() + ".bak.");
        ButtonType saveB = new ButtonType("Save", ButtonBar.ButtonData.YES);
        ButtonType discard = new ButtonType("Don't save", ButtonBar.ButtonData.NO);
        a.getButtonTypes().setAll(saveB, discard, ButtonType.CANCEL);
        ButtonType r = a.showAndWait().orElse(ButtonType.CANCEL);
        return r == saveB ? UnsavedChoice.SAVE : r == discard ? UnsavedChoice.DISCARD : UnsavedChoice.CANCEL;
    }

    /** The background work that quitting would end ("a training run", "a model run"), or null when there is none. */
    public String runningWork() {
        boolean t = training.viewModel().runningProperty().get();
        boolean p = predicting.get();
        return t && p ? "a training run and a model run" : t ? "a training run" : p ? "a model run" : null;
    }

    /** How quitting during {@link #runningWork()} is confirmed (tests replace the dialog); true: stop it and quit. */
    public void setQuitConfirmation(Predicate<String> confirm) {
        quitConfirmation = confirm;
    }

    /**
     * Window close and File > Exit: unsaved edits are saved or discarded first, as the user chooses (cancel: false).
     * Then true when nothing runs in the background. Otherwise asks first; when confirmed,
     * stops the work (training ends its current iteration and writes a checkpoint, which Resume continues; a model
     * run keeps the images done) and calls {@code quit} once it has ended; returns false either way.
     */
    public boolean mayClose(Runnable quit) {
        if (!mayDiscardEdits("quitting")) return false;
        if (vm.getDataset() != null && !vm.dirtyProperty().get() && autosavedRevision >= 0) autosaveDone(vm.getDataset().jsonFile());
        String work = runningWork();
        if (work == null) return true;
        if (!quitConfirmation.test(work)) return false;
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

    private boolean confirmQuit(String work) {
        Alert a = new Alert(Alert.AlertType.CONFIRMATION);
        a.initOwner(window());
        a.setTitle("MaskLab");
        a.setHeaderText("Quit while " + work + (work.contains(" and ") ? " are" : " is") + " in progress?");
        a.setContentText("MaskLab stops it first: training writes a checkpoint at the iteration it stops (Resume in the "
                + "Training tab continues it), a model run keeps the images it has done.");
        ButtonType stopAndQuit = new ButtonType("Stop and quit", ButtonBar.ButtonData.OK_DONE);
        a.getButtonTypes().setAll(stopAndQuit, ButtonType.CANCEL);
        return a.showAndWait().filter(stopAndQuit::equals).isPresent();
    }

    /** Stops a running prediction after the current image. */
    public void stopPrediction() {
        stopPrediction.set(true);
    }

    public BooleanProperty predictingProperty() {
        return predicting;
    }

    private <T> void run(Task<T> t, Consumer<T> onSuccess, String failTitle) {
        ProgressBar bar = new ProgressBar();
        bar.progressProperty().bind(t.progressProperty());
        statusBar.textProperty().bind(t.messageProperty());
        statusBar.progressProperty().bind(t.progressProperty());
        t.setOnSucceeded(e -> {
            statusBar.textProperty().unbind();
            statusBar.progressProperty().unbind();
            statusBar.setProgress(0);
            onSuccess.accept(t.getValue());
        });
        t.setOnFailed(e -> {
            statusBar.textProperty().unbind();
            statusBar.progressProperty().unbind();
            statusBar.setProgress(0);
            Throwable ex = t.getException();
            String msg = ex == null ? "unknown error" : ex.getMessage() != null ? ex.getMessage() : ex.toString();
            vm.messageProperty().set(failTitle + ": " + msg);
            statusBar.setText(failTitle + ": " + msg);
            if (!Dialogs.headless()) showError(failTitle, msg);
        });
        Thread th = new Thread(t, "masklab-io");
        th.setDaemon(true);
        th.start();
    }

    private void showError(String title, String msg) {
        Dialogs.error(window(), title, msg).showAndWait();
    }

    private void about() {
        Alert a = new Alert(Alert.AlertType.INFORMATION);
        a.initOwner(window());
        a.setTitle("About MaskLab");
        a.setHeaderText("MaskLab " + dev.masklab.app.AppInfo.version());
        a.setContentText("COCO datasets, Mask R-CNN inference and training in Java.");
        a.showAndWait();
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

    /** Installs the keyboard shortcuts on the scene (not while typing in a text field). */
    public void installShortcuts(Scene scene) {
        scene.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.isShortcutDown() || e.isAltDown()) return;
            if (scene.getFocusOwner() instanceof TextInputControl) return;
            // a Delete or Enter in the Training or Statistics tab must not edit the image behind it
            if (Shortcuts.edits(e.getCode()) && centerTabs.getSelectionModel().getSelectedIndex() != 0) return;
            if (scene.getFocusOwner() instanceof ImageCanvas c && c.drawingKey(e.getCode())) {
                e.consume(); // Enter, Backspace, Escape while a polygon is drawn
                return;
            }
            if (e.getCode() == KeyCode.TAB && !e.isShiftDown() && scene.getFocusOwner() instanceof ImageCanvas) {
                vm.selectNext(); // elsewhere Tab keeps moving the focus between controls
                e.consume();
                return;
            }
            if (Shortcuts.handle(e.getCode(), e.getText(), vm, viewport)) e.consume();
        });
    }

    private Window window() {
        return getScene() == null ? null : getScene().getWindow();
    }

    // ---- small builders ----

    private static MenuItem item(String text, String icon, String accel, Runnable action) {
        MenuItem mi = new MenuItem(text, icon == null ? null : new FontIcon(icon));
        if (accel != null) mi.setAccelerator(KeyCombination.keyCombination(accel));
        mi.setOnAction(e -> action.run());
        return mi;
    }

    private static CheckMenuItem check(String text, javafx.beans.property.BooleanProperty p) {
        CheckMenuItem mi = new CheckMenuItem(text);
        mi.selectedProperty().bindBidirectional(p);
        return mi;
    }

    private static CheckBox checkBox(String text, javafx.beans.property.BooleanProperty p, String id) {
        CheckBox cb = new CheckBox(text);
        cb.setId(id);
        cb.selectedProperty().bindBidirectional(p);
        return cb;
    }

    private static Button iconButton(String icon, String tip, Runnable action) {
        Button b = new Button(null, new FontIcon(icon));
        b.setTooltip(new Tooltip(tip));
        b.setOnAction(e -> action.run());
        b.setFocusTraversable(false);
        return b;
    }

    private static Label title(String s) {
        Label l = new Label(s);
        l.getStyleClass().add("panel-title");
        return l;
    }

    private static Node withValue(Slider s, String fmt, double mul) {
        Label v = new Label();
        v.setMinWidth(42);
        v.textProperty().bind(Bindings.createStringBinding(() -> String.format(fmt, s.getValue() * mul), s.valueProperty()));
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
