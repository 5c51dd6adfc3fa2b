package dev.masklab.app;

import dev.masklab.app.dialog.ScriptedDialogs;
import dev.masklab.app.document.DatasetDocument;
import dev.masklab.app.document.RecentDatasets;
import dev.masklab.app.main.MainView;
import dev.masklab.app.main.MainViewModel;
import dev.masklab.app.main.SessionPreferences;
import dev.masklab.app.task.FxTaskExecutor;
import java.util.prefs.Preferences;

/** The main window as the app wires it, with scripted dialogs and a test preferences node. */
public record TestWindow(ScriptedDialogs dialogs, MainViewModel vm, MainView view) {
    public static TestWindow create() {
        ScriptedDialogs dialogs = new ScriptedDialogs();
        FxTaskExecutor tasks = new FxTaskExecutor(dialogs);
        MainViewModel vm = new MainViewModel(new DatasetDocument(dialogs, tasks));
        Preferences session = Preferences.userRoot().node("dev/masklab/app-test/session");
        try {
            session.clear(); // each test starts as a first session
        } catch (java.util.prefs.BackingStoreException e) {
            throw new IllegalStateException(e);
        }
        MainView view = new MainView(
                vm,
                new RecentDatasets(Preferences.userRoot().node("dev/masklab/app-test")),
                new SessionPreferences(session),
                dialogs,
                tasks);
        return new TestWindow(dialogs, vm, view);
    }
}
