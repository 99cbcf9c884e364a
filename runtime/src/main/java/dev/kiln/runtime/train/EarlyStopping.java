package dev.kiln.runtime.train;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Model;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Objects;

/**
 * Stops training when a monitored metric has stopped improving, as Keras's {@code EarlyStopping} does:
 * <pre>{@code
 * trainer.callback(new EarlyStopping()                 // monitors val_loss, lower is better
 *         .patience(5)                                  // tolerate 5 epochs without improvement
 *         .minDelta(1e-3)                               // an improvement must exceed 0.001
 *         .restoreBestWeights(true));                   // end with the best epoch's parameters
 * }</pre>
 *
 * <p><b>Semantics.</b> After each epoch the monitored value (any name of {@link EpochStats#METRICS}) is
 * compared with the best so far: it improves when it is lower than {@code best - minDelta} (mode
 * {@link Mode#MIN}) or higher than {@code best + minDelta} ({@link Mode#MAX}); the first epoch always
 * improves. An improvement makes it the best and resets the count of epochs without one; otherwise the
 * count grows, and when it reaches {@link #patience} the callback asks the trainer to stop after this
 * epoch. So with patience {@code p} training stops after {@code p} consecutive epochs without improvement
 * ({@code p = 0}: at the first). With {@link #restoreBestWeights}, the parameters are copied in memory at
 * each improvement and put back when training ends, whether it stopped early or ran all its epochs, so
 * the model ends with the best epoch's parameters (the optimizer's state is not restored). Defaults, as
 * Keras's: {@code val_loss}, {@link Mode#AUTO}, patience 0, minDelta 0, no restoring.
 *
 * <p>The state is reset at the start of each run, so one instance may serve several runs in turn.
 */
public final class EarlyStopping implements Callback {

    /** Whether lower or higher values of the monitored metric are better. */
    public enum Mode {
        /** Lower is better (losses). */
        MIN,
        /** Higher is better (accuracy, precision, recall, F1). */
        MAX,
        /** {@link #MAX} for accuracy, precision, recall and F1 (with or without {@code val_}), else {@link #MIN}. */
        AUTO
    }

    private final String monitor;
    private Mode mode = Mode.AUTO;
    private int patience;
    private double minDelta;
    private boolean restoreBestWeights;

    private boolean lowerIsBetter;
    private double best;
    private int bestEpoch;
    private int wait;
    private int stoppedEpoch;
    private float[] bestWeights;
    /** The state (batch norm's running statistics) that goes with {@link #bestWeights}. */
    private float[] bestState;

    /** Early stopping on {@code val_loss}. */
    public EarlyStopping() {
        this("val_loss");
    }

    /**
     * Early stopping on {@code monitor}, e.g. {@code val_accuracy} or {@code loss}.
     *
     * @throws IllegalArgumentException if there is no such metric; the message lists them
     */
    public EarlyStopping(String monitor) {
        Objects.requireNonNull(monitor, "monitor");
        if (!EpochStats.METRICS.contains(monitor)) {
            throw new IllegalArgumentException("EarlyStopping: " + EpochStats.unknown(monitor));
        }
        this.monitor = monitor;
    }

    /** Whether lower or higher is better; {@link Mode#AUTO} by default. */
    public EarlyStopping mode(Mode mode) {
        this.mode = Objects.requireNonNull(mode, "mode");
        return this;
    }

    /**
     * The number of consecutive epochs without improvement after which training stops; 0 by default.
     *
     * @throws IllegalArgumentException if negative
     */
    public EarlyStopping patience(int patience) {
        if (patience < 0) {
            throw new IllegalArgumentException("EarlyStopping: patience = " + patience + " must not be negative");
        }
        this.patience = patience;
        return this;
    }

