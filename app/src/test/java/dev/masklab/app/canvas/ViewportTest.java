package dev.masklab.app.canvas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ViewportTest {
    @Test
    void fitCentresAndZoomKeepsThePointUnderTheCursor() {
        Viewport v = new Viewport();
        v.setViewSize(800, 600);
        v.setImageSize(640, 425);
        v.fit();
        assertEquals(1.25, v.zoom(), 1e-12);
        assertEquals(0, v.panXProperty().get(), 1e-9);
        assertEquals((600 - 425 * 1.25) / 2, v.panYProperty().get(), 1e-9);
        double ix = v.toImageX(300), iy = v.toImageY(200);
        v.zoomAt(2, 300, 200);
        assertFalse(v.isFitting());
        assertEquals(2.5, v.zoom(), 1e-12);
        assertEquals(ix, v.toImageX(300), 1e-9);
        assertEquals(iy, v.toImageY(200), 1e-9);
        v.actualSize();
        assertEquals(1, v.zoom());
        assertEquals(80, v.panXProperty().get());
        v.panBy(10, -5);
        assertEquals(90, v.panXProperty().get());
        for (int i = 0; i < 100; i++) v.zoomIn();
        assertEquals(Viewport.MAX_ZOOM, v.zoom());
        v.fit();
        assertTrue(v.isFitting());
    }
}
