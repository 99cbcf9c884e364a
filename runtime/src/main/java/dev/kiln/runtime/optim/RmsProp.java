package dev.kiln.runtime.optim;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.Memory;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * RMSProp (Hinton's lecture notes, 2012; the centered form from Graves, 2013), as PyTorch's
 * {@code torch.optim.RMSprop} without weight decay: the gradient is divided by the running root mean
 * square of past gradients. At each step, {@code g} the gradient:
 * <pre>{@code
 * v = alpha * v + (1 - alpha) * g^2                 (v, a and b start at 0)
 * a = alpha * a + (1 - alpha) * g                   (centered only)
 * d = sqrt(v) + epsilon,  or centered  d = sqrt(v - a^2) + epsilon
 * b = momentum * b + g / d,  p = p - learningRate * b       (with momentum)
 * p = p - learningRate * g / d                              (without)
 * }</pre>
 * Defaults (PyTorch's): learning rate 0.01, alpha 0.99, epsilon 1e-8, momentum 0, not centered.
 *
 * <p>State ({@link #state()}), in this order, one value per parameter each: {@code square_avg},
 * {@code v}; {@code momentum_buffer}, {@code b}, with momentum only; {@code grad_avg}, {@code a}, when
 * centered only.
 */
public final class RmsProp implements Optimizer {

    /** PyTorch's default learning rate. */
    public static final float DEFAULT_LEARNING_RATE = 0.01f;
    /** PyTorch's default decay of the running averages. */
    public static final float DEFAULT_ALPHA = 0.99f;
    /** PyTorch's default term added to the denominator. */
    public static final float DEFAULT_EPSILON = 1e-8f;

    static final String SQUARE_AVG = "square_avg";
    static final String GRAD_AVG = "grad_avg";

    private final float alpha;
    private final float epsilon;
    private final float momentum;
    private final boolean centered;
    private float learningRate;
    private MemorySegment squareAverage;
    private MemorySegment velocity;
    private MemorySegment gradientAverage;

    /** RMSProp with every default: learning rate 0.01, alpha 0.99, epsilon 1e-8, no momentum, not centered. */
    public RmsProp() {
        this(DEFAULT_LEARNING_RATE);
    }

    /**
     * RMSProp with the default alpha and epsilon, without momentum, not centered.
     *
     * @throws IllegalArgumentException if {@code learningRate} is not positive and finite
     */
    public RmsProp(float learningRate) {
        this(learningRate, DEFAULT_ALPHA, DEFAULT_EPSILON, 0f);
    }

    /**
     * RMSProp, not centered, with every other hyper-parameter given ({@code momentum} 0 for none).
     *
     * @throws IllegalArgumentException naming the argument, if {@code learningRate} or {@code epsilon} is
     *     not positive and finite, or {@code alpha} or {@code momentum} is not in {@code [0, 1)}
     */
    public RmsProp(float learningRate, float alpha, float epsilon, float momentum) {
        this(learningRate, alpha, epsilon, momentum, false);
    }

    private RmsProp(float learningRate, float alpha, float epsilon, float momentum, boolean centered) {
        this.learningRate = Arguments.positive("learningRate", learningRate);
        this.alpha = Arguments.fraction("alpha", alpha);
        this.epsilon = Arguments.positive("epsilon", epsilon);
        this.momentum = Arguments.fraction("momentum", momentum);
        this.centered = centered;
    }

    /**
     * Centered RMSProp, which divides by an estimate of the gradient's standard deviation instead of its
     * root mean square ({@code momentum} 0 for none).
     *
     * @throws IllegalArgumentException naming the argument, if {@code learningRate} or {@code epsilon} is
     *     not positive and finite, or {@code alpha} or {@code momentum} is not in {@code [0, 1)}
     */
    public static RmsProp centered(float learningRate, float alpha, float epsilon, float momentum) {
        return new RmsProp(learningRate, alpha, epsilon, momentum, true);
    }

    @Override
    public void step(MemorySegment parameters, MemorySegment gradients) {
        long count = Arguments.stepSegments(parameters, gradients,
                squareAverage == null ? -1 : Memory.floats(squareAverage));
        if (squareAverage == null) {
            squareAverage = Memory.allocate(count);
            velocity = momentum == 0 ? null : Memory.allocate(count);
            gradientAverage = centered ? Memory.allocate(count) : null;
        }
        long done = Arguments.vectorizable(parameters, gradients) ? vectorStep(parameters, gradients, count) : 0;
        float oneMinusAlpha = 1 - alpha;
        for (long j = done; j < count; j++) {
            float g = gradients.getAtIndex(FLOAT, j);
            float v = alpha * squareAverage.getAtIndex(FLOAT, j) + oneMinusAlpha * g * g;
            squareAverage.setAtIndex(FLOAT, j, v);
            float d;
            if (centered) {
                float a = alpha * gradientAverage.getAtIndex(FLOAT, j) + oneMinusAlpha * g;
                gradientAverage.setAtIndex(FLOAT, j, a);
                d = (float) Math.sqrt(v - a * a) + epsilon;
            } else {
                d = (float) Math.sqrt(v) + epsilon;
            }
            float p = parameters.getAtIndex(FLOAT, j);
            if (momentum != 0) {
                float b = momentum * velocity.getAtIndex(FLOAT, j) + g / d;
                velocity.setAtIndex(FLOAT, j, b);
                parameters.setAtIndex(FLOAT, j, p - learningRate * b);
            } else {
                parameters.setAtIndex(FLOAT, j, p - learningRate * (g / d));
            }
        }
    }

    private long vectorStep(MemorySegment p, MemorySegment g, long count) {
        if (centered) {
            return momentum == 0
                    ? AdaptiveVectorUpdates.rmsPropCentered(p, g, squareAverage, gradientAverage, learningRate, alpha,
                            epsilon, count)
                    : AdaptiveVectorUpdates.rmsPropCenteredMomentum(p, g, squareAverage, gradientAverage, velocity,
                            learningRate, alpha, epsilon, momentum, count);
        }
        return momentum == 0
                ? AdaptiveVectorUpdates.rmsProp(p, g, squareAverage, learningRate, alpha, epsilon, count)
                : AdaptiveVectorUpdates.rmsPropMomentum(p, g, squareAverage, velocity, learningRate, alpha, epsilon,
                        momentum, count);
    }

    @Override
    public float learningRate() {
        return learningRate;
    }

    @Override
    public void setLearningRate(float learningRate) {
        this.learningRate = Arguments.positive("learningRate", learningRate);
    }

    /** {@code RmsProp}. */
    @Override
    public String kind() {
        return "RmsProp";
    }

    /** {@code learningRate}, {@code alpha}, {@code epsilon}, {@code momentum}, {@code centered}. */
    @Override
    public Map<String, String> hyperparameters() {
        return Hyperparameters.learningRate(learningRate).add("alpha", alpha).add("epsilon", epsilon)
                .add("momentum", momentum).add("centered", centered).done();
    }

    /** {@code square_avg}, then {@code momentum_buffer} and {@code grad_avg} when held, after the first step. */
    @Override
    public Map<String, float[]> state() {
        if (squareAverage == null) {
            return Map.of();
        }
        StateTensors.Export export = StateTensors.export().add(SQUARE_AVG, squareAverage);
        if (velocity != null) {
            export.add(Sgd.MOMENTUM_BUFFER, velocity);
        }
        if (gradientAverage != null) {
            export.add(GRAD_AVG, gradientAverage);
        }
        return export.done();
    }

    @Override
    public void restoreState(Map<String, float[]> state, long parameterCount) {
        StateTensors.Expected expected = StateTensors.expect(kind(), parameterCount).perParameter(SQUARE_AVG);
        if (momentum != 0) {
            expected.perParameter(Sgd.MOMENTUM_BUFFER);
        }
        if (centered) {
            expected.perParameter(GRAD_AVG);
        }
        if (!expected.check(state)) {
            squareAverage = null;
            velocity = null;
            gradientAverage = null;
            return;
        }
        squareAverage = StateTensors.load(state.get(SQUARE_AVG), squareAverage);
        velocity = momentum == 0 ? null : StateTensors.load(state.get(Sgd.MOMENTUM_BUFFER), velocity);
        gradientAverage = centered ? StateTensors.load(state.get(GRAD_AVG), gradientAverage) : null;
    }

    @Override
    public String toString() {
        return Hyperparameters.describe(this);
    }
}
