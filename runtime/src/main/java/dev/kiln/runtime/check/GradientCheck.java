package dev.kiln.runtime.check;

import dev.kiln.runtime.Model;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.Rng;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks a model's back-propagated gradients against central differences of its loss, for any
 * {@link Model} (a generated class or an interpreted one):
 * <pre>{@code
 * GradientCheckReport report = GradientCheck.of(model).run(x, t, 8);
 * System.out.println(report);            // the worst parameters, analytic against numeric
 * if (!report.passed()) throw new AssertionError(report.summary());
 * }</pre>
 * For each checked parameter value {@code w}, the numeric gradient is {@code (L(w + h) - L(w - h)) / 2h}
 * with the loss {@code L} of the same batch, and it matches the analytic one {@code g} when
 * {@code |g - n| <= absoluteTolerance + relativeTolerance * |n|}. The loss is computed in float, so the
 * step cannot be tiny: the default {@code h = 1e-2} and tolerances ({@code 1e-3 + 2e-2 |n|}) suit
 * parameters and gradients of the usual sizes (near 1 and below); a kink of ReLU or of a hinge within
 * {@code h} of a checked value can make one entry fail without a bug, which a second run with another
 * seed or batch tells apart.
 *
 * <p>By default every value of every tensor is checked, up to {@link #DEFAULT_PER_TENSOR} values per
 * tensor drawn at random (seeded); a check runs {@code 2} forward passes per checked value. The model's
 * parameters are restored exactly; its gradients hold the analytic gradient of the batch afterwards.
 *
 * <p>The check runs the model in training mode with its dropout masks frozen
 * ({@link Model#setDropoutMaskFrozen}): every pass applies the same masks (those of the model's last
 * training-mode pass, any rows it lacks drawn once), so the loss is one function of the parameters and
 * dropout's backward pass is checked too. The model's mode and frozen flag are given back afterwards, also
 * when the check throws. Batch norm normalizes with the batch's statistics, so its backward pass through them
 * is checked; the running statistics the passes move are put back afterwards. Stateful recurrent layers
 * start every pass from zeros ({@link Model#resetState()}), so that each pass is the same function of the
 * parameters.
 */
public final class GradientCheck {

    /** The default number of values checked per tensor: all of a small tensor, a sample of a large one. */
    public static final int DEFAULT_PER_TENSOR = 64;

    private final Model model;
    private double step = 1e-2;
    private double absoluteTolerance = 1e-3;
    private double relativeTolerance = 2e-2;
    private int perTensor = DEFAULT_PER_TENSOR;
    private long seed;

    private GradientCheck(Model model) {
        this.model = model;
    }

    /** A check of {@code model} with the defaults. */
    public static GradientCheck of(Model model) {
        return new GradientCheck(Objects.requireNonNull(model, "model"));
    }

    /**
     * The step {@code h} of the central differences.
     *
     * @throws IllegalArgumentException if not finite and positive
     */
    public GradientCheck step(double step) {
        if (!(Double.isFinite(step) && step > 0)) {
            throw new IllegalArgumentException("gradient check: step = " + step + " must be finite and positive, e.g. 1e-2");
        }
        this.step = step;
        return this;
    }

    /**
     * The tolerance: an analytic gradient {@code g} matches a numeric one {@code n} when
     * {@code |g - n| <= absolute + relative * |n|}.
     *
     * @throws IllegalArgumentException if either is negative or not finite
     */
    public GradientCheck tolerance(double absolute, double relative) {
        if (!(Double.isFinite(absolute) && absolute >= 0 && Double.isFinite(relative) && relative >= 0)) {
            throw new IllegalArgumentException("gradient check: tolerances " + absolute + " and " + relative
                    + " must be finite and not negative, e.g. tolerance(1e-3, 2e-2)");
        }
        this.absoluteTolerance = absolute;
        this.relativeTolerance = relative;
        return this;
    }

    /**
     * At most this many values per tensor, drawn at random without repetition (all of a smaller tensor).
     *
     * @throws IllegalArgumentException if not positive
     */
    public GradientCheck perTensor(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("gradient check: perTensor = " + count + " must be positive");
        }
        this.perTensor = count;
        return this;
    }

    /** The seed of the draw of values to check. */
    public GradientCheck seed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * Checks the gradients of the loss of {@code batch} samples of {@code input} against {@code target}
     * (both from offset 0, row-major, as {@link Model#forward} and {@link Model#loss} take them).
     *
     * @throws IllegalArgumentException as {@link Model#forward} and {@link Model#loss} do for bad batches
     *     and arrays
     * @throws IllegalStateException if the model declares no loss, or its loss is not finite
     */
    public GradientCheckReport run(float[] input, float[] target, int batch) {
        boolean training = model.training();
        boolean frozen = model.dropoutMaskFrozen();
        float[] state = model.state().toArray(ValueLayout.JAVA_FLOAT);
        model.setTraining(true);
        model.setDropoutMaskFrozen(true);
        try {
            return check(input, target, batch);
        } finally {
            model.setTraining(training);
            model.setDropoutMaskFrozen(frozen);
            MemorySegment.copy(MemorySegment.ofArray(state), 0, model.state(), 0, (long) state.length * Float.BYTES);
        }
    }

    private GradientCheckReport check(float[] input, float[] target, int batch) {
        MemorySegment parameters = model.parameters();
        model.zeroGradients();
        model.resetState();
        model.forward(input, 0, batch);
        float loss = model.loss(target, 0);
        if (!Float.isFinite(loss)) {
            throw new IllegalStateException(model.spec().name() + ": the loss is " + loss
                    + " at the current parameters; a gradient check needs a finite loss");
        }
        model.backward();
        float[] analytic = model.gradients().toArray(ValueLayout.JAVA_FLOAT);

        Rng rng = new Rng(seed);
        List<GradientCheckReport.Entry> entries = new ArrayList<>();
        for (Parameter tensor : model.parameterLayout()) {
            for (int local : chosen(tensor.size(), rng)) {
                long at = tensor.offset() + local;
                float saved = parameters.getAtIndex(ValueLayout.JAVA_FLOAT, at);
                parameters.setAtIndex(ValueLayout.JAVA_FLOAT, at, (float) (saved + step));
                double plus = lossAt(input, target, batch);
                parameters.setAtIndex(ValueLayout.JAVA_FLOAT, at, (float) (saved - step));
                double minus = lossAt(input, target, batch);
                parameters.setAtIndex(ValueLayout.JAVA_FLOAT, at, saved);
                // the step actually taken, after rounding to float
                double taken = (double) (float) (saved + step) - (double) (float) (saved - step);
                double numeric = (plus - minus) / taken;
                double g = analytic[(int) at];
                double error = Math.abs(g - numeric);
                boolean ok = error <= absoluteTolerance + relativeTolerance * Math.abs(numeric);
                entries.add(new GradientCheckReport.Entry(tensor.name() + index(tensor.shape(), local), (int) at, g,
                        numeric, error, ok));
            }
        }
        return new GradientCheckReport(model.spec().name(), batch, step, absoluteTolerance, relativeTolerance, entries);
    }

    private double lossAt(float[] input, float[] target, int batch) {
        model.resetState();
        model.forward(input, 0, batch);
        return model.loss(target, 0);
    }

    /** All indices below {@code size} when there are at most {@link #perTensor}, else that many, sorted. */
    private int[] chosen(int size, Rng rng) {
        if (size <= perTensor) {
            int[] all = new int[size];
            for (int i = 0; i < size; i++) {
                all[i] = i;
            }
            return all;
        }
        // a partial Fisher-Yates shuffle over the indices, then sorted for a readable report
        int[] pool = new int[size];
        for (int i = 0; i < size; i++) {
            pool[i] = i;
        }
        for (int i = 0; i < perTensor; i++) {
            int j = i + (int) (rng.nextFloat() * (size - i));
            j = Math.min(j, size - 1);
            int swap = pool[i];
            pool[i] = pool[j];
            pool[j] = swap;
        }
        int[] picked = java.util.Arrays.copyOf(pool, perTensor);
        java.util.Arrays.sort(picked);
        return picked;
    }

    /** {@code [3, 1]} for value 7 of a (4, 2) tensor: its index in each dimension. */
    static String index(List<Integer> shape, int local) {
        int[] at = new int[shape.size()];
        int rest = local;
        for (int d = shape.size() - 1; d >= 0; d--) {
            at[d] = rest % shape.get(d);
            rest /= shape.get(d);
        }
        StringBuilder s = new StringBuilder("[");
        for (int d = 0; d < at.length; d++) {
            s.append(d == 0 ? "" : ", ").append(at[d]);
        }
        return s.append(']').toString();
    }
}
