package dev.kiln.runtime.train;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * How often each class was predicted for each actual class: {@code count(actual, predicted)}. Rows are
 * the actual classes, columns the predicted ones, so the diagonal counts the correct predictions, as in
 * scikit-learn's {@code confusion_matrix}.
 *
 * <p>Per class {@code c}: the precision is {@code count(c, c)} over the samples predicted as {@code c}
 * (the column's sum), the recall {@code count(c, c)} over the samples of class {@code c} (the row's sum),
 * and F1 their harmonic mean {@code 2 p r / (p + r)}. Where a denominator is 0 (no sample predicted as, or
 * belonging to, the class) the measure is 0, as scikit-learn's default {@code zero_division} makes it.
 * {@link ClassificationReport} averages them. Immutable.
 */
public final class ConfusionMatrix {

    private final int classes;
    private final long[] counts;

    private ConfusionMatrix(int classes, long[] counts) {
        this.classes = classes;
        this.counts = counts;
    }

    /**
     * The matrix of {@code predicted} against {@code actual}, sample by sample.
     *
     * @throws IllegalArgumentException if the arrays differ in length, {@code classes < 2}, or a class is
     *     outside {@code [0, classes)} (naming the sample)
     */
    public static ConfusionMatrix of(int[] actual, int[] predicted, int classes) {
        Objects.requireNonNull(actual, "actual");
        Objects.requireNonNull(predicted, "predicted");
        requireClasses(classes);
        if (actual.length != predicted.length) {
            throw new IllegalArgumentException(actual.length + " actual classes but " + predicted.length
                    + " predicted ones; give one of each per sample");
        }
        long[] counts = new long[classes * classes];
        for (int s = 0; s < actual.length; s++) {
            requireClass(actual[s], classes, "actual", s);
            requireClass(predicted[s], classes, "predicted", s);
            counts[actual[s] * classes + predicted[s]]++;
        }
        return new ConfusionMatrix(classes, counts);
    }

    /**
     * The matrix with the given counts, {@code counts[actual][predicted]}; the array is copied.
     *
     * @throws IllegalArgumentException if it is not square, has fewer than 2 rows, or holds a negative count
     */
    public static ConfusionMatrix of(long[][] counts) {
        Objects.requireNonNull(counts, "counts");
        requireClasses(counts.length);
        long[] flat = new long[counts.length * counts.length];
        for (int a = 0; a < counts.length; a++) {
            if (counts[a] == null || counts[a].length != counts.length) {
                throw new IllegalArgumentException("row " + a + " of the counts has "
                        + (counts[a] == null ? "no values" : counts[a].length + " values")
                        + "; a confusion matrix is square, " + counts.length + " x " + counts.length);
            }
            for (int p = 0; p < counts.length; p++) {
                if (counts[a][p] < 0) {
                    throw new IllegalArgumentException("count[" + a + "][" + p + "] = " + counts[a][p]
                            + " is negative");
                }
                flat[a * counts.length + p] = counts[a][p];
            }
        }
        return new ConfusionMatrix(counts.length, flat);
    }

    /** The matrix over counts laid out {@code counts[actual * classes + predicted]}, which it copies. */
    static ConfusionMatrix ofFlat(long[] counts, int classes) {
        return new ConfusionMatrix(classes, Arrays.copyOf(counts, classes * classes));
    }

    /** The number of classes, at least 2. */
    public int classes() {
        return classes;
    }

    /** The number of samples of class {@code actual} predicted as {@code predicted}. */
    public long count(int actual, int predicted) {
        Objects.checkIndex(actual, classes);
        Objects.checkIndex(predicted, classes);
        return counts[actual * classes + predicted];
    }

    /** The number of samples. */
    public long total() {
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        return total;
    }

    /** The number of correct predictions, the diagonal's sum. */
    public long correct() {
        long correct = 0;
        for (int c = 0; c < classes; c++) {
            correct += counts[c * classes + c];
        }
        return correct;
    }

    /** The fraction of correct predictions; NaN for an empty matrix. */
    public double accuracy() {
        long total = total();
        return total == 0 ? Double.NaN : (double) correct() / total;
    }

    /** The number of samples of class {@code c} (the row's sum). */
    public long support(int c) {
        Objects.checkIndex(c, classes);
        long sum = 0;
        for (int p = 0; p < classes; p++) {
            sum += counts[c * classes + p];
        }
        return sum;
    }

    /** The number of samples predicted as class {@code c} (the column's sum). */
    public long predictedAs(int c) {
        Objects.checkIndex(c, classes);
        long sum = 0;
        for (int a = 0; a < classes; a++) {
            sum += counts[a * classes + c];
        }
        return sum;
    }

    /** Of the samples predicted as {@code c}, the fraction that are of class {@code c}; 0 if none was. */
    public double precision(int c) {
        return ratio(counts[index(c) * classes + c], predictedAs(c));
    }

    /** Of the samples of class {@code c}, the fraction predicted as {@code c}; 0 if there are none. */
    public double recall(int c) {
        return ratio(counts[index(c) * classes + c], support(c));
    }

    /** The harmonic mean of {@link #precision} and {@link #recall} of class {@code c}; 0 if both are 0. */
    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** Whether class {@code c} occurs among the actual or the predicted classes. */
    public boolean occurs(int c) {
        return support(c) > 0 || predictedAs(c) > 0;
    }

    /** The counts as a new array, {@code [actual][predicted]}. */
    public long[][] toArray() {
        long[][] rows = new long[classes][];
        for (int a = 0; a < classes; a++) {
            rows[a] = Arrays.copyOfRange(counts, a * classes, (a + 1) * classes);
        }
        return rows;
    }

    /**
     * The matrix as text, one row per actual class, right-aligned, e.g.
     * <pre>
     * actual \ predicted   0   1   2
     *                  0  14   1   0
     *                  1   0  12   3
     *                  2   0   2  13
     * </pre>
     * Each line ends with a line feed.
     */
    public String format() {
        long largest = 0;
        for (long count : counts) {
            largest = Math.max(largest, count);
        }
        int width = Math.max(Long.toString(largest).length(), Integer.toString(classes - 1).length()) + 2;
        String corner = "actual \\ predicted";
        StringBuilder text = new StringBuilder(corner);
        for (int p = 0; p < classes; p++) {
            text.append(String.format(Locale.ROOT, "%" + width + "d", p));
        }
        text.append('\n');
        for (int a = 0; a < classes; a++) {
            text.append(String.format(Locale.ROOT, "%" + corner.length() + "d", a));
            for (int p = 0; p < classes; p++) {
                text.append(String.format(Locale.ROOT, "%" + width + "d", counts[a * classes + p]));
            }
            text.append('\n');
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ConfusionMatrix that && classes == that.classes && Arrays.equals(counts, that.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }

    /** The counts row by row, e.g. {@code ConfusionMatrix[[5, 1], [2, 7]]}. */
    @Override
    public String toString() {
        return "ConfusionMatrix" + Arrays.deepToString(toArray());
    }

    private int index(int c) {
        return Objects.checkIndex(c, classes);
    }

    private static double ratio(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }

    private static void requireClasses(int classes) {
        if (classes < 2) {
            throw new IllegalArgumentException("classes = " + classes + ": a confusion matrix needs at least 2");
        }
    }

    private static void requireClass(int value, int classes, String role, int sample) {
        if (value < 0 || value >= classes) {
            throw new IllegalArgumentException("sample " + sample + " has " + role + " class " + value
                    + ", outside [0, " + classes + ") (samples are numbered from 0)");
        }
    }
}
