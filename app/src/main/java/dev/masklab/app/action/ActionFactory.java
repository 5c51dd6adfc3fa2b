package dev.masklab.app.action;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javafx.beans.binding.Bindings;
import javafx.beans.property.BooleanProperty;
import javafx.scene.control.Button;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * Builds the controls of {@link StandardAction}s from one binding of each to its {@link Command} (as JabRef's
 * {@code ActionFactory}): menu items (text, icon, accelerator, enabled), icon buttons (tooltip with the key, never
 * focus-traversable), check items for layer toggles, the image view's plain keys and the F1 list.
 */
public final class ActionFactory {
    private final Map<StandardAction, Command> commands = new EnumMap<>(StandardAction.class);

    /** What {@code action} does in this window. */
    public ActionFactory bind(StandardAction action, Command command) {
        commands.put(action, command);
        return this;
    }

    /** The bound command; an unbound action is a programming error. */
    public Command command(StandardAction action) {
        Command c = commands.get(action);
        if (c == null) throw new IllegalStateException(action + " has no command");
        return c;
    }

    /** Runs {@code action} when it is enabled; true when it ran. */
    public boolean execute(StandardAction action) {
        return command(action).execute();
    }

    public MenuItem menuItem(StandardAction action) {
        Command c = command(action);
        MenuItem mi = new MenuItem(menuText(action), action.icon() == null ? null : new FontIcon(action.icon()));
        if (action.accelerator() != null) mi.setAccelerator(action.accelerator());
        mi.disableProperty().bind(Bindings.not(c.enabled()));
        mi.setOnAction(e -> c.execute());
        return mi;
    }

    /** A check item showing {@code value} (a layer); the action's key toggles it too. */
    public CheckMenuItem checkItem(StandardAction action, BooleanProperty value) {
        CheckMenuItem mi = new CheckMenuItem(menuText(action));
        mi.selectedProperty().bindBidirectional(value);
        return mi;
    }

    /** An icon button with the action's text and key as tooltip; it never takes the keyboard focus. */
    public Button button(StandardAction action) {
        Command c = command(action);
        Button b = new Button(null, new FontIcon(action.icon()));
        b.setTooltip(new Tooltip(action.textWithKey()));
        b.disableProperty().bind(Bindings.not(c.enabled()));
        b.setOnAction(e -> c.execute());
        b.setFocusTraversable(false);
        return b;
    }

    /**
     * A key pressed in the image view: the action with that plain key runs when enabled. True when the key belongs to
     * an action (then the caller consumes it even when the action is disabled: Enter or Delete must never fall through
     * to a focused button).
     */
    public boolean handleKey(KeyEvent e) {
        for (StandardAction a : StandardAction.values()) {
            for (KeyCombination k : a.keys()) {
                if (k.match(e) && commands.containsKey(a)) {
                    commands.get(a).execute();
                    return true;
                }
            }
        }
        return false;
    }

    /** The menu text: the action's text with its plain keys ("Masks (M)"); accelerators show in their own column. */
    static String menuText(StandardAction a) {
        if (a.keys().isEmpty()) return a.text();
        StringBuilder sb = new StringBuilder(a.text()).append(" (");
        for (int i = 0; i < a.keys().size(); i++)
            sb.append(i == 0 ? "" : " / ").append(a.keys().get(i).getDisplayText());
        return sb.append(')').toString();
    }

    /** One line of the F1 list. */
    public record Shortcut(String keys, String action) {}

    /** The F1 list: every action with a key, in table order. */
    public static List<Shortcut> shortcuts() {
        List<Shortcut> out = new ArrayList<>();
        for (StandardAction a : StandardAction.values())
            if (!a.keyText().isEmpty()) out.add(new Shortcut(a.keyText(), a.description()));
        return out;
    }
}