    /**
     * The amount by which a value must beat the best to count as an improvement; 0 by default.
     *
     * @throws IllegalArgumentException if negative or not finite
     */
    public EarlyStopping minDelta(double minDelta) {
        if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
            throw new IllegalArgumentException("EarlyStopping: minDelta = " + minDelta
                    + " must be finite and not negative");
        }
        this.minDelta = minDelta;
        return this;
    }

    /** Whether the model ends with the parameters of its best epoch; false by default. */
    public EarlyStopping restoreBestWeights(boolean restore) {
        this.restoreBestWeights = restore;
        return this;
    }

    /** The monitored metric. */
    public String monitor() {
        return monitor;
    }

    /** The epoch with the best value in the last run; 0 before any epoch. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** The best value in the last run; NaN before any epoch. */
    public double bestValue() {
        return bestEpoch == 0 ? Double.NaN : best;
    }

    /** The epoch after which the last run was stopped by this callback; 0 if it was not. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }

    /**
     * Resets the state and checks that the run measures the monitored metric.
     *
     * @throws IllegalStateException if it monitors a validation metric and the run has no validation data
     */
    @Override
    public void onTrainBegin(TrainingContext context) {
        if (monitor.startsWith("val_") && !context.hasValidation()) {
            throw new IllegalStateException("EarlyStopping monitors " + monitor + ", but the run has no validation"
                    + " data: give fit(train, validation) or validationSplit(0.2), or monitor "
                    + monitor.substring("val_".length()));
        }
        lowerIsBetter = mode == Mode.MIN || mode == Mode.AUTO && !higherIsBetter(monitor);
        best = lowerIsBetter ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        bestEpoch = 0;
        wait = 0;
        stoppedEpoch = 0;
        long count = Memory.floats(context.model().parameters());
        bestWeights = restoreBestWeights ? new float[Math.toIntExact(count)] : null;
        bestState = restoreBestWeights ? new float[Math.toIntExact(Memory.floats(context.model().state()))] : null;
    }

    /**
     * Compares the epoch's value with the best, and asks to stop when patience runs out.
     *
     * @throws IllegalStateException if the run does not measure the monitored metric (it is NaN)
     */
    @Override
    public void onEpochEnd(TrainingContext context) {
        EpochStats logs = context.logs();
        double current = logs.value(monitor);
        if (Double.isNaN(current)) {
            throw new IllegalStateException("EarlyStopping monitors " + monitor + ", which this run does not"
                    + " measure (accuracy, precision, recall and F1 need data with class labels); monitor a loss");
        }
        if (lowerIsBetter ? current < best - minDelta : current > best + minDelta) {
            best = current;
            bestEpoch = logs.epoch();
            wait = 0;
            if (bestWeights != null) {
                MemorySegment parameters = context.model().parameters();
                Memory.copy(parameters, 0, bestWeights, 0, bestWeights.length);
                // batch norm's running statistics belong to the weights they were gathered with
                Memory.copy(context.model().state(), 0, bestState, 0, bestState.length);
            }
            return;
        }
        wait++;
        if (wait >= patience) {
            stoppedEpoch = logs.epoch();
            context.requestStop(String.format(Locale.ROOT, "%s has not improved on %.4g (epoch %d) by more than %s"
                    + " for %d epoch%s", monitor, best, bestEpoch, minDelta == 0 ? "0" : Double.toString(minDelta),
                    wait, wait == 1 ? "" : "s") + (bestWeights != null ? "; the best epoch's weights are restored"
                    : ""));
        }
    }

    /** Puts the best epoch's parameters back, with {@link #restoreBestWeights}. */
    @Override
    public void onTrainEnd(TrainingContext context) {
        if (bestWeights != null && bestEpoch > 0) {
            Model model = context.model();
            Memory.copy(bestWeights, 0, model.parameters(), 0, bestWeights.length);
            Memory.copy(bestState, 0, model.state(), 0, bestState.length);
        }
    }

    private static boolean higherIsBetter(String metric) {
        String name = metric.startsWith("val_") ? metric.substring("val_".length()) : metric;
        return switch (name) {
            case "accuracy", "precision", "recall", "f1" -> true;
            default -> false;
        };
    }
}
