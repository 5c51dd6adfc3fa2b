package dev.masklab.app.main;

import dev.masklab.app.browser.NavigationModel;
import dev.masklab.app.canvas.LayerSettings;
import dev.masklab.app.canvas.ShownInstances;
import dev.masklab.app.canvas.tool.ToolState;
import dev.masklab.app.document.DatasetDocument;
import dev.masklab.app.edit.AnnotationEditor;
import dev.masklab.app.edit.DrawCommands;
import dev.masklab.app.edit.EditCommands;
import dev.masklab.app.edit.KeypointCommands;
import dev.masklab.app.inspector.CategoryCommands;
import dev.masklab.app.inspector.CategoryModel;
import dev.masklab.app.inspector.SelectionModel;
import dev.masklab.app.model.CategoryRow;
import dev.masklab.app.model.LoadedDataset;
import dev.masklab.app.prediction.PredictionsModel;
import dev.masklab.app.prediction.PromptCommands;
import dev.masklab.app.review.ReviewModel;
import java.util.function.LongConsumer;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.ListChangeListener;

/**
 * The main window's state without any view (usable without a display), as the composition root of the feature
 * models: it creates them, wires them to each other and to the {@link DatasetDocument}, and exposes them. It holds no
 * feature logic of its own: navigation ({@link #navigation()}), categories ({@link #categories()}), selection
 * ({@link #selection()}), tools ({@link #tools()}), predictions ({@link #predictions()}), what the canvas shows
 * ({@link #shown()}), review ({@link #review()}), the edit commands ({@link #edits()}, {@link #draw()},
 * {@link #keypoints()}, {@link #categoryEdits()}), prompts ({@link #prompts()}); {@link DocumentSync} keeps them in
 * step with the document after each edit.
 */
public final class MainViewModel {
    private final DatasetDocument document;
    private final StringProperty message = new SimpleStringProperty(this, "message", "");
    private final LayerSettings layers = new LayerSettings();
    private final NavigationModel navigation = new NavigationModel();
    private final CategoryModel categories = new CategoryModel(layers);
    private final SelectionModel selection = new SelectionModel();
    private final ToolState tools = new ToolState(message);
    private final PredictionsModel predictions = new PredictionsModel();
    private final ShownInstances shown = new ShownInstances();
    private final ReviewModel review;
    private final DocumentSync sync;
    private final EditCommands edits;
    private final DrawCommands draw;
    private final KeypointCommands keypoints;
    private final CategoryCommands categoryEdits;
    private final PromptCommands prompts;

    public MainViewModel(DatasetDocument document) {
        this.document = document;
        this.sync = new DocumentSync(this);
        this.review = new ReviewModel(this);
        this.edits = new EditCommands(this);
        this.draw = new DrawCommands(this);
        this.keypoints = new KeypointCommands(this);
        this.categoryEdits = new CategoryCommands(this);
        this.prompts = new PromptCommands(this);
        document.editorProperty().addListener((o, a, b) -> {
            if (b != null) b.setKeypointScoreThreshold(layers.keypointScoreThresholdProperty()::get);
            sync.showDataset(document.dataset());
        });
        document.messageProperty().addListener((o, a, b) -> message.set(b));
        // leaving the annotation also leaves "Add part" (the keypoint and part are cleared by the selection itself)
        selection.selectedProperty().addListener((o, a, b) -> {
            if (SelectionModel.leftAnnotation(a, b)) tools.addingPartProperty().set(false);
        });
        navigation.currentImageProperty().addListener((o, a, b) -> {
            if (!sync.replacingCurrent()) selection.clear();
            sync.refreshShown();
        });
        categories.rows().addListener((ListChangeListener<CategoryRow>) c -> {
            sync.refreshShown();
            sync.refreshCounts();
        });
        predictions.scoreThresholdProperty().addListener((o, a, b) -> {
            sync.refreshShown();
            sync.refreshCounts();
        });
        predictions.predictionsProperty().addListener((o, a, b) -> {
            sync.refreshShown();
            sync.refreshCounts();
        });
    }

    /** The open dataset as a document: file, edit history, save and autosave. */
    public DatasetDocument document() {
        return document;
    }

    /** The open dataset's editor, or null when none is open. */
    public AnnotationEditor editor() {
        return document.editor();
    }

    /** Shows {@code ds} (null closes) as saved, without asking anything ({@link DatasetDocument#setDataset}). */
    public void setDataset(LoadedDataset ds) {
        document.setDataset(ds);
    }

    public ReadOnlyObjectProperty<LoadedDataset> datasetProperty() {
        return document.datasetProperty();
    }

    public LoadedDataset getDataset() {
        return document.dataset();
    }

    /**
     * Tells {@code listener} the image id after each edit, undo or redo of the annotations or the review (accept,
     * reject) of one image, on the FX thread, once the dataset has changed.
     */
    public void addEditListener(LongConsumer listener) {
        sync.addEditListener(listener);
    }

    /** A one-line, user-facing status or error message. */
    public StringProperty messageProperty() {
        return message;
    }

    /** Which layers are drawn, opacity, color mode. */
    public LayerSettings layers() {
        return layers;
    }

    /** The images, the browser filter, the current image, next / previous. */
    public NavigationModel navigation() {
        return navigation;
    }

    /** The category rows, names, colors and descriptions of instances. */
    public CategoryModel categories() {
        return categories;
    }

    /** The selected and hovered instance, the cursor, the selected keypoint and polygon part. */
    public SelectionModel selection() {
        return selection;
    }

    /** The active tool, draw category, brush radius, add-part mode, box prompter. */
    public ToolState tools() {
        return tools;
    }

    /** The loaded predictions, score threshold, view mode. */
    public PredictionsModel predictions() {
        return predictions;
    }

    /** The current image's instances the canvas shows. */
    public ShownInstances shown() {
        return shown;
    }

    /** Accept / reject, the review walk and queue, the review progress. */
    public ReviewModel review() {
        return review;
    }

    /** Whether an edit may be made now, and the state's update after each edit. */
    public DocumentSync sync() {
        return sync;
    }

    /** Edits of the selected or given annotation, undo / redo. */
    public EditCommands edits() {
        return edits;
    }

    /** New boxes, polygons, brush strokes and polygon parts. */
    public DrawCommands draw() {
        return draw;
    }

    /** Keypoint edits and the selected keypoint. */
    public KeypointCommands keypoints() {
        return keypoints;
    }

    /** Category add, rename, merge, delete. */
    public CategoryCommands categoryEdits() {
        return categoryEdits;
    }

    /** Box prompts to the loaded model. */
    public PromptCommands prompts() {
        return prompts;
    }
}
