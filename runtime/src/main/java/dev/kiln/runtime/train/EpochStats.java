package dev.kiln.runtime.train;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What one epoch of training measured, on the training data and on the validation (dev) data, with the
 * learning rate and the wall time. A measure that was not taken is NaN (see {@link Measures}).
 *
 * <p>Every value also has a name, for {@link #value(String)}, {@link History#values(String)} and the
 * CSV header of {@link LearningCurves}: {@code loss}, {@code accuracy}, {@code precision}, {@code recall},
 * {@code f1}, the same prefixed {@code val_} for the validation data, {@code learning_rate} and
 * {@code seconds} ({@link #METRICS}, in that order), as Keras names its logs.
 *
 * @param epoch        the epoch, from 1
 * @param epochs       the last epoch of the run
 * @param train        the training measures, taken over the epoch's batches while the parameters changed
 *                     (as most frameworks report them): means over the samples, weighted by batch size
 * @param validation   the measures on the validation data after the epoch; {@link Measures#NONE} without
 * @param learningRate the optimizer's learning rate at the epoch's first step: the epoch's rate under a
 *                     per-epoch schedule or none, where a per-step schedule started it
 * @param seconds      the epoch's wall time, validation included
 */
public record EpochStats(int epoch, int epochs, Measures train, Measures validation, double learningRate,
                         double seconds) {

    /** Every metric name, in the order of the CSV columns. */
    public static final List<String> METRICS = List.of("loss", "accuracy", "precision", "recall", "f1",
            "val_loss", "val_accuracy", "val_precision", "val_recall", "val_f1", "learning_rate", "seconds");

    /** Checks that the measures are present. */
    public EpochStats {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
    }

    /** The mean training loss over the epoch. */
    public double loss() {
        return train.loss();
    }

    /** The fraction of training samples classified correctly during the epoch. */
    public double accuracy() {
        return train.accuracy();
    }

    /** The mean loss on the validation data after the epoch. */
    public double validationLoss() {
        return validation.loss();
    }

    /** The accuracy on the validation data after the epoch. */
    public double validationAccuracy() {
        return validation.accuracy();
    }

    /** Whether the validation measures were taken. */
    public boolean hasValidation() {
        return validation.taken();
    }

    /**
     * The value named {@code metric} (see {@link #METRICS}).
     *
     * @throws IllegalArgumentException if there is no such metric; the message lists them
     */
    public double value(String metric) {
        Objects.requireNonNull(metric, "metric");
        return switch (metric) {
            case "loss" -> train.loss();
            case "accuracy" -> train.accuracy();
            case "precision" -> train.precision();
            case "recall" -> train.recall();
            case "f1" -> train.f1();
            case "val_loss" -> validation.loss();
            case "val_accuracy" -> validation.accuracy();
            case "val_precision" -> validation.precision();
            case "val_recall" -> validation.recall();
            case "val_f1" -> validation.f1();
            case "learning_rate" -> learningRate;
            case "seconds" -> seconds;
            default -> throw new IllegalArgumentException(unknown(metric));
        };
    }

    /**
     * One line for a log, omitting measures not taken, e.g.
     * {@code epoch  12/100  loss 0.4312  acc 0.8857  f1 0.8812  val_loss 0.5012  val_acc 0.8444  val_f1 0.8390}.
     * Precision and recall, the learning rate and the time are left out (they are in the history).
     */
    public String format() {
        String width = Integer.toString(Integer.toString(epochs).length());
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "epoch %" + width + "d/%d", epoch, epochs));
        appendMeasures(line);
        return line.toString();
    }

    /** Appends {@code  loss 0.4312  acc 0.8857 ...}: the measures of {@link #format()}. */
    void appendMeasures(StringBuilder line) {
        append(line, "loss", train.loss());
        append(line, "acc", train.accuracy());
        append(line, "f1", train.f1());
        append(line, "val_loss", validation.loss());
        append(line, "val_acc", validation.accuracy());
        append(line, "val_f1", validation.f1());
    }

    /** The message for an unknown metric name. */
    static String unknown(String metric) {
        return "no metric is named '" + metric + "'; the metrics are " + String.join(", ", METRICS);
    }

    private static void append(StringBuilder line, String name, double value) {
        if (!Double.isNaN(value)) {
            line.append(String.format(Locale.ROOT, "  %s %.4f", name, value));
        }
    }
}
