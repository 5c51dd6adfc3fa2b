package dev.masklab.coco;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM edits a dataset through the {@link EditJournal} (saving every few edits) and is killed with SIGKILL at
 * random moments, 30 times (seeded). After each kill the dataset file is a complete version the child saved (or the one
 * it started from), and the file plus the journal replayed give back every edit that had returned ("done K") — and at
 * most the one edit after it, whose append may have reached the disk before its "done" line was printed.
 */
class EditJournalCrashTest {
    static final int ROUNDS = 30;
    static final int SAVE_EVERY = 5;

    @TempDir
    Path tmp;

    @Test
    void killsAtRandomMomentsLoseNoFinishedEdit() throws Exception {
        Path file = tmp.resolve("data.json");
        CocoWriter.write(JournalEdits.dataset(), file);
        Random random = new Random(18);
        CocoDataset model = CocoReader.read(file);
        int totalEdits = 0;
        int roundsWithSaves = 0;
        for (int round = 0; round < ROUNDS; round++) {
            String diskBefore = JournalEdits.canonical(CocoReader.read(file));
            List<String> out = runAndKill(file, round, random.nextInt(250));
            int done = -1;
            Set<Integer> saved = new HashSet<>();
            for (String line : out) {
                // complete lines only ("." last): a line cut by the kill would read as a smaller number
                if (!line.endsWith(".")) continue;
                if (line.startsWith("done ")) done = Integer.parseInt(line.substring(5, line.length() - 1));
                if (line.startsWith("saved ")) saved.add(Integer.parseInt(line.substring(6, line.length() - 1)));
            }
            // the states after 0, 1, ..., done + 2 edits of this round, as the parent computes them
            List<String> states = new ArrayList<>();
            CocoDataset sim = model.shallowCopy();
            states.add(JournalEdits.canonical(sim));
            for (int k = 0; k <= done + 1; k++) {
                JournalEdits.edit(sim, round, k).applyTo(sim);
                states.add(JournalEdits.canonical(sim));
            }
            // the file alone: as at the round's start, or a version the child saved (edits 0..k, k+1 % SAVE_EVERY == 0)
            CocoDataset onDisk = assertDoesNotThrow(() -> CocoReader.read(file), "round " + round);
            String disk = JournalEdits.canonical(onDisk);
            boolean known = disk.equals(diskBefore);
            for (int k = SAVE_EVERY - 1; k <= done + 1; k += SAVE_EVERY) known |= disk.equals(states.get(k + 1));
            assertTrue(known, "round " + round + ": the dataset file is no version the child saved");
            if (!saved.isEmpty()) roundsWithSaves++;
            // the file + the journal: every edit that returned, at most one more
            String journalText =
                    Files.exists(EditJournal.fileFor(file)) ? Files.readString(EditJournal.fileFor(file)) : "(none)";
            try (EditJournal journal = EditJournal.open(file)) {
                journal.replayInto(onDisk);
            }
            String recovered = JournalEdits.canonical(onDisk);
            int r = round;
            int finalDone = done;
            assertTrue(
                    recovered.equals(states.get(done + 1)) || recovered.equals(states.get(done + 2)),
                    () -> "round " + r + ": recovery lost an edit that had returned: done " + finalDone
                            + ", recovered = state " + states.indexOf(recovered) + ", file = state "
                            + states.indexOf(disk) + ", saved " + saved
                            + ", stale journal " + Files.exists(tmp.resolve("data.json.journal.stale"))
                            + "\njournal " + journalText
                            + "\nout " + out);
            model = onDisk;
            totalEdits += done + 1;
        }
        assertTrue(totalEdits > ROUNDS, "the children made edits before they were killed: " + totalEdits);
        assertTrue(roundsWithSaves > 0, "some kills came after a save");
    }

    /**
     * Starts the child, waits for it to be ready, lets it edit for {@code millis}, kills it; returns its output. The
     * output goes to a file, not a pipe: {@code destroyForcibly} closes the pipe, losing lines not yet read.
     */
    private List<String> runAndKill(Path file, int round, int millis) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = tmp.resolve("child-" + round + ".out");
        Process p = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Xmx128m",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-Xshare:auto",
                        EditJournalCrashChild.class.getName(),
                        file.toString(),
                        Integer.toString(round),
                        Integer.toString(SAVE_EVERY))
                .redirectOutput(log.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (p.isAlive() && !Files.readString(log).startsWith("ready\n")) {
                assertTrue(System.nanoTime() < deadline, "child did not start");
                Thread.sleep(5);
            }
            Thread.sleep(millis);
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        List<String> lines = Files.readAllLines(log);
        assertTrue(lines.contains("ready"), () -> "the child failed before editing: " + lines);
        return lines;
    }
}
