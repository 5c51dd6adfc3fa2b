package dev.masklab.app.action;

import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;

/**
 * A key known by the character it types ("+" is Shift+= on one layout, its own key on another), matched on the
 * event's text; JavaFX's {@code KeyCharacterCombination} asks the platform for a key code, which not every platform
 * (headless Monocle) answers.
 */
final class TypedKey extends KeyCombination {
    private final String text;

    TypedKey(String text) {
        this.text = text;
    }

    @Override
    public boolean match(KeyEvent e) {
        return text.equals(e.getText()) && !e.isShortcutDown() && !e.isAltDown();
    }

    @Override
    public String getDisplayText() {
        return text;
    }
}
