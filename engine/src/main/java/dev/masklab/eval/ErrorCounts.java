package dev.masklab.eval;

/**
 * Numbers of true positives, false positives and false negatives (of an image, over its categories) at one IoU
 * threshold; see {@link CellErrors}.
 */
public record ErrorCounts(int tp, int fp, int fn) {}
