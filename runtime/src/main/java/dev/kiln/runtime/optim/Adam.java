package dev.kiln.runtime.optim;

import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * Adam (Kingma and Ba, 2015) with bias correction, as PyTorch's {@code torch.optim.Adam} (no weight
 * decay, no AMSGrad). At step {@code t = 1, 2, ...}, {@code g} the gradient:
 * <pre>{@code
 * m = beta1 * m + (1 - beta1) * g
 * v = beta2 * v + (1 - beta2) * g^2
 * p = p - learningRate / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon)
 * }</pre>
 * Defaults (PyTorch's): learning rate 0.001, betas 0.9 and 0.999, epsilon 1e-8. For weight decay use
 * {@link AdamW}.
 *
 * <p>State ({@link #state()}), in this order: {@code step}, {@code t} (one value; a float, which stops
 * counting at 2^24 = 16,777,216 steps, as PyTorch's float step does); {@code exp_avg}, {@code m}, and
 * {@code exp_avg_sq}, {@code v}, one value per parameter.
 */
public final class Adam implements Optimizer {

    /** PyTorch's default learning rate. */
    public static final float DEFAULT_LEARNING_RATE = 1e-3f;
    /** The default decay of the first-moment estimate. */
    public static final float DEFAULT_BETA1 = 0.9f;
    /** The default decay of the second-moment estimate. */
    public static final float DEFAULT_BETA2 = 0.999f;
    /** The default term added to the denominator for stability. */
    public static final float DEFAULT_EPSILON = 1e-8f;

    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final AdamMoments moments = new AdamMoments();
    private float learningRate;

    /** Adam with every default: learning rate 0.001, betas 0.9 and 0.999, epsilon 1e-8. */
    public Adam() {
        this(DEFAULT_LEARNING_RATE);
    }

    /**
     * Adam with the usual defaults: betas 0.9 and 0.999, epsilon 1e-8.
     *
     * @throws IllegalArgumentException if {@code learningRate} is not positive and finite
     */
    public Adam(float learningRate) {
        this(learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON);
    }

    /**
     * Adam with every hyper-parameter given.
     *
     * @throws IllegalArgumentException naming the argument, if {@code learningRate} is not positive and
     *     finite, a beta is not in {@code [0, 1)}, or {@code epsilon} is not positive and finite
     */
    public Adam(float learningRate, float beta1, float beta2, float epsilon) {
        this.learningRate = Arguments.positive("learningRate", learningRate);
        this.beta1 = Arguments.fraction("beta1", beta1);
        this.beta2 = Arguments.fraction("beta2", beta2);
        this.epsilon = Arguments.positive("epsilon", epsilon);
    }

    @Override
    public void step(MemorySegment parameters, MemorySegment gradients) {
        moments.step(parameters, gradients, learningRate, beta1, beta2, epsilon, 1f);
    }

    @Override
    public float learningRate() {
        return learningRate;
    }

    @Override
    public void setLearningRate(float learningRate) {
        this.learningRate = Arguments.positive("learningRate", learningRate);
    }

    /** {@code Adam}. */
    @Override
    public String kind() {
        return "Adam";
    }

    /** {@code learningRate}, {@code beta1}, {@code beta2}, {@code epsilon}. */
    @Override
    public Map<String, String> hyperparameters() {
        return Hyperparameters.learningRate(learningRate).add("beta1", beta1).add("beta2", beta2)
                .add("epsilon", epsilon).done();
    }

    /** {@code step}, {@code exp_avg}, {@code exp_avg_sq} after the first step; else nothing. */
    @Override
    public Map<String, float[]> state() {
        return moments.state();
    }

    @Override
    public void restoreState(Map<String, float[]> state, long parameterCount) {
        moments.restore(kind(), state, parameterCount);
    }

    @Override
    public String toString() {
        return Hyperparameters.describe(this);
    }
}
