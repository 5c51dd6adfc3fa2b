package dev.masklab.review;

import java.io.IOException;

/** A review file that can't be read: the message is one line naming the file and what is wrong. */
public final class ReviewFormatException extends IOException {
    public ReviewFormatException(String file, String reason) {
        super(file + ": " + reason);
    }
}
