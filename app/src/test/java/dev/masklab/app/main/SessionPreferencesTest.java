package dev.masklab.app.main;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.app.prediction.ViewMode;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.prefs.Preferences;
import javafx.geometry.Rectangle2D;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the window remembers, without a display (a throw-away preferences node). */
class SessionPreferencesTest {
    final Preferences node = Preferences.userRoot().node("dev/masklab/app-test/session-unit");
    final SessionPreferences prefs = new SessionPreferences(node);
    static final Rectangle2D SMALL = new Rectangle2D(0, 0, 1366, 728); // 1366x768 less a 40 px panel
    static final Rectangle2D LARGE = new Rectangle2D(0, 0, 1920, 1040);

    @BeforeEach
    void clear() throws Exception {
        node.clear();
    }

    static boolean inside(Rectangle2D r, Rectangle2D screen) {
        return r.getMinX() >= screen.getMinX()
                && r.getMinY() >= screen.getMinY()
                && r.getMaxX() <= screen.getMaxX()
                && r.getMaxY() <= screen.getMaxY();
    }

    @Test
    void theFirstWindowFitsASmallScreenAndIsCentred() {
        Rectangle2D r = prefs.windowBounds(SMALL);
        assertTrue(inside(r, SMALL), r.toString());
        assertEquals(SMALL.getWidth() * 0.9, r.getWidth(), 1e-9);
        assertEquals((SMALL.getWidth() - r.getWidth()) / 2, r.getMinX(), 1e-9);
        Rectangle2D big = prefs.windowBounds(LARGE);
        assertEquals(1400, big.getWidth(), 1e-9);
        assertEquals(860, big.getHeight(), 1e-9);
    }

    @Test
    void theWindowReopensWhereItWasUnlessThatIsOffTheScreen() {
        prefs.saveWindowBounds(100, 50, 1200, 700);
        assertEquals(new Rectangle2D(100, 50, 1200, 700), prefs.windowBounds(LARGE));
        prefs.saveWindowBounds(900, 300, 1600, 900); // from a larger screen: clamped and centred on this one
        Rectangle2D r = prefs.windowBounds(SMALL);
        assertTrue(inside(r, SMALL), r.toString());
        assertEquals(1366, r.getWidth(), 1e-9);
    }

    @Test
    void viewModeThresholdImageAndFolderAreRemembered(@TempDir Path tmp) {
        assertEquals(ViewMode.SIDE_BY_SIDE, prefs.viewMode());
        assertEquals(0.5, prefs.scoreThreshold(), 1e-12);
        Path json = tmp.resolve("a.json");
        assertEquals(OptionalLong.empty(), prefs.lastImage(json));
        assertNull(prefs.lastFolder());
        prefs.saveViewMode(ViewMode.OVERLAY);
        prefs.saveScoreThreshold(0.25);
        prefs.saveLastImage(json, 197388);
        prefs.saveLastFolder(tmp);
        SessionPreferences again = new SessionPreferences(node);
        assertEquals(ViewMode.OVERLAY, again.viewMode());
        assertEquals(0.25, again.scoreThreshold(), 1e-12);
        assertEquals(OptionalLong.of(197388), again.lastImage(json));
        assertEquals(OptionalLong.empty(), again.lastImage(tmp.resolve("b.json")));
        assertEquals(tmp.toAbsolutePath(), again.lastFolder());
        node.put("viewMode", "NOT_A_MODE");
        node.putDouble("scoreThreshold", 7);
        assertEquals(ViewMode.SIDE_BY_SIDE, again.viewMode());
        assertEquals(1, again.scoreThreshold(), 1e-12);
    }
}
