package dev.kiln.runtime.tune;

/** Whether a higher score is better (an accuracy) or a lower one (a loss). */
public enum Direction {

    /** Higher is better, e.g. accuracy. */
    MAXIMIZE,

    /** Lower is better, e.g. a loss. */
    MINIMIZE;

    /**
     * Compares two scores so that the better comes first: negative if {@code a} is better than {@code b},
     * positive if worse, 0 if equal.
     */
    public int compareBetterFirst(double a, double b) {
        return this == MAXIMIZE ? Double.compare(b, a) : Double.compare(a, b);
    }

    /** {@code highest} or {@code lowest}: which score is best, in words. */
    public String best() {
        return this == MAXIMIZE ? "highest" : "lowest";
    }
}
