package dev.kiln.runtime.train;

import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Shows training progress as Keras does, to a {@link PrintStream}, in one of two forms.
 *
 * <p><b>On a terminal</b>, one live line per epoch, redrawn in place (a carriage return, then the line,
 * padded with spaces over the previous one) at most every {@value #REDRAW_MILLIS} ms, with the batches
 * done, a bar, the time so far and the estimated time left, and the running training loss and accuracy:
 * <pre>
 * epoch  3/20  12/20 [=================>............]  1.21s  eta 0.81s  loss 0.4312  acc 0.8857
 * </pre>
 * When the epoch has been measured the line is drawn a last time with its measures, and ended:
 * <pre>
 * epoch  3/20  20/20 [==============================]  2.02s  loss 0.4301  acc 0.8862  f1 0.8812  val_loss 0.5012  val_acc 0.8444  val_f1 0.8390
 * </pre>
 *
 * <p><b>Elsewhere</b> (a file, a pipe, a CI log) no carriage return is written: one plain line per epoch,
 * when it ends, {@code epoch  3/20  2.02s  loss 0.4301  acc 0.8862 ...}.
 *
 * <p>After the last epoch both forms print why training stopped early, if it did
 * ({@code stopped after epoch 12: ...}), and the {@link BiasVariance} reading of the run.
 *
 * <p>{@link #ProgressBar(PrintStream)} takes the terminal form when {@link #isTerminal()} says the process
 * runs on one; {@link #ProgressBar(PrintStream, boolean)} chooses. Between redraws a batch costs a clock
 * read and a comparison: nothing is allocated.
 */
public final class ProgressBar implements Callback {

    /** The least time between two redraws of the live line, in milliseconds. */
    public static final int REDRAW_MILLIS = 100;
    private static final long REDRAW_NANOS = REDRAW_MILLIS * 1_000_000L;
    private static final int BAR_WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier clock;
    private long epochStart;
    private long lastDraw;
    private int drawnLength;

    /** A progress bar on {@code out}, live when {@link #isTerminal()}. */
    public ProgressBar(PrintStream out) {
        this(out, isTerminal());
    }

    /** A progress bar on {@code out}: live lines when {@code terminal}, else one plain line per epoch. */
    public ProgressBar(PrintStream out, boolean terminal) {
        this(out, terminal, System::nanoTime);
    }

    /** As {@link #ProgressBar(PrintStream, boolean)}, reading the time in nanoseconds from {@code clock}. */
    ProgressBar(PrintStream out, boolean terminal, LongSupplier clock) {
        this.out = Objects.requireNonNull(out, "out");
        this.terminal = terminal;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Whether the process writes to a terminal that can redraw a line: it has a console
     * ({@link System#console()}) that is a terminal ({@link Console#isTerminal()}: from JDK 22 a console
     * may exist with the output redirected), and {@code TERM} is set and not {@code dumb}.
     */
    public static boolean isTerminal() {
        Console console = System.console();
        return isTerminal(console != null && console.isTerminal(), System.getenv("TERM"));
    }

    /** {@link #isTerminal()} given whether there is a console on a terminal, and the value of {@code TERM}. */
    static boolean isTerminal(boolean console, String term) {
        return console && term != null && !term.isBlank() && !term.equals("dumb");
    }

    /** Whether this bar draws live lines. */
    public boolean terminal() {
        return terminal;
    }

    @Override
    public void onEpochBegin(TrainingContext context) {
        epochStart = clock.getAsLong();
        lastDraw = epochStart;
        drawnLength = 0;
    }

    @Override
    public void onBatchEnd(TrainingContext context) {
        if (!terminal) {
            return;
        }
        long now = clock.getAsLong();
        if (now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        double elapsed = (now - epochStart) / 1e9;
        StringBuilder line = head(context);
        line.append("  ").append(duration(elapsed));
        int step = context.step();
        line.append("  eta ").append(duration(elapsed / step * (context.steps() - step)));
        append(line, "loss", context.loss());
        append(line, "acc", context.accuracy());
        draw(line);
        out.flush();
    }

    @Override
    public void onEpochEnd(TrainingContext context) {
        double elapsed = (clock.getAsLong() - epochStart) / 1e9;
        StringBuilder line;
        if (terminal) {
            line = head(context);
        } else {
            line = new StringBuilder(epochLabel(context));
        }
        line.append("  ").append(duration(elapsed));
        context.logs().appendMeasures(line);
        if (terminal) {
            draw(line);
            out.print('\n');
        } else {
            out.print(line.append('\n'));
        }
        out.flush();
    }

    @Override
    public void onTrainEnd(TrainingContext context) {
        if (context.finishedEpochs().isEmpty()) {
            return;
        }
        if (context.stopRequested()) {
            out.print("stopped after epoch " + context.logs().epoch() + ": " + context.stopReason() + "\n");
        }
        out.print(new History(context.finishedEpochs()).biasVariance().line() + "\n");
        out.flush();
    }

    /** {@code epoch  3/20  12/20 [=====>.....]}: the label, the batches done and the bar. */
    private static StringBuilder head(TrainingContext context) {
        int step = context.step();
        int steps = context.steps();
        StringBuilder line = new StringBuilder(epochLabel(context)).append("  ");
        String width = Integer.toString(Integer.toString(steps).length());
        line.append(String.format(Locale.ROOT, "%" + width + "d/%d [", step, steps));
        int filled = (int) ((long) step * BAR_WIDTH / steps);
        for (int i = 0; i < BAR_WIDTH; i++) {
            line.append(i < filled ? '=' : i == filled ? '>' : '.');
        }
        return line.append(']');
    }

    private static String epochLabel(TrainingContext context) {
        String width = Integer.toString(Integer.toString(context.epochs()).length());
        return String.format(Locale.ROOT, "epoch %" + width + "d/%d", context.epoch(), context.epochs());
    }

    /** Writes {@code line} over the previous one: a carriage return, the line, spaces over what is left. */
    private void draw(StringBuilder line) {
        int length = line.length();
        for (int i = length; i < drawnLength; i++) {
            line.append(' ');
        }
        out.print('\r');
        out.print(line);
        drawnLength = length;
    }

    private static void append(StringBuilder line, String name, double value) {
        if (!Double.isNaN(value)) {
            line.append(String.format(Locale.ROOT, "  %s %.4f", name, value));
        }
    }

    /** {@code 0.52s}, {@code 12.3s}, {@code 2m05s}, {@code 1h02m}. */
    static String duration(double seconds) {
        if (seconds < 10) {
            return String.format(Locale.ROOT, "%.2fs", seconds);
        }
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1fs", seconds);
        }
        long whole = (long) seconds;
        if (whole < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", whole / 60, whole % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", whole / 3600, whole % 3600 / 60);
    }
}
