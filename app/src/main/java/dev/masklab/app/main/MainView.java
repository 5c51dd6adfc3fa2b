package dev.masklab.app.main;

import dev.masklab.app.action.ActionFactory;
import dev.masklab.app.action.StandardAction;
import dev.masklab.app.browser.BrowserView;
import dev.masklab.app.browser.ThumbnailCache;
import dev.masklab.app.canvas.DisplaySettingsView;
import dev.masklab.app.canvas.ImageCanvas;
import dev.masklab.app.canvas.Viewport;
import dev.masklab.app.dialog.DialogService;
import dev.masklab.app.document.DatasetDocument;
import dev.masklab.app.document.DocumentController;
import dev.masklab.app.document.RecentDatasets;
import dev.masklab.app.evaluation.ErrorOverlay;
import dev.masklab.app.evaluation.ErrorsInImage;
import dev.masklab.app.evaluation.EvaluationFeed;
import dev.masklab.app.evaluation.EvaluationView;
import dev.masklab.app.evaluation.EvaluationViewModel;
import dev.masklab.app.inspector.CategoriesView;
import dev.masklab.app.inspector.InspectorView;
import dev.masklab.app.model.ImageEntry;
import dev.masklab.app.prediction.ModelRunController;
import dev.masklab.app.prediction.ViewMode;
import dev.masklab.app.statistics.StatisticsView;
import dev.masklab.app.task.FxTaskExecutor;
import dev.masklab.app.training.TrainingView;
import dev.masklab.app.training.TrainingViewModel;
import java.util.ArrayList;
import java.util.List;
import javafx.beans.InvalidationListener;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Slider;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextInputControl;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Window;
import org.controlsfx.control.StatusBar;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The main window's content, put together from the feature views: menus and tool bar from the action table
 * ({@link ActionTable}, {@link MenuBarBuilder}, {@link ToolBarBuilder}), image browser (left), the tabs (Image: one
 * canvas, or two side by side for ground truth vs predictions; Statistics; Training; Evaluation), display settings,
 * categories and inspector (right) and the status bar ({@link StatusBarBuilder}). The dataset's life is
 * {@link DocumentController}'s, model runs {@link ModelRunController}'s; this class keeps the layout, the session
 * memory, the image view's keys and the quit policy.
 */
public final class MainView extends BorderPane {
    private final MainViewModel vm;
    private final DatasetDocument document;
    private final SessionPreferences session;
    private final DialogService dialogs;
    private final DocumentController files;
    private final ModelRunController modelRuns;
    private final ModelLoop loop;
    private final ThumbnailCache thumbs = new ThumbnailCache(104, 600, 2);
    private final Viewport viewport = new Viewport();
    private final ImageCanvas mainCanvas;
    private final ImageCanvas predCanvas;
    private final SplitPane canvasArea = new SplitPane();
    private final BrowserView browser;
    private final CategoriesView categoriesView;
    private final InspectorView inspector;
    private final DisplaySettingsView display;
    private final StatisticsView statistics;
    private final TrainingView training;
    private final EvaluationView evaluation;
    private final ErrorOverlay errors;
    private final StatusBar statusBar = new StatusBar();
    private final TabPane centerTabs = new TabPane();
    private final ActionFactory actions = new ActionFactory();
    /** Drop-downs of the tool bar and the display panel: the image gets the keyboard back once one is closed. */
    private final List<Node> pickers = new ArrayList<>();

