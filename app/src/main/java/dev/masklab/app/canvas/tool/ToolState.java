package dev.masklab.app.canvas.tool;

import dev.masklab.app.model.CategoryRow;
import dev.masklab.app.prediction.BoxPrompter;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.StringProperty;

/**
 * The drawing tools' settings: the active tool, the category new shapes get, the brush radius, whether the polygon
 * tool draws a part of the selected annotation, and the loaded model the box prompt asks.
 */
public final class ToolState {
    private final ObjectProperty<ToolKind> tool = new SimpleObjectProperty<>(this, "tool", ToolKind.SELECT);
    private final ObjectProperty<CategoryRow> drawCategory = new SimpleObjectProperty<>(this, "drawCategory");
    private final DoubleProperty brushRadius = new SimpleDoubleProperty(this, "brushRadius", 8);
    private final BooleanProperty addingPart = new SimpleBooleanProperty(this, "addingPart");
    /** Asks the loaded model about a box; null while no model is loaded. */
    private final ObjectProperty<BoxPrompter> boxPrompter = new SimpleObjectProperty<>(this, "boxPrompter");
    /** Asks the loaded model what is at a point (the point prompt tool); null while no model is loaded. */
    private final ObjectProperty<dev.masklab.app.prediction.PointPrompter> pointPrompter =
            new SimpleObjectProperty<>(this, "pointPrompter");

    private final StringProperty message;

    /** {@code message}: the status line, which tells the new brush radius. */
    public ToolState(StringProperty message) {
        this.message = message;
        tool.addListener((o, a, b) -> {
            if (b != ToolKind.POLYGON) addingPart.set(false);
        });
    }

    public ObjectProperty<ToolKind> toolProperty() {
        return tool;
    }

    /** The category new boxes, polygons and brush strokes get. */
    public ObjectProperty<CategoryRow> drawCategoryProperty() {
        return drawCategory;
    }

    /** Brush and eraser radius in image pixels (1..200). */
    public DoubleProperty brushRadiusProperty() {
        return brushRadius;
    }

    /** Makes the brush 25% larger (factor &gt; 1) or smaller, within 1..200 px. */
    public void scaleBrush(double factor) {
        brushRadius.set(Math.max(1, Math.min(200, Math.round(brushRadius.get() * factor * 4) / 4.0)));
        message.set(String.format("Brush radius %.2f px", brushRadius.get()));
    }

    /** True while the polygon tool draws a part of the selected annotation ("Add part"). */
    public BooleanProperty addingPartProperty() {
        return addingPart;
    }

    /** Asks the loaded model about boxes (the box prompt tool); null while none is loaded. */
    public ObjectProperty<BoxPrompter> boxPrompterProperty() {
        return boxPrompter;
    }

    /** Asks the loaded model what is at a point (the point prompt tool); null while none is loaded. */
    public ObjectProperty<dev.masklab.app.prediction.PointPrompter> pointPrompterProperty() {
        return pointPrompter;
    }
}
