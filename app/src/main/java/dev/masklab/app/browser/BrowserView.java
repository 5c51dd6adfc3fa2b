package dev.masklab.app.browser;

import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.model.CategoryRow;
import dev.masklab.app.model.ImageEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.controlsfx.control.CheckComboBox;
import org.controlsfx.control.GridCell;
import org.controlsfx.control.GridView;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * Image browser: filters (categories, crowd, unannotated, file name), the shown / total count, and the filtered
 * images as a virtualized thumbnail grid or list. Only visible cells exist, and their thumbnails come from
 * {@link ThumbnailCache}, so 100k images scroll like 10.
 */
public final class BrowserView extends VBox {
    private final MainViewModel vm;
    private final ThumbnailCache thumbs;
    private final GridView<ImageEntry> grid;
    private final ListView<ImageEntry> list;
    private final Label count = new Label();
    private final CheckComboBox<CategoryRow> categoryFilter = new CheckComboBox<>();
    private boolean syncing;
    private Runnable onImageChosen = () -> {};

    public BrowserView(MainViewModel vm, ThumbnailCache thumbs) {
        this.vm = vm;
        this.thumbs = thumbs;
        getStyleClass().add("browser");
        setSpacing(6);

        TextField search = new TextField();
        search.setId("fileFilter");
        search.setPromptText("Filter by file name");
        search.textProperty().bindBidirectional(vm.navigation().filter().textProperty());
        HBox.setHgrow(search, Priority.ALWAYS);

        categoryFilter.setId("categoryFilter");
        categoryFilter.setTitle("Filter by category");
        categoryFilter.setMaxWidth(Double.MAX_VALUE);
        Bindings.bindContent(categoryFilter.getItems(), vm.categories().rows());
        categoryFilter.getCheckModel().getCheckedItems().addListener((ListChangeListener<CategoryRow>) c -> {
            vm.navigation().filter().categories().clear();
            for (CategoryRow r : categoryFilter.getCheckModel().getCheckedItems())
                if (r != null) vm.navigation().filter().categories().add(r.id());
            // an active filter says so: its title names the chosen categories and the box is marked
            List<String> names = new ArrayList<>();
            for (CategoryRow r : categoryFilter.getCheckModel().getCheckedItems()) if (r != null) names.add(r.name());
            categoryFilter.setTitle(names.isEmpty() ? "Filter by category" : "Category: " + String.join(", ", names));
            categoryFilter.pseudoClassStateChanged(ACTIVE, !names.isEmpty());
        });

        CheckBox crowd = new CheckBox("Has crowd");
        crowd.setId("crowdFilter");
        crowd.selectedProperty().bindBidirectional(vm.navigation().filter().crowdOnlyProperty());
        CheckBox empty = new CheckBox("No annotations");
        empty.setId("emptyFilter");
        empty.selectedProperty().bindBidirectional(vm.navigation().filter().unannotatedOnlyProperty());

        count.setId("imageCount");
        count.getStyleClass().add("count-label");
        count.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> vm.navigation().filteredImages().size() + " of "
                                + vm.navigation().images().size() + " images",
                        vm.navigation().filteredImages(),
                        vm.navigation().images()));

        ToggleGroup mode = new ToggleGroup();
        ToggleButton gridBtn = new ToggleButton(null, new FontIcon("mdi2v-view-grid-outline"));
        gridBtn.setTooltip(new Tooltip("Thumbnail grid"));
        ToggleButton listBtn = new ToggleButton(null, new FontIcon("mdi2v-view-list-outline"));
        listBtn.setTooltip(new Tooltip("List"));
        gridBtn.setToggleGroup(mode);
        listBtn.setToggleGroup(mode);
        gridBtn.setSelected(true);
        HBox countRow = new HBox(6, count, spacer(), gridBtn, listBtn);
        countRow.setAlignment(Pos.CENTER_LEFT);

        grid = new GridView<>(vm.navigation().filteredImages());
        grid.setId("imageGrid");
        grid.setCellWidth(thumbs.thumbnailSize() + 8);
        grid.setCellHeight(thumbs.thumbnailSize() + 26);
        grid.setHorizontalCellSpacing(4);
        grid.setVerticalCellSpacing(4);
        grid.setCellFactory(g -> new ThumbCell());

        list = new ListView<>(vm.navigation().filteredImages());
        list.setId("imageList");
        list.setCellFactory(l -> new NameCell());
        list.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (!syncing && b != null) vm.navigation().currentImageProperty().set(b);
        });
        list.setOnMouseClicked(e -> onImageChosen.run());
        vm.navigation().currentImageProperty().addListener((o, a, b) -> {
            syncing = true;
            try {
                if (b == null) list.getSelectionModel().clearSelection();
                else {
                    list.getSelectionModel().select(b);
                    int i = list.getSelectionModel().getSelectedIndex();
                    if (i >= 0) list.scrollTo(Math.max(0, i - 3));
                }
            } finally {
                syncing = false;
            }
        });

        StackPane views = new StackPane(grid, list);
        VBox.setVgrow(views, Priority.ALWAYS);
        grid.visibleProperty().bind(gridBtn.selectedProperty());
        list.visibleProperty().bind(listBtn.selectedProperty());
        mode.selectedToggleProperty().addListener((o, a, b) -> {
            if (b == null) a.setSelected(true);
        });

        getChildren().addAll(new Label("Images"), search, categoryFilter, new HBox(12, crowd, empty), countRow, views);
        getChildren().getFirst().getStyleClass().add("panel-title");
    }

    /** Runs after an image was chosen with the mouse (the window gives the keyboard back to the image). */
    public void setOnImageChosen(Runnable r) {
        onImageChosen = r;
    }

    /** "1 instance", "3 instances". */
    static String instances(int n) {
        return n + (n == 1 ? " instance" : " instances");
    }

    public GridView<ImageEntry> grid() {
        return grid;
    }

    public ListView<ImageEntry> list() {
        return list;
    }

    public CheckComboBox<CategoryRow> categoryFilter() {
        return categoryFilter;
    }

    private static javafx.scene.layout.Region spacer() {
        javafx.scene.layout.Region r = new javafx.scene.layout.Region();
        HBox.setHgrow(r, Priority.ALWAYS);
        return r;
    }

    private final class ThumbCell extends GridCell<ImageEntry> {
        private final ImageView view = new ImageView();
        private final Label name = new Label();
        private final VBox box = new VBox(2, new StackPane(view), name);
        private Future<?> pending;
        // weak: grid cells are recreated when the grid is resized and must not stay reachable from the view-model
        private final javafx.beans.InvalidationListener currentListener = o -> updateSelected();

        ThumbCell() {
            getStyleClass().add("thumb-cell");
            box.setAlignment(Pos.CENTER);
            ((StackPane) box.getChildren().getFirst()).setPrefSize(thumbs.thumbnailSize(), thumbs.thumbnailSize());
            name.getStyleClass().add("thumb-name");
            name.setMaxWidth(thumbs.thumbnailSize());
            setOnMouseClicked(e -> {
                if (getItem() == null) return;
                vm.navigation().currentImageProperty().set(getItem());
                onImageChosen.run();
            });
            vm.navigation()
                    .currentImageProperty()
                    .addListener(new javafx.beans.WeakInvalidationListener(currentListener));
        }

        private void updateSelected() {
            pseudoClassStateChanged(
                    javafx.css.PseudoClass.getPseudoClass("current"),
                    getItem() != null && getItem() == vm.navigation().getCurrentImage());
        }

        @Override
        protected void updateItem(ImageEntry item, boolean empty) {
            super.updateItem(item, empty);
            if (pending != null) {
                pending.cancel(false);
                pending = null;
            }
            updateSelected();
            if (empty || item == null) {
                setGraphic(null);
                return;
            }
            String n = item.fileName();
            name.setText(n.substring(n.lastIndexOf('/') + 1));
            setTooltip(new Tooltip(item.fileName() + "\n" + item.annotations().size() + " instances"));
            var img = thumbs.cached(item.file());
            view.setImage(img);
            if (img == null) {
                pending = thumbs.request(item.file(), loaded -> {
                    if (getItem() == item) view.setImage(loaded);
                });
            }
            setGraphic(box);
        }
    }

    private final class NameCell extends ListCell<ImageEntry> {
        // weak: cells are recreated and must not stay reachable from the view-model
        private final javafx.beans.InvalidationListener currentListener = o -> updateCurrent();

        NameCell() {
            vm.navigation()
                    .currentImageProperty()
                    .addListener(new javafx.beans.WeakInvalidationListener(currentListener));
        }

        /** The shown image is highlighted (also when the list's selection is elsewhere). */
        private void updateCurrent() {
            pseudoClassStateChanged(
                    CURRENT, getItem() != null && getItem() == vm.navigation().getCurrentImage());
        }

        @Override
        protected void updateItem(ImageEntry item, boolean empty) {
            super.updateItem(item, empty);
            setText(
                    empty || item == null
                            ? null
                            : item.fileName() + "  ·  "
                                    + instances(item.annotations().size()) + (item.hasCrowd() ? ", crowd" : ""));
            updateCurrent();
        }
    }

    private static final javafx.css.PseudoClass CURRENT = javafx.css.PseudoClass.getPseudoClass("current");
    private static final javafx.css.PseudoClass ACTIVE = javafx.css.PseudoClass.getPseudoClass("active");
}