    public MainView(
            MainViewModel vm,
            RecentDatasets recent,
            SessionPreferences session,
            DialogService dialogs,
            FxTaskExecutor tasks) {
        this.vm = vm;
        this.session = session;
        this.dialogs = dialogs;
        this.document = vm.document();
        tasks.setStatusLine(vm.messageProperty()::set);
        getStyleClass().add("main-view");
        files = new DocumentController(vm, recent, session, dialogs, tasks);
        modelRuns = new ModelRunController(
                vm,
                dialogs,
                tasks,
                this::window,
                () -> centerTabs.getSelectionModel().select(0));
        mainCanvas = new ImageCanvas(vm, viewport, ImageCanvas.Source.GROUND_TRUTH);
        mainCanvas.setId("mainCanvas");
        predCanvas = new ImageCanvas(vm, viewport, ImageCanvas.Source.PREDICTIONS);
        predCanvas.setId("predCanvas");
        browser = new BrowserView(vm, thumbs);
        browser.setPrefWidth(280);
        browser.setPadding(new Insets(8));
        categoriesView = new CategoriesView(vm);
        inspector = new InspectorView(vm);
        display = new DisplaySettingsView(vm);
        statistics = new StatisticsView(vm);
        training =
                new TrainingView(new TrainingViewModel(), modelRuns::runTrainedModel, dialogs, tasks, this::openImage);
        vm.datasetProperty().addListener((o, a, b) -> {
            if (b != null) training.suggestDataset(b.jsonFile());
        });
        loop = new ModelLoop(
                vm,
                dialogs,
                training,
                modelRuns.model(),
                modelRuns::runModel,
                modelRuns::lastRun,
                () -> centerTabs.getSelectionModel().select(2));
        modelRuns.setRunChoices(loop::subsets, loop::loadedPredictions);
        EvaluationViewModel evaluationModel = new EvaluationViewModel(tasks);
        errors = new ErrorOverlay(evaluationModel, vm.navigation().currentImageProperty());
        evaluation = new EvaluationView(
                evaluationModel,
                new ErrorsInImage(
                        vm, errors, () -> centerTabs.getSelectionModel().select(0)),
                dialogs,
                tasks);
        evaluation
                .model()
                .comparison()
                .scoreThresholdProperty()
                .bind(vm.predictions().scoreThresholdProperty());
        for (ImageCanvas c : List.of(mainCanvas, predCanvas)) c.setErrors(errors);
        inspector.setErrors(errors);
        display.addLayerToggle(errorsBox());
        EvaluationFeed.connect(vm, evaluation.model());

        ActionTable.bind(this, vm, dialogs);
        categoriesView
                .list()
                .setContextMenu(new ContextMenu(
                        actions.menuItem(StandardAction.CATEGORY_ADD),
                        actions.menuItem(StandardAction.CATEGORY_RENAME),
                        actions.menuItem(StandardAction.CATEGORY_MERGE),
                        actions.menuItem(StandardAction.CATEGORY_DELETE)));
        setTop(new VBox(
                MenuBarBuilder.build(actions, vm, files.recentMenu()), ToolBarBuilder.build(actions, vm, pickers)));
        setLeft(browser);

        canvasArea.getItems().add(mainCanvas);
        vm.predictions().viewModeProperty().addListener((o, a, b) -> applyViewMode());
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
        setBottom(StatusBarBuilder.build(statusBar, vm, viewport, modelRuns));

        vm.messageProperty().addListener((o, a, b) -> statusBar.setText(b));
        tasks.messageProperty().addListener((o, a, b) -> {
            if (!b.isEmpty()) statusBar.setText(b);
        });
        statusBar.progressProperty().bind(tasks.progressProperty());
        rememberSession();
        files.acceptDrops(this);
    }

    /** Opening, loading predictions, saving, the recent list. */
    public DocumentController files() {
        return files;
    }

    /** The labelling loop's commands (run subsets, mark done, fine-tune on what is labelled). */
    public ModelLoop modelLoop() {
        return loop;
    }

