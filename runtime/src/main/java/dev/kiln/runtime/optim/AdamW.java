package dev.kiln.runtime.optim;

import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, 2019), as PyTorch's {@code torch.optim.AdamW}
 * (no AMSGrad): the parameters shrink by a factor of their own, instead of an L2 term joining the gradient
 * and its moments. At step {@code t = 1, 2, ...}, {@code g} the gradient:
 * <pre>{@code
 * p = p * (1 - learningRate * weightDecay)
 * m = beta1 * m + (1 - beta1) * g
 * v = beta2 * v + (1 - beta2) * g^2
 * p = p - learningRate / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon)
 * }</pre>
 * (both lines on {@code p} are one assignment). Defaults (PyTorch's): learning rate 0.001, betas 0.9 and
 * 0.999, epsilon 1e-8, weight decay 0.01. With weight decay 0 it computes exactly what {@link Adam} does.
 *
 * <p>State ({@link #state()}): as {@link Adam}'s, {@code step}, {@code exp_avg}, {@code exp_avg_sq}.
 */
public final class AdamW implements Optimizer {

    /** PyTorch's default learning rate. */
    public static final float DEFAULT_LEARNING_RATE = 1e-3f;
    /** PyTorch's default weight decay. */
    public static final float DEFAULT_WEIGHT_DECAY = 0.01f;

    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final AdamMoments moments = new AdamMoments();
    private float learningRate;

    /** AdamW with every default: learning rate 0.001, betas 0.9 and 0.999, epsilon 1e-8, weight decay 0.01. */
    public AdamW() {
        this(DEFAULT_LEARNING_RATE);
    }

    /**
     * AdamW with the default betas, epsilon and weight decay (0.01).
     *
     * @throws IllegalArgumentException if {@code learningRate} is not positive and finite
     */
    public AdamW(float learningRate) {
        this(learningRate, DEFAULT_WEIGHT_DECAY);
    }

    /**
     * AdamW with the default betas and epsilon.
     *
     * @throws IllegalArgumentException naming the argument, if {@code learningRate} is not positive and
     *     finite, or {@code weightDecay} is negative or infinite
     */
    public AdamW(float learningRate, float weightDecay) {
        this(learningRate, Adam.DEFAULT_BETA1, Adam.DEFAULT_BETA2, Adam.DEFAULT_EPSILON, weightDecay);
    }

    /**
     * AdamW with every hyper-parameter given.
     *
     * @throws IllegalArgumentException naming the argument, if {@code learningRate} is not positive and
     *     finite, a beta is not in {@code [0, 1)}, {@code epsilon} is not positive and finite, or
     *     {@code weightDecay} is negative or infinite
     */
    public AdamW(float learningRate, float beta1, float beta2, float epsilon, float weightDecay) {
        this.learningRate = Arguments.positive("learningRate", learningRate);
        this.beta1 = Arguments.fraction("beta1", beta1);
        this.beta2 = Arguments.fraction("beta2", beta2);
        this.epsilon = Arguments.positive("epsilon", epsilon);
        this.weightDecay = Arguments.nonNegative("weightDecay", weightDecay);
    }

    @Override
    public void step(MemorySegment parameters, MemorySegment gradients) {
        float decay = (float) (1 - (double) learningRate * weightDecay);
        moments.step(parameters, gradients, learningRate, beta1, beta2, epsilon, decay);
    }

    @Override
    public float learningRate() {
        return learningRate;
    }

    @Override
    public void setLearningRate(float learningRate) {
        this.learningRate = Arguments.positive("learningRate", learningRate);
    }

    /** {@code AdamW}. */
    @Override
    public String kind() {
        return "AdamW";
    }

    /** {@code learningRate}, {@code beta1}, {@code beta2}, {@code epsilon}, {@code weightDecay}. */
    @Override
    public Map<String, String> hyperparameters() {
        return Hyperparameters.learningRate(learningRate).add("beta1", beta1).add("beta2", beta2)
                .add("epsilon", epsilon).add("weightDecay", weightDecay).done();
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
