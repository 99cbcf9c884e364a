package dev.kiln.runtime.train;

import java.util.Locale;
import java.util.Objects;

/**
 * Precision, recall and F1 of a classifier, averaged over its classes or for the positive class alone,
 * from a {@link ConfusionMatrix}:
 * <pre>{@code
 * ClassificationReport report = ClassificationReport.of(ConfusionMatrix.of(actual, predicted, 3), Average.MACRO);
 * report.f1();                  // the mean of the classes' F1 scores
 * System.out.print(report.format());
 * }</pre>
 * {@link Evaluation#report} makes one for a model on a data set. The averages are scikit-learn's: with
 * {@link Average#MACRO}, each measure is the unweighted mean of the per-class measures over the classes
 * that occur among the actual or the predicted classes (F1 is the mean of the per-class F1 scores, not the
 * harmonic mean of the averages); with {@link Average#BINARY}, the measures of class 1, the positive class.
 *
 * @param matrix  the counts it is computed from
 * @param average how the per-class measures are combined
 */
public record ClassificationReport(ConfusionMatrix matrix, Average average) {

    /** How per-class measures are combined into one. */
    public enum Average {
        /** The unweighted mean over the classes that occur (scikit-learn's {@code average="macro"}). */
        MACRO,
        /** The measures of class 1 of two (scikit-learn's {@code average="binary"}, {@code pos_label=1}). */
        BINARY
    }

    /**
     * Checks the arguments.
     *
     * @throws IllegalArgumentException if {@code average} is {@link Average#BINARY} and the matrix does not
     *     have exactly 2 classes
     */
    public ClassificationReport {
        Objects.requireNonNull(matrix, "matrix");
        Objects.requireNonNull(average, "average");
        if (average == Average.BINARY && matrix.classes() != 2) {
            throw new IllegalArgumentException("a binary report needs 2 classes, but the matrix has "
                    + matrix.classes() + "; use Average.MACRO");
        }
    }

    /** The report of {@code matrix} under {@code average}. */
    public static ClassificationReport of(ConfusionMatrix matrix, Average average) {
        return new ClassificationReport(matrix, average);
    }

    /** The fraction of correct predictions over all classes; NaN for an empty matrix. */
    public double accuracy() {
        return matrix.accuracy();
    }

    /** The averaged precision; NaN when no class occurs (an empty matrix). */
    public double precision() {
        return average == Average.BINARY ? matrix.precision(1) : macro(Measure.PRECISION);
    }

    /** The averaged recall; NaN when no class occurs. */
    public double recall() {
        return average == Average.BINARY ? matrix.recall(1) : macro(Measure.RECALL);
    }

    /** The averaged F1 score; NaN when no class occurs. */
    public double f1() {
        return average == Average.BINARY ? matrix.f1(1) : macro(Measure.F1);
    }

    /**
     * A table in the manner of scikit-learn's {@code classification_report}: one line per class with its
     * precision, recall, F1 and support, then the accuracy and the averaged line, e.g.
     * <pre>
     *        class  precision  recall      f1  support
     *            0     1.0000  1.0000  1.0000       15
     *            1     0.9231  0.8000  0.8571       15
     *            2     0.8235  0.9333  0.8750       15
     *
     *     accuracy                     0.9111       45
     *    macro avg     0.9155  0.9111  0.9107       45
     * </pre>
     * ({@code binary} for the averaged line of a binary report); each line ends with a line feed.
     */
    public String format() {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%12s  %9s  %6s  %6s  %7s\n",
                "class", "precision", "recall", "f1", "support"));
        for (int c = 0; c < matrix.classes(); c++) {
            text.append(String.format(Locale.ROOT, "%12d  %9.4f  %6.4f  %6.4f  %7d\n", c, matrix.precision(c),
                    matrix.recall(c), matrix.f1(c), matrix.support(c)));
        }
        text.append(String.format(Locale.ROOT, "\n%12s  %9s  %6s  %6.4f  %7d\n", "accuracy", "", "", accuracy(),
                matrix.total()));
        text.append(String.format(Locale.ROOT, "%12s  %9.4f  %6.4f  %6.4f  %7d\n",
                average == Average.BINARY ? "binary" : "macro avg", precision(), recall(), f1(),
                average == Average.BINARY ? matrix.support(1) : matrix.total()));
        return text.toString();
    }

    private enum Measure { PRECISION, RECALL, F1 }

    private double macro(Measure measure) {
        double sum = 0;
        int occurring = 0;
        for (int c = 0; c < matrix.classes(); c++) {
            if (matrix.occurs(c)) {
                sum += switch (measure) {
                    case PRECISION -> matrix.precision(c);
                    case RECALL -> matrix.recall(c);
                    case F1 -> matrix.f1(c);
                };
                occurring++;
            }
        }
        return occurring == 0 ? Double.NaN : sum / occurring;
    }
}
