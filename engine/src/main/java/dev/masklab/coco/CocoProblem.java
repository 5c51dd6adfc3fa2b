package dev.masklab.coco;

/**
 * A problem found while reading a COCO file that did not make it unusable, e.g. an annotation naming a missing image.
 *
 * @param file     the file read
 * @param jsonPath where, e.g. {@code annotations[12].segmentation[0]}
 * @param reason   what is wrong and what was done about it (e.g. "... ; annotation skipped")
 */
public record CocoProblem(String file, String jsonPath, String reason) {
    @Override
    public String toString() {
        return file + ": " + jsonPath + ": " + reason;
    }
}
