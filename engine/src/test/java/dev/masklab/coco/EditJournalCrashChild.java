package dev.masklab.coco;

import dev.masklab.io.Backup;
import java.nio.file.Path;

/**
 * The child process of {@link EditJournalCrashTest}: opens a dataset, replays its journal, then makes
 * {@link JournalEdits} edits through the journal (by the dataset's change listener, as the app's document does), printing {@code done K.} after edit K returned and saving every
 * {@code saveEvery} edits, until it is killed. Arguments: dataset, round, saveEvery.
 */
public final class EditJournalCrashChild {
    private EditJournalCrashChild() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long round = Long.parseLong(args[1]);
        int saveEvery = Integer.parseInt(args[2]);
        CocoDataset ds = CocoReader.read(file);
        EditJournal journal = EditJournal.open(file);
        journal.replayInto(ds);
        // journaled as the app's document does it: the dataset's change listener appends each change once it is made
        ds.setChangeListener(op -> {
            try {
                journal.append(op);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Backup backup = Backup.perSession();
        System.out.println("ready");
        System.out.flush();
        for (int k = 0; k < 100_000; k++) {
            EditJournal.Op op = JournalEdits.edit(ds, round, k);
            op.applyTo(ds);
            System.out.println("done " + k + ".");
            System.out.flush();
            if (k % saveEvery == saveEvery - 1) {
                journal.save(ds.shallowCopy(), journal.sequence(), backup);
                System.out.println("saved " + k + ".");
                System.out.flush();
            }
        }
    }
}
