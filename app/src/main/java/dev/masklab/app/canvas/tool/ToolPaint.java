package dev.masklab.app.canvas.tool;

import dev.masklab.app.canvas.ColorPalette;
import dev.masklab.app.model.CategoryRow;
import javafx.scene.paint.Color;

/** Colours of work in progress. */
final class ToolPaint {
    private ToolPaint() {}

    /** The draw category's colour (white when none). */
    static Color drawColor(ToolContext ctx) {
        CategoryRow cat = ctx.model().tools().drawCategoryProperty().get();
        return cat == null ? Color.WHITE : ColorPalette.toColor(cat.rgb());
    }
}
