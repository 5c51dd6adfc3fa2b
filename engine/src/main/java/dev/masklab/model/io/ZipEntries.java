package dev.masklab.model.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/** Bounded reads of zip entries from untrusted archives (checkpoints). */
public final class ZipEntries {
    private ZipEntries() {}

    /**
     * The entry's bytes. Its size is taken from the zip's central directory before anything is read or inflated and
     * must be at most {@code limit}; reading stops there, so a deflated entry cannot inflate beyond what it declares.
     *
     * @throws CheckpointException naming {@code file} and the entry when the size is unknown, too large, or the data
     *     does not match it
     */
    public static byte[] read(Path file, ZipFile zip, ZipEntry e, long limit) throws IOException {
        long size = e.getSize();
        if (size < 0 || size > limit || size > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(
                    file,
                    "zip entry " + WeightsUnpickler.brief(e.getName()) + " declares " + size + " bytes (at most "
                            + limit + " accepted)");
        }
        byte[] data = new byte[(int) size];
        try (InputStream in = zip.getInputStream(e)) {
            int n = in.readNBytes(data, 0, data.length);
            if (n != data.length || in.read() != -1) {
                throw new CheckpointException(
                        file,
                        "zip entry " + WeightsUnpickler.brief(e.getName()) + " does not hold the " + size
                                + " bytes its directory declares (corrupt archive)");
            }
        } catch (ZipException ex) {
            throw new CheckpointException(
                    file, "corrupt zip entry " + WeightsUnpickler.brief(e.getName()) + ": " + ex.getMessage(), ex);
        }
        return data;
    }
}
