package dev.kiln.runtime.optim;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.Memory;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * Stochastic gradient descent, optionally with momentum (classical or Nesterov's) and weight decay, as
 * PyTorch's {@code torch.optim.SGD} with dampening 0. At each step, {@code g} the gradient:
 * <pre>{@code
 * g = g + weightDecay * p           (with weight decay: L2 regularization added to the gradient)
 * b = momentum * b + g              (with momentum; b starts at 0)
 * g = b                             (classical momentum)
 * g = g + momentum * b              (Nesterov momentum, instead)
 * p = p - learningRate * g
 * }</pre>
 * Defaults (PyTorch's): learning rate 0.001, momentum 0, weight decay 0, no Nesterov.
 *
 * <p>State ({@link #state()}): {@code momentum_buffer}, {@code b}, one value per parameter, with momentum
 * only; without momentum SGD holds no state.
 */
public final class Sgd implements Optimizer {

    /** PyTorch's default learning rate. */
    public static final float DEFAULT_LEARNING_RATE = 1e-3f;

    static final String MOMENTUM_BUFFER = "momentum_buffer";

    private final float momentum;
    private final float weightDecay;
    private final boolean nesterov;
    private float learningRate;
    private MemorySegment velocity;

    /** Plain gradient descent with the default learning rate, 0.001. */
    public Sgd() {
        this(DEFAULT_LEARNING_RATE);
    }

    /**
     * Plain gradient descent, {@code p -= learningRate * g}.
     *
     * @throws IllegalArgumentException if {@code learningRate} is not positive and finite
     */
    public Sgd(float learningRate) {
        this(learningRate, 0f);
    }

    /**
     * Gradient descent with (classical) momentum.
     *
     * @throws IllegalArgumentException if {@code learningRate} is not positive and finite, or
     *     {@code momentum} is not in {@code [0, 1)}
     */
    public Sgd(float learningRate, float momentum) {
        this(learningRate, momentum, 0f);
    }

    /**
     * Gradient descent with (classical) momentum and weight decay.
     *
     * @throws IllegalArgumentException naming the argument, if {@code learningRate} is not positive and
     *     finite, {@code momentum} is not in {@code [0, 1)}, or {@code weightDecay} is negative or infinite
     */
    public Sgd(float learningRate, float momentum, float weightDecay) {
        this(learningRate, momentum, weightDecay, false);
    }

    private Sgd(float learningRate, float momentum, float weightDecay, boolean nesterov) {
        this.learningRate = Arguments.positive("learningRate", learningRate);
        this.momentum = Arguments.fraction("momentum", momentum);
        this.weightDecay = Arguments.nonNegative("weightDecay", weightDecay);
        if (nesterov && momentum == 0) {
            throw new IllegalArgumentException("momentum = 0.0 must be positive for Nesterov momentum; for plain"
                    + " gradient descent use new Sgd(learningRate)");
        }
        this.nesterov = nesterov;
    }

    /**
     * Gradient descent with Nesterov momentum.
     *
     * @throws IllegalArgumentException if {@code learningRate} is not positive and finite, or
     *     {@code momentum} is not in {@code (0, 1)}
     */
    public static Sgd nesterov(float learningRate, float momentum) {
        return nesterov(learningRate, momentum, 0f);
    }

    /**
     * Gradient descent with Nesterov momentum and weight decay.
     *
     * @throws IllegalArgumentException naming the argument, if {@code learningRate} is not positive and
     *     finite, {@code momentum} is not in {@code (0, 1)}, or {@code weightDecay} is negative or infinite
     */
    public static Sgd nesterov(float learningRate, float momentum, float weightDecay) {
        return new Sgd(learningRate, momentum, weightDecay, true);
    }

    @Override
    public void step(MemorySegment parameters, MemorySegment gradients) {
        long count = Arguments.stepSegments(parameters, gradients, velocity == null ? -1 : Memory.floats(velocity));
        if (momentum != 0 && velocity == null) {
            velocity = Memory.allocate(count);
        }
        long done = Arguments.vectorizable(parameters, gradients) ? vectorStep(parameters, gradients, count) : 0;
        for (long j = done; j < count; j++) {
            float p = parameters.getAtIndex(FLOAT, j);
            float g = gradients.getAtIndex(FLOAT, j);
            if (weightDecay != 0) {
                g = g + weightDecay * p;
            }
            if (momentum != 0) {
                float b = momentum * velocity.getAtIndex(FLOAT, j) + g;
                velocity.setAtIndex(FLOAT, j, b);
                g = nesterov ? g + momentum * b : b;
            }
            parameters.setAtIndex(FLOAT, j, p - learningRate * g);
        }
    }

    private long vectorStep(MemorySegment p, MemorySegment g, long count) {
        boolean decay = weightDecay != 0;
        if (momentum == 0) {
            return decay ? VectorUpdates.sgdDecay(p, g, learningRate, weightDecay, count)
                    : VectorUpdates.sgd(p, g, learningRate, count);
        }
        if (nesterov) {
            return decay ? VectorUpdates.nesterovDecay(p, g, velocity, learningRate, momentum, weightDecay, count)
                    : VectorUpdates.nesterov(p, g, velocity, learningRate, momentum, count);
        }
        return decay ? VectorUpdates.momentumDecay(p, g, velocity, learningRate, momentum, weightDecay, count)
                : VectorUpdates.momentum(p, g, velocity, learningRate, momentum, count);
    }

    @Override
    public float learningRate() {
        return learningRate;
    }

    @Override
    public void setLearningRate(float learningRate) {
        this.learningRate = Arguments.positive("learningRate", learningRate);
    }

    /** {@code Sgd}. */
    @Override
    public String kind() {
        return "Sgd";
    }

    /** {@code learningRate}, {@code momentum}, {@code weightDecay}, {@code nesterov}. */
    @Override
    public Map<String, String> hyperparameters() {
        return Hyperparameters.learningRate(learningRate).add("momentum", momentum).add("weightDecay", weightDecay)
                .add("nesterov", nesterov).done();
    }

    /** {@code momentum_buffer} after the first step, with momentum; else nothing. */
    @Override
    public Map<String, float[]> state() {
        return velocity == null ? Map.of() : StateTensors.export().add(MOMENTUM_BUFFER, velocity).done();
    }

    @Override
    public void restoreState(Map<String, float[]> state, long parameterCount) {
        StateTensors.Expected expected = StateTensors.expect(kind(), parameterCount);
        if (momentum != 0) {
            expected.perParameter(MOMENTUM_BUFFER);
        }
        velocity = expected.check(state) ? StateTensors.load(state.get(MOMENTUM_BUFFER), velocity) : null;
    }

    @Override
    public String toString() {
        return Hyperparameters.describe(this);
    }
}
