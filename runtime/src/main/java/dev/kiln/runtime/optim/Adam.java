package dev.kiln.runtime.optim;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.Memory;
import java.lang.foreign.MemorySegment;

/**
 * Adam (Kingma and Ba, 2015) with bias correction, as PyTorch's {@code torch.optim.Adam} (no weight
 * decay, no AMSGrad). At step {@code t = 1, 2, ...}:
 * <pre>{@code
 * m = beta1 * m + (1 - beta1) * g
 * v = beta2 * v + (1 - beta2) * g^2
 * p = p - learningRate / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon)
 * }</pre>
 */
public final class Adam implements Optimizer {

    /** The default decay of the first-moment estimate. */
    public static final float DEFAULT_BETA1 = 0.9f;
    /** The default decay of the second-moment estimate. */
    public static final float DEFAULT_BETA2 = 0.999f;
    /** The default term added to the denominator for stability. */
    public static final float DEFAULT_EPSILON = 1e-8f;

    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private float learningRate;
    private MemorySegment firstMoment;
    private MemorySegment secondMoment;
    private int steps;

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
        long count = Arguments.stepSegments(parameters, gradients,
                firstMoment == null ? -1 : Memory.floats(firstMoment));
        if (firstMoment == null) {
            firstMoment = Memory.allocate(count);
            secondMoment = Memory.allocate(count);
        }
        steps++;
        float stepSize = (float) (learningRate / (1 - Math.pow(beta1, steps)));
        float correction2 = (float) Math.sqrt(1 - Math.pow(beta2, steps));
        if (Arguments.vectorizable(parameters, gradients)) {
            VectorUpdates.adam(parameters, gradients, firstMoment, secondMoment, beta1, beta2, epsilon, stepSize,
                    correction2, count);
            return;
        }
        for (long j = 0; j < count; j++) {
            float g = gradients.getAtIndex(FLOAT, j);
            float m = beta1 * firstMoment.getAtIndex(FLOAT, j) + (1 - beta1) * g;
            float v = beta2 * secondMoment.getAtIndex(FLOAT, j) + (1 - beta2) * g * g;
            firstMoment.setAtIndex(FLOAT, j, m);
            secondMoment.setAtIndex(FLOAT, j, v);
            float denominator = (float) Math.sqrt(v) / correction2 + epsilon;
            parameters.setAtIndex(FLOAT, j, parameters.getAtIndex(FLOAT, j) - stepSize * m / denominator);
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
}