    /** Model runs and the loaded model. */
    public ModelRunController modelRuns() {
        return modelRuns;
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

    /** The canvas's evaluation-errors mode. */
    public ErrorOverlay errorOverlay() {
        return errors;
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

    /** The action table the menus, tool bar and keys are built from. */
    public ActionFactory actions() {
        return actions;
    }

    /**
     * Controls give the keyboard back to the image after use (a released slider, a chosen item, a clicked thumbnail),
     * so its keys (Tab, Enter, Delete, the arrows) act on the image again and not on the control.
     */
    private void returnFocusToImage() {
        Runnable focus = () -> {
            if (centerTabs.getSelectionModel().getSelectedIndex() == 0) mainCanvas.requestFocus();
        };
        for (Slider sl : display.sliders())
            sl.addEventHandler(javafx.scene.input.MouseEvent.MOUSE_RELEASED, e -> focus.run());
        inspector.categoryBox().setOnHidden(e -> focus.run());
        browser.setOnImageChosen(focus);
        pickers.add(display.colorPicker());
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
        vm.predictions().setPredictionViewMode(session.viewMode());
        vm.predictions().scoreThresholdProperty().set(session.scoreThreshold());
        vm.predictions().viewModeProperty().addListener((o, a, b) -> {
            if (b != ViewMode.GROUND_TRUTH) {
                session.saveViewMode(b);
                vm.predictions().setPredictionViewMode(b);
            }
        });
        vm.predictions().scoreThresholdProperty().addListener((o, a, b) -> session.saveScoreThreshold(b.doubleValue()));
        vm.navigation().currentImageProperty().addListener((o, a, b) -> {
            if (b != null && vm.getDataset() != null)
                session.saveLastImage(vm.getDataset().jsonFile(), b.id());
        });
        document.editorProperty().addListener((o, a, b) -> {
            if (b == null || vm.getDataset() == null) return;
            session.lastImage(vm.getDataset().jsonFile()).ifPresent(id -> {
                for (ImageEntry e : vm.navigation().filteredImages())
                    if (e.id() == id) vm.navigation().currentImageProperty().set(e);
            });
        });
    }

    private void applyViewMode() {
        ViewMode m = vm.predictions().viewModeProperty().get();
        switch (m) {
            case GROUND_TRUTH -> mainCanvas.setSource(ImageCanvas.Source.GROUND_TRUTH);
            case PREDICTIONS -> mainCanvas.setSource(ImageCanvas.Source.PREDICTIONS);
            case OVERLAY -> mainCanvas.setSource(ImageCanvas.Source.BOTH);
            case SIDE_BY_SIDE -> mainCanvas.setSource(ImageCanvas.Source.GROUND_TRUTH);
        }
        if (m == ViewMode.SIDE_BY_SIDE) {
            if (!canvasArea.getItems().contains(predCanvas))
                canvasArea.getItems().add(predCanvas);
        } else {
            canvasArea.getItems().remove(predCanvas);
        }
    }

    private Node rightPanel() {
        TabPane tabs = new TabPane(new Tab("Categories", categoriesView), new Tab("Inspector", inspector));
        tabs.setId("rightTabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        categoriesView.setPadding(new Insets(6));
        inspector.setPadding(new Insets(6));
        vm.selection().selectedProperty().addListener((o, a, b) -> {
            if (b != null) tabs.getSelectionModel().select(1);
        });
        VBox.setVgrow(tabs, Priority.ALWAYS);
        VBox right = new VBox(display, tabs);
        right.getStyleClass().add("side-panel");
        right.setId("sidePanel");
        right.setPrefWidth(310);
        return right;
    }

    /** The errors-mode toggle: on from the Evaluation tab, off by hand; only while there is an evaluation. */
    private javafx.scene.control.CheckBox errorsBox() {
        javafx.scene.control.CheckBox cb = new javafx.scene.control.CheckBox("Errors");
        cb.setId("layerErrors");
        cb.selectedProperty().bindBidirectional(errors.activeProperty());
        cb.setTooltip(new javafx.scene.control.Tooltip(
                "Colour by evaluation outcome (TP, FP, FN) at IoU 0.50; needs an evaluation"));
        cb.disableProperty().bind(evaluation.model().resultProperty().isNull());
        return cb;
    }

    /** The background work that quitting would end ("a training run", "a model run"), or null when there is none. */
    public String runningWork() {
        boolean t = training.viewModel().runningProperty().get();
        boolean p = modelRuns.predictingProperty().get();
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
                modelRuns.predictingProperty().removeListener(this);
                quit.run();
            }
        };
        training.viewModel().runningProperty().addListener(whenDone);
        modelRuns.predictingProperty().addListener(whenDone);
        training.stop();
        modelRuns.stopPrediction();
        return false;
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

    /** Opens an image (by id) in the Image tab: the Training tab's health list. */
    private void openImage(long imageId) {
        if (vm.navigation().showImage(imageId)) centerTabs.getSelectionModel().select(0);
    }
}
