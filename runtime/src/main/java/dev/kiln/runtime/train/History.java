package dev.kiln.runtime.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a {@link Trainer#fit} run measured, epoch by epoch: data to read by metric name
 * ({@link #values(String)}), to write as CSV or draw as learning curves ({@link LearningCurves}), and to
 * read for bias and variance ({@link #biasVariance()}).
 *
 * @param epochs one entry per epoch run, in order
 */
public record History(List<EpochStats> epochs) {

    /** Copies the list; a history has at least one epoch. */
    public History {
        epochs = List.copyOf(epochs);
        if (epochs.isEmpty()) {
            throw new IllegalArgumentException("a history has at least one epoch");
        }
    }

    /** The last epoch's measures. */
    public EpochStats last() {
        return epochs.getLast();
    }

    /**
     * The value of {@code metric} at each epoch, in order (NaN where it was not measured), e.g.
     * {@code values("val_loss")}; the names are {@link EpochStats#METRICS}.
     *
     * @throws IllegalArgumentException if there is no such metric; the message lists them
     */
    public double[] values(String metric) {
        if (!EpochStats.METRICS.contains(metric)) {
            throw new IllegalArgumentException(EpochStats.unknown(metric));
        }
        double[] values = new double[epochs.size()];
        for (int e = 0; e < values.length; e++) {
            values[e] = epochs.get(e).value(metric);
        }
        return values;
    }

    /** Whether {@code metric} was measured in some epoch (is not NaN throughout). */
    public boolean has(String metric) {
        for (double value : values(metric)) {
            if (!Double.isNaN(value)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The bias and variance the last epoch shows, with no error to be hoped for (a baseline of 0); see
     * {@link BiasVariance} for how it reads them.
     */
    public BiasVariance biasVariance() {
        return BiasVariance.of(last(), 0);
    }

    /**
     * The bias and variance the last epoch shows, bias measured from {@code baselineError}: the error a
     * person, or the best known model, makes on this task (a fraction in [0, 1]).
     *
     * @throws IllegalArgumentException if {@code baselineError} is outside [0, 1]
     * @throws IllegalStateException    if the history has no accuracy (a baseline error applies to
     *     classification only)
     */
    public BiasVariance biasVariance(double baselineError) {
        return BiasVariance.of(last(), baselineError);
    }

    /** The history as CSV text; see {@link LearningCurves#csv(History)}. */
    public String toCsv() {
        return LearningCurves.csv(this);
    }

    /**
     * Writes the history as CSV to {@code path}; see {@link LearningCurves#writeCsv(History, Path)}.
     *
     * @throws IOException if the file cannot be written
     */
    public void writeCsv(Path path) throws IOException {
        LearningCurves.writeCsv(this, path);
    }

    /**
     * Draws the learning curves as a PNG image at {@code path}; see
     * {@link LearningCurves#writePng(History, Path)}, which needs XChart on the class path.
     *
     * @throws IOException if the file cannot be written
     */
    public void writePng(Path path) throws IOException {
        LearningCurves.writePng(this, path);
    }
}
