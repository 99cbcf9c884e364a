package dev.kiln.runtime.optim;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.Memory;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * Adagrad (Duchi, Hazan and Singer, 2011), as PyTorch's {@code torch.optim.Adagrad} without learning-rate
 * decay or weight decay: each parameter's step shrinks with the sum of its squared gradients. At each
 * step, {@code g} the gradient:
 * <pre>{@code
 * s = s + g^2                       (s starts at initialAccumulator)
 * p = p - learningRate * g / (sqrt(s) + epsilon)
 * }</pre>
 * Defaults (PyTorch's): learning rate 0.01, epsilon 1e-10, initial accumulator 0. For a decaying
 * learning rate use a {@link LearningRateSchedule}.
 *
 * <p>State ({@link #state()}): {@code sum}, {@code s}, one value per parameter.
 */
public final class Adagrad implements Optimizer {

    /** PyTorch's default learning rate. */
    public static final float DEFAULT_LEARNING_RATE = 0.01f;
    /** PyTorch's default term added to the denominator. */
    public static final float DEFAULT_EPSILON = 1e-10f;
    /** PyTorch's default start of the sum of squares. */
    public static final float DEFAULT_INITIAL_ACCUMULATOR = 0f;

    static final String SUM = "sum";

    private final float epsilon;
    private final float initialAccumulator;
    private float learningRate;
    private MemorySegment sum;

    /** Adagrad with every default: learning rate 0.01, epsilon 1e-10, initial accumulator 0. */
    public Adagrad() {
        this(DEFAULT_LEARNING_RATE);
    }

    /**
     * Adagrad with the default epsilon and initial accumulator.
     *
     * @throws IllegalArgumentException if {@code learningRate} is not positive and finite
     */
    public Adagrad(float learningRate) {
        this(learningRate, DEFAULT_EPSILON, DEFAULT_INITIAL_ACCUMULATOR);
    }

    /**
     * Adagrad with every hyper-parameter given.
     *
     * @throws IllegalArgumentException naming the argument, if {@code learningRate} or {@code epsilon} is
     *     not positive and finite, or {@code initialAccumulator} is negative or infinite
     */
    public Adagrad(float learningRate, float epsilon, float initialAccumulator) {
        this.learningRate = Arguments.positive("learningRate", learningRate);
        this.epsilon = Arguments.positive("epsilon", epsilon);
        this.initialAccumulator = Arguments.nonNegative("initialAccumulator", initialAccumulator);
    }

    @Override
    public void step(MemorySegment parameters, MemorySegment gradients) {
        long count = Arguments.stepSegments(parameters, gradients, sum == null ? -1 : Memory.floats(sum));
        if (sum == null) {
            sum = Memory.allocate(count);
            for (long j = 0; j < count; j++) {
                sum.setAtIndex(FLOAT, j, initialAccumulator);
            }
        }
        long done = Arguments.vectorizable(parameters, gradients)
                ? AdaptiveVectorUpdates.adagrad(parameters, gradients, sum, learningRate, epsilon, count) : 0;
        for (long j = done; j < count; j++) {
            float g = gradients.getAtIndex(FLOAT, j);
            float s = sum.getAtIndex(FLOAT, j) + g * g;
            sum.setAtIndex(FLOAT, j, s);
            parameters.setAtIndex(FLOAT, j,
                    parameters.getAtIndex(FLOAT, j) - learningRate * (g / ((float) Math.sqrt(s) + epsilon)));
        }
    }

    @Override
    public float learningRate() {
        return learningRate;
    }

    @Override
    public void setLearningRate(float learningRate) {
        this.learningRate = Arguments.positive("learningRate", learningRate);
    }

    /** {@code Adagrad}. */
    @Override
    public String kind() {
        return "Adagrad";
    }

    /** {@code learningRate}, {@code epsilon}, {@code initialAccumulator}. */
    @Override
    public Map<String, String> hyperparameters() {
        return Hyperparameters.learningRate(learningRate).add("epsilon", epsilon)
                .add("initialAccumulator", initialAccumulator).done();
    }

    /** {@code sum} after the first step; else nothing. */
    @Override
    public Map<String, float[]> state() {
        return sum == null ? Map.of() : StateTensors.export().add(SUM, sum).done();
    }

    @Override
    public void restoreState(Map<String, float[]> state, long parameterCount) {
        boolean stepped = StateTensors.expect(kind(), parameterCount).perParameter(SUM).check(state);
        sum = stepped ? StateTensors.load(state.get(SUM), sum) : null;
    }

    @Override
    public String toString() {
        return Hyperparameters.describe(this);
    }
}
