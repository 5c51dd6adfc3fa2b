package dev.masklab.app.action;

import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableBooleanValue;

/**
 * What a {@link StandardAction} does in one window and when it may: built once, shared by its menu item, tool-bar
 * button and keys.
 *
 * @param run     the action (on the FX thread)
 * @param enabled when it applies (a disabled action's key is still taken, so it never reaches a focused button)
 */
public record Command(Runnable run, ObservableBooleanValue enabled) {
    /** A command that always applies. */
    public static Command of(Runnable run) {
        return new Command(run, Bindings.createBooleanBinding(() -> true));
    }

    public static Command of(Runnable run, ObservableBooleanValue enabled) {
        return new Command(run, enabled);
    }

    /** Runs the action when enabled; true when it ran. */
    public boolean execute() {
        if (!enabled.get()) return false;
        run.run();
        return true;
    }
}
