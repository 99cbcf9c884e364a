package dev.kiln.runtime.train;

/**
 * What a model scored on one set of data: its loss and, for classification, its accuracy, precision,
 * recall and F1 ({@link ClassificationReport}: macro-averaged over the classes, or those of class 1 for a
 * model with a single output). A measure that was not taken is NaN: the classification measures for data
 * without labels, every measure of a set that was not measured.
 *
 * @param loss      the mean loss over the samples, with any regularization penalty added during training
 * @param accuracy  the fraction of samples classified correctly
 * @param precision the averaged precision
 * @param recall    the averaged recall
 * @param f1        the averaged F1 score
 */
public record Measures(double loss, double accuracy, double precision, double recall, double f1) {

    /** Nothing measured: every value NaN. */
    public static final Measures NONE = new Measures(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    /** The loss and, when {@code report} is not null, its classification measures. */
    static Measures of(double loss, ClassificationReport report) {
        if (report == null) {
            return new Measures(loss, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new Measures(loss, report.accuracy(), report.precision(), report.recall(), report.f1());
    }

    /** Whether anything was measured: the loss is a number. */
    public boolean taken() {
        return !Double.isNaN(loss);
    }

    /** Whether the classification measures were taken. */
    public boolean classified() {
        return !Double.isNaN(accuracy);
    }

    /** This with {@code penalty} added to the loss. */
    Measures plusPenalty(double penalty) {
        return penalty == 0 ? this : new Measures(loss + penalty, accuracy, precision, recall, f1);
    }
}
